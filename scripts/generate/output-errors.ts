/** Filesystem failures and refusals of the output writer, told in words a user reads. */
import { isAbsolute, relative } from 'node:path';

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

export function attempt<T>(action: string, path: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw describeFsError(action, path, error);
  }
}
