/**
 * A schema flattened to what the differ compares: its types, values, bounds, properties, items,
 * variants (`oneOf`/`anyOf` shapes) and rules, with `allOf` branches merged and local `$ref`s followed.
 */

export type JsonObject = Record<string, unknown>;
export const JSON_MEDIA = 'application/json';
/** Guards against pathological nesting that no cycle guard catches (fresh wrapper objects). */
export const MAX_DEPTH = 64;
/** Upper bounds tighten when lowered, lower bounds when raised. */
export const BOUNDS: ReadonlyArray<readonly [string, 'upper' | 'lower']> = [
  ['maxLength', 'upper'],
  ['minLength', 'lower'],
  ['maximum', 'upper'],
  ['minimum', 'lower'],
  ['exclusiveMaximum', 'upper'],
  ['exclusiveMinimum', 'lower'],
  ['maxItems', 'upper'],
  ['minItems', 'lower'],
  ['maxProperties', 'upper'],
  ['minProperties', 'lower'],
];
/** Cross-field keywords compared as opaque rule blocks. */
const RULE_KEYWORDS = ['if', 'then', 'else', 'dependentRequired', 'dependentSchemas', 'not'] as const;
/** Keywords that make a `oneOf`/`anyOf` branch a shape (a variant) rather than a constraint (a rule). */
const SHAPE_KEYWORDS = ['$ref', 'type', 'properties', 'items', 'enum', 'const', 'allOf'];
const ANNOTATIONS = new Set(['description', 'title', 'examples', 'example', 'externalDocs', '$comment', 'deprecated']);
/** Maps whose keys are names (properties), not keywords: annotation stripping must not touch them. */
const NAME_MAPS = new Set(['properties', 'patternProperties', 'dependentRequired', 'dependentSchemas', '$defs']);

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function asObject(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}

/** Key-order-independent JSON, so equal values compare equal whatever their key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

export function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

export function escapeSegment(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}

function unescapeSegment(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

function resolvePointer(doc: unknown, ref: string): unknown {
  return ref
    .slice(2)
    .split('/')
    .map(unescapeSegment)
    .reduce<unknown>((node, key) => (isObject(node) || Array.isArray(node) ? (node as JsonObject)[key] : undefined), doc);
}

interface Resolved {
  node: JsonObject;
  /** The object reached after following every `$ref`: the same object for every use of a component. */
  identity: object | undefined;
  /** Last segment of the first `$ref` (the component name). */
  refName: string | undefined;
  /** A `true`/`false` boolean schema. */
  boolean: boolean | undefined;
}

/** Follows local `$ref`s; siblings of a `$ref` (allowed in 3.1) are kept as an extra `allOf` branch. */
export function resolve(doc: unknown, raw: unknown): Resolved {
  if (typeof raw === 'boolean') return { node: {}, identity: undefined, refName: undefined, boolean: raw };
  let current: unknown = raw;
  let refName: string | undefined;
  const siblings: JsonObject[] = [];
  const followed = new Set<string>();
  while (isObject(current) && typeof current.$ref === 'string' && current.$ref.startsWith('#/') && !followed.has(current.$ref)) {
    followed.add(current.$ref);
    refName ??= unescapeSegment(current.$ref.split('/').at(-1) ?? '');
    const { $ref: _ref, ...rest } = current;
    if (Object.keys(rest).length > 0) siblings.push(rest);
    current = resolvePointer(doc, current.$ref);
  }
  const target = isObject(current) ? current : {};
  const node = siblings.length > 0 ? { allOf: [target, ...siblings] } : target;
  return {
    node,
    identity: isObject(current) ? current : undefined,
    refName,
    boolean: typeof current === 'boolean' ? current : undefined,
  };
}

/** A copy with local `$ref`s inlined (cycles left as `$ref`) and annotations dropped, for comparing rule blocks. */
function inlineForComparison(doc: unknown, value: unknown, inside: ReadonlySet<string> = new Set(), parentKey = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => inlineForComparison(doc, item, inside));
  if (!isObject(value)) return value;
  if (typeof value.$ref === 'string' && value.$ref.startsWith('#/') && !inside.has(value.$ref)) {
    const { $ref, ...rest } = value;
    const target = inlineForComparison(doc, resolvePointer(doc, $ref), new Set([...inside, $ref]));
    return Object.keys(rest).length > 0 ? { allOf: [target, inlineForComparison(doc, rest, inside)] } : target;
  }
  const keepAll = NAME_MAPS.has(parentKey);
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => keepAll || !(ANNOTATIONS.has(key) || key.startsWith('x-')))
      .map(([key, item]) => [key, inlineForComparison(doc, item, inside, keepAll ? '' : key)]),
  );
}

