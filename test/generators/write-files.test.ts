/**
 * The writer's fault cases (issue 14): it never deletes or reads what it did not write, refuses a
 * folder that is not its own, survives a kill at any step of the swap, cleans up after killed runs,
 * and says what went wrong in words.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runGenerate } from '../../scripts/generate.ts';
import { MANIFEST, planOutput, readTree, type Plan } from '../../scripts/generate/manifest.ts';
import { describeFsError } from '../../scripts/generate/output-errors.ts';
import { prepareOutputFolder } from '../../scripts/generate/output-folder.ts';
import { recoverInterrupted, replaceTree } from '../../scripts/generate/swap.ts';

const scratch = mkdtempSync(join(tmpdir(), 'pivot-writer-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;
const freshDir = () => join(scratch, `case-${++counter}`);

const FOREIGN = { 'precious.txt': 'mine\n', 'sub/notes.md': '# my notes\n' };
const OLD = { 'a.txt': 'a v1\n', 'sub/b.txt': 'b v1\n', 'gone/c.txt': 'c v1\n' };
const NEW = { 'a.txt': 'a v2\n', 'sub/b.txt': 'b v2\n', 'fresh/deep/d.txt': 'd v2\n' };

function write(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** A folder the writer owns (OLD) with a user's files next to its own. */
function ownedFolderWithForeignFiles(): string {
  const dir = freshDir();
  prepareOutputFolder(dir);
  replaceTree(dir, planOutput(dir, OLD));
  write(dir, FOREIGN);
  return dir;
}

/** The folder's files other than the foreign ones and the manifest. */
function ownedFiles(dir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(readTree(dir)).filter(([path]) => !(path in FOREIGN) && path !== MANIFEST));
}

async function generate(args: string[]) {
  const err: string[] = [];
  const code = await runGenerate(args, { log: () => {}, error: (line) => err.push(line) });
  return { code, err: err.join('\n') };
}
const MINIMAL = 'test/fixtures/specs/minimal/openapi.yaml';

