/**
 * Where an OpenAPI document holds data rather than OpenAPI objects: example values, defaults, enum
 * members and constants. Data is never read as OpenAPI: a `$ref` key inside an example (a JSON Schema
 * document, a HAL link) is part of the example, not a reference to follow (OpenAPI 3.1, Example Object
 * `value`: "Embedded literal example"; Schema Object `example` / `examples`: any value).
 *
 * The position of a node is known from the keys above it, without knowing the type of a file that
 * holds a fragment (a split document's `models/Pet.yaml`): in an OpenAPI object, `example`,
 * `examples` (a list), `default`, `enum` and `const` hold data; `examples` as a map holds Example
 * Objects, whose `value` is data; in a map of names (`properties`, `responses`, `schemas` …) every
 * key is a name (a property called `example`, the response `default`).
 * @see https://spec.openapis.org/oas/v3.1.0#example-object
 * @see https://spec.openapis.org/oas/v3.1.0#schema-object
 */

/** Keys of an OpenAPI or Schema object whose value is data. */
const DATA_KEYS = new Set(['example', 'examples', 'default', 'enum', 'const']);

/** Keys whose value maps names (chosen by the document's author) to OpenAPI objects. */
const NAME_MAPS = new Set([
  'properties',
  'patternProperties',
  'dependentSchemas',
  '$defs',
  'definitions',
  'schemas',
  'responses',
  'parameters',
  'requestBodies',
  'headers',
  'securitySchemes',
  'links',
  'callbacks',
  'pathItems',
  'paths',
  'webhooks',
  'content',
  'encoding',
  'mapping',
  'variables',
  'scopes',
]);

/** What a node is, as far as data goes. */
export type Position = 'object' | 'names' | 'example-map' | 'example' | 'data';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The position of `parent[key]`, given the position of `parent`. */
export function childPosition(parent: Position, key: string, value: unknown): Position {
  switch (parent) {
    case 'data':
      return 'data';
    case 'names':
      return 'object';
    case 'example-map':
      return 'example';
    case 'example':
      if (key === 'value') return 'data';
  }
  if (DATA_KEYS.has(key)) return key === 'examples' && isRecord(value) ? 'example-map' : 'data';
  return NAME_MAPS.has(key) && isRecord(value) ? 'names' : 'object';
}

/**
 * Calls `visit` with every object of a document (or of a fragment of one) that is not data, with its
 * JSON pointer and position, before its children are read (so `visit` may add to them). Iterative: a
 * document may be deep.
 */
export function forEachObject(
  document: unknown,
  visit: (record: Record<string, unknown>, pointer: string, position: Position) => void,
  escape: (segment: string) => string,
): void {
  const stack: Array<{ node: unknown; pointer: string; position: Position }> = [{ node: document, pointer: '', position: 'object' }];
  while (stack.length > 0) {
    const { node, pointer, position } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (let index = node.length - 1; index >= 0; index--)
        stack.push({ node: node[index], pointer: `${pointer}/${index}`, position: position === 'names' ? 'object' : position });
      continue;
    }
    const record = node as Record<string, unknown>;
    visit(record, pointer, position);
    const keys = Object.keys(record);
    for (let index = keys.length - 1; index >= 0; index--) {
      const key = keys[index]!;
      const value = record[key];
      if (value === null || typeof value !== 'object') continue;
      const child = childPosition(position, key, value);
      if (child !== 'data') stack.push({ node: value, pointer: `${pointer}/${escape(key)}`, position: child });
    }
  }
}

/**
 * The key a `$ref` inside data is kept under while a bundler reads the document (a bundler follows
 * every `$ref` it finds). No JSON written by hand has it: it starts with a NUL character.
 */
export const DATA_REF = '\u0000$ref';

function containsRef(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(containsRef);
  return Object.keys(value).some((key) => key === '$ref' || containsRef((value as Record<string, unknown>)[key]));
}

/** A copy with every key `from` renamed `to`, in place of the original key (the key order is kept). */
function renameKeys(value: unknown, from: string, to: string): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => renameKeys(item, from, to));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key === from ? to : key, renameKeys(item, from, to)]));
}

/**
 * Calls `visit` with every data value of a document (or fragment) that holds a `$ref` key, and the
 * object and key it sits under; stops early when `visit` returns true. What the callers do with those
 * values differs (escape, leave out, just find); where data is, is this walk's alone.
 */
function forEachDataRef(
  document: unknown,
  position: Position,
  visit: (record: Record<string, unknown>, key: string, value: object) => boolean | void,
): void {
  const stack: Array<{ node: unknown; position: Position }> = [{ node: document, position }];
  while (stack.length > 0) {
    const { node, position } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const value = record[key];
      if (value === null || typeof value !== 'object') continue;
      const child = Array.isArray(node) ? (position === 'names' ? 'object' : position) : childPosition(position, key, value);
      if (child !== 'data') stack.push({ node: value, position: child });
      else if (containsRef(value) && visit(record, key, value) === true) return;
    }
  }
}

/**
 * Renames every `$ref` key inside the data of a parsed file to DATA_REF, in place, so that a bundler
 * does not follow it; `restoreDataRefs` puts them back. Returns how many data values were changed.
 */
export function escapeDataRefs(document: unknown): number {
  let changed = 0;
  forEachDataRef(document, 'object', (record, key, value) => {
    record[key] = renameKeys(value, '$ref', DATA_REF);
    changed++;
  });
  return changed;
}

/** Puts back the `$ref` keys `escapeDataRefs` renamed, anywhere in a (bundled) document, in place. */
export function restoreDataRefs(document: unknown): void {
  const stack: unknown[] = [document];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const value = record[key];
      if (value === null || typeof value !== 'object') continue;
      if (!Array.isArray(value) && Object.hasOwn(value, DATA_REF)) record[key] = renameKeys(value, DATA_REF, '$ref');
      else stack.push(value);
    }
  }
}

/** Whether any data of a document (or fragment) holds a `$ref` key. */
function hasDataRefs(document: unknown, position: Position): boolean {
  let found = false;
  forEachDataRef(document, position, () => (found = true));
  return found;
}

/**
 * The document as seen by tools that follow every `$ref` they meet, examples included (openapi-typescript's
 * resolver, json-schema-to-typescript's): data holding a `$ref` key is left out where it only
 * documents (`example`, `examples`, `default`, an Example Object's `value`), and escaped (DATA_REF)
 * where it is a value the type depends on (`enum`, `const`). A copy when there is such data; the
 * document itself (not to be changed) when there is none, the usual case: a copy of a 13 MB document
 * costs a second or so and as much memory as the document.
 */
export function withoutDataRefs<T>(document: T, position: Position = 'object'): T {
  if (!hasDataRefs(document, position)) return document;
  const copy = structuredClone(document);
  forEachDataRef(copy, position, (record, key, value) => {
    if (key === 'enum' || key === 'const') record[key] = renameKeys(value, '$ref', DATA_REF);
    else delete record[key];
  });
  return copy;
}
