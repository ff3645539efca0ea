/**
 * The depth guard, paid only where it is needed (issue 24). A validator descends into data no deeper
 * than its schema does, so deep data is a danger in three places only, each guarded here:
 * - a schema that can recurse (a `$ref` cycle): its validator recurses once per level of the data;
 * - `uniqueItems`: Ajv compares items by deep equality, which recurses through both items;
 * - a free-form position (`additionalProperties: true`, a `true` or `{}` subschema, and in tolerant
 *   mode every unknown property): any value is accepted there without being looked at, and the code
 *   after the validator (a server's JSON.stringify, a structuredClone) would recurse into it.
 * Free-form positions get the keyword DEPTH_KEYWORD (`depthBeyond` of generators/runtime/violations.js,
 * on that value only, measured from the document's root); the other two, and any schema with an
 * object or array it leaves open (published documents rarely close their objects), get the whole walk
 * before the validator runs (`needsDepthWalk`). A free-form position that a bounded subschema always
 * checks too needs no keyword of its own (`withoutCoveredLimits`). README "Reliability" states the
 * guarantee.
 */
import { _, type KeywordDefinition } from 'ajv';
import { strConcat } from 'ajv/dist/compile/codegen/index.js';
import namesModule from 'ajv/dist/compile/names.js';
import { depthBeyond } from '../runtime/violations.js';

// CommonJS interop differs between loaders (tsx gives the exports object, Vite its `default`).
const names = ((namesModule as unknown as { default?: unknown }).default ?? namesModule) as typeof namesModule.default;

/** The keyword that bounds the depth of a value accepted as it is (see the module comment). */
export const DEPTH_KEYWORD = 'x-depth-limit';

/** A free-form subschema: accepts any value, as deep as MAX_DEPTH allows. */
export const FREE_FORM = Object.freeze({ [DEPTH_KEYWORD]: true });

/** DEPTH_KEYWORD for Ajv: fails with `params.path`, the JSON pointer of the first level too deep. */
export const depthKeyword: KeywordDefinition = {
  keyword: DEPTH_KEYWORD,
  schemaType: 'boolean',
  code(cxt) {
    const { gen, data, it } = cxt;
    const beyond = gen.scopeValue('func', { ref: depthBeyond, code: _`require("./violations").depthBeyond` });
    const path = gen.const('deep', _`${beyond}(${data}, ${strConcat(names.instancePath, it.errorPath)})`);
    cxt.setParams({ path });
    cxt.fail(_`${path} !== undefined`);
  },
  error: {
    message: 'is nested too deep',
    params: ({ params }) => _`{path: ${params.path}}`,
  },
};

type Node = Record<string, unknown>;
const isRecord = (value: unknown): value is Node => value !== null && typeof value === 'object' && !Array.isArray(value);

/** An annotation-free schema that accepts every value: `true`, `{}`. */
const acceptsAnything = (schema: unknown) => schema === true || (isRecord(schema) && Object.keys(schema).length === 0);

const SUBSCHEMA_MAPS = new Set(['properties', 'patternProperties', 'dependentSchemas', '$defs']);
const SUBSCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const SUBSCHEMAS = new Set(['items', 'additionalProperties', 'contains', 'not', 'if', 'then', 'else', 'unevaluatedProperties', 'unevaluatedItems']);

/**
 * A copy of a prepared schema resource with its free-form positions bounded: every subschema that
 * accepts anything, and `additionalProperties: true`, becomes FREE_FORM (it still accepts every value,
 * within the depth limit). `if` conditions and `propertyNames` are left alone (they only look).
 */