describe('ownership', () => {
  it('keeps foreign files and removes only owned files that are no longer generated', () => {
    const dir = ownedFolderWithForeignFiles();
    const plan = planOutput(dir, NEW);
    expect(plan.removed).toEqual(['gone/c.txt']);
    prepareOutputFolder(dir);
    replaceTree(dir, plan);
    expect(readTree(dir)).toEqual({
      ...FOREIGN,
      ...NEW,
      [MANIFEST]: expect.stringContaining('"fresh/deep/d.txt"'),
    });
    expect(existsSync(join(dir, 'gone')), 'an emptied owned folder goes').toBe(false);
    expect(JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')).files).toEqual(Object.keys(NEW).sort());
  });

  it('generate keeps precious.txt and sub/notes.md in its output folder', async () => {
    const dir = freshDir();
    expect((await generate(['--spec', MINIMAL, '--out', dir])).code).toBe(0);
    write(dir, { ...FOREIGN, 'validators/notes.md': '# my notes\n' });
    expect((await generate(['--spec', MINIMAL, '--out', dir])).code).toBe(0);
    expect(readTree(dir)).toMatchObject(FOREIGN);
    expect(readFileSync(join(dir, 'validators/notes.md'), 'utf8')).toBe('# my notes\n');
  });

  it('refuses a non-empty folder without a manifest with exit 2 naming it, and --force writes around its files', async () => {
    const dir = freshDir();
    write(dir, FOREIGN);
    const refused = await generate(['--spec', MINIMAL, '--out', dir]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(`refusing to write into ${dir}: it is not empty`);
    expect(refused.err).toMatch(/no \.pivot-contract-manifest\.json.*--force/s);
    expect(readTree(dir)).toEqual(FOREIGN);
    expect((await generate(['--spec', MINIMAL, '--out', dir, '--force'])).code).toBe(0);
    expect(readTree(dir)).toMatchObject(FOREIGN);
    expect(existsSync(join(dir, 'validators/index.js'))).toBe(true);
  });

  it('writes into an empty or new folder without --force', async () => {
    const empty = freshDir();
    mkdirSync(empty);
    expect((await generate(['--spec', MINIMAL, '--out', empty])).code).toBe(0);
    expect((await generate(['--spec', MINIMAL, '--out', join(freshDir(), 'nested', 'out')])).code).toBe(0);
  });

  it('refuses the filesystem root and a file, in words, before reading anything', async () => {
    const root = await generate(['--spec', MINIMAL, '--out', '/']);
    expect(root).toEqual({ code: 2, err: 'refusing to write into /: it is the root of the filesystem' });
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'x');
    const notFolder = await generate(['--spec', MINIMAL, '--out', file]);
    expect(notFolder.code).toBe(2);
    expect(notFolder.err).toMatch(/a-file is not a folder \(it is a file\)/);
    const below = await generate(['--spec', MINIMAL, '--out', join(file, 'out')]);
    expect(below.code).toBe(1);
    expect(below.err).toMatch(/a-file\/out: a part of the path is a file, not a folder \(ENOTDIR\)/);
  });

  it('rejects a manifest that names paths outside the folder instead of deleting them', () => {
    const dir = freshDir();
    write(dir, { [MANIFEST]: JSON.stringify({ files: ['../victim.txt'] }) });
    writeFileSync(join(scratch, 'victim.txt'), 'keep\n');
    expect(() => planOutput(dir, NEW)).toThrow(/is not a valid manifest/);
    expect(readFileSync(join(scratch, 'victim.txt'), 'utf8')).toBe('keep\n');
  });
});

describe('filesystem errors in words', () => {
  it.each([
    ['EROFS', 'read-only filesystem'],
    ['ENOTDIR', 'a part of the path is a file, not a folder'],
    ['EACCES', 'permission denied'],
    ['EPERM', 'permission denied'],
    ['EBUSY', 'busy (a mount point, or in use by another process)'],
    ['ENOSPC', 'no space left on the device'],
  ])('%s reads as "%s"', (code, words) => {
    const error = Object.assign(new Error(`${code}: raw text`), { code });
    expect(describeFsError('write', resolve('out/a.js'), error).message).toBe(`cannot write out/a.js: ${words} (${code})`);
  });

  it('keeps the message of an unknown error', () => {
    expect(describeFsError('write', resolve('x'), new Error('odd')).message).toBe('cannot write x: odd');
  });
});

describe('a kill at any step of the swap', () => {
  const steps: string[] = [];
  {
    const dir = ownedFolderWithForeignFiles();
    replaceTree(dir, planOutput(dir, NEW), (step) => steps.push(step));
  }

  it('has a step after every change to the folder', () => {
    expect(steps.length).toBeGreaterThanOrEqual(12);
    expect(steps.slice(0, 2)).toEqual(['staged', 'journaled']);
    expect(steps.slice(-2)).toEqual(['committed', 'cleaned']);
  });

  it.each(steps.map((step, index) => ({ step, committed: index >= steps.indexOf('committed') })))(
    'killed after $step: every file whole, then the next run restores the complete old or new tree',
    ({ step, committed }) => {
      const dir = ownedFolderWithForeignFiles();
      const plan: Plan = planOutput(dir, NEW);
      const planFile = join(scratch, `plan-${counter}.json`);
      writeFileSync(planFile, JSON.stringify(plan));
      const child = spawnSync(process.execPath, [
        '--import',
        'tsx',
        join(import.meta.dirname, 'kill-during-write.ts'),
        dir,
        planFile,
        step,
      ]);
      expect(child.signal, child.stderr.toString()).toBe('SIGKILL');

      // At the instant of the kill: the folder is there, foreign files untouched, no file half-written.
      expect(readTree(dir)).toMatchObject(FOREIGN);
      for (const [path, text] of Object.entries(ownedFiles(dir)).filter(([path]) => !path.startsWith('.pivot-contract-')))
        expect([OLD[path as keyof typeof OLD], NEW[path as keyof typeof NEW]], path).toContain(text);

      const removed = recoverInterrupted(dir);
      expect(removed.length > 0).toBe(step !== 'cleaned');
      expect(readdirSync(dir).filter((name) => name.startsWith('.pivot-contract-') && name !== MANIFEST)).toEqual([]);
      expect(ownedFiles(dir)).toEqual(committed ? NEW : OLD);
      expect(readTree(dir)).toMatchObject(FOREIGN);
      expect(JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')).files).toEqual(Object.keys(committed ? NEW : OLD).sort());

      // And a normal run afterwards lands the new tree.
      replaceTree(dir, planOutput(dir, NEW));
      expect(ownedFiles(dir)).toEqual(NEW);
    },
  );

  it('generate cleans leftovers of killed runs, including the old writer sibling folders', async () => {
    const dir = freshDir();
    expect((await generate(['--spec', MINIMAL, '--out', dir])).code).toBe(0);
    const before = readTree(dir);
    write(dir, { '.pivot-contract-staging-999999/openapi.json': '{}', '.pivot-contract-previous-999998/x': 'x' });
    write(scratch, { [`case-${counter}.staging-4242/a`]: 'a', [`case-${counter}.previous-4242/b`]: 'b' });
    const logs: string[] = [];
    expect(await runGenerate(['--spec', MINIMAL, '--out', dir], { log: (line) => logs.push(line), error: () => {} })).toBe(0);
    expect(logs.join('\n')).toMatch(
      /cleaned up after an interrupted run: \.pivot-contract-previous-999998, \.pivot-contract-staging-999999/,
    );
    expect(readTree(dir)).toEqual(before);
    expect(readdirSync(scratch).filter((name) => name.startsWith(`case-${counter}.`))).toEqual([]);
  });
});
