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
import { basename, dirname, join } from 'node:path';
import { MANIFEST, type Plan } from './manifest.ts';
import { attempt, describeFsError } from './output-errors.ts';

const STAGING = '.pivot-contract-staging-';
const PREVIOUS = '.pivot-contract-previous-';
const JOURNAL = '.journal.json';
const LEFTOVER = /^\.pivot-contract-(staging|previous)-\d+$/;

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
