/**
 * What a bundled document must satisfy before the generators run. Two levels: `contract` holds this
 * repository's spec/ to house rules too (an allow-list of schema keywords, every operation named,
 * every response body described); `document` is any valid OpenAPI document given with `--spec`.
 */
import { toViolations } from '../runtime/violations.js';
import { compiledSchemas, validateWith } from './compiled.ts';
import { escapePointer as escape, HTTP_METHODS, type BundledSpec } from './document.ts';
import { schemaIdentifiers } from './names.ts';
import { listOperations, listSchemaExamples } from './operations.ts';
import { createAjv, unknownFormats, type CheckLevel, type SchemaMap } from './schema-set.ts';
import { failAt, locate, type Fail } from './spec-error.ts';

/**
 * JSON Schema and OpenAPI keywords the generators understand (stripe-mock's supportedSchemaFields
 * idea): anything else is rejected instead of being silently ignored by one generator.
 */
export const SUPPORTED_SCHEMA_KEYWORDS = new Set([
  '$ref',
  'type',
  'enum',
  'const',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'contains',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'dependentRequired',
  'dependentSchemas',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'if',
  'then',
  'else',
  'title',
  'description',
  'default',
  'examples',
  'readOnly',
  'writeOnly',
  'deprecated',
  'externalDocs',
  'minProperties',
  'maxProperties',
]);
const SCHEMA_MAPS = new Set(['properties', 'dependentSchemas']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);
const SCHEMA_VALUES = new Set(['items', 'contains', 'additionalProperties', 'propertyNames', 'not', 'if', 'then', 'else']);

function unsupportedKeywords(schema: unknown, pointer: string, found: Array<[string, string]>): void {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return;
  for (const [key, value] of Object.entries(schema)) {
    const at = `${pointer}/${escape(key)}`;
    if (!SUPPORTED_SCHEMA_KEYWORDS.has(key) && !key.startsWith('x-')) found.push([at, key]);
    else if (SCHEMA_MAPS.has(key) && value && typeof value === 'object') {
      for (const [name, item] of Object.entries(value)) unsupportedKeywords(item, `${at}/${escape(name)}`, found);
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value))
      value.forEach((item, index) => unsupportedKeywords(item, `${at}/${index}`, found));
    else if (SCHEMA_VALUES.has(key)) unsupportedKeywords(value, at, found);
  }
}

/**
 * The house rules of this repository's spec/ (STYLE.md: an allow-list of schema keywords, every
 * operation named, every response body described). They keep the Pivot contract clean; a user's
 * document through `generate --spec` is not held to them.
 */
export function checkHouseRules(spec: BundledSpec, specRoot: string): void {
  const fail = failAt(specRoot);
  for (const [name, schema] of Object.entries(spec.components?.schemas ?? {})) {
    const found: Array<[string, string]> = [];
    unsupportedKeywords(schema, `/components/schemas/${escape(name)}`, found);
    if (found.length > 0) fail(found[0]![0], `unsupported schema keyword "${found[0]![1]}"`);
  }
  for (const { at, operation } of operationsIn(spec)) {
    if (typeof operation.operationId !== 'string') fail(at, 'operation without operationId');
    for (const [status, response] of Object.entries((operation.responses ?? {}) as Record<string, any>)) {
      for (const [media, content] of Object.entries((response?.content ?? {}) as Record<string, any>)) {
        if (!content?.schema) fail(`${at}/responses/${status}/content/${escape(media)}`, 'response media type without a schema');
      }
    }
  }
}

/** Every operation of `paths` and `webhooks` with the pointer where it is written. */
function operationsIn(spec: BundledSpec): Array<{ at: string; method: string; path: string; operation: Record<string, any> }> {
  return (['paths', 'webhooks'] as const).flatMap((section) =>
    Object.entries(spec[section] ?? {}).flatMap(([path, item]) =>
      HTTP_METHODS.filter((method) => (item as Record<string, any>)?.[method]).map((method) => ({
        at: `/${section}/${escape(path)}/${method}`,
        method,
        path,
        operation: (item as Record<string, any>)[method],
      })),
    ),
  );
}

/**
 * What every document must satisfy for the generators, at either level: valid JSON Schema, unique
 * operationIds, examples that validate against their schemas. Returns the warnings: formats the
 * validators do not know, component names that map to one identifier, operations without an id.
 */
