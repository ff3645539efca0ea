/**
 * Loads a spec for the generators: parse, resolve and bundle every `$ref` (swagger-parser), validate
 * it against the OpenAPI 3.1 schema, then check what the generators rely on. Every failure becomes a
 * SpecError naming the file and the JSON pointer, so a broken spec never reaches the writer.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { isMap, isScalar, isSeq, parse as parseYaml, parseDocument, type Node } from 'yaml';
import { toViolations } from '../../generators/runtime/violations.js';
import type { BundledSpec } from '../../generators/types.ts';
import { createAjv } from '../../generators/lib/schema-set.ts';
import { listOperations, listSchemaExamples, runtimeValidator } from './contract.ts';

export class SpecError extends Error {
  constructor(
    readonly file: string,
    readonly pointer: string,
    readonly detail: string,
  ) {
    super(`${file}${pointer ? `#${pointer}` : ''}: ${detail}`);
    this.name = 'SpecError';
  }
}

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

function escape(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The file a pointer of the bundled document comes from, when the spec is split (one schema per file). */
export function locate(specRoot: string, pointer: string): { file: string; pointer: string } {
  const match = /^\/components\/(schemas|responses|parameters|examples)\/([^/]+)(.*)$/.exec(pointer);
  const root = relative(process.cwd(), specRoot);
  if (!match || !specRoot.endsWith('.yaml')) return { file: root, pointer };
  const candidate = resolve(dirname(specRoot), 'components', match[1]!, `${match[2]!.replaceAll('~1', '/')}.yaml`);
  return existsSync(candidate) ? { file: relative(process.cwd(), candidate), pointer: match[3] ?? '' } : { file: root, pointer };
}

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

/** Checks beyond the OpenAPI schema that the generators rely on. */
export function checkContract(spec: BundledSpec, specRoot: string): void {
  const fail = (pointer: string, detail: string): never => {
    const at = locate(specRoot, pointer);
    throw new SpecError(at.file, at.pointer, detail);
  };
  const metaSchema = createAjv();
  for (const [name, schema] of Object.entries(spec.components?.schemas ?? {})) {
    if (!metaSchema.validateSchema(schema as object)) {
      const error = metaSchema.errors![0]!;
      fail(
        `/components/schemas/${escape(name)}${error.instancePath}`,
        `invalid JSON Schema: ${error.instancePath.split('/').at(-1)} ${error.message}`,
      );
    }
  }
  for (const [name, schema] of Object.entries(spec.components?.schemas ?? {})) {
    const found: Array<[string, string]> = [];
    unsupportedKeywords(schema, `/components/schemas/${escape(name)}`, found);
    if (found.length > 0) fail(found[0]![0], `unsupported schema keyword "${found[0]![1]}"`);
  }
  const seen = new Map<string, string>();
  for (const [section, items] of [
    ['paths', spec.paths ?? {}],
    ['webhooks', spec.webhooks ?? {}],
  ] as const) {
    for (const [path, item] of Object.entries(items)) {
      for (const [method, operation] of Object.entries(item as Record<string, any>)) {
        if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
        const at = `/${section}/${escape(path)}/${method}`;
        if (typeof operation.operationId !== 'string') fail(at, 'operation without operationId');
        if (seen.has(operation.operationId))
          fail(
            `${at}/operationId`,
            `duplicate operationId "${operation.operationId}" (also at ${seen.get(operation.operationId)})`,
          );
        seen.set(operation.operationId, at);
        for (const [status, response] of Object.entries(operation.responses as Record<string, any>)) {
          for (const [media, content] of Object.entries((response?.content ?? {}) as Record<string, any>)) {
            if (!content?.schema)
              fail(`${at}/responses/${status}/content/${escape(media)}`, 'response media type without a schema');
          }
        }
      }
    }
  }
  const validate = runtimeValidator(spec);
  for (const operation of listOperations(spec)) {
    const messages = [
      ...(operation.request ? [['request', operation.request] as const] : []),
      ...Object.entries(operation.responses).map(([status, message]) => [status, message] as const),
    ];
    for (const [slot, message] of messages) {
      for (const { name, example } of message.examples) {
        const violations = toViolations(validate(message.schema!, example.value));
        if (violations.length > 0) {
          const where = slot === 'request' ? 'requestBody' : `responses/${slot}`;
          fail(
            `/${operation.kind === 'webhook' ? 'webhooks' : 'paths'}/${escape(operation.path)}/${operation.method}/${where}/content/application~1json/examples/${escape(name)}/value${violations[0]!.path}`,
            `example "${name}" of ${operation.operationId} ${slot} violates ${message.schema}: ${violations[0]!.message}`,
          );
        }
      }
    }
  }
  for (const { name, schema, example } of listSchemaExamples(spec)) {
    const violations = toViolations(validate(schema, example.value));
    if (violations.length > 0)
      fail(
        `/components/examples/${escape(name)}/value${violations[0]!.path}`,
        `example "${name}" violates ${schema}: ${violations[0]!.message}`,
      );
  }
}

