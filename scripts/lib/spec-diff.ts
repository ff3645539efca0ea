/**
 * Breaking-change classification between two OpenAPI 3.1 documents (`pivot-contract diff`, issue 5).
 *
 * Consumers are merchants: they SEND requests (and answer webhooks) and READ responses (and webhook
 * payloads). Every schema change is first described by its effect on the set of valid values
 * (`narrows` / `widens`, or breaks/harms nobody whatever the side) and then classified by the side:
 * a sender breaks when fewer values are accepted, a reader breaks when more values can arrive.
 *
 * Library evaluation (api-smart-diff 1.0.6, tried in a scratch directory on two small inline
 * OpenAPI 3.1 documents, one operation each; @pb33f/openapi-changes was not installed because its
 * install step downloads a Go binary, which cannot work without network beyond npm):
 * api-smart-diff gets the plain OpenAPI 3.0 cases right (new required/optional request property,
 * request/response enum additions, removed response property, property becoming optional) but it
 * does not understand 3.1 or this contract's rules:
 *   - `type: string` → `type: [string, 'null']` on a response property is reported `non-breaking`,
 *     and the same change on a request property is reported `breaking` (both backwards);
 *   - `if`/`then` added to a request body comes out `unclassified`;
 *   - everything under `webhooks` comes out `unclassified` (it knows only `paths`);
 *   - a changed `operationId` is an `annotation`, not breaking.
 * Wrapping it would mean overriding most of its rules, so this is a small differ of its own.
 *
 * Input documents may be bundled (local `$ref`s, as swagger-parser's `bundle` leaves them) or fully
 * dereferenced: `$ref`s are followed lazily, with a guard on the pair of schemas being compared, so
 * recursive schemas terminate and component names survive for naming `oneOf` variants.
 * Pure: no fs, no mutation of the inputs.
 */

export type ChangeKind = 'breaking' | 'non-breaking';

export interface Change {
  kind: ChangeKind;
  /** `operationId` + slot (`request`, `response 200`, `webhook`, …) + property path, e.g. `createPaymentSession request /customer/email`. */
  location: string;
  /** Short code, e.g. `property-removed`. */
  change: string;
  message: string;
}

export interface DiffSummary {
  breaking: number;
  nonBreaking: number;
  /** `N breaking, M non-breaking` */
  line: string;
}

/** `request`: the merchant sends it (request bodies, parameters, webhook answers); `response`: the merchant reads it. */
type Side = 'request' | 'response';
/** What a change does to the set of valid values; `both` breaks either side, `none` breaks neither. */
type Effect = 'narrows' | 'widens' | 'both' | 'none';
type JsonObject = Record<string, unknown>;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const JSON_MEDIA = 'application/json';
/** Guards against pathological nesting that no cycle guard catches (fresh wrapper objects). */
const MAX_DEPTH = 64;
/** Upper bounds tighten when lowered, lower bounds when raised. */
const BOUNDS: ReadonlyArray<readonly [string, 'upper' | 'lower']> = [
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

export function classify(effect: Effect, side: Side): ChangeKind {
  if (effect === 'both') return 'breaking';
  if (effect === 'none') return 'non-breaking';
  // Senders break when accepted values shrink; readers break when produced values grow.
  return (effect === 'narrows') === (side === 'request') ? 'breaking' : 'non-breaking';
}

export function summarize(changes: readonly Change[]): DiffSummary {
  const breaking = changes.filter((change) => change.kind === 'breaking').length;
  const nonBreaking = changes.length - breaking;
  return { breaking, nonBreaking, line: `${breaking} breaking, ${nonBreaking} non-breaking` };
}

/** `BREAKING  createPaymentSession request /amount: property became required` */
export function formatChange(change: Change): string {
  return `${change.kind.toUpperCase()}  ${change.location}: ${change.message}`;
}

// ---------------------------------------------------------------------------------------------
// JSON helpers

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asObject(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}

/** Key-order-independent JSON, so equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function escapeSegment(name: string): string {
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
function resolve(doc: unknown, raw: unknown): Resolved {
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

interface Rule {
  /** The branch's `x-rule` name, when it has one. */
  name: string | undefined;
  label: string;
  content: string;
}

