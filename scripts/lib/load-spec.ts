/**
 * Loads a spec for the generators: check every `$ref` (confined to the spec's folder, bounded YAML),
 * then resolve and bundle them (swagger-parser), validate against the OpenAPI 3.1 schema, then check
 * what the generators rely on. Every failure becomes a SpecError naming the file and the JSON pointer,
 * so a broken spec never reaches the writer.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { isAlias, isMap, isSeq, parse as parseYaml, parseDocument, visit, type Node } from 'yaml';
import { toViolations } from '../../generators/runtime/violations.js';
import type { BundledSpec } from '../../generators/types.ts';
import { compiledSchemas, validateWith } from '../../generators/lib/compiled.ts';
import { schemaIdentifiers } from '../../generators/lib/names.ts';
import { normalizeDocument } from '../../generators/lib/normalize.ts';
import { createAjv, unknownFormats, type CheckLevel, type SchemaMap } from '../../generators/lib/schema-set.ts';
import { HTTP_METHODS, listOperations, listSchemaExamples } from './contract.ts';

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

type Fail = (pointer: string, detail: string) => never;

function failAt(specRoot: string): Fail {
  return (pointer, detail) => {
    const at = locate(specRoot, pointer);
    throw new SpecError(at.file, at.pointer, detail);
  };
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
    return search(parseYaml(readFileSync(file, 'utf8'), { maxAliasCount: MAX_YAML_ALIASES }), '');
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

/**
 * How far YAML aliases may expand (the `yaml` library's `maxAliasCount`: uses of an anchor times the
 * aliases inside it). The contract uses none; an alias bomb (`b: [*a, *a, …]` nested) fails at once
 * instead of being expanded into gigabytes.
 */
export const MAX_YAML_ALIASES = 100;

export interface LoadOptions {
  /** Follow `http(s)://` `$ref`s (off by default: a spec must not make the generator fetch anything). */
  allowRemoteRefs?: boolean;
  /**
   * `contract` (default): this repository's spec/, held to the house rules too. `document`: any valid
   * OpenAPI 3.0.x / 3.1.x document, normalised to 3.1 (see generators/lib/normalize.ts).
   */
  checks?: CheckLevel;
  /** Told each warning line (unknown formats, identifier collisions, operations without an id). */
  onWarning?: (line: string) => void;
  /**
   * Given the document once it is known to be valid OpenAPI (and normalised), before the generators'
   * own checks (the slow part: every schema compiled, every example validated), so that a caller can
   * start work on it early (awaited, so that the caller can finish its own setup first). The loader
   * may still fail after this.
   */
  onValidOpenApi?: (spec: BundledSpec) => void | Promise<void>;
}

const display = (file: string) => relative(process.cwd(), file) || '.';

/** The alias an over-expanding document trips on: the first one whose anchor itself holds aliases. */
function culpritAlias(document: ReturnType<typeof parseDocument>): Node | undefined {
  const aliases: Node[] = [];
  visit(document, { Alias: (_, node) => void aliases.push(node) });
  const nested = aliases.find((alias) => {
    const source = isAlias(alias) ? alias.resolve(document) : undefined;
    let found = false;
    if (source) visit(source as never, { Alias: () => ((found = true), visit.BREAK) });
    return found;
  });
  return nested ?? aliases[0];
}

