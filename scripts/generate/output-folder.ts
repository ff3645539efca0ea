/**
 * The output folder as a whole: whether it may be written at all, getting it ready (after a killed
 * run), and one `generate` at a time per folder.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import { MANIFEST, readIfFile } from './manifest.ts';
import { attempt, describeFsError, displayPath, OutputRefused } from './output-errors.ts';
import { isAlive } from '../process/lifeline.ts';
import { recoverInterrupted } from './swap.ts';

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

/** Sibling of the output folder (the folder itself may not exist yet, and is swapped whole). */
export function lockPath(dir: string): string {
  return `${dir}.generate.lock`;
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