// ---------------------------------------------------------------------------------------------
// Schema normalization: one flat view of a schema with its `allOf` branches merged

export interface Rule {
  /** The branch's `x-rule` name, when it has one. */
  name: string | undefined;
  label: string;
  content: string;
}

export interface Variant {
  name: string;
  schema: unknown;
}

export interface Flat {
  /** Allowed JSON types; undefined = any. */
  types: Set<string> | undefined;
  /** Allowed values from `enum`/`const`; undefined = any. */
  values: unknown[] | undefined;
  fromConst: boolean;
  properties: Map<string, unknown[]>;
  required: Set<string>;
  additionalProperties: unknown;
  items: unknown[];
  bounds: Map<string, number>;
  pattern: string | undefined;
  format: string | undefined;
  multipleOf: number | undefined;
  uniqueItems: boolean;
  hasDefault: boolean;
  defaultValue: unknown;
  readOnly: boolean;
  writeOnly: boolean;
  rules: Rule[];
  variants: Variant[] | undefined;
}

function emptyFlat(): Flat {
  return {
    types: undefined,
    values: undefined,
    fromConst: false,
    properties: new Map(),
    required: new Set(),
    additionalProperties: undefined,
    items: [],
    bounds: new Map(),
    pattern: undefined,
    format: undefined,
    multipleOf: undefined,
    uniqueItems: false,
    hasDefault: false,
    defaultValue: undefined,
    readOnly: false,
    writeOnly: false,
    rules: [],
    variants: undefined,
  };
}

function typesOf(node: JsonObject): Set<string> | undefined {
  if (typeof node.type === 'string') return new Set([node.type]);
  if (Array.isArray(node.type)) return new Set(node.type.filter((type): type is string => typeof type === 'string'));
  return undefined;
}

function intersectTypes(current: Set<string> | undefined, next: Set<string> | undefined): Set<string> | undefined {
  if (!current) return next;
  if (!next) return current;
  return new Set([...current].filter((type) => next.has(type) || (type === 'integer' && next.has('number'))));
}

function isNullSchema(doc: unknown, branch: unknown): boolean {
  const { node } = resolve(doc, branch);
  const types = typesOf(node);
  return types?.size === 1 && types.has('null') && Object.keys(node).every((key) => key === 'type' || ANNOTATIONS.has(key));
}

function isShape(doc: unknown, branch: unknown): boolean {
  const raw = asObject(branch);
  return (
    SHAPE_KEYWORDS.some((keyword) => keyword in raw) || SHAPE_KEYWORDS.some((keyword) => keyword in resolve(doc, branch).node)
  );
}

/** Merges a schema (and its `allOf` branches) into `flat`; `allOf` intersects, so constraints tighten. */
function absorb(doc: unknown, raw: unknown, flat: Flat, visiting: Set<object>): void {
  const { node, identity, boolean } = resolve(doc, raw);
  if (boolean === false) flat.types = new Set();
  if (identity) {
    if (visiting.has(identity)) return;
    visiting.add(identity);
  }
  flat.types = intersectTypes(flat.types, typesOf(node));
  absorbValues(node, flat);
  for (const [name, schema] of Object.entries(asObject(node.properties))) {
    flat.properties.set(name, [...(flat.properties.get(name) ?? []), schema]);
  }
  if (Array.isArray(node.required)) for (const name of node.required) if (typeof name === 'string') flat.required.add(name);
  if (node.additionalProperties !== undefined && flat.additionalProperties !== false)
    flat.additionalProperties = node.additionalProperties;
  if (node.items !== undefined) flat.items.push(node.items);
  for (const [keyword, bound] of BOUNDS) {
    const value = node[keyword];
    if (typeof value !== 'number') continue;
    const previous = flat.bounds.get(keyword);
    flat.bounds.set(
      keyword,
      previous === undefined ? value : bound === 'upper' ? Math.min(previous, value) : Math.max(previous, value),
    );
  }
  if (typeof node.pattern === 'string') flat.pattern ??= node.pattern;
  if (typeof node.format === 'string') flat.format ??= node.format;
  if (typeof node.multipleOf === 'number') flat.multipleOf ??= node.multipleOf;
  if (node.uniqueItems === true) flat.uniqueItems = true;
  if ('default' in node && !flat.hasDefault) Object.assign(flat, { hasDefault: true, defaultValue: node.default });
  if (node.readOnly === true) flat.readOnly = true;
  if (node.writeOnly === true) flat.writeOnly = true;
  absorbRules(doc, node, flat);
  for (const keyword of ['oneOf', 'anyOf'] as const) absorbAlternatives(doc, node, keyword, flat, visiting);
  if (Array.isArray(node.allOf)) for (const branch of node.allOf) absorb(doc, branch, flat, visiting);
  if (identity) visiting.delete(identity);
}

