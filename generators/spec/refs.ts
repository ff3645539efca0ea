/**
 * Which files a spec may read: every `$ref` reachable from the root is checked before anything is
 * bundled (inside the spec's folder after symbolic links, existing, its pointer present; remote ones
 * only when allowed), and the bundler is given readers that read nothing else.
 */
import type SwaggerParser from '@apidevtools/swagger-parser';
import { existsSync, readFileSync, realpathSync as jsRealpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { escapePointer as escape } from './document.ts';
import { escapeDataRefs, forEachObject } from './data-positions.ts';
import { parseSpecFile } from './parse.ts';
import { display, SpecError } from './spec-error.ts';

// The system's realpath, about 3× as fast as Node's own, which walks the path segment by segment in
// JavaScript (DigitalOcean's 2,907 files are resolved three times each in a run); same answers.
const realpathSync = (path: string) => jsRealpathSync.native(path);

/** What the reference checks and the bundler are told. */
export interface RefOptions {
  /** Follow `http(s)://` `$ref`s (off by default: a spec must not make the generator fetch anything). */
  allowRemoteRefs?: boolean;
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

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Where a discriminator's mapping values that name a schema by reference are kept while bundling, as
 * `$ref`s the bundler resolves and rewrites like any other (it does not know mapping values).
 */
export const MAPPED_SCHEMAS = 'x-mapped-schemas';

/**
 * A `discriminator.mapping` value is a schema name or a reference, and a reference is relative to the
 * file it is written in (OpenAPI 3.1, Discriminator Object). Each one that names another file (or, in
 * a file other than the root, a pointer present in that same file) becomes a `$ref` under
 * MAPPED_SCHEMAS, so that it is checked and bundled from where it is written; `resolveMappings` turns
 * them back into mapping values pointing into the bundle. A bare name, or a pointer a split file
 * means for the root document, is left as it is.
 * @see https://spec.openapis.org/oas/v3.1.0#discriminator-object
 */
function markMappingTargets(discriminator: Record<string, unknown>, document: unknown, isRoot: boolean): void {
  if (!isRecord(discriminator.mapping)) return;
  for (const [name, value] of Object.entries(discriminator.mapping)) {
    if (typeof value !== 'string' || !/[/#]/.test(value)) continue;
    const local = value.startsWith('#');
    if (local && (isRoot || !pointerExists(document, value.slice(1)))) continue;
    const targets = (discriminator[MAPPED_SCHEMAS] ??= {}) as Record<string, unknown>;
    targets[name] = { $ref: value };
  }
}

/**
 * After bundling: every marked mapping value becomes the internal pointer the bundler wrote for it. A
 * target the bundler placed under MAPPED_SCHEMAS itself (no other reference to it came first) stays
 * there, and the mapping points at it.
 */
export function resolveMappings(bundled: unknown): void {
  forEachObject(
    bundled,
    (record, pointer) => {
      const targets = record[MAPPED_SCHEMAS];
      if (!isRecord(targets) || !isRecord(record.mapping)) return;
      for (const [name, target] of Object.entries(targets)) {
        const ref = isRecord(target) && typeof target.$ref === 'string' ? target.$ref : undefined;
        record.mapping[name] = ref ?? `#${pointer}/${MAPPED_SCHEMAS}/${escape(name)}`;
        if (ref !== undefined) delete targets[name];
      }
      if (Object.keys(targets).length === 0) delete record[MAPPED_SCHEMAS];
    },
    escape,
  );
}

/** The first reference a bundle still has to a file (a `$ref` or a mapping value), where it is. */
export function fileReferenceIn(bundled: unknown): { pointer: string; ref: string } | undefined {
  let found: { pointer: string; ref: string } | undefined;
  forEachObject(
    bundled,
    (record, pointer, position) => {
      if (found) return;
      if (typeof record.$ref === 'string' && !record.$ref.startsWith('#')) found = { pointer: `${pointer}/$ref`, ref: record.$ref };
      if (position === 'names') return;
      const mapping = isRecord(record.discriminator) ? record.discriminator.mapping : undefined;
      for (const [name, value] of Object.entries(isRecord(mapping) ? mapping : {})) {
        if (!found && typeof value === 'string' && /[/#]/.test(value) && !value.startsWith('#'))
          found = { pointer: `${pointer}/discriminator/mapping/${escape(name)}`, ref: value };
      }
    },
    escape,
  );
  return found;
}

/**
 * Checks every `$ref` reachable from the root before anything is bundled: a local file must lie inside
 * the spec's folder (after symlinks) and exist, its pointer must exist, and a remote one needs
 * `allowRemoteRefs`. Each failure names the file and the pointer where the `$ref` is written, and no
 * file outside the folder is ever read.
 */
export function checkRefs(specRoot: string, options: RefOptions = {}, documents = new Map<string, unknown>()): RemoteRef[] {
  const folder = realpathSync(dirname(specRoot));
  const remote: RemoteRef[] = [];
  const pointers: Array<{ file: string; at: string; ref: string; target: string; fragment: string }> = [];
  const queue = [realpathSync(specRoot)];
  const root = queue[0]!;
  const queued = new Set(queue);
  // Each file is looked at once, however many `$ref`s name it (GitHub's document has 60,000, all to itself).
  const files = new Map<string, { exists: boolean; real?: string; isFile?: boolean }>();
  const look = (target: string) => {
    let known = files.get(target);
    if (!known) {
      const exists = existsSync(target);
      const real = exists ? realpathSync(target) : undefined;
      known = { exists, real, isFile: real !== undefined && statSync(real).isFile() };
      files.set(target, known);
    }
    return known;
  };
  for (let next = 0; next < queue.length; next++) {
    const file = queue[next]!;
    if (documents.has(file)) continue;
    const document = parseSpecFile(file, readFileSync(file, 'utf8'));
    // Examples are data: their `$ref` keys are hidden from the bundler (restored after bundling).
    escapeDataRefs(document);
    documents.set(file, document);
    const fail = (at: string, detail: string): never => {
      throw new SpecError(display(file), at, detail);
    };
    const checkRef = (value: string, at: string): void => {
      const hash = value.indexOf('#');
      const address = hash === -1 ? value : value.slice(0, hash);
      const fragment = hash === -1 ? '' : value.slice(hash + 1);
      if (REMOTE.test(address)) {
        if (!options.allowRemoteRefs) fail(at, `remote $ref ${value} is not followed without --allow-remote-refs`);
        remote.push({ file: display(file), at, url: address });
        return;
      }
      if (SCHEME.test(address) && !/^file:/i.test(address)) fail(at, `unsupported $ref scheme: ${value}`);
      const path = /^file:/i.test(address) ? fileURLToPath(address) : decodeURIComponent(address);
      const target = address === '' ? file : isAbsolute(path) ? resolve(path) : resolve(dirname(file), path);
      const outside = `$ref leaves the spec folder ${display(folder)}: ${value}`;
      if (!isInside(folder, target)) fail(at, outside);
      const { exists, real, isFile } = look(target);
      if (!exists || real === undefined) return fail(at, `$ref to a file that does not exist: ${display(target)}`);
      if (!isInside(folder, real)) fail(at, `${outside} (a symbolic link to ${real})`);
      if (!isFile) fail(at, `$ref to something that is not a file: ${display(target)}`);
      if (!queued.has(real)) {
        queued.add(real);
        queue.push(real);
      }
      pointers.push({ file, at, ref: value, target: real, fragment });
    };
    forEachObject(
      document,
      (record, pointer, position) => {
        // A `$ref` in place of a map (`properties: { $ref: 'attributes.yml#/ids' }`) refers to the map.
        if (typeof record.$ref === 'string') checkRef(record.$ref, `${pointer}/$ref`);
        if (position !== 'names' && isRecord(record.discriminator)) markMappingTargets(record.discriminator, document, file === root);
      },
      escape,
    );
  }
  for (const { file, at, ref, target, fragment } of pointers) {
    if (!pointerExists(documents.get(target), fragment))
      throw new SpecError(display(file), at, `$ref points at nothing: ${ref} (no ${fragment} in ${display(target)})`);
  }
  return remote;
}

/** A remote `$ref` that `checkRefs` let through (with `allowRemoteRefs`), and where it is written. */
export interface RemoteRef {
  file: string;
  at: string;
  url: string;
}

/** A failed download, told at the `$ref` that asked for it. */
export function describeRemoteError(remote: RemoteRef[], error: unknown): SpecError | undefined {
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
export function bundlerOptions(specRoot: string, options: RefOptions, parsed: Map<string, unknown>): SwaggerParser.Options {
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
          const document = parseSpecFile(file.url, Buffer.isBuffer(file.data) ? file.data.toString('utf8') : String(file.data));
          escapeDataRefs(document);
          return document;
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

