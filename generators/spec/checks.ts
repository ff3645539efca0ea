/**
 * What a bundled document must satisfy before the generators run. Two levels: `contract` holds this
 * repository's spec/ to house rules too (an allow-list of schema keywords, every operation named,
 * every response body described); `document` is any valid OpenAPI document given with `--spec`.
 */
import { toViolations } from '../runtime/violations.js';
import { compiledSchemas, validateWith } from './compiled.ts';
import { escapePointer as escape, HTTP_METHODS, type BundledSpec } from './document.ts';

import { memo } from './memo.ts';
import { listOperations, listSchemaExamples, messageSchemas, schemaIdentifiers, schemaLocations } from './operations.ts';
import { createAjv, unknownFormats, type CheckLevel, type SchemaMap } from './schema-set.ts';
import { failAt, locate } from './spec-error.ts';

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
 * operationIds, and (at the `contract` level, or with `strictExamples`) examples that validate
 * against their schemas. Returns the warnings: formats the validators do not know, component names
 * that map to one identifier, operations named from their method and path, and (`document` level)
 * the examples their own schemas reject.
 */
export function checkDocument(
  spec: BundledSpec,
  specRoot: string,
  level: CheckLevel = 'contract',
  { strictExamples = false }: { strictExamples?: boolean } = {},
): string[] {
  const fail = failAt(specRoot);
  const schemas = messageSchemas(spec);
  const locations = new Map([...schemaLocations(spec)].map(([pointer, name]) => [name, pointer]));
  const metaSchema = createAjv({}, level);
  for (const [name, schema] of Object.entries(schemas)) {
    if (!metaSchema.validateSchema(schema as object)) {
      const error = metaSchema.errors![0]!;
      fail(`${locations.get(name)}${error.instancePath}`, `invalid JSON Schema: ${error.instancePath.split('/').at(-1)} ${error.message}`);
    }
  }
  const warnings: string[] = [];
  const where = (pointer: string) => {
    const at = locate(specRoot, pointer);
    return `${at.file}#${at.pointer}`;
  };
  for (const [format, pointer] of unknownFormats(schemas)) {
    // Pointers name the schema as a component; a named inline body schema is written elsewhere.
    const [, , , name = '', ...rest] = pointer.split('/');
    const home = locations.get(name.replaceAll('~1', '/').replaceAll('~0', '~')) ?? `/components/schemas/${name}`;
    const at = [home, ...rest].join('/');
    warnings.push(`format "${format}" is not known to the validators: accepted as any value (first at ${where(at)})`);
  }
  for (const { identifier, names } of schemaIdentifiers(spec).collisions) {
    const { identifiers } = schemaIdentifiers(spec);
    warnings.push(
      `component names ${names.map((name) => `"${name}"`).join(', ')} all map to the identifier ${identifier}: ` +
        names.map((name) => `${name} → ${identifiers[name]}`).join(', '),
    );
  }
  const seen = new Map<string, string>();
  for (const { at, operation } of operationsIn(spec)) {
    if (typeof operation.operationId !== 'string') continue;
    if (seen.has(operation.operationId))
      fail(`${at}/operationId`, `duplicate operationId "${operation.operationId}" (also at ${seen.get(operation.operationId)})`);
    seen.set(operation.operationId, at);
  }
  const derived = listOperations(spec).filter((operation) => operation.derived);
  if (derived.length > 0) {
    const named = derived.map((operation) => `${operation.method.toUpperCase()} ${operation.path} → ${operation.operationId}`);
    warnings.push(
      `${derived.length} operation${derived.length === 1 ? ' has' : 's have'} no operationId; named from ${derived.length === 1 ? 'its' : 'their'} method and path: ` +
        `${named.slice(0, 3).join(', ')}${named.length > 3 ? ', …' : ''}`,
    );
  }
  for (const { name, schema } of listSchemaExamples(spec)) {
    if (!Object.hasOwn(schemas, schema)) fail(`/components/examples/${escape(name)}/x-schema`, `no component schema ${schema}`);
  }
  const rejected = exampleVerdicts(spec, level).filter((verdict) => verdict.violations.length > 0);
  if (rejected.length > 0 && (level === 'contract' || strictExamples)) {
    const first = rejected[0]!;
    const of = first.subject === first.schema ? '' : ` of ${first.subject}`;
    fail(first.pointer + first.violations[0]!.path, `example "${first.name}"${of} violates ${first.schema}: ${first.violations[0]!.message}`);
  }
  if (rejected.length > 0) warnings.push(...exampleWarnings(rejected, where));
  return warnings;
}

