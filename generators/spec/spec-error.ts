/**
 * The one error a spec can fail with: the file and JSON pointer where the problem is written, and what
 * it is, so that every layer above can print `file#pointer: detail` and exit.
 */
import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

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


/** A path as the user typed it: relative to the working directory. */
export const display = (file: string) => relative(process.cwd(), file) || '.';

/** The file a pointer of the bundled document comes from, when the spec is split (one schema per file). */
export function locate(specRoot: string, pointer: string): { file: string; pointer: string } {
  const match = /^\/components\/(schemas|responses|parameters|examples)\/([^/]+)(.*)$/.exec(pointer);
  const root = relative(process.cwd(), specRoot);
  if (!match || !specRoot.endsWith('.yaml')) return { file: root, pointer };
  const candidate = resolve(dirname(specRoot), 'components', match[1]!, `${match[2]!.replaceAll('~1', '/')}.yaml`);
  return existsSync(candidate) ? { file: relative(process.cwd(), candidate), pointer: match[3] ?? '' } : { file: root, pointer };
}


export type Fail = (pointer: string, detail: string) => never;

/** Throws a SpecError at a pointer of the bundled document, told in the file it was written in. */
export function failAt(specRoot: string): Fail {
  return (pointer, detail) => {
    const at = locate(specRoot, pointer);
    throw new SpecError(at.file, at.pointer, detail);
  };
}

