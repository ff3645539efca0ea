/**
 * The only writer of generated output. It owns exactly the files listed in the output folder's
 * manifest (`.pivot-contract-manifest.json`) and never reads, moves or deletes anything else there.
 *
 * The swap is journaled and goes file by file, each with one atomic rename:
 * 1. every new file (and the new manifest) is written to `.pivot-contract-staging-<pid>/`;
 * 2. a journal (what is added, replaced, removed) is written to `.pivot-contract-previous-<pid>/`;
 * 3. each old version is hard-linked (or copied) into the journal folder before the new file is renamed
 *    over it, and files no longer generated are renamed into it;
 * 4. renaming the new manifest into place is the commit point; then both folders are removed.
 * No file is ever missing or half-written, and the folder itself never goes away (it may be a mount
 * point or someone's working directory). A run that was killed leaves its two folders behind; the next
 * run rolls an uncommitted swap back to the complete old tree (or finishes cleaning a committed one)
 * before it writes, see `recoverInterrupted`.
 */
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, parse, relative } from 'node:path';
import type { FileMap } from '../../generators/types.ts';

export const MANIFEST = '.pivot-contract-manifest.json';
const STAGING = '.pivot-contract-staging-';
const PREVIOUS = '.pivot-contract-previous-';
const JOURNAL = '.journal.json';
const LEFTOVER = /^\.pivot-contract-(staging|previous)-\d+$/;

/** A filesystem failure, told in words: `cannot write generated/x.js: read-only filesystem`. */
export class WriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WriteError';
  }
}

/** The output folder is not ours to write (exit 2): not empty and without a manifest, or the root. */
export class OutputRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputRefused';
  }
}

/** A path as a user reads it: relative when it is under the working directory, absolute otherwise. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

const REASONS: Record<string, string> = {
  EROFS: 'read-only filesystem',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'no such file or folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EBUSY: 'busy (a mount point, or in use by another process)',
  ENOTEMPTY: 'a folder is in the way and is not empty',
  EEXIST: 'something is already in the way',
  EXDEV: 'the staging folder is on another filesystem',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
};

/** Says what a filesystem error means, e.g. `cannot write out/a.js: read-only filesystem`. */
export function describeFsError(action: string, path: string, error: unknown): WriteError {
  if (error instanceof WriteError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const reason = REASONS[code] ?? (error as Error).message;
  return new WriteError(`cannot ${action} ${displayPath(path)}: ${reason}${code ? ` (${code})` : ''}`);
}

function attempt<T>(action: string, path: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw describeFsError(action, path, error);
  }
}