function absorbValues(node: JsonObject, flat: Flat): void {
  const values = 'const' in node ? [node.const] : Array.isArray(node.enum) ? node.enum : undefined;
  if (!values) return;
  if (flat.values === undefined) flat.fromConst = 'const' in node;
  const allowed = new Set((flat.values ?? values).map(canonical));
  flat.values = values.filter((value) => allowed.has(canonical(value)));
}

function absorbRules(doc: unknown, node: JsonObject, flat: Flat): void {
  const present = RULE_KEYWORDS.filter((keyword) => keyword in node);
  if (present.length === 0) return;
  const block = Object.fromEntries(present.map((keyword) => [keyword, node[keyword]]));
  flat.rules.push({
    name: typeof node['x-rule'] === 'string' ? node['x-rule'] : undefined,
    label: present.join('/'),
    content: canonical(inlineForComparison(doc, block)),
  });
}

/**
 * `oneOf`/`anyOf`: `[X, {type: 'null'}]` is X made nullable; branches that are all shapes are
 * variants (matched by component name, else by position); anything else is a cross-field rule.
 */
function absorbAlternatives(doc: unknown, node: JsonObject, keyword: 'oneOf' | 'anyOf', flat: Flat, visiting: Set<object>): void {
  const branches = node[keyword];
  if (!Array.isArray(branches) || branches.length === 0) return;
  const nonNull = branches.filter((branch) => !isNullSchema(doc, branch));
  const nullable = nonNull.length < branches.length;
  if (nullable && nonNull.length === 1) {
    const inner = emptyFlat();
    absorb(doc, nonNull[0], inner, visiting);
    if (inner.types) inner.types.add('null');
    if (inner.values && !inner.values.some((value) => value === null)) inner.values.push(null);
    mergeFlat(flat, inner);
    return;
  }
  if (flat.variants === undefined && nonNull.every((branch) => isShape(doc, branch))) {
    flat.variants = nonNull.map((schema, index) => ({ name: resolve(doc, schema).refName ?? `#${index}`, schema }));
    if (nullable) flat.types = new Set([...(flat.types ?? []), 'null']);
    return;
  }
  flat.rules.push({
    name: typeof node['x-rule'] === 'string' ? node['x-rule'] : undefined,
    label: keyword,
    content: canonical(inlineForComparison(doc, branches)),
  });
}

/** Merges a nullable branch's view into the enclosing schema (same intersection rules as `allOf`). */
function mergeFlat(into: Flat, from: Flat): void {
  into.types = intersectTypes(into.types, from.types);
  if (from.values) {
    if (into.values === undefined) Object.assign(into, { values: from.values, fromConst: from.fromConst });
    else {
      const allowed = new Set(from.values.map(canonical));
      into.values = into.values.filter((value) => allowed.has(canonical(value)));
    }
  }
  for (const [name, schemas] of from.properties) into.properties.set(name, [...(into.properties.get(name) ?? []), ...schemas]);
  for (const name of from.required) into.required.add(name);
  if (from.additionalProperties !== undefined && into.additionalProperties !== false)
    into.additionalProperties = from.additionalProperties;
  into.items.push(...from.items);
  for (const [keyword, value] of from.bounds) if (!into.bounds.has(keyword)) into.bounds.set(keyword, value);
  into.pattern ??= from.pattern;
  into.format ??= from.format;
  into.multipleOf ??= from.multipleOf;
  into.uniqueItems ||= from.uniqueItems;
  if (from.hasDefault && !into.hasDefault) Object.assign(into, { hasDefault: true, defaultValue: from.defaultValue });
  into.readOnly ||= from.readOnly;
  into.writeOnly ||= from.writeOnly;
  into.rules.push(...from.rules);
  into.variants ??= from.variants;
}

export function flatten(doc: unknown, raw: unknown): Flat {
  const flat = emptyFlat();
  absorb(doc, raw, flat, new Set());
  return flat;
}

/** Several definitions of one property (from `allOf` branches) behave as their `allOf`. */
export function combine(schemas: readonly unknown[]): unknown {
  return schemas.length === 1 ? schemas[0] : { allOf: schemas };
}

// ---------------------------------------------------------------------------------------------
// Comparison context