/** The JSON pointer of the deepest YAML node around a text offset (where a syntax error sits). */
function pointerAt(node: Node | null | undefined, offset: number, pointer = ''): string {
  if (isMap(node) || isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      const key = isMap(node) ? String((item as { key?: { value?: unknown } }).key?.value ?? '') : String(index);
      const value = (isMap(node) ? (item as { value?: Node }).value : item) as Node | undefined;
      const range = value?.range ?? (isMap(node) ? (item as { key?: Node }).key?.range : undefined);
      if (range && offset >= range[0] && offset <= range[2]) return pointerAt(value, offset, `${pointer}/${escape(key)}`);
    }
  }
  return pointer;
}

/** Where a YAML file stops parsing: `line:column` and the pointer of the node around it. */
function yamlSyntaxError(file: string): { pointer: string; detail: string } | undefined {
  const document = parseDocument(readFileSync(file, 'utf8'));
  const error = document.errors[0];
  if (!error) return undefined;
  const [line, column] = [error.linePos?.[0].line, error.linePos?.[0].col];
  return {
    pointer: pointerAt(document.contents, error.pos[0]),
    detail: `YAML syntax error at line ${line}, column ${column}: ${error.message.split('\n')[0]}`,
  };
}

/** The pointer of the first `$ref` in a file whose value satisfies `matches` (where a broken reference is written). */
function findRef(file: string, matches: (ref: string) => boolean): string | undefined {
  const search = (node: unknown, pointer: string): string | undefined => {
    if (node === null || typeof node !== 'object') return undefined;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && matches(value)) return `${pointer}/$ref`;
      const found = search(value, `${pointer}/${escape(key)}`);
      if (found) return found;
    }
    return undefined;
  };
  try {
    return search(parseYaml(readFileSync(file, 'utf8')), '');
  } catch {
    return undefined;
  }
}

function describeLoadError(specRoot: string, error: unknown): SpecError {
  const err = error as Error & {
    source?: string;
    path?: string[] | null;
    details?: Array<{ instancePath?: string; message?: string }>;
  };
  const file = err.source
    ? relative(process.cwd(), decodeURIComponent(err.source.replace(/^file:\/\//, '')))
    : relative(process.cwd(), specRoot);
  if (err.name === 'ParserError') {
    const syntax = err.source ? yamlSyntaxError(decodeURIComponent(err.source.replace(/^file:\/\//, ''))) : undefined;
    return new SpecError(file, syntax?.pointer ?? '', syntax?.detail ?? `cannot parse: ${err.message.split('\n')[0]}`);
  }
  if (err.name === 'ResolverError') {
    const missing = err.source ? decodeURIComponent(err.source.replace(/^file:\/\//, '')) : '';
    const name = missing.split('/').at(-1) ?? '';
    const at = findRef(specRoot, (ref) => ref.split('#')[0]!.endsWith(name));
    return new SpecError(
      relative(process.cwd(), specRoot),
      at ?? '',
      `$ref to a file that does not exist: ${relative(process.cwd(), missing)}`,
    );
  }
  if (err.name === 'MissingPointerError') {
    const target = /"([^"]+)"/.exec(err.message)?.[1] ?? '';
    const at = findRef(specRoot, (ref) => ref === target || ref.endsWith(target));
    return new SpecError(file, at ?? '', `$ref points at nothing: ${err.message.split('\n')[0]}`);
  }
  if (Array.isArray(err.details) && err.details.length > 0) {
    const first = err.details[0]!;
    const at = locate(specRoot, first.instancePath ?? '');
    return new SpecError(at.file, at.pointer, `invalid OpenAPI document: ${first.message ?? err.message}`);
  }
  const version = /Unsupported OpenAPI version/.test(err.message) ? '/openapi' : '';
  return new SpecError(relative(process.cwd(), specRoot), version, err.message.split('\n').slice(0, 3).join(' '));
}

/** Reads, bundles, validates and checks a spec; throws a SpecError naming the file and pointer. */
export async function loadSpec(specRoot: string): Promise<BundledSpec> {
  if (!existsSync(specRoot)) throw new SpecError(relative(process.cwd(), specRoot), '', 'no such file');
  let bundled: BundledSpec;
  try {
    bundled = (await SwaggerParser.bundle(specRoot)) as BundledSpec;
    // validate() dereferences in place, so it gets its own copy.
    await SwaggerParser.validate(structuredClone(bundled) as never);
  } catch (error) {
    throw describeLoadError(specRoot, error);
  }
  checkContract(bundled, specRoot);
  return bundled;
}

/** The YAML or JSON text of a file, parsed, for tools that need a document without bundling. */
export function readDocument(file: string): unknown {
  return parseYaml(readFileSync(file, 'utf8'));
}
