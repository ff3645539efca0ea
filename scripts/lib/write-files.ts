/**
 * The only writer of generated output. Compares a rendered FileMap with an output directory, and
 * replaces the directory atomically: the new tree is written next to it and swapped in with two
 * renames, so a failure leaves the previous output byte-identical.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { FileMap } from '../../generators/types.ts';

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

export interface Drift {
  added: string[];
  changed: string[];
  removed: string[];
}

/** What writing `files` to `dir` would change. `owns(path)` says which existing files the render replaces. */
export function drift(dir: string, files: FileMap, owns: (path: string) => boolean = () => true): Drift {
  const current = readTree(dir);
  return {
    added: Object.keys(files)
      .filter((path) => !(path in current))
      .sort(),
    changed: Object.keys(files)
      .filter((path) => path in current && current[path] !== files[path])
      .sort(),
    removed: Object.keys(current)
      .filter((path) => owns(path) && !(path in files))
      .sort(),
  };
}

export function isClean(change: Drift): boolean {
  return change.added.length + change.changed.length + change.removed.length === 0;
}

/**
 * Replaces `dir` with `files` (plus the existing files `owns` does not claim). Nothing in `dir`
 * changes unless every file was written to the staging directory first.
 */
export function replaceTree(dir: string, files: FileMap, owns: (path: string) => boolean = () => true): void {
  const kept = Object.fromEntries(Object.entries(readTree(dir)).filter(([path]) => !owns(path)));
  const tree = { ...kept, ...files };
  const staging = `${dir}.staging-${process.pid}`;
  const previous = `${dir}.previous-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const [path, contents] of Object.entries(tree)) {
      const target = join(staging, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, contents);
    }
    mkdirSync(staging, { recursive: true });
    if (existsSync(dir)) renameSync(dir, previous);
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(dir) && existsSync(previous)) renameSync(previous, dir);
    throw error;
  }
  rmSync(previous, { recursive: true, force: true });
}