export function boundFreeForm<T>(node: T, key?: string): T {
  if (key !== undefined && key !== 'if' && key !== 'propertyNames' && acceptsAnything(node)) return FREE_FORM as T;
  if (Array.isArray(node) || !isRecord(node)) return node;
  return Object.fromEntries(
    Object.entries(node).map(([name, value]) => {
      if (SUBSCHEMAS.has(name)) return [name, boundFreeForm(value, name)];
      if (SUBSCHEMA_LISTS.has(name) && Array.isArray(value)) return [name, value.map((item) => boundFreeForm(item, name))];
      if (SUBSCHEMA_MAPS.has(name) && isRecord(value))
        return [name, Object.fromEntries(Object.entries(value).map(([property, item]) => [property, boundFreeForm(item, name)]))];
      return [name, value];
    }),
  ) as T;
}

/** How a schema bounds the depth of the data it accepts: whether objects / arrays are bounded. */
interface Bounds {
  object: boolean;
  array: boolean;
}

const BOTH: Bounds = { object: true, array: true };
const NONE: Bounds = { object: false, array: false };

function excludesType(schema: Node, type: 'object' | 'array'): boolean {
  const types = schema.type;
  if (typeof types === 'string') return types !== type;
  return Array.isArray(types) && !types.includes(type);
}

/** The schema name of a prepared resource's `$id` (`…/strict/Payment%20Session.json` → `Payment Session`), as its references spell it. */
export function nameOfResource(id: string): string {
  return decodeURIComponent(id.slice(id.lastIndexOf('/') + 1).replace(/\.json$/, ''));
}

/** What the depth analysis needs of a mode's prepared resources: references resolved, bounds memoised. */
interface BoundsAnalysis {
  resolve: (ref: string) => { key: string; node: unknown } | undefined;
  /** How a schema bounds its data; `limitsHere: false` does not count a depth limit applied to the value itself. */
  boundsOf: (schema: unknown, limitsHere?: boolean) => Bounds;
  isBounded: (schema: unknown) => boolean;
}

