import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { OutputRefused } from '../../scripts/generate/output-errors.ts';
import { lockOutputFolder, lockPath } from '../../scripts/generate/output-folder.ts';

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

describe('output folder lock', () => {
  const out = () => join(mkdtempSync(join(tmpdir(), 'lock-')), 'out');

  it('refuses a folder locked by a live pid, naming the folder and the pid', () => {
    const dir = out();
    writeFileSync(lockPath(dir), `${process.ppid}\n`);
    expect(() => lockOutputFolder(dir)).toThrow(OutputRefused);
    expect(() => lockOutputFolder(dir)).toThrow(new RegExp(`out is being written.*pid ${process.ppid}`));
  });

  it('takes over a stale lock whose pid is dead, and releases it', () => {
    const dir = out();
    writeFileSync(lockPath(dir), `${deadPid()}\n`);
    const release = lockOutputFolder(dir);
    expect(existsSync(lockPath(dir))).toBe(true);
    expect(() => lockOutputFolder(dir)).toThrow(/pid/);
    release();
    expect(existsSync(lockPath(dir))).toBe(false);
    lockOutputFolder(dir)();
  });
});
