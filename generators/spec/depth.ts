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
 * before the validator runs (`needsDepthWalk`). README "Reliability" states the guarantee.
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

/**
 * Which schemas need the whole-document depth walk before their validator runs: those that can
 * recurse, use `uniqueItems`, or leave an object or array open (see the module comment). `resources`
 * are the prepared schema resources of one mode by name, with references `Name.json#/pointer`.
 */
export function needsDepthWalk(resources: ReadonlyMap<string, unknown>): Set<string> {
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

  const boundsOfRef = (ref: string): Bounds => {
    const target = resolve(ref);
    if (!target) return NONE;
    if (active.has(target.key)) return NONE; // a cycle: the validator recurses with the data
    const known = done.get(target.key);
    if (known) return known;
    active.add(target.key);
    const result = boundsOf(target.node);
    active.delete(target.key);
    done.set(target.key, result);
    return result;
  };

  const boundsOf = (schema: unknown): Bounds => {
    if (schema === false) return BOTH;
    if (!isRecord(schema)) return NONE;
    if (schema[DEPTH_KEYWORD] === true || 'const' in schema || 'enum' in schema || schema.uniqueItems === true) {
      // uniqueItems compares items by deep equality: never bounded.
      return schema.uniqueItems === true ? NONE : BOTH;
    }
    let object = excludesType(schema, 'object');
    let array = excludesType(schema, 'array');
    const own: Bounds = typeof schema.$ref === 'string' ? boundsOfRef(schema.$ref) : NONE;
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
    if (!array && schema.items !== undefined && !Array.isArray(schema.items)) array = isBounded(schema.items);
    if (!array && schema.maxItems === 0) array = true;
    for (const member of Array.isArray(schema.allOf) ? schema.allOf : []) {
      const bounds = boundsOf(member);
      object ||= bounds.object;
      array ||= bounds.array;
    }
    for (const keyword of ['anyOf', 'oneOf'] as const) {
      const branches = schema[keyword];
      if (!Array.isArray(branches) || branches.length === 0) continue;
      const all = branches.map(boundsOf);
      object ||= all.every((bounds) => bounds.object);
      array ||= all.every((bounds) => bounds.array);
    }
    return { object, array };
  };
  const isBounded = (schema: unknown) => {
    const bounds = boundsOf(schema);
    return bounds.object && bounds.array;
  };

  const walked = new Set<string>();
  for (const [name, resource] of resources) {
    if (!isBounded(resource) || usesUniqueItems(resource, resolve)) walked.add(name);
  }
  return walked;
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