/** A YAML anchor (`&name` as a node property) could be there; false positives only cost speed. */
const MAYBE_ANCHOR = /(?:^|[\s:[{,-])&[^\s,[\]{}]/m;

/** Parses a spec file as the bundler will (JSON, or YAML with bounded aliases); syntax errors name line and pointer. */
export function parseSpecFile(file: string, text: string): unknown {
  if (file.endsWith('.json')) {
    try {
      return JSON.parse(text);
    } catch {
      // not JSON after all: YAML is a superset, and its errors say where
    }
  }
  // js-yaml is several times faster than `yaml`, but cannot bound alias expansion nor say where an
  // error sits: it only reads text with no anchor (so no alias can resolve), and any failure goes on
  // to `yaml`, which reports it. The core schema reads what `yaml` reads (no timestamps, no `<<`).
  if (!MAYBE_ANCHOR.test(text)) {
    try {
      return loadYaml(text, { schema: CORE_SCHEMA, filename: file });
    } catch {
      // reported below, with line and pointer
    }
  }
  const document = parseDocument(text);
  const syntax = document.errors[0];
  if (syntax) {
    throw new SpecError(
      display(file),
      pointerAt(document.contents, syntax.pos[0]),
      `YAML syntax error at line ${syntax.linePos?.[0].line}, column ${syntax.linePos?.[0].col}: ${syntax.message.split('\n')[0]}`,
    );
  }
  try {
    return document.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const alias = culpritAlias(document);
    const offset = alias?.range?.[0] ?? 0;
    const line = text.slice(0, offset).split('\n').length;
    throw new SpecError(
      display(file),
      pointerAt(document.contents, offset),
      `YAML aliases expand beyond the limit of ${MAX_YAML_ALIASES} (an alias bomb?) at line ${line}`,
    );
  }
}

function isInside(folder: string, file: string): boolean {
  return file === folder || file.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/** Follows a JSON pointer; a `$ref` met on the way ends the check (the bundler follows it). */
function pointerExists(document: unknown, fragment: string): boolean {
  if (fragment === '' || fragment === '/') return true;
  if (!fragment.startsWith('/')) return true; // a plain-name anchor: left to the bundler
  let node: unknown = document;
  for (const raw of fragment.slice(1).split('/')) {
    if (node !== null && typeof node === 'object' && '$ref' in node) return true;
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

const REMOTE = /^https?:\/\//i;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Checks every `$ref` reachable from the root before anything is bundled: a local file must lie inside
 * the spec's folder (after symlinks) and exist, its pointer must exist, and a remote one needs
 * `allowRemoteRefs`. Each failure names the file and the pointer where the `$ref` is written, and no
 * file outside the folder is ever read.
 */
export function checkRefs(specRoot: string, options: LoadOptions = {}, documents = new Map<string, unknown>()): RemoteRef[] {
  const folder = realpathSync(dirname(specRoot));
  const remote: RemoteRef[] = [];
  const pointers: Array<{ file: string; at: string; ref: string; target: string; fragment: string }> = [];
  const queue = [realpathSync(specRoot)];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (documents.has(file)) continue;
    const document = parseSpecFile(file, readFileSync(file, 'utf8'));
    documents.set(file, document);
    const fail = (at: string, detail: string): never => {
      throw new SpecError(display(file), at, detail);
    };
    const visitRefs = (node: unknown, pointer: string): void => {
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        const at = `${pointer}/${escape(key)}`;
        if (key !== '$ref' || typeof value !== 'string') {
          visitRefs(value, at);
          continue;
        }
        const hash = value.indexOf('#');
        const address = hash === -1 ? value : value.slice(0, hash);
        const fragment = hash === -1 ? '' : value.slice(hash + 1);
        if (REMOTE.test(address)) {
          if (!options.allowRemoteRefs) fail(at, `remote $ref ${value} is not followed without --allow-remote-refs`);
          remote.push({ file: display(file), at, url: address });
          continue;
        }
        if (SCHEME.test(address) && !/^file:/i.test(address)) fail(at, `unsupported $ref scheme: ${value}`);
        const path = /^file:/i.test(address) ? fileURLToPath(address) : decodeURIComponent(address);
        const target = address === '' ? file : isAbsolute(path) ? resolve(path) : resolve(dirname(file), path);
        const outside = `$ref leaves the spec folder ${display(folder)}: ${value}`;
        if (!isInside(folder, target)) fail(at, outside);
        if (!existsSync(target)) fail(at, `$ref to a file that does not exist: ${display(target)}`);
        const real = realpathSync(target);
        if (!isInside(folder, real)) fail(at, `${outside} (a symbolic link to ${real})`);
        if (!statSync(real).isFile()) fail(at, `$ref to something that is not a file: ${display(target)}`);
        queue.push(real);
        pointers.push({ file, at, ref: value, target: real, fragment });
      }
    };
    visitRefs(document, '');
  }
  for (const { file, at, ref, target, fragment } of pointers) {
    if (!pointerExists(documents.get(target), fragment))
      throw new SpecError(display(file), at, `$ref points at nothing: ${ref} (no ${fragment} in ${display(target)})`);
  }
  return remote;
}

/** A remote `$ref` that `checkRefs` let through (with `allowRemoteRefs`), and where it is written. */
interface RemoteRef {
  file: string;
  at: string;
  url: string;
}

/** A failed download, told at the `$ref` that asked for it. */
function describeRemoteError(remote: RemoteRef[], error: unknown): SpecError | undefined {
  const message = (error as Error).message ?? '';
  const ref = remote.find((candidate) => message.includes(candidate.url));
  if (!ref) return undefined;
  const reason = /Unable to resolve \$ref pointer/.test(message)
    ? 'local and private-network addresses are never fetched'
    : message.split('\n')[0]!;
  return new SpecError(ref.file, ref.at, `cannot fetch remote $ref ${ref.url}: ${reason}`);
}

/**
 * swagger-parser options that read only what `checkRefs` allowed: files inside the folder, bounded
 * YAML. Files `checkRefs` has parsed already are handed over as they are (each is parsed once a run).
 */
function bundlerOptions(specRoot: string, options: LoadOptions, parsed: Map<string, unknown>): SwaggerParser.Options {
  const folder = realpathSync(dirname(specRoot));
  return {
    parse: {
      yaml: {
        order: 200,
        allowEmpty: true,
        canParse: ['.yaml', '.yml', '.json'],
        parse: (file: { url: string; data: Buffer | string }) => {
          const path = /^file:/i.test(file.url) ? fileURLToPath(file.url) : decodeURIComponent(file.url);
          const known = existsSync(path) ? realpathSync(path) : path;
          if (parsed.has(known)) {
            const document = parsed.get(known);
            parsed.delete(known);
            return document;
          }
          return parseSpecFile(file.url, Buffer.isBuffer(file.data) ? file.data.toString('utf8') : String(file.data));
        },
      },
    },
    resolve: {
      file: {
        order: 100,
        canRead: (file: { url: string }) => !SCHEME.test(file.url) || /^file:/i.test(file.url),
        read: (file: { url: string }) => {
          // Defence in depth: checkRefs has already refused these with the $ref's location.
          const path = realpathSync(/^file:/i.test(file.url) ? fileURLToPath(file.url) : decodeURIComponent(file.url));
          if (!isInside(folder, path)) throw new Error(`$ref leaves the spec folder ${display(folder)}: ${path}`);
          return readFileSync(path);
        },
      },
      http: options.allowRemoteRefs ? { timeout: 10_000, redirects: 3 } : false,
    },
  };
}

/** Bundles a spec confined to its folder (see `checkRefs`); throws a SpecError naming the file and pointer. */
export async function bundleSpec(specRoot: string, options: LoadOptions = {}): Promise<BundledSpec> {
  if (!existsSync(specRoot)) throw new SpecError(display(specRoot), '', 'no such file');
  const parsed = new Map<string, unknown>();
  const remote = checkRefs(specRoot, options, parsed);
  try {
    return (await SwaggerParser.bundle(specRoot, bundlerOptions(specRoot, options, parsed))) as BundledSpec;
  } catch (error) {
    throw describeRemoteError(remote, error) ?? describeLoadError(specRoot, error);
  }
}

/**
 * Reads, bundles, validates and checks a spec; throws a SpecError naming the file and pointer. The
 * OpenAPI schema check runs on the document as written (3.0 or 3.1); the generators' checks on its
 * 3.1 normal form, which is what every generator gets.
 */
export async function loadSpec(specRoot: string, options: LoadOptions = {}): Promise<BundledSpec> {
  const level = options.checks ?? 'contract';
  const bundled = await bundleSpec(specRoot, options);
  try {
    // validate() dereferences in place, so it gets its own copy; the bundle has only internal refs.
    await SwaggerParser.validate(structuredClone(bundled) as never, { resolve: { external: false } });
  } catch (error) {
    throw describeLoadError(specRoot, error);
  }
  if (level === 'contract') checkHouseRules(bundled, specRoot);
  else normalizeDocument(bundled);
  await options.onValidOpenApi?.(bundled);
  for (const warning of checkDocument(bundled, specRoot, level)) options.onWarning?.(warning);
  return bundled;
}

/** The YAML or JSON text of a file, parsed, for tools that need a document without bundling. */
export function readDocument(file: string): unknown {
  return parseYaml(readFileSync(file, 'utf8'), { maxAliasCount: MAX_YAML_ALIASES });
}