/** `resources` are the prepared schema resources of one mode by name, with references `Name.json#/pointer`. */
function boundsAnalysis(resources: ReadonlyMap<string, unknown>): BoundsAnalysis {
  const resolve = (ref: string): { key: string; node: unknown } | undefined => {
    const match = /^([^#]+)\.json(?:#(.*))?$/.exec(ref);
    if (!match) return undefined;
    const name = decodeURIComponent(match[1]!);
    let node = resources.get(name);
    for (const segment of (match[2] ?? '').split('/').slice(1)) node = isRecord(node) || Array.isArray(node) ? (node as Node)[segment.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined;
    return node === undefined ? undefined : { key: ref, node };
  };
  const done = new Map<string, Bounds>();
  const active = new Set<string>();

  const boundsOfRef = (ref: string, limitsHere: boolean): Bounds => {
    const target = resolve(ref);
    if (!target) return NONE;
    const key = `${limitsHere}:${target.key}`;
    if (active.has(key)) return NONE; // a cycle: the validator recurses with the data
    const known = done.get(key);
    if (known) return known;
    active.add(key);
    const result = boundsOf(target.node, limitsHere);
    active.delete(key);
    done.set(key, result);
    return result;
  };

  const boundsOf = (schema: unknown, limitsHere = true): Bounds => {
    if (schema === false) return BOTH;
    if (!isRecord(schema)) return NONE;
    if (schema[DEPTH_KEYWORD] === true) return limitsHere ? BOTH : NONE;
    if ('const' in schema || 'enum' in schema || schema.uniqueItems === true) {
      // uniqueItems compares items by deep equality: never bounded.
      return schema.uniqueItems === true ? NONE : BOTH;
    }
    let object = excludesType(schema, 'object');
    let array = excludesType(schema, 'array');
    const own: Bounds = typeof schema.$ref === 'string' ? boundsOfRef(schema.$ref, limitsHere) : NONE;
    object ||= own.object;
    array ||= own.array;
    // A closed object: every property value is checked by a subschema of its own.
    const extra = schema.additionalProperties;
    if (!object && extra !== undefined) {
      const children = [
        ...Object.values(isRecord(schema.properties) ? schema.properties : {}),
        ...Object.values(isRecord(schema.patternProperties) ? schema.patternProperties : {}),
        ...(extra === false ? [] : [extra]),
      ];
      object = children.every((child) => isBounded(child));
    }
    // `items` checks the items after `prefixItems`; each of those has a subschema of its own.
    if (!array && schema.items !== undefined && !Array.isArray(schema.items))
      array = isBounded(schema.items) && (Array.isArray(schema.prefixItems) ? schema.prefixItems.every(isBounded) : true);
    if (!array && schema.maxItems === 0) array = true;
    for (const member of Array.isArray(schema.allOf) ? schema.allOf : []) {
      const bounds = boundsOf(member, limitsHere);
      object ||= bounds.object;
      array ||= bounds.array;
    }
    for (const keyword of ['anyOf', 'oneOf'] as const) {
      const branches = schema[keyword];
      if (!Array.isArray(branches) || branches.length === 0) continue;
      const all = branches.map((branch) => boundsOf(branch, limitsHere));
      object ||= all.every((bounds) => bounds.object);
      array ||= all.every((bounds) => bounds.array);
    }
    return { object, array };
  };
  const isBounded = (schema: unknown) => {
    const bounds = boundsOf(schema);
    return bounds.object && bounds.array;
  };
  return { resolve, boundsOf, isBounded };
}

/**
 * Which schemas need the whole-document depth walk before their validator runs: those that can
 * recurse, use `uniqueItems`, or leave an object or array open (see the module comment). `resources`
 * are the prepared schema resources of one mode by name, with references `Name.json#/pointer`.
 */
export function needsDepthWalk(resources: ReadonlyMap<string, unknown>): Set<string> {
  const { resolve, isBounded } = boundsAnalysis(resources);
  const walked = new Set<string>();
  for (const [name, resource] of resources) {
    if (!isBounded(resource) || usesUniqueItems(resource, resolve)) walked.add(name);
  }
  return walked;
}

/** A data position below a schema's: property names, `*` for every item of an array. */
type Position = readonly string[];
const EVERY_ITEM = '*';

/**
 * Whether `schema` always applies a bounded subschema to the value at `position` below the value it
 * applies to: through `properties`, a single `items`, `$ref`, any `allOf` member, or every branch of an
 * `anyOf` / `oneOf` (conditional branches, `if` / `then` / `else`, never count). At the position
 * itself a depth limit (FREE_FORM) does not count: it is what is being decided.
 */
function boundedAt(analysis: BoundsAnalysis, schema: unknown, position: Position, active = new Set<string>()): boolean {
  if (position.length === 0) return boundedWithoutLimit(analysis, schema);
  if (!isRecord(schema) || schema[DEPTH_KEYWORD] === true) return false;
  if (typeof schema.$ref === 'string') {
    const target = analysis.resolve(schema.$ref);
    const key = `${schema.$ref}\u0000${position.join('/')}`;
    if (target && !active.has(key)) {
      active.add(key);
      const bounded = boundedAt(analysis, target.node, position, active);
      active.delete(key);
      if (bounded) return true;
    }
  }
  if (Array.isArray(schema.allOf) && schema.allOf.some((member) => boundedAt(analysis, member, position, active))) return true;
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const branches = schema[keyword];
    if (Array.isArray(branches) && branches.length > 0 && branches.every((branch) => boundedAt(analysis, branch, position, active)))
      return true;
  }
  const [head, ...rest] = position;
  // Every item: `items` alone (with `prefixItems`, it only checks the items after them).
  if (head === EVERY_ITEM)
    return schema.items !== undefined && !Array.isArray(schema.items) && schema.prefixItems === undefined && boundedAt(analysis, schema.items, rest, active);
  return isRecord(schema.properties) && Object.hasOwn(schema.properties, head!) && boundedAt(analysis, schema.properties[head!], rest, active);
}

/** boundedAt a schema's own position: bounded without counting the depth limits applied to that value itself. */
function boundedWithoutLimit(analysis: BoundsAnalysis, schema: unknown): boolean {
  const bounds = analysis.boundsOf(schema, false);
  return bounds.object && bounds.array;
}

/** Keywords whose subschemas apply to the same value as their schema, and are looked into for limits. */
const IN_PLACE_LISTS = ['allOf', 'anyOf', 'oneOf'] as const;
const IN_PLACE = ['then', 'else'] as const;

/**
 * Copies of the prepared resources without the depth limits (FREE_FORM, back to `true`) that another
 * subschema makes redundant: a free-form position that an enclosing schema always also checks with a
 * bounded subschema. The Payment Session's rule "a PAID session has a successful charge" says
 * `items: true` under `chargeDetails`, whose items are Charges anyway: without this, every charge was
 * walked to its full depth on every call (8 % of validating a PaymentSession). Only subschemas that
 * apply to a fixed position are looked into (`properties`, a single `items`, `allOf` / `anyOf` /
 * `oneOf`, `then` / `else`); a limit elsewhere stays. Objects are copied only along the way to a
 * limit that goes; the depth walk (needsDepthWalk) is decided on the resources with every limit.
 */
export function withoutCoveredLimits<T extends { $id: string }>(resources: readonly T[]): T[] {
  const analysis = boundsAnalysis(new Map(resources.map((resource) => [nameOfResource(resource.$id), resource as unknown])));
  // Enclosing schemas, each with the length of the position it applies at; the position so far.
  const enclosing: Array<{ schema: unknown; at: number }> = [];
  const position: string[] = [];
  const covered = () => enclosing.some(({ schema, at }) => boundedAt(analysis, schema, position.slice(at)));

  const visit = (schema: unknown): unknown => {
    if (isRecord(schema) && schema[DEPTH_KEYWORD] === true) return covered() ? true : schema;
    if (!isRecord(schema)) return schema;
    enclosing.push({ schema, at: position.length });
    const changes: Array<[string, unknown]> = [];
    // A subschema at the same position, or `step` below it.
    const at = (child: unknown, step?: string) => {
      if (step !== undefined) position.push(step);
      const next = visit(child);
      if (step !== undefined) position.pop();
      return next;
    };
    for (const keyword of IN_PLACE_LISTS) {
      const members = schema[keyword];
      if (!Array.isArray(members)) continue;
      const next = members.map((member) => at(member));
      if (next.some((member, index) => member !== members[index])) changes.push([keyword, next]);
    }
    for (const keyword of IN_PLACE) {
      if (schema[keyword] === undefined) continue;
      const next = at(schema[keyword]);
      if (next !== schema[keyword]) changes.push([keyword, next]);
    }
    if (isRecord(schema.properties)) {
      const properties = schema.properties;
      const next = Object.fromEntries(Object.entries(properties).map(([name, child]) => [name, at(child, name)]));
      if (Object.keys(next).some((name) => next[name] !== properties[name])) changes.push(['properties', next]);
    }
    if (schema.items !== undefined && !Array.isArray(schema.items)) {
      const next = at(schema.items, EVERY_ITEM);
      if (next !== schema.items) changes.push(['items', next]);
    }
    enclosing.pop();
    return changes.length === 0 ? schema : { ...schema, ...Object.fromEntries(changes) };
  };
  return resources.map((resource) => visit(resource) as T);
}

/** Whether a schema, or any schema it refers to, has `uniqueItems: true` (bounded: each resource once). */
function usesUniqueItems(schema: unknown, resolve: (ref: string) => { key: string; node: unknown } | undefined): boolean {
  const seen = new Set<string>();
  const stack: unknown[] = [schema];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    if (!isRecord(node)) continue;
    if (node.uniqueItems === true) return true;
    if (typeof node.$ref === 'string') {
      const target = resolve(node.$ref.split('#')[0]!);
      if (target && !seen.has(target.key)) {
        seen.add(target.key);
        stack.push(target.node);
      }
    }
    for (const [key, value] of Object.entries(node)) if (key !== 'enum' && key !== 'const') stack.push(value);
  }
  return false;
}