/** How many rejected examples are listed one per line; the rest are counted. */
export const LISTED_EXAMPLES = 20;

function exampleWarnings(rejected: ExampleVerdict[], where: (pointer: string) => string): string[] {
  const one = rejected.length === 1;
  return [
    `${rejected.length} documented example${one ? ' does' : 's do'} not match ${one ? 'its schema' : 'their schemas'}; ` +
      `left out of the fixtures (--strict-examples makes ${one ? 'it an error' : 'them errors'}):`,
    ...rejected
      .slice(0, LISTED_EXAMPLES)
      .map(({ name, subject, pointer, violations }) => `  ${where(pointer + violations[0]!.path)}: example "${name}" of ${subject}: ${violations[0]!.message}`),
    ...(rejected.length > LISTED_EXAMPLES ? [`  … and ${rejected.length - LISTED_EXAMPLES} more`] : []),
  ];
}

/** One documented example and what its schema says of it. */
export interface ExampleVerdict {
  name: string;
  /** `createCharge request`, `createCharge 200`, or the component example's schema. */
  subject: string;
  schema: string;
  /** The JSON pointer of the example's value in the bundled document. */
  pointer: string;
  violations: ReturnType<typeof toViolations>;
}

/**
 * Every documented example of a JSON body, and every schema example (`components.examples` with
 * `x-schema`), validated against its schema (strict), in document order of operations (computed once
 * per document and level: the check and the fixtures generator share it).
 */
export function exampleVerdicts(spec: BundledSpec, level: CheckLevel): ExampleVerdict[] {
  return memo(spec, `exampleVerdicts:${level}`, () => {
    const schemas = messageSchemas(spec);
    const ajv = compiledSchemas(schemas, 'strict', level, schemaLocations(spec));
    const verdicts: ExampleVerdict[] = [];
    const judge = (name: string, subject: string, schema: string, pointer: string, value: unknown) =>
      verdicts.push({ name, subject, schema, pointer, violations: toViolations(validateWith(ajv, schema, 'strict', value)) });
    for (const operation of listOperations(spec)) {
      const messages = [
        ...(operation.request ? [['request', operation.request] as const] : []),
        ...Object.entries(operation.responses).map(([status, message]) => [status, message] as const),
      ];
      for (const [slot, message] of messages) {
        if (!message.schema) continue;
        for (const { name, example, pointer } of message.examples) {
          if (!example || !('value' in example)) continue;
          judge(name, `${operation.operationId} ${slot}`, message.schema, pointer, example.value);
        }
      }
    }
    for (const { name, schema, example, pointer } of listSchemaExamples(spec)) {
      if (Object.hasOwn(schemas, schema)) judge(name, schema, schema, pointer, example.value);
    }
    return verdicts;
  });
}

/**
 * The examples their schemas reject (left out of the fixtures), as `exampleKey`s: an example written
 * once in `components/examples` may fit one operation's schema and not another's.
 */
export function rejectedExamples(spec: BundledSpec, level: CheckLevel): Set<string> {
  return new Set(
    exampleVerdicts(spec, level).flatMap((verdict) => (verdict.violations.length > 0 ? [exampleKey(verdict.schema, verdict.pointer)] : [])),
  );
}

/** One example against one schema. */
export const exampleKey = (schema: string, pointer: string) => `${schema}#${pointer}`;

/** Both levels for this repository's spec (kept for callers of the former single check). */
export function checkContract(spec: BundledSpec, specRoot: string): void {
  checkHouseRules(spec, specRoot);
  checkDocument(spec, specRoot, 'contract');
}

