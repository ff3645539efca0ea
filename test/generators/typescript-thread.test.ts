/**
 * The generators that load the TypeScript compiler run on a worker thread (scripts/generate/typescript-thread.ts):
 * the main thread never loads TypeScript, a failure there fails the run with its message, and the idle
 * worker never keeps a process alive.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CTX } from '../../generators/types.ts';
import {
  refusedOptions,
  runOnTypeScriptThread,
  workerExecArgv,
  workerOptions,
} from '../../scripts/generate/typescript-thread.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BUILT_GENERATE = join(ROOT, 'packages/cli/dist/scripts/generate.js');
const work = mkdtempSync(join(tmpdir(), 'pivot-ts-thread-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Runs generate in a fresh process and reports which TypeScript packages its main thread loaded
 * (json-schema-to-typescript counts by its entry: its naming helper, utils.js, names identifiers there).
 */
function generateInChild(
  out: string,
  entry = join(ROOT, 'scripts/generate.ts'),
  loader = ['--import', 'tsx'],
): { status: number; loaded: string[]; log: string[] } {
  const code = `
    import { createRequire } from 'node:module';
    const { runGenerate } = await import(${JSON.stringify(entry)});
    const log = [];
    const status = await runGenerate(['--out', process.argv[1], '--only', 'types,models,fixtures'], { log: (l) => log.push(l), error: (l) => log.push(l) });
    const loaded = Object.keys(createRequire(import.meta.url).cache)
      .filter((file) => !file.includes('/json-schema-to-typescript/') || file.endsWith('/dist/src/index.js'))
      .map((file) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(file)?.[1])
      .filter((name) => ['typescript', 'openapi-typescript', 'json-schema-to-typescript'].includes(name));
    console.log(JSON.stringify({ status, loaded: [...new Set(loaded)], log }));`;
  // The child exits by itself once generate returns: the timeout fails the test if the worker held it.
  const output = execFileSync(process.execPath, [...loader, '--input-type=module', '-e', code, out], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return JSON.parse(output.trim().split('\n').at(-1)!);
}

describe('the TypeScript generator thread', () => {
  it('renders types and models off the main thread, which never loads TypeScript, and lets the process exit', () => {
    const out = join(work, 'out');
    const { status, loaded, log } = generateInChild(out);
    expect(status, log.join('\n')).toBe(0);
    expect(loaded).toEqual([]);
    expect(log.filter((line) => /^(types|models|fixtures) +\d+ files/.test(line))).toHaveLength(3);
    // The same files as the committed output.
    for (const file of ['openapi.d.ts', 'models.d.ts'])
      expect(readFileSync(join(out, file), 'utf8')).toBe(readFileSync(join(ROOT, 'generated', file), 'utf8'));
  }, 150_000);

  it('runs the same from the built command, whose worker does not inherit Node options it refuses (--input-type)', () => {
    expect(existsSync(BUILT_GENERATE), 'packages/cli is built by `npm ci` (prepare) or `npm run build`').toBe(true);
    const out = join(work, 'built');
    const { status, loaded, log } = generateInChild(out, BUILT_GENERATE, []);
    expect(status, log.join('\n')).toBe(0);
    expect(loaded).toEqual([]);
    expect(readFileSync(join(out, 'openapi.d.ts'), 'utf8')).toBe(readFileSync(join(ROOT, 'generated', 'openapi.d.ts'), 'utf8'));
  }, 150_000);

  it('passes a worker every Node option but --input-type', () => {
    expect(workerExecArgv(['--input-type=module', '-e', 'code', '--max-old-space-size=2048'])).toEqual([
      '-e',
      'code',
      '--max-old-space-size=2048',
    ]);
    expect(workerExecArgv(['--input-type', 'module', '--enable-source-maps'])).toEqual(['--enable-source-maps']);
  });

  it('runs from the built command under Node options a worker refuses (a raised heap limit), which the worker goes without', () => {
    const out = join(work, 'heap');
    const { status, log } = generateInChild(out, BUILT_GENERATE, ['--max-old-space-size=3000', '--stack-size=2000']);
    expect(status, log.join('\n')).toBe(0);
    expect(readFileSync(join(out, 'models.d.ts'), 'utf8')).toBe(readFileSync(join(ROOT, 'generated', 'models.d.ts'), 'utf8'));
  }, 150_000);

  it("reads the options Node refuses from its message, and keeps the process's heap limit as the worker's", () => {
    const refused = refusedOptions('Initiated Worker with invalid execArgv flags: --max-old-space-size=3000, --expose-gc');
    expect(refused).toEqual(['--max-old-space-size=3000', '--expose-gc']);
    expect(refusedOptions('something else')).toEqual([]);
    expect(workerOptions(['--import', 'tsx', '--max-old-space-size=3000', '--expose-gc'], refused)).toEqual({
      execArgv: ['--import', 'tsx'],
      resourceLimits: { maxOldGenerationSizeMb: 3000 },
    });
    expect(workerOptions(['--expose-gc', '--enable-source-maps'], ['--expose-gc'])).toEqual({
      execArgv: ['--enable-source-maps'],
    });
  });

  it('fails a job with the message of what went wrong on the thread', async () => {
    const spec = JSON.parse(readFileSync(join(ROOT, 'generated', 'openapi.json'), 'utf8'));
    await expect(runOnTypeScriptThread(['bundle'], spec, DEFAULT_CTX)).rejects.toThrow('no TypeScript generator named bundle');
    // The thread survives a failed job and runs the next one.
    const [types] = await runOnTypeScriptThread(['types'], spec, DEFAULT_CTX);
    expect(types!.name).toBe('types');
    expect(types!.files['openapi.d.ts']).toContain('export interface paths');
  }, 120_000);

  it("drops one run's job without failing another run's job on the shared thread", async () => {
    const spec = JSON.parse(readFileSync(join(ROOT, 'generated', 'openapi.json'), 'utf8'));
    const failedRun = new AbortController();
    const dropped = runOnTypeScriptThread(['types'], spec, DEFAULT_CTX, failedRun.signal);
    const kept = runOnTypeScriptThread(['models'], spec, DEFAULT_CTX, new AbortController().signal);
    failedRun.abort();
    await expect(dropped).rejects.toThrow('the TypeScript generator job was dropped');
    const [models] = await kept;
    expect(models!.files['models.d.ts']).toContain('export interface PaymentSession');
    // With no job left, a dropped job stops the thread; the next job starts a new one.
    const alone = new AbortController();
    const last = runOnTypeScriptThread(['types'], spec, DEFAULT_CTX, alone.signal);
    alone.abort();
    await expect(last).rejects.toThrow('dropped');
    const [types] = await runOnTypeScriptThread(['types'], spec, DEFAULT_CTX);
    expect(types!.files['openapi.d.ts']).toContain('export interface paths');
  }, 120_000);
});
