/**
 * OpenAPI 3.0 schema keywords in their 3.1 / JSON Schema 2020-12 form, read the way openapi-typescript
 * reads them, so that every generator (and Ajv) sees one dialect:
 * - `nullable: true` adds `null`: to `type` (`[t, 'null']`), to `enum`, or, for a bare composition
 *   (`allOf` / `anyOf` / `oneOf` without `type`), as `anyOf: [composition, { type: 'null' }]`; next to a
 *   `$ref` it is ignored, as 3.0 ignores every sibling of `$ref`.
 * - boolean `exclusiveMinimum` / `exclusiveMaximum` become the numeric 2020-12 form.
 * - `example` and `discriminator` stay: 3.1 keeps both, and the validators treat them as annotations.
 * Documents written for 3.1 that still use `nullable` (common in the wild) get the same reading.
 * The document is changed in place and its `openapi` becomes `3.1.0`.
 * @see https://spec.openapis.org/oas/v3.0.3#schema-object
 * @see https://www.openapis.org/blog/2021/02/16/migrating-from-openapi-3-0-to-3-1-0
 */
import { childPosition, type Position } from './data-positions.ts';


type Node = Record<string, unknown>;

function isRecord(value: unknown): value is Node {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function normalizeNullable(schema: Node): Node {
  const nullable = schema.nullable;
  delete schema.nullable;
  if (nullable !== true || '$ref' in schema) return schema;
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
  if (typeof schema.type === 'string') schema.type = [schema.type, 'null'];
  else if (Array.isArray(schema.type)) {
    if (!schema.type.includes('null')) schema.type = [...schema.type, 'null'];
  } else if (!Array.isArray(schema.enum) && ['allOf', 'anyOf', 'oneOf'].some((key) => key in schema)) {
    const composition: Node = {};
    for (const key of ['allOf', 'anyOf', 'oneOf', 'discriminator']) {
      if (key in schema) {
        composition[key] = schema[key];
        delete schema[key];
      }
    }
    schema.anyOf = [composition, { type: 'null' }];
  }
  return schema;
}

function normalizeExclusiveBound(schema: Node, exclusive: 'exclusiveMinimum' | 'exclusiveMaximum', bound: 'minimum' | 'maximum') {
  if (typeof schema[exclusive] !== 'boolean') return;
  if (schema[exclusive] === true && typeof schema[bound] === 'number') {
    schema[exclusive] = schema[bound];
    delete schema[bound];
  } else delete schema[exclusive];
}

/** Rewrites one schema-shaped object's 3.0 keywords (its children are visited by the walk). */
function normalizeSchemaKeywords(node: Node): void {
  if ('nullable' in node && typeof node.nullable === 'boolean') normalizeNullable(node);
  normalizeExclusiveBound(node, 'exclusiveMinimum', 'minimum');
  normalizeExclusiveBound(node, 'exclusiveMaximum', 'maximum');
}

function walk(node: unknown, position: Position): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, position === 'names' ? 'object' : position);
    return;
  }
  if (!isRecord(node)) return;
  if (position === 'object') normalizeSchemaKeywords(node);
  for (const [key, value] of Object.entries(node)) {
    // In a map of names, every value is a schema (or a container), whatever its name; data (examples,
    // defaults, enum members) and extensions are never schemas.
    if (position !== 'names' && key.startsWith('x-')) continue;
    const child = childPosition(position, key, value);
    if (child !== 'data') walk(value, child);
  }
}

/** Normalises the bundled document in place (see the module comment) and returns it. */
export function normalizeDocument<T extends object>(document: T): T {
  walk(document, 'object');
  (document as Node).openapi = '3.1.0';
  return document;
}