/** A path a manifest or a generator may name: relative, inside the folder, and not one of ours. */
function isOwnablePath(path: string): boolean {
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

function readIfFile(file: string): string | undefined {
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

/**
 * Says why `dir` cannot be an output folder at all: the filesystem root, or something that is not a
 * folder. A folder that does not exist yet is fine (it is created on write).
 */
export function assertUsableFolder(dir: string): void {
  const where = displayPath(dir);
  if (parse(dir).root === dir) throw new OutputRefused(`refusing to write into ${dir}: it is the root of the filesystem`);
  let stats;
  try {
    stats = statSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw describeFsError('use the output folder', dir, error);
  }
  if (!stats.isDirectory()) throw new OutputRefused(`${where} is not a folder (it is a file): choose another --out`);
}

/**
 * Gets `dir` ready for a write: refuses a folder that is not ours (the root, a file, or a non-empty
 * folder without a manifest, unless `force`), after undoing what killed runs left there. Returns the
 * names of the leftovers it removed.
 */
export function prepareOutputFolder(dir: string, { force = false } = {}): string[] {
  assertUsableFolder(dir);
  const leftovers = recoverInterrupted(dir);
  if (force || !existsSync(dir) || existsSync(join(dir, MANIFEST))) return leftovers;
  const entries = attempt('read the output folder', dir, () => readdirSync(dir)).sort();
  if (entries.length > 0)
    throw new OutputRefused(
      `refusing to write into ${displayPath(dir)}: it is not empty and has no ${MANIFEST}, so ` +
        `pivot-contract generate did not write it (${entries.length} entries, e.g. ${entries[0]}). Choose an empty ` +
        `or new folder, or pass --force to write there anyway (files it does not generate are kept).`,
    );
  return leftovers;
}

interface Journal {
  /** Paths that did not exist before the swap. */
  added: string[];
  /** Paths whose old version is (or is about to be) saved in the journal folder. */
  replaced: string[];
  /** Owned paths no longer generated: moved into the journal folder. */
  removed: string[];
  /** Folders the swap creates, deepest last. */
  createdDirs: string[];
}

/** Test hook: called after each step of the swap (a test kills the process there). */
export type StepHook = (step: string) => void;

function removeEmptyParents(dir: string, path: string): void {
  for (let folder = dirname(path); folder !== '.'; folder = dirname(folder)) {
    try {
      rmdirSync(join(dir, folder));
    } catch {
      return; // not empty (or gone): stop
    }
  }
}

/** Saves the current version of `target` as `backup` without ever removing `target`. */
function saveOldVersion(target: string, backup: string): void {
  mkdirSync(dirname(backup), { recursive: true });
  try {
    linkSync(target, backup);
  } catch {
    // Filesystems without hard links: copy under a temporary name, so a backup is whole or absent.
    copyFileSync(target, `${backup}.partial`);
    renameSync(`${backup}.partial`, backup);
  }
}

function rollBack(dir: string, journalDir: string, journal: Journal): void {
  for (const path of journal.added) rmSync(join(dir, path), { force: true });
  for (const path of [...journal.replaced, ...journal.removed]) {
    const backup = join(journalDir, 'files', path);
    if (!existsSync(backup)) continue; // never touched
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    renameSync(backup, join(dir, path));
  }
  for (const folder of [...journal.createdDirs].reverse()) {
    try {
      rmdirSync(join(dir, folder));
    } catch {
      // not empty: a file of someone else's landed there; keep it
    }
  }
}

/** The old writer's siblings (`<dir>.staging-<pid>`, `<dir>.previous-<pid>`): a `.previous` is the whole old tree. */
function recoverLegacySiblings(dir: string): void {
  const parent = dirname(dir);
  const pattern = new RegExp(`^${basename(dir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(staging|previous)-\\d+$`);
  let siblings: string[];
  try {
    siblings = readdirSync(parent).filter((name) => pattern.test(name));
  } catch {
    return;
  }
  for (const name of siblings.sort()) {
    const path = join(parent, name);
    if (name.includes('.previous-') && !existsSync(dir)) renameSync(path, dir);
    else rmSync(path, { recursive: true, force: true });
  }
}

/**
 * Undoes what killed runs left in `dir`: an uncommitted swap is rolled back to the complete old tree,
 * a committed one only loses its leftovers. Returns the names of the leftovers it removed.
 */
export function recoverInterrupted(dir: string): string[] {
  return attempt('recover the output folder', dir, () => {
    recoverLegacySiblings(dir);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
    const leftovers = readdirSync(dir)
      .filter((name) => LEFTOVER.test(name))
      .sort();
    for (const name of leftovers.filter((entry) => entry.startsWith(PREVIOUS))) {
      const journalDir = join(dir, name);
      const staging = join(dir, `${STAGING}${name.slice(PREVIOUS.length)}`);
      const journalFile = join(journalDir, JOURNAL);
      // The journal is written before the folder is touched, and the staged manifest leaves staging
      // only at the commit point: a journal with its manifest still staged is an unfinished swap.
      if (existsSync(journalFile) && existsSync(join(staging, MANIFEST)))
        rollBack(dir, journalDir, JSON.parse(readFileSync(journalFile, 'utf8')) as Journal);
    }
    for (const name of leftovers) rmSync(join(dir, name), { recursive: true, force: true });
    return leftovers;
  });
}

/** Carries out `plan` in `dir` (see the file comment for the steps). Call `prepareOutputFolder` first. */
export function replaceTree(dir: string, plan: Plan, step: StepHook = () => {}): void {
  const staging = join(dir, `${STAGING}${process.pid}`);
  const journalDir = join(dir, `${PREVIOUS}${process.pid}`);
  attempt('create the output folder', dir, () => mkdirSync(dir, { recursive: true }));
  const paths = Object.keys(plan.files)
    .filter((path) => path !== MANIFEST)
    .sort();
  try {
    for (const path of [...paths, MANIFEST]) {
      const target = join(staging, path);
      attempt('write', join(dir, path), () => {
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, plan.files[path]!);
      });
    }
    step('staged');
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  const exists = (path: string) => existsSync(join(dir, path));
  const journal: Journal = {
    added: paths.filter((path) => !exists(path)),
    replaced: [...paths, MANIFEST].filter(exists),
    removed: plan.removed.filter(exists),
    createdDirs: [...new Set(paths.flatMap(ancestors))]
      .filter((folder) => !exists(folder))
      .sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b)),
  };
  const replaced = new Set(journal.replaced);
  const saved = (path: string) => join(journalDir, 'files', path);
  try {
    attempt('write', join(journalDir, JOURNAL), () => {
      mkdirSync(journalDir, { recursive: true });
      writeFileSync(join(journalDir, `${JOURNAL}.partial`), `${JSON.stringify(journal)}\n`);
      renameSync(join(journalDir, `${JOURNAL}.partial`), join(journalDir, JOURNAL));
    });
    step('journaled');
    for (const path of paths) {
      const target = join(dir, path);
      attempt('write', target, () => {
        if (replaced.has(path)) saveOldVersion(target, saved(path));
        else mkdirSync(dirname(target), { recursive: true });
      });
      step(`saved ${path}`);
      attempt('write', target, () => renameSync(join(staging, path), target));
      step(`wrote ${path}`);
    }
    for (const path of journal.removed) {
      attempt('remove', join(dir, path), () => {
        mkdirSync(dirname(saved(path)), { recursive: true });
        renameSync(join(dir, path), saved(path));
      });
      step(`removed ${path}`);
    }
    if (replaced.has(MANIFEST)) attempt('write', join(dir, MANIFEST), () => saveOldVersion(join(dir, MANIFEST), saved(MANIFEST)));
    step(`saved ${MANIFEST}`);
    attempt('write', join(dir, MANIFEST), () => renameSync(join(staging, MANIFEST), join(dir, MANIFEST))); // the commit point
  } catch (error) {
    try {
      rollBack(dir, journalDir, journal);
      rmSync(staging, { recursive: true, force: true });
      rmSync(journalDir, { recursive: true, force: true });
    } catch {
      // the next run's recoverInterrupted finishes the rollback
    }
    throw describeFsError('write into', dir, error);
  }
  step('committed');
  for (const path of journal.removed) removeEmptyParents(dir, path);
  rmSync(staging, { recursive: true, force: true });
  rmSync(journalDir, { recursive: true, force: true });
  step('cleaned');
}

