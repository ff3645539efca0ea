/**
 * After bundling, the references a bundler leaves where no schema tool expects one. A bundler
 * (swagger-parser) puts a file it meets several times where it first met it (a parameter's schema,
 * an operation's body) and points every other use there; a split document such as DigitalOcean's
 * (2,907 files) is mostly such references. Each kind is reshaped so that the document stays one graph
 * of named schemas:
 * - a schema met inside an operation and used elsewhere becomes a component schema (hoisted), named after
 *   its file when it is a whole file (`models/Item.yaml` → `Item`), and every reference to it, or into
 *   it, follows it there: written once, compiled once, typed once (inlining each use instead made
 *   DigitalOcean's bundle 29 MB from 2.7 MB of YAML, and everything generated from it as much larger);
 * - likewise a response, parameter, header or request body pointed at another operation's becomes a
 *   component of its kind (`components/responses` …), named after the file it was written in when it
 *   is a whole file (`shared/responses/unauthorized.yml` → `unauthorized`, as openapi-typescript's own
 *   bundler names it): DigitalOcean's shared error responses, written out at every use (3,503 uses),
 *   were 4.4 MB of its 6.1 MB bundle and made `openapi.d.ts` 8.3 MB against openapi-typescript's 2.5 MB;
 * - a map (`properties`, `responses` …) written as a `$ref` to a map elsewhere is replaced by what it
 *   points at (the same object).
 * @see https://spec.openapis.org/oas/v3.1.0#components-object
 */
import { basename, extname } from 'node:path';
import { decodeSegment, escapePointer as escape, resolveLocal, type BundledSpec } from './document.ts';
import { childPosition, forEachObject } from './data-positions.ts';
import { toIdentifier } from './names.ts';
import { derivedOperationId } from './operations.ts';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Where a schema lives for the validators and models to refer to it by name: the component schemas. */
const SCHEMA_HOME = /^#\/components\/schemas\/[^/]+(?:\/|$)/;

/** A `$ref` into `paths` or `webhooks`: written by a bundler, never a place meant to be referred to. */
const INTO_OPERATIONS = /^#\/(?:paths|webhooks)\//;
const pointsIntoOperations = (value: unknown) =>
  isRecord(value) && typeof value.$ref === 'string' && INTO_OPERATIONS.test(value.$ref);

const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'dependentSchemas', '$defs', 'definitions']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);

/** The components section an object a bundler points at another operation's is hoisted into, by where it is used. */
type Section = 'schemas' | 'responses' | 'parameters' | 'headers' | 'requestBodies';
/** In a map under these keys: each entry is one object of the section. */
const MAP_SECTIONS: Readonly<Record<string, Section>> = { responses: 'responses', headers: 'headers' };
/** In a list under these keys. */
const LIST_SECTIONS: Readonly<Record<string, Section>> = { parameters: 'parameters' };
/** The value of these keys. */
const KEY_SECTIONS: Readonly<Record<string, Section>> = { requestBody: 'requestBodies' };

/** Keys whose value is one schema. */
const SCHEMA_KEYS = new Set(['schema', 'items', 'not', 'if', 'then', 'else', 'additionalProperties', 'contains', 'propertyNames']);

/** Whether `node` holds `needle` (by identity) anywhere below it. */
function contains(node: unknown, needle: unknown): boolean {
  const seen = new Set<unknown>();
  const stack = [node];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === needle) return true;
    if (current === null || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    stack.push(...Object.values(current));
  }
  return false;
}

const segmentsOf = (ref: string) => ref.slice(2).split('/').map(decodeSegment);
const pointerOf = (segments: readonly string[]) => `#/${segments.map(escape).join('/')}`;

/**
 * Hoists the schemas, responses, parameters, headers and bodies of the first two kinds above into
 * components (and any schema a bundler left where it would contain itself), and replaces the references
 * of the last kind by their targets, in place. `files`: the object each file parsed into, by its path
 * (what names a hoisted response written as a whole file).
 */
