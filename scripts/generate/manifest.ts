/**
 * What `generate` owns in an output folder: the paths listed in its manifest
 * (`.pivot-contract-manifest.json`), and the plan that says which of them a run writes, keeps or removes.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FileMap } from '../../generators/types.ts';
import { attempt, displayPath, WriteError } from './output-errors.ts';

export const MANIFEST = '.pivot-contract-manifest.json';

/** A path a manifest or a generator may name: relative, inside the folder, and not one of ours. */
export function isOwnablePath(path: string): boolean {
  return (
    path.length > 0 &&
    !path.startsWith('/') &&
    !path.includes('\\') &&
    path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..') &&
    !path.startsWith('.pivot-contract-')
  );
}

export function renderManifest(paths: string[]): string {
  const manifest = {
    notice: 'Files that `pivot-contract generate` owns in this folder: do not edit by hand. Other files are left alone.',
    files: [...new Set(paths)].sort(),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The files a previous run wrote into `dir`, or undefined when the folder has no manifest. */
export function readManifest(dir: string): string[] | undefined {
  const file = join(dir, MANIFEST);
  if (!existsSync(file)) return undefined;
  const text = attempt('read', file, () => readFileSync(file, 'utf8'));
  let files: unknown;
  try {
    files = (JSON.parse(text) as { files?: unknown }).files;
  } catch {
    files = undefined;
  }
  if (!Array.isArray(files) || !files.every((path) => typeof path === 'string' && isOwnablePath(path)))
    throw new WriteError(
      `${displayPath(file)} is not a valid manifest (a "files" list of relative paths inside the folder): fix or delete it`,
    );
  return files as string[];
}

/** Every file under `dir`, by relative path (for tests and tools; the writer reads only what it owns). */
export function readTree(dir: string): FileMap {
  if (!existsSync(dir)) return {};
  const walk = (current: string): string[] =>
    readdirSync(current, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(current, entry.name)) : [join(current, entry.name)],
    );
  return Object.fromEntries(
    walk(dir)
      .sort()
      .map((file) => [relative(dir, file).split('\\').join('/'), readFileSync(file, 'utf8')]),
  );
}

/** What a run writes into a folder: its files (manifest included) and the owned files it removes. */
export interface Plan {
  files: FileMap;
  removed: string[];
}

/**
 * Plans writing `rendered` into `dir`. `claims(path)` says which previously owned files this run
 * answers for (all of them in a full run, one artifact's with `--only`): those it no longer renders are
 * removed; owned files it does not claim stay owned.
 */
export function planOutput(dir: string, rendered: FileMap, claims: (path: string) => boolean = () => true): Plan {
  for (const path of Object.keys(rendered))
    if (!isOwnablePath(path)) throw new Error(`a generator produced a path outside the output folder: ${path}`);
  const previous = readManifest(dir) ?? [];
  const unclaimed = previous.filter((path) => !(path in rendered) && !claims(path) && existsSync(join(dir, path)));
  const removed = previous.filter((path) => !(path in rendered) && claims(path)).sort();
  const owned = [...unclaimed, ...Object.keys(rendered)];
  return { files: { ...rendered, [MANIFEST]: renderManifest(owned) }, removed };
}

export interface Drift {
  added: string[];
  changed: string[];
  removed: string[];
}

export function readIfFile(file: string): string | undefined {
  try {
    return statSync(file).isFile() ? readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** What carrying out `plan` would change in `dir`; reads only the paths the plan names. */
export function drift(dir: string, plan: Plan): Drift {
  const added: string[] = [];
  const changed: string[] = [];
  for (const [path, contents] of Object.entries(plan.files)) {
    const current = readIfFile(join(dir, path));
    if (current === undefined) added.push(path);
    else if (current !== contents) changed.push(path);
  }
  return {
    added: added.sort(),
    changed: changed.sort(),
    removed: plan.removed.filter((path) => existsSync(join(dir, path))),
  };
}

export function isClean(change: Drift): boolean {
  return change.added.length + change.changed.length + change.removed.length === 0;
}
