/**
 * The shared store suite (store-suite.ts) against both stores the sandbox ships: the in-memory one and
 * the SQLite file of `--data`, and what only a file can do: refuse a second process, refuse a file that
 * is not its own.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryStore } from '../../scripts/sandbox/store-memory.ts';
import { DataFileError, sqliteStore } from '../../scripts/sandbox/store-sqlite.ts';
import { storeSuite } from './store-suite.ts';

const folder = mkdtempSync(join(tmpdir(), 'pivot-store-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

storeSuite('memory', { open: (limits) => memoryStore(limits) });

let files = 0;
let current = '';
storeSuite('sqlite', {
  open: (limits) => sqliteStore((current = join(folder, `store-${++files}.db`)), limits),
  reopen: (limits) => sqliteStore(current, limits),
});

describe('sqlite data file', () => {
  it('is refused to a second sandbox while one has it open, and free again once closed', async () => {
    const file = join(folder, 'owned.db');
    const first = sqliteStore(file);
    await first.write([{ op: 'put', table: 'settings', key: 'k', value: 1 }]);
    expect(() => sqliteStore(file)).toThrow(DataFileError);
    expect(() => sqliteStore(file)).toThrow(/another sandbox is using it/);
    await first.close();
    const second = sqliteStore(file);
    expect((await second.get('settings', 'k'))!.value).toBe(1);
    await second.close();
  });

  it('refuses a file that is not a SQLite database, naming it', () => {
    const file = join(folder, 'notes.txt');
    writeFileSync(file, 'these are not sandbox data\n'.repeat(100));
    expect(() => sqliteStore(file)).toThrow(`cannot use ${file} as the sandbox's data file: it is not a SQLite database`);
  });
});