function ancestors(path: string): string[] {
  const folders: string[] = [];
  for (let folder = dirname(path); folder !== '.'; folder = dirname(folder)) folders.unshift(folder);
  return folders;
}

/** Sibling of the output folder (the folder itself may not exist yet, and is swapped whole). */
export function lockPath(dir: string): string {
  return `${dir}.generate.lock`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One `generate` at a time per output folder: takes `<dir>.generate.lock` holding this pid, or fails
 * naming the holder. A lock left by a killed run (its pid is dead) is taken over. Returns the release.
 */
export function lockOutputFolder(dir: string, pid = process.pid): () => void {
  const file = lockPath(dir);
  attempt('create the parent of the output folder', dirname(file), () => mkdirSync(dirname(file), { recursive: true }));
  for (let tries = 0; tries < 2; tries++) {
    try {
      writeFileSync(file, `${pid}\n`, { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw describeFsError('lock', file, error);
      const holder = Number.parseInt(readIfFile(file) ?? '', 10);
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new OutputRefused(`${displayPath(dir)} is being written by another generate (pid ${holder}, lock ${file})`);
      }
      rmSync(file, { force: true }); // stale: its run was killed
    }
  }
  throw new OutputRefused(`${displayPath(dir)}: could not take the lock ${file}`);
}