export function reshapeStrayReferences(bundled: unknown, files: ReadonlyMap<object, string> = new Map()): void {
  const hoist = new Map<string, Section>();
  const inlined = (value: unknown, kind: 'map' | 'schema' | 'object', section?: Section): unknown => {
    if (!isRecord(value) || typeof value.$ref !== 'string' || !value.$ref.startsWith('#/')) return undefined;
    if (kind !== 'map' && SCHEMA_HOME.test(value.$ref)) return undefined;
    if (kind === 'schema' && INTO_OPERATIONS.test(value.$ref)) {
      hoist.set(value.$ref, 'schemas');
      return undefined;
    }
    const target = resolveLocal<unknown>(bundled, value);
    if (!isRecord(target) || typeof target.$ref === 'string') return undefined;
    if (kind === 'object' && section !== undefined) {
      hoist.set(value.$ref, section);
      return undefined;
    }
    if (!contains(target, value)) return target;
    hoist.set(value.$ref, 'schemas');
    return undefined;
  };
  forEachObject(
    bundled,
    (record, _pointer, position) => {
      if (position !== 'object') return;
      for (const [key, value] of Object.entries(record)) {
        if (childPosition(position, key, value) === 'names') {
          const map = inlined(value, 'map');
          if (map !== undefined) record[key] = map;
          const entries = record[key];
          if (isRecord(entries))
            for (const [name, entry] of Object.entries(entries)) {
              const kind = SCHEMA_MAPS.has(key) ? 'schema' : pointsIntoOperations(entry) ? 'object' : undefined;
              const target = kind === undefined ? undefined : inlined(entry, kind, MAP_SECTIONS[key]);
              if (target !== undefined) entries[name] = target;
            }
        } else if (SCHEMA_KEYS.has(key)) {
          const target = inlined(value, 'schema');
          if (target !== undefined) record[key] = target;
        } else if (Array.isArray(value)) {
          value.forEach((item, index) => {
            const kind = SCHEMA_LISTS.has(key) ? 'schema' : pointsIntoOperations(item) ? 'object' : undefined;
            const target = kind === undefined ? undefined : inlined(item, kind, LIST_SECTIONS[key]);
            if (target !== undefined) value[index] = target;
          });
        } else if (pointsIntoOperations(value)) {
          // A parameter, header or body a bundler points at another operation's (openapi-typescript would
          // type it as an indexed access into that operation, which strict TypeScript rejects).
          const target = inlined(value, 'object', KEY_SECTIONS[key]);
          if (target !== undefined) record[key] = target;
        }
      }
    },
    escape,
  );
  hoistIntoComponents(
    bundled as BundledSpec,
    [...hoist].map(([ref, section]) => ({ segments: segmentsOf(ref), section })),
    files,
  );
}

const BODY = /^(?:paths|webhooks)\u0000([^\u0000]+)\u0000(\w+)\u0000(?:requestBody|responses\u0000([^\u0000]+))\u0000content\u0000[^\u0000]+\u0000schema$/;
const GENERIC_SEGMENT = /^(?:\d+|schema|items|properties|parameters|anyOf|allOf|oneOf|content|responses|requestBody|application\/json)$/;

/** The operationId of the operation at `paths/{path}/{method}` (or `webhooks/…`), derived when it has none. */
function operationIdAt(bundled: BundledSpec, section: 'paths' | 'webhooks', path: string, method: string): string {
  const operation = (bundled[section] as Record<string, Record<string, { operationId?: unknown }>> | undefined)?.[path]?.[method];
  return typeof operation?.operationId === 'string' ? operation.operationId : derivedOperationId(method, path);
}

/**
 * The name of a schema hoisted from `segments`: an operation's body schema gets the name the validators
 * give an inline body (operationId + `Request` / status + `Response`, see operations.ts); any other
 * is named after the last segment that names something (`…/properties/agent` → `Agent`).
 */
function hoistedSchemaName(bundled: BundledSpec, segments: readonly string[]): string {
  const body = BODY.exec(segments.join('\u0000'));
  if (body) {
    const [, path, method, status] = body;
    const id = operationIdAt(bundled, segments[0] as 'paths' | 'webhooks', path!, method!);
    return toIdentifier(status === undefined ? `${id} Request` : `${id} ${status} Response`);
  }
  // A parameter's schema is named after the parameter (`…/parameters/0/schema` → `SshKeyIdentifier`).
  const named = segments.map((segment, index) => {
    if (segments[index - 1] !== 'parameters' || !/^\d+$/.test(segment)) return segment;
    const parameter = segments.slice(0, index + 1).reduce<any>((node, key) => node?.[key], bundled);
    return typeof parameter?.name === 'string' ? parameter.name : segment;
  });
  return toIdentifier(named.filter((segment) => !GENERIC_SEGMENT.test(segment)).at(-1) ?? 'Schema');
}

/** `shared/responses/unauthorized.yml` → `unauthorized`. */
const fileStem = (file: string) => basename(file, extname(file));

/** A component name as OpenAPI allows one (`^[a-zA-Z0-9._-]+$`). */
const componentName = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'component';