interface Variant {
  name: string;
  schema: unknown;
}

interface Flat {
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

function flatten(doc: unknown, raw: unknown): Flat {
  const flat = emptyFlat();
  absorb(doc, raw, flat, new Set());
  return flat;
}

/** Several definitions of one property (from `allOf` branches) behave as their `allOf`. */
function combine(schemas: readonly unknown[]): unknown {
  return schemas.length === 1 ? schemas[0] : { allOf: schemas };
}

// ---------------------------------------------------------------------------------------------
// Comparison context

interface Context {
  oldDoc: unknown;
  newDoc: unknown;
  out: Change[];
  ids: WeakMap<object, number>;
  nextId: number;
}

interface Slot {
  ctx: Context;
  side: Side;
  /** `createPaymentSession request`, `createPaymentSession response 200`, `paymentCallback webhook`, … */
  label: string;
  /** Pairs of schemas being compared on the current path: the cycle guard. */
  stack: Set<string>;
}

function emit(slot: Slot, path: string, change: string, effect: Effect, message: string): void {
  const location = `${slot.label} ${path === '' ? '/' : path}`;
  slot.ctx.out.push({ kind: classify(effect, slot.side), location, change, message });
}

function emitOperation(
  ctx: Context,
  location: string,
  change: string,
  effect: Effect,
  message: string,
  side: Side = 'request',
): void {
  ctx.out.push({ kind: classify(effect, side), location, change, message });
}

function idOf(ctx: Context, value: object | undefined): string {
  if (!value) return '-';
  let id = ctx.ids.get(value);
  if (id === undefined) {
    id = ctx.nextId++;
    ctx.ids.set(value, id);
  }
  return String(id);
}

// ---------------------------------------------------------------------------------------------
// Schema comparison

function compareSchemas(slot: Slot, oldRaw: unknown, newRaw: unknown, path: string): void {
  const { ctx } = slot;
  const oldIdentity = resolve(ctx.oldDoc, oldRaw).identity;
  const newIdentity = resolve(ctx.newDoc, newRaw).identity;
  const key = `${idOf(ctx, oldIdentity)}:${idOf(ctx, newIdentity)}`;
  // Guard only on real objects (fresh wrappers have no identity worth remembering).
  const guarded = oldIdentity !== undefined && newIdentity !== undefined;
  if ((guarded && slot.stack.has(key)) || slot.stack.size > MAX_DEPTH) return;
  if (guarded) slot.stack.add(key);
  try {
    compareFlat(slot, flatten(ctx.oldDoc, oldRaw), flatten(ctx.newDoc, newRaw), path);
  } finally {
    if (guarded) slot.stack.delete(key);
  }
}

function compareFlat(slot: Slot, before: Flat, after: Flat, path: string): void {
  compareTypes(slot, before.types, after.types, path);
  compareValues(slot, before, after, path);
  compareBounds(slot, before.bounds, after.bounds, path);
  compareTextConstraint(slot, 'pattern', before.pattern, after.pattern, path);
  compareTextConstraint(slot, 'format', before.format, after.format, path);
  compareMultipleOf(slot, before.multipleOf, after.multipleOf, path);
  if (before.uniqueItems !== after.uniqueItems) {
    emit(
      slot,
      path,
      after.uniqueItems ? 'constraint-tightened' : 'constraint-loosened',
      after.uniqueItems ? 'narrows' : 'widens',
      after.uniqueItems ? 'items must now be unique' : 'items no longer need to be unique',
    );
  }
  if (before.hasDefault && after.hasDefault && canonical(before.defaultValue) !== canonical(after.defaultValue)) {
    // A sender that omits the field gets another behaviour; a reader is unaffected.
    emit(
      slot,
      path,
      'default-changed',
      'narrows',
      `default changed from ${show(before.defaultValue)} to ${show(after.defaultValue)}`,
    );
  }
  compareAdditionalProperties(slot, before.additionalProperties, after.additionalProperties, path);
  compareProperties(slot, before, after, path);
  compareItems(slot, before.items, after.items, path);
  compareVariants(slot, before.variants, after.variants, path);
  compareRules(slot, before.rules, after.rules, path);
}

function covers(types: Set<string>, type: string): boolean {
  return types.has(type) || (type === 'integer' && types.has('number'));
}

function listTypes(types: Iterable<string>): string {
  return [...types].join(', ');
}

function compareTypes(slot: Slot, before: Set<string> | undefined, after: Set<string> | undefined, path: string): void {
  if (!before && !after) return;
  if (!before) return emit(slot, path, 'type-narrowed', 'narrows', `type restricted to ${listTypes(after!)}`);
  if (!after) return emit(slot, path, 'type-widened', 'widens', `type restriction (${listTypes(before)}) removed`);
  const removed = [...before].filter((type) => !covers(after, type));
  const added = [...after].filter((type) => !covers(before, type));
  if (removed.length > 0 && added.length > 0) {
    emit(slot, path, 'type-changed', 'both', `type changed from ${listTypes(before)} to ${listTypes(after)}`);
  } else if (added.length > 0) {
    if (added.length === 1 && added[0] === 'null') emit(slot, path, 'became-nullable', 'widens', 'became nullable');
    else emit(slot, path, 'type-widened', 'widens', `type widened from ${listTypes(before)} to ${listTypes(after)}`);
  } else if (removed.length > 0) {
    if (removed.length === 1 && removed[0] === 'null') emit(slot, path, 'became-non-nullable', 'narrows', 'no longer nullable');
    else emit(slot, path, 'type-narrowed', 'narrows', `type narrowed from ${listTypes(before)} to ${listTypes(after)}`);
  }
}

function compareValues(slot: Slot, before: Flat, after: Flat, path: string): void {
  if (!before.values && !after.values) return;
  if (!before.values) {
    return after.fromConst
      ? emit(slot, path, 'const-added', 'narrows', `now restricted to the constant ${show(after.values![0])}`)
      : emit(slot, path, 'enum-added', 'narrows', `now restricted to the values ${show(after.values)}`);
  }
  if (!after.values) {
    return before.fromConst
      ? emit(slot, path, 'const-removed', 'widens', `no longer restricted to the constant ${show(before.values[0])}`)
      : emit(slot, path, 'enum-removed', 'widens', `no longer restricted to the values ${show(before.values)}`);
  }
  const oldKeys = new Set(before.values.map(canonical));
  const newKeys = new Set(after.values.map(canonical));
  for (const value of before.values) {
    if (!newKeys.has(canonical(value))) emit(slot, path, 'enum-value-removed', 'narrows', `enum value ${show(value)} removed`);
  }
  for (const value of after.values) {
    if (!oldKeys.has(canonical(value))) emit(slot, path, 'enum-value-added', 'widens', `enum value ${show(value)} added`);
  }
}

function compareBounds(slot: Slot, before: Map<string, number>, after: Map<string, number>, path: string): void {
  for (const [keyword, bound] of BOUNDS) {
    const was = before.get(keyword);
    const now = after.get(keyword);
    if (was === now) continue;
    if (was === undefined) emit(slot, path, 'constraint-tightened', 'narrows', `${keyword} ${now} added`);
    else if (now === undefined) emit(slot, path, 'constraint-loosened', 'widens', `${keyword} ${was} removed`);
    else {
      const tighter = bound === 'upper' ? now < was : now > was;
      emit(
        slot,
        path,
        tighter ? 'constraint-tightened' : 'constraint-loosened',
        tighter ? 'narrows' : 'widens',
        `${keyword} ${now < was ? 'lowered' : 'raised'} from ${was} to ${now}`,
      );
    }
  }
}

function compareTextConstraint(
  slot: Slot,
  keyword: 'pattern' | 'format',
  before: string | undefined,
  after: string | undefined,
  path: string,
): void {
  if (before === after) return;
  if (before === undefined) emit(slot, path, `${keyword}-added`, 'narrows', `${keyword} ${show(after)} added`);
  else if (after === undefined) emit(slot, path, `${keyword}-removed`, 'widens', `${keyword} ${show(before)} removed`);
  // Two patterns cannot be ordered cheaply: values valid for one may fail the other, either way.
  else emit(slot, path, `${keyword}-changed`, 'both', `${keyword} changed from ${show(before)} to ${show(after)}`);
}

function compareMultipleOf(slot: Slot, before: number | undefined, after: number | undefined, path: string): void {
  if (before === after) return;
  if (before === undefined) return emit(slot, path, 'constraint-tightened', 'narrows', `multipleOf ${after} added`);
  if (after === undefined) return emit(slot, path, 'constraint-loosened', 'widens', `multipleOf ${before} removed`);
  const message = `multipleOf changed from ${before} to ${after}`;
  if (Number.isInteger(after / before)) emit(slot, path, 'constraint-tightened', 'narrows', message);
  else if (Number.isInteger(before / after)) emit(slot, path, 'constraint-loosened', 'widens', message);
  else emit(slot, path, 'constraint-changed', 'both', message);
}

function compareAdditionalProperties(slot: Slot, before: unknown, after: unknown, path: string): void {
  const closedBefore = before === false;
  const closedAfter = after === false;
  if (!closedBefore && closedAfter) {
    emit(slot, path, 'additional-properties-disallowed', 'narrows', 'additional properties are no longer allowed');
  } else if (closedBefore && !closedAfter) {
    // Like a new optional property: senders may send more, readers must ignore unknown fields anyway.
    emit(slot, path, 'additional-properties-allowed', 'none', 'additional properties are now allowed');
  } else if (isObject(before) && isObject(after)) {
    compareSchemas(slot, before, after, `${path}/*`);
  }
}

/** readOnly properties are never sent, writeOnly ones never read: their changes concern nobody on that side. */
function hiddenOnSide(slot: Slot, doc: unknown, schemas: readonly unknown[] | undefined): boolean {
  if (!schemas) return false;
  const flat = flatten(doc, combine(schemas));
  return slot.side === 'request' ? flat.readOnly : flat.writeOnly;
}

function compareProperties(slot: Slot, before: Flat, after: Flat, path: string): void {
  const { ctx } = slot;
  const names = new Set([...before.properties.keys(), ...before.required, ...after.properties.keys(), ...after.required]);
  for (const name of names) {
    const at = `${path}/${escapeSegment(name)}`;
    const oldDefs = before.properties.get(name);
    const newDefs = after.properties.get(name);
    if (hiddenOnSide(slot, ctx.oldDoc, oldDefs) || hiddenOnSide(slot, ctx.newDoc, newDefs)) continue;
    const existed = oldDefs !== undefined || before.required.has(name);
    const exists = newDefs !== undefined || after.required.has(name);
    const wasRequired = before.required.has(name);
    const isRequired = after.required.has(name);
    if (existed && !exists) {
      // Readers lose a field; senders' field is ignored or rejected from now on.
      emit(slot, at, 'property-removed', 'both', wasRequired ? 'required property removed' : 'property removed');
      continue;
    }
    if (!existed && exists) {
      if (isRequired) emit(slot, at, 'required-property-added', 'narrows', 'new required property');
      else emit(slot, at, 'property-added', 'none', 'new optional property');
      continue;
    }
    if (!wasRequired && isRequired) emit(slot, at, 'property-became-required', 'narrows', 'property became required');
    if (wasRequired && !isRequired) emit(slot, at, 'property-became-optional', 'widens', 'property became optional');
    if (oldDefs && newDefs) compareSchemas(slot, combine(oldDefs), combine(newDefs), at);
  }
}

function compareItems(slot: Slot, before: unknown[], after: unknown[], parent: string): void {
  const path = parent === '' ? '/' : parent;
  if (before.length > 0 && after.length > 0) compareSchemas(slot, combine(before), combine(after), `${path}[]`);
  else if (after.length > 0) emit(slot, `${path}[]`, 'constraint-tightened', 'narrows', 'items schema added');
  else if (before.length > 0) emit(slot, `${path}[]`, 'constraint-loosened', 'widens', 'items schema removed');
}

function compareVariants(slot: Slot, before: Variant[] | undefined, after: Variant[] | undefined, path: string): void {
  if (!before && !after) return;
  const oldByName = new Map((before ?? []).map((variant) => [variant.name, variant]));
  const newByName = new Map((after ?? []).map((variant) => [variant.name, variant]));
  for (const [name, variant] of oldByName) {
    const match = newByName.get(name);
    if (!match) emit(slot, path, 'variant-removed', 'narrows', `variant ${name} removed`);
    else compareSchemas(slot, variant.schema, match.schema, `${path}/(${name})`);
  }
  for (const name of newByName.keys()) {
    if (!oldByName.has(name)) emit(slot, path, 'variant-added', 'widens', `variant ${name} added`);
  }
}

/** Named rules pair by `x-rule`; unnamed ones pair by equal content first, then by order. */
function pairRules(before: Rule[], after: Rule[]): Array<[Rule | undefined, Rule | undefined]> {
  const pairs: Array<[Rule | undefined, Rule | undefined]> = [];
  const newNamed = new Map(after.filter((rule) => rule.name).map((rule) => [rule.name!, rule]));
  const oldNamed = new Set(before.filter((rule) => rule.name).map((rule) => rule.name!));
  for (const rule of before.filter((rule) => rule.name)) pairs.push([rule, newNamed.get(rule.name!)]);
  for (const rule of after.filter((rule) => rule.name && !oldNamed.has(rule.name))) pairs.push([undefined, rule]);
  const oldAnonymous = before.filter((rule) => !rule.name);
  const newAnonymous = after.filter((rule) => !rule.name);
  for (const rule of [...oldAnonymous]) {
    const same = newAnonymous.findIndex((candidate) => candidate.content === rule.content);
    if (same < 0) continue;
    pairs.push([rule, newAnonymous[same]]);
    newAnonymous.splice(same, 1);
    oldAnonymous.splice(oldAnonymous.indexOf(rule), 1);
  }
  for (let index = 0; index < Math.max(oldAnonymous.length, newAnonymous.length); index++) {
    pairs.push([oldAnonymous[index], newAnonymous[index]]);
  }
  return pairs;
}

function ruleName(rule: Rule): string {
  return rule.name ? `cross-field rule "${rule.name}"` : `cross-field rule (${rule.label})`;
}

function compareRules(slot: Slot, before: Rule[], after: Rule[], path: string): void {
  for (const [was, now] of pairRules(before, after)) {
    if (was && now) {
      // Conservative: a changed rule may reject what senders send, and only restates what readers get.
      if (was.content !== now.content) emit(slot, path, 'rule-changed', 'narrows', `${ruleName(now)} changed`);
    } else if (now) emit(slot, path, 'rule-added', 'narrows', `${ruleName(now)} added`);
    else if (was) emit(slot, path, 'rule-removed', 'widens', `${ruleName(was)} removed`);
  }
}

// ---------------------------------------------------------------------------------------------
// Operations

interface Operation {
  /** `POST /v2/payments` or `webhook paymentCallback POST`. */
  key: string;
  kind: 'path' | 'webhook';
  method: string;
  name: string;
  operationId: string;
  operation: JsonObject;
  /** Path-level parameters, which every operation of the path inherits. */
  pathParameters: unknown[];
}

function listOperations(doc: unknown): Operation[] {
  const root = asObject(doc);
  const sections = [
    ['path', asObject(root.paths)],
    ['webhook', asObject(root.webhooks)],
  ] as const;
  return sections.flatMap(([kind, items]) =>
    Object.entries(items).flatMap(([name, rawItem]) => {
      const item = resolve(doc, rawItem).node;
      return HTTP_METHODS.filter((method) => isObject(item[method])).map((method): Operation => {
        const operation = item[method] as JsonObject;
        const verb = method.toUpperCase();
        return {
          key: kind === 'path' ? `${verb} ${name}` : `webhook ${name} ${verb}`,
          kind,
          method: verb,
          name,
          operationId: typeof operation.operationId === 'string' ? operation.operationId : `${verb} ${name}`,
          operation,
          pathParameters: Array.isArray(item.parameters) ? item.parameters : [],
        };
      });
    }),
  );
}

function describeOperation(operation: Operation): string {
  return operation.kind === 'path' ? `operation ${operation.key}` : `webhook ${operation.name} (${operation.method})`;
}

function compareOperationLists(ctx: Context, before: Operation[], after: Operation[]): void {
  const newByKey = new Map(after.map((operation) => [operation.key, operation]));
  const oldKeys = new Set(before.map((operation) => operation.key));
  const newById = new Map(after.map((operation) => [operation.operationId, operation]));
  const moved = new Set<string>();
  for (const old of before) {
    const current = newByKey.get(old.key);
    if (current) {
      if (current.operationId !== old.operationId) {
        emitOperation(
          ctx,
          old.operationId,
          'operation-id-changed',
          'both',
          `operationId of ${describeOperation(old)} changed from "${old.operationId}" to "${current.operationId}"`,
        );
      }
      compareOperation(ctx, old, current);
      continue;
    }
    const renamed = newById.get(old.operationId);
    if (renamed && !oldKeys.has(renamed.key) && renamed.kind === old.kind) {
      moved.add(renamed.key);
      emitOperation(ctx, old.operationId, 'operation-moved', 'both', `${describeOperation(old)} moved to ${renamed.key}`);
      compareOperation(ctx, old, renamed);
      continue;
    }
    emitOperation(ctx, old.operationId, 'operation-removed', 'both', `${describeOperation(old)} removed`);
  }
  for (const current of after) {
    if (!oldKeys.has(current.key) && !moved.has(current.key)) {
      emitOperation(ctx, current.operationId, 'operation-added', 'none', `${describeOperation(current)} added`);
    }
  }
}

/** Webhooks flip the sides: Pivot sends the payload (merchants read it) and merchants send the answer. */
function sides(operation: Operation): { input: Side; output: Side; inputLabel: string; outputLabel: string } {
  return operation.kind === 'path'
    ? { input: 'request', output: 'response', inputLabel: 'request', outputLabel: 'response' }
    : { input: 'response', output: 'request', inputLabel: 'webhook', outputLabel: 'webhook-reply' };
}

function compareOperation(ctx: Context, before: Operation, after: Operation): void {
  const { input, output, inputLabel, outputLabel } = sides(after);
  const name = after.operationId;
  const inputSlot = (label: string): Slot => ({ ctx, side: input, label: `${name} ${label}`, stack: new Set() });
  compareParameters(inputSlot(inputLabel), before, after);
  compareRequestBody(inputSlot(inputLabel), before.operation.requestBody, after.operation.requestBody);
  compareResponses(ctx, name, output, outputLabel, asObject(before.operation.responses), asObject(after.operation.responses));
}

interface Parameter {
  in: string;
  name: string;
  /** `header:X-REQUEST-ID`, the parameter's place in a location. */
  label: string;
  required: boolean;
  schema: unknown;
}

function parametersOf(doc: unknown, operation: Operation): Map<string, Parameter> {
  const parameters = new Map<string, Parameter>();
  // Operation-level parameters override path-level ones with the same name and location.
  for (const raw of [
    ...operation.pathParameters,
    ...(Array.isArray(operation.operation.parameters) ? operation.operation.parameters : []),
  ]) {
    const parameter = resolve(doc, raw).node;
    if (typeof parameter.name !== 'string' || typeof parameter.in !== 'string') continue;
    // Header names are case-insensitive.
    const name = parameter.in === 'header' ? parameter.name.toLowerCase() : parameter.name;
    parameters.set(`${parameter.in}:${name}`, {
      in: parameter.in,
      name: parameter.name,
      label: `${parameter.in}:${parameter.name}`,
      required: parameter.required === true || parameter.in === 'path',
      schema: parameter.schema,
    });
  }
  return parameters;
}

function compareParameters(slot: Slot, before: Operation, after: Operation): void {
  const oldParameters = parametersOf(slot.ctx.oldDoc, before);
  const newParameters = parametersOf(slot.ctx.newDoc, after);
  for (const [key, old] of oldParameters) {
    const current = newParameters.get(key);
    if (!current) {
      emit(slot, old.label, 'parameter-removed', 'both', `${old.in} parameter ${old.name} removed`);
      continue;
    }
    compareRequiredFlag(slot, current.label, 'parameter', old.required, current.required);
    if (old.schema !== undefined && current.schema !== undefined) compareSchemas(slot, old.schema, current.schema, current.label);
  }
  for (const [key, current] of newParameters) {
    if (oldParameters.has(key)) continue;
    if (current.required)
      emit(slot, current.label, 'required-parameter-added', 'narrows', `new required ${current.in} parameter ${current.name}`);
    else emit(slot, current.label, 'parameter-added', 'none', `new optional ${current.in} parameter ${current.name}`);
  }
}

function compareRequiredFlag(slot: Slot, path: string, what: string, was: boolean, is: boolean): void {
  if (!was && is) emit(slot, path, `${what}-became-required`, 'narrows', `${what.replaceAll('-', ' ')} became required`);
  if (was && !is) emit(slot, path, `${what}-became-optional`, 'widens', `${what.replaceAll('-', ' ')} became optional`);
}

function compareRequestBody(slot: Slot, oldRaw: unknown, newRaw: unknown): void {
  if (oldRaw === undefined && newRaw === undefined) return;
  const before = resolve(slot.ctx.oldDoc, oldRaw).node;
  const after = resolve(slot.ctx.newDoc, newRaw).node;
  if (oldRaw === undefined) {
    const required = after.required === true;
    return emit(
      slot,
      '',
      required ? 'required-body-added' : 'body-added',
      required ? 'narrows' : 'none',
      required ? 'new required body' : 'new optional body',
    );
  }
  if (newRaw === undefined) return emit(slot, '', 'body-removed', 'both', 'body removed');
  compareRequiredFlag(slot, '', 'body', before.required === true, after.required === true);
  compareContent(slot, asObject(before.content), asObject(after.content));
}

/** Compares each media type's schema; the slot label names a media type other than JSON. */
function compareContent(slot: Slot, before: JsonObject, after: JsonObject): void {
  for (const [media, oldMedia] of Object.entries(before)) {
    const newMedia = after[media];
    if (newMedia === undefined) {
      emit(slot, '', 'media-type-removed', 'both', `media type ${media} removed`);
      continue;
    }
    const oldSchema = asObject(oldMedia).schema;
    const newSchema = asObject(newMedia).schema;
    const mediaSlot = media === JSON_MEDIA ? slot : { ...slot, label: `${slot.label} ${media}` };
    if (oldSchema !== undefined && newSchema !== undefined) compareSchemas(mediaSlot, oldSchema, newSchema, '');
    else if (oldSchema !== undefined) emit(mediaSlot, '', 'schema-removed', 'widens', 'schema removed');
    else if (newSchema !== undefined) emit(mediaSlot, '', 'schema-added', 'narrows', 'schema added');
  }
  for (const media of Object.keys(after)) {
    if (!(media in before)) emit(slot, '', 'media-type-added', 'none', `media type ${media} added`);
  }
}

function statusClass(status: string): string {
  return status.charAt(0);
}

function compareResponses(ctx: Context, name: string, side: Side, label: string, before: JsonObject, after: JsonObject): void {
  const slotFor = (status: string): Slot => ({ ctx, side, label: `${name} ${label} ${status}`, stack: new Set() });
  const removed = Object.keys(before).filter((status) => !(status in after));
  const added = Object.keys(after).filter((status) => !(status in before));
  for (const status of Object.keys(before)) {
    if (status in after) compareResponse(slotFor(status), before[status], after[status]);
  }
  for (const status of removed) {
    // A status replaced by another of its class (200 → 201) is one change, not a removal plus an addition.
    const replacement = added.find((candidate) => statusClass(candidate) === statusClass(status));
    if (replacement) {
      added.splice(added.indexOf(replacement), 1);
      emitOperation(
        ctx,
        `${name} ${label} ${status}`,
        'response-status-changed',
        'both',
        `status ${status} changed to ${replacement}`,
        side,
      );
      compareResponse(slotFor(replacement), before[status], after[replacement]);
    } else {
      emitOperation(ctx, `${name} ${label} ${status}`, 'response-status-removed', 'both', `status ${status} removed`, side);
    }
  }
  for (const status of added)
    emitOperation(ctx, `${name} ${label} ${status}`, 'response-status-added', 'none', `status ${status} added`, side);
}

function compareResponse(slot: Slot, oldRaw: unknown, newRaw: unknown): void {
  const before = resolve(slot.ctx.oldDoc, oldRaw).node;
  const after = resolve(slot.ctx.newDoc, newRaw).node;
  compareResponseHeaders(slot, asObject(before.headers), asObject(after.headers));
  const oldContent = asObject(before.content);
  const newContent = asObject(after.content);
  const hadBody = Object.keys(oldContent).length > 0;
  const hasBody = Object.keys(newContent).length > 0;
  if (hadBody && !hasBody) return emit(slot, '', 'body-removed', 'both', 'body removed');
  if (!hadBody && hasBody) return emit(slot, '', 'body-added', 'none', 'body added');
  compareContent(slot, oldContent, newContent);
}

/** Response headers are read like response properties (for webhook replies, they are sent). */
function compareResponseHeaders(slot: Slot, before: JsonObject, after: JsonObject): void {
  const lower = (headers: JsonObject) =>
    new Map(Object.entries(headers).map(([name, header]) => [name.toLowerCase(), { name, header }]));
  const oldHeaders = lower(before);
  const newHeaders = lower(after);
  for (const [key, { name, header }] of oldHeaders) {
    const at = `header:${name}`;
    const match = newHeaders.get(key);
    if (!match) {
      emit(slot, at, 'header-removed', 'both', `header ${name} removed`);
      continue;
    }
    const was = resolve(slot.ctx.oldDoc, header).node;
    const now = resolve(slot.ctx.newDoc, match.header).node;
    compareRequiredFlag(slot, at, 'header', was.required === true, now.required === true);
    if (was.schema !== undefined && now.schema !== undefined) compareSchemas(slot, was.schema, now.schema, at);
  }
  for (const [key, { name, header }] of newHeaders) {
    if (oldHeaders.has(key)) continue;
    const required = resolve(slot.ctx.newDoc, header).node.required === true;
    emit(
      slot,
      `header:${name}`,
      required ? 'required-header-added' : 'header-added',
      required ? 'narrows' : 'none',
      `new ${required ? 'required' : 'optional'} header ${name}`,
    );
  }
}

/** Every change from `oldDoc` to `newDoc`, classified for the merchants who use the contract. */
export function diffSpecs(oldDoc: unknown, newDoc: unknown): Change[] {
  const ctx: Context = { oldDoc, newDoc, out: [], ids: new WeakMap(), nextId: 0 };
  compareOperationLists(ctx, listOperations(oldDoc), listOperations(newDoc));
  // The same component reached twice at one location (e.g. two allOf paths) reports once.
  const seen = new Set<string>();
  return ctx.out.filter((change) => {
    const key = `${change.location}\u0000${change.change}\u0000${change.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