export function checkDocument(spec: BundledSpec, specRoot: string, level: CheckLevel = 'contract'): string[] {
  const fail = failAt(specRoot);
  const schemas = (spec.components?.schemas ?? {}) as SchemaMap;
  const metaSchema = createAjv({}, level);
  for (const [name, schema] of Object.entries(schemas)) {
    if (!metaSchema.validateSchema(schema as object)) {
      const error = metaSchema.errors![0]!;
      fail(
        `/components/schemas/${escape(name)}${error.instancePath}`,
        `invalid JSON Schema: ${error.instancePath.split('/').at(-1)} ${error.message}`,
      );
    }
  }
  const warnings: string[] = [];
  const where = (pointer: string) => {
    const at = locate(specRoot, pointer);
    return `${at.file}#${at.pointer}`;
  };
  for (const [format, pointer] of unknownFormats(schemas)) {
    warnings.push(`format "${format}" is not known to the validators: accepted as any value (first at ${where(pointer)})`);
  }
  for (const { identifier, names } of schemaIdentifiers(spec).collisions) {
    const { identifiers } = schemaIdentifiers(spec);
    warnings.push(
      `component names ${names.map((name) => `"${name}"`).join(', ')} all map to the identifier ${identifier}: ` +
        names.map((name) => `${name} → ${identifiers[name]}`).join(', '),
    );
  }
  const seen = new Map<string, string>();
  const unnamed: string[] = [];
  for (const { at, method, path, operation } of operationsIn(spec)) {
    if (typeof operation.operationId !== 'string') {
      unnamed.push(`${method.toUpperCase()} ${path}`);
      continue;
    }
    if (seen.has(operation.operationId))
      fail(`${at}/operationId`, `duplicate operationId "${operation.operationId}" (also at ${seen.get(operation.operationId)})`);
    seen.set(operation.operationId, at);
  }
  if (unnamed.length > 0) {
    warnings.push(
      `${unnamed.length} operation${unnamed.length === 1 ? ' has' : 's have'} no operationId, so no validateRequest/validateResponse ` +
        `or fixtures entry (their schemas are still validated by name): ${unnamed.slice(0, 3).join(', ')}${unnamed.length > 3 ? ', …' : ''}`,
    );
  }
  checkExamples(spec, schemas, level, fail);
  return warnings;
}

/** Every documented example of a component-schema body, and every schema example, validates. */
function checkExamples(spec: BundledSpec, schemas: SchemaMap, level: CheckLevel, fail: Fail): void {
  const ajv = compiledSchemas(schemas, 'strict', level);
  const validate = (schema: string, value: unknown) => toViolations(validateWith(ajv, schema, 'strict', value));
  for (const operation of listOperations(spec)) {
    const messages = [
      ...(operation.request ? [['request', operation.request] as const] : []),
      ...Object.entries(operation.responses).map(([status, message]) => [status, message] as const),
    ];
    for (const [slot, message] of messages) {
      if (!message.schema || !Object.hasOwn(schemas, message.schema)) continue;
      for (const { name, example } of message.examples) {
        if (!example || !('value' in example)) continue;
        const violations = validate(message.schema, example.value);
        if (violations.length > 0) {
          const where = slot === 'request' ? 'requestBody' : `responses/${slot}`;
          const subject = operation.operationId ?? `${operation.method.toUpperCase()} ${operation.path}`;
          fail(
            `/${operation.kind === 'webhook' ? 'webhooks' : 'paths'}/${escape(operation.path)}/${operation.method}/${where}/content/application~1json/examples/${escape(name)}/value${violations[0]!.path}`,
            `example "${name}" of ${subject} ${slot} violates ${message.schema}: ${violations[0]!.message}`,
          );
        }
      }
    }
  }
  for (const { name, schema, example } of listSchemaExamples(spec)) {
    if (!Object.hasOwn(schemas, schema)) fail(`/components/examples/${escape(name)}/x-schema`, `no component schema ${schema}`);
    const violations = validate(schema, example.value);
    if (violations.length > 0)
      fail(
        `/components/examples/${escape(name)}/value${violations[0]!.path}`,
        `example "${name}" violates ${schema}: ${violations[0]!.message}`,
      );
  }
}

/** Both levels for this repository's spec (kept for callers of the former single check). */
export function checkContract(spec: BundledSpec, specRoot: string): void {
  checkHouseRules(spec, specRoot);
  checkDocument(spec, specRoot, 'contract');
}