/**
 * The name of a response, parameter, header or body hoisted from `segments`: the file it was written
 * in when it is a whole file; else a parameter's name, a header's, or the operation and status it was
 * first written under (`listDroplets 401`).
 */
function hoistedObjectName(bundled: BundledSpec, segments: readonly string[], target: object, files: ReadonlyMap<object, string>): string {
  const file = files.get(target);
  if (file !== undefined) return componentName(fileStem(file));
  const parameterName = (target as { name?: unknown }).name;
  if (segments.at(-2) === 'parameters' && typeof parameterName === 'string') return componentName(parameterName);
  if (segments.at(-2) === 'headers') return componentName(segments.at(-1)!);
  const [section, path, method, ...rest] = segments;
  if ((section === 'paths' || section === 'webhooks') && path !== undefined && method !== undefined) {
    const id = operationIdAt(bundled, section, path, method);
    return componentName(rest[0] === 'responses' && rest[1] !== undefined ? `${id}_${rest[1]}` : id);
  }
  return componentName(segments.at(-1) ?? 'component');
}

/**
 * Moves each object at `targets` (pointer segments) into its section of `components` under a name of
 * its own (`_2`, `_3`… when taken), leaves a `$ref` to it where it was, and points every reference to it
 * or into it (`$ref`s and discriminator mappings) at its new place: one pass over the document for all.
 */
function hoistIntoComponents(
  bundled: BundledSpec,
  targets: Array<{ segments: string[]; section: Section }>,
  files: ReadonlyMap<object, string>,
): void {
  if (targets.length === 0) return;
  const components = (bundled.components ??= {}) as Record<Section, Record<string, unknown> | undefined>;
  const taken = new Map<Section, Set<string>>();
  const takenIn = (section: Section) => {
    let names = taken.get(section);
    if (!names) {
      const existing = Object.keys(components[section] ?? {});
      // Schema names are compared as identifiers too: the models and validators name them so.
      names = new Set(section === 'schemas' ? [...existing, ...existing.map(toIdentifier)] : existing);
      taken.set(section, names);
    }
    return names;
  };
  const homes = new Map<string, string>();
  const moves: Array<{ parent: Record<string, unknown>; key: string; home: string }> = [];
  // Shorter pointers first (an object before the ones inside it); equal ones in the order of the text.
  const ordered = targets
    .map(({ segments, section }) => ({ segments, section, pointer: pointerOf(segments) }))
    .sort((a, b) => a.segments.length - b.segments.length || (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0));
  // Every target is found before anything moves: a pointer may run through another target.
  for (const { segments, section, pointer } of ordered) {
    if (homes.has(pointer)) continue;
    const parent = segments.slice(0, -1).reduce<any>((node, key) => node?.[key], bundled);
    const key = segments.at(-1)!;
    const target = parent !== null && typeof parent === 'object' ? parent[key] : undefined;
    if (!isRecord(target) || typeof target.$ref === 'string') continue;
    const file = files.get(target);
    const base =
      section === 'schemas'
        ? file !== undefined
          ? toIdentifier(fileStem(file))
          : hoistedSchemaName(bundled, segments)
        : hoistedObjectName(bundled, segments, target, files);
    const names = takenIn(section);
    let name = base;
    for (let counter = 2; names.has(name) || (section === 'schemas' && names.has(toIdentifier(name))); counter++)
      name = `${base}_${counter}`;
    names.add(name);
    const home = `#/components/${section}/${escape(name)}`;
    homes.set(pointer, home);
    moves.push({ parent, key, home });
    (components[section] ??= {})[name] = target;
  }
  for (const { parent, key, home } of moves) parent[key] = { $ref: home };
  const moved = (ref: string): string | undefined => {
    if (!INTO_OPERATIONS.test(ref)) return undefined;
    const segments = segmentsOf(ref);
    for (let length = segments.length; length > 0; length--) {
      const home = homes.get(pointerOf(segments.slice(0, length)));
      if (home !== undefined) return length === segments.length ? home : `${home}/${segments.slice(length).map(escape).join('/')}`;
    }
    return undefined;
  };
  forEachObject(
    bundled,
    (record, _pointer, position) => {
      if (typeof record.$ref === 'string') record.$ref = moved(record.$ref) ?? record.$ref;
      const mapping = position !== 'names' && isRecord(record.discriminator) ? record.discriminator.mapping : undefined;
      if (isRecord(mapping))
        for (const [name, value] of Object.entries(mapping)) if (typeof value === 'string') mapping[name] = moved(value) ?? value;
    },
    escape,
  );
}
