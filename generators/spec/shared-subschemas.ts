/**
 * Repeated inline subschemas, compiled once. Large published documents repeat big inline objects
 * (GitHub's webhook payloads each carry their own copy of `repository`, `sender`, `installation`, …:
 * half of the bytes of its 1,710 prepared schemas), and Ajv writes a validator for every copy. Here a
 * subschema written the same way (the same JSON text, key order included) in two or more places becomes
 * one more schema resource, `shared/<hash>`, and each place a `$ref` to it: the validators call one
 * function where they had copies of its code. A subschema stays where it is when moving it could
 * change what it means or what its errors say:
 * - it is small (Ajv writes a referenced schema of a few keywords inline anyway, see AJV_OPTIONS);
 * - it has a `$ref` into its own resource (`#/…`), an `$id`, an anchor or a dynamic reference (they
 *   resolve against the resource they are written in);
 * - it has no `type` of its own (Ajv's strict types read the type of the schema it is written in);
 * - it lies in a cross-field rule (`x-rule`: generators/runtime/violations.js groups a rule's errors
 *   by their schema path, which a `$ref` would restart);
 * - its resource uses `unevaluatedProperties` / `unevaluatedItems` anywhere (what counts as evaluated
 *   would then cross a `$ref`).
 * Validity, instance paths and messages are the same; only an error's `schemaPath` inside a shared
 * subschema starts at that subschema (`#/properties/id/type`), as it does for any `$ref`.
 * @see https://json-schema.org/draft/2020-12/json-schema-core#name-direct-references-with-ref
 * @see https://ajv.js.org/options.html#inlinerefs
 */
import { createHash } from 'node:crypto';

type Node = Record<string, unknown>;
type Resource = Node & { $id: string };

/** Below this many characters of JSON a subschema is not worth a function of its own. */
const MIN_SHARED_LENGTH = 256;
const SHARED_PREFIX = 'shared/';

const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'dependentSchemas']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const SCHEMAS = new Set(['not', 'if', 'then', 'else', 'items', 'contains', 'additionalProperties', 'propertyNames']);
/** Keywords that resolve against, or name a place in, the resource they are written in. */
const RESOURCE_BOUND = ['$id', '$anchor', '$dynamicRef', '$dynamicAnchor', '$recursiveRef', '$recursiveAnchor', '$defs', 'x-rule'];
const UNEVALUATED = /"unevaluated(?:Properties|Items)":/;

const isRecord = (value: unknown): value is Node => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Each direct subschema of `schema`, with a function that puts a replacement in its place in a copy. */
function subschemasOf(schema: Node): Array<[unknown, (copy: Node, replacement: unknown) => void]> {
  const found: Array<[unknown, (copy: Node, replacement: unknown) => void]> = [];
  for (const [key, value] of Object.entries(schema)) {
    if (SCHEMAS.has(key)) found.push([value, (copy, replacement) => void (copy[key] = replacement)]);
    else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      value.forEach((item, index) =>
        found.push([item, (copy, replacement) => void ((copy[key] as unknown[])[index] = replacement)]),
      );
    } else if (SCHEMA_MAPS.has(key) && isRecord(value)) {
      for (const [name, item] of Object.entries(value))
        found.push([item, (copy, replacement) => void ((copy[key] as Node)[name] = replacement)]);
    }
  }
  return found;
}

/** Whether a subschema (as JSON text) means the same wherever it is written (see the module comment). */
function movable(text: string): boolean {
  if (text.length < MIN_SHARED_LENGTH) return false;
  if (text.includes('"$ref":"#')) return false;
  return !RESOURCE_BOUND.some((keyword) => text.includes(`"${keyword}":`));
}

/** The resource id of a shared subschema next to `resourceId` (same mode folder), and its relative `$ref`. */
function sharedPlace(resourceId: string, hash: string): { id: string; ref: string } {
  const ref = `${encodeURIComponent(`${SHARED_PREFIX}${hash}`)}.json`;
  return { id: `${resourceId.slice(0, resourceId.lastIndexOf('/') + 1)}${ref}`, ref };
}

/**
 * The prepared resources (one per component schema, references between siblings `Name.json#…`) with
 * every repeated movable subschema moved into a shared resource, appended after them in the order
 * first met. Deterministic: the same resources in give the same resources out.
 */
export function shareRepeatedSubschemas<T extends Resource>(resources: readonly T[]): Array<T | Resource> {
  const candidates = resources.filter((resource) => !UNEVALUATED.test(JSON.stringify(resource)));
  const textOf = new Map<unknown, string>();
  const seen = new Map<string, number>();
  const count = (schema: unknown): void => {
    if (!isRecord(schema)) return;
    const text = JSON.stringify(schema);
    textOf.set(schema, text);
    if ('type' in schema && movable(text)) seen.set(text, (seen.get(text) ?? 0) + 1);
    for (const [child] of subschemasOf(schema)) count(child);
  };
  for (const resource of candidates) for (const [child] of subschemasOf(resource)) count(child);
  const repeated = new Set([...seen].filter(([, times]) => times > 1).map(([text]) => text));
  if (repeated.size === 0) return [...resources];

  const shared = new Map<string, Resource>();
  const rewrite = (schema: Node, resourceId: string): Node => {
    let copy: Node | undefined;
    for (const [child, put] of subschemasOf(schema)) {
      if (!isRecord(child)) continue;
      const replacement = place(child, resourceId);
      if (replacement === child) continue;
      copy ??= structuredCopy(schema);
      put(copy, replacement);
    }
    return copy ?? schema;
  };
  const place = (schema: Node, resourceId: string): Node => {
    const text = textOf.get(schema);
    if (text === undefined || !repeated.has(text)) return rewrite(schema, resourceId);
    const hash = createHash('sha1').update(text).digest('hex').slice(0, 16);
    const { id, ref } = sharedPlace(resourceId, hash);
    if (!shared.has(text)) {
      // Listed before the shared subschemas inside it: the order they were first met in.
      shared.set(text, { $id: id });
      shared.set(text, { ...rewrite(schema, resourceId), $id: id });
    }
    return { $ref: ref };
  };
  const rewritable = new Set<T>(candidates);
  const rewritten = resources.map((resource) =>
    rewritable.has(resource) ? ({ ...rewrite(resource, resource.$id), $id: resource.$id } as T) : resource,
  );
  return [...rewritten, ...shared.values()];
}

/** A copy of a schema's own level, with its subschema lists and maps copied too (their items are not). */
function structuredCopy(schema: Node): Node {
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      SCHEMA_LISTS.has(key) && Array.isArray(value) ? [...value] : SCHEMA_MAPS.has(key) && isRecord(value) ? { ...value } : value,
    ]),
  );
}
