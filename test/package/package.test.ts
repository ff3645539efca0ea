/**
 * The two published packages, as downstream repositories use them (`npm pack`, installed from the
 * tarballs into fresh projects outside this repository):
 * - a production service installs only `pivot-payments-contract` (types, validators, fixtures, the
 *   bundled spec): no dependencies, no generator tooling, a few MB;
 * - a repository that generates code or runs the mock, the sandbox or verify adds
 *   `pivot-payments-contract-cli` (the `pivot-contract` command) as a dev dependency.
 * Consumers type-check with `tsc --strict` under `nodenext` and `bundler`; publint and
 * arethetypeswrong check both packages' metadata.
 */
import { execFileSync, spawn, type ChildProcess, type ExecFileSyncOptions } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';

// Outside the repository: each project must resolve everything from its own install, never from ours.
const work = mkdtempSync(join(tmpdir(), 'pivot-package-'));
const service = join(work, 'service');
const project = join(work, 'consumer');
const CLI_FOLDER = join(REPO_ROOT, 'packages', 'cli');
const TOOLING = [
  'typescript',
  'prettier',
  'openapi-typescript',
  'json-schema-to-typescript',
  'handlebars',
  '@apidevtools/swagger-parser',
  '@stoplight/prism-cli',
  'ajv',
  'esbuild',
];
const RUNTIME_BUDGET_BYTES = 5 * 1024 * 1024;
let runtimeTarball = '';
let cliTarball = '';
const servers: ChildProcess[] = [];

function run(command: string, args: string[], options: ExecFileSyncOptions = {}): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options }) as string;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${failure.stdout ?? ''}\n${failure.stderr ?? failure.message}`);
  }
}

function pack(folder: string): string {
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: folder }));
  return join(work, packed.filename);
}

function packedFiles(folder: string): string[] {
  const [packed] = JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: folder }));
  return packed.files.map((file: { path: string }) => file.path);
}

/** Bytes on disk under `folder` (symbolic links counted as links, not followed). */
function sizeOf(folder: string): number {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .map((entry) => lstatSync(join(entry.parentPath, entry.name)))
    .filter((stats) => stats.isFile())
    .reduce((total, stats) => total + stats.size, 0);
}

function installedPackages(folder: string): string[] {
  const modules = join(folder, 'node_modules');
  return readdirSync(modules)
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) => (name.startsWith('@') ? readdirSync(join(modules, name)).map((inner) => `${name}/${inner}`) : [name]))
    .sort();
}

/** Starts `npx pivot-contract <args> --port 0` in the consumer and resolves with the URL it prints. */
function startServer(args: string[]): Promise<string> {
  const child = spawn('npx', ['--no-install', 'pivot-contract', ...args, '--port', '0'], {
    cwd: project,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  servers.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => reject(new Error(`${args[0]} exited (${code}):\n${output}`)));
  });
}

beforeAll(() => {
  // Built once before every test file (test/global-setup.ts); `npm pack --ignore-scripts` then skips the
  // CLI's prepack build, which would replace packages/cli/dist while other tests run it.
  runtimeTarball = pack(REPO_ROOT);
  cliTarball = pack(CLI_FOLDER);
  mkdirSync(service);
  writeFileSync(join(service, 'package.json'), JSON.stringify({ name: 'service', private: true, type: 'module' }));
  run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', runtimeTarball], { cwd: service });
  cpSync(join(REPO_ROOT, 'test', 'package', 'consumer'), project, { recursive: true });
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      runtimeTarball,
      cliTarball,
      'typescript@5.9.3',
      '@types/node@20',
      '@stoplight/prism-cli@5.14.2',
      'openapi-fetch@0.17.0',
      'msw@2.15.0',
    ],
    { cwd: project },
  );
}, 900_000);

afterAll(() => {
  for (const server of servers) {
    if (server.pid !== undefined && server.exitCode === null) {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
  rmSync(work, { recursive: true, force: true });
});

describe('runtime package (pivot-payments-contract)', () => {
  it('ships the generated contract only: no build, no scripts, no tests, no spec sources', () => {
    const files = packedFiles(REPO_ROOT);
    expect(files).toEqual(
      expect.arrayContaining(['generated/openapi.json', 'generated/validators/index.js', 'LICENSE', 'package.json']),
    );
    expect(files).toEqual(expect.arrayContaining(['runtime/msw/index.js', 'runtime/msw/index.d.ts']));
    expect(
      files.filter((file) => !/^(generated\/|runtime\/msw\/|README\.md$|CHANGELOG\.md$|LICENSE$|package\.json$)/.test(file)),
    ).toEqual([]);
  });

  it(`installs alone in under ${RUNTIME_BUDGET_BYTES / 1024 / 1024} MB, with none of the tooling`, () => {
    expect(installedPackages(service)).toEqual(['pivot-payments-contract']);
    for (const tool of TOOLING) expect(existsSync(join(service, 'node_modules', tool))).toBe(false);
    expect(sizeOf(join(service, 'node_modules'))).toBeLessThan(RUNTIME_BUDGET_BYTES);
  });

  it('serves every entry point to a service with nothing else installed', () => {
    const script = `
      const models = await import('pivot-payments-contract');
      const { validateRequest, isPaymentSession } = await import('pivot-payments-contract/validators');
      const { listFixtures, getFixture } = await import('pivot-payments-contract/fixtures');
      await import('pivot-payments-contract/openapi');
      const { verifyCallback } = await import('pivot-payments-contract/callbacks');
      const callback = getFixture({ operationId: 'paymentCallback', kind: 'request', name: 'payment-paid' });
      const spec = (await import('pivot-payments-contract/openapi.json', { with: { type: 'json' } })).default;
      const body = getFixture({ operationId: 'createPaymentSession', kind: 'request', name: 'va-api' });
      console.log(JSON.stringify({
        models: typeof models,
        valid: validateRequest('createPaymentSession', body).valid,
        invalid: validateRequest('createPaymentSession', { ...body, amount: { value: '1', currency: 'IDR' } }).valid,
        guard: isPaymentSession({}),
        callback: verifyCallback({ headers: { 'x-api-key': 'k' }, body: JSON.stringify(callback) }, { apiKey: 'k' }).kind,
        fixtures: listFixtures().length > 100,
        spec: spec.openapi,
      }));`;
    expect(JSON.parse(run('node', ['--input-type=module', '-e', script], { cwd: service }))).toEqual({
      models: 'object',
      valid: true,
      invalid: false,
      guard: false,
      callback: 'paymentCallback',
      fixtures: true,
      spec: '3.1.0',
    });
  });
});

describe('a pnpm consumer (strict node_modules: only direct dependencies are resolvable)', () => {
  const pnpmProject = join(work, 'pnpm-consumer');
  const pnpm = (args: string[]) =>
    run('npx', ['--yes', 'pnpm@9.15.9', ...args, '--store-dir', join(work, 'pnpm-store')], { cwd: pnpmProject });

  it('runs what `generate --out` wrote, although ajv is not among its dependencies', () => {
    mkdirSync(pnpmProject);
    writeFileSync(join(pnpmProject, 'package.json'), JSON.stringify({ name: 'pnpm-consumer', private: true, type: 'module' }));
    pnpm(['add', '--save-dev', cliTarball, 'typescript@5.9.3']);
    expect(existsSync(join(pnpmProject, 'node_modules', 'ajv')), 'pnpm must not hoist ajv').toBe(false);
    run(
      'npx',
      ['--no-install', 'pivot-contract', 'generate', '--out', 'src/contract', '--only', 'validators,fixtures,callbacks,models'],
      {
        cwd: pnpmProject,
      },
    );
    const script = `
      const { validateRequest } = await import('./src/contract/validators/index.js');
      const { getFixture } = await import('./src/contract/fixtures/index.js');
      const { verifyCallback } = await import('./src/contract/callbacks/index.js');
      const body = getFixture({ operationId: 'createPaymentSession', kind: 'request', name: 'va-api' });
      const callback = getFixture({ operationId: 'paymentCallback', kind: 'request', name: 'payment-paid' });
      console.log(JSON.stringify({
        valid: validateRequest('createPaymentSession', body).valid,
        invalid: validateRequest('createPaymentSession', { ...body, clientReferenceId: 'x'.repeat(101) }).valid,
        callback: verifyCallback({ headers: { 'x-api-key': 'k' }, body: callback }, { apiKey: 'k' }).ok,
      }));`;
    expect(JSON.parse(run('node', ['--input-type=module', '-e', script], { cwd: pnpmProject }))).toEqual({
      valid: true,
      invalid: false,
      callback: true,
    });
  }, 300_000);
});

describe('CLI package (pivot-payments-contract-cli)', () => {
  it('ships the compiled commands, templates and its copy of the contract, no sources', () => {
    const files = packedFiles(CLI_FOLDER);
    expect(files).toEqual(
      expect.arrayContaining([
        'bin/pivot-contract.js',
        'dist/scripts/cli.js',
        'templates/validators/index.js.hbs',
        'generators/runtime/formats.js',
        'generated/openapi.json',
      ]),
    );
    expect(
      files.filter((file) => /^(test|spec|scripts)\//.test(file) || (file.endsWith('.ts') && !file.endsWith('.d.ts'))),
    ).toEqual([]);
  });

  it('declares the same dependency ranges as the checkout (one source of versions)', () => {
    const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    const cli = JSON.parse(readFileSync(join(CLI_FOLDER, 'package.json'), 'utf8'));
    expect(cli.version).toBe(root.version);
    for (const [name, range] of Object.entries(cli.dependencies))
      expect([name, root.devDependencies[name]]).toEqual([name, range]);
    expect(root.dependencies ?? {}).toEqual({});
  });

  it('runs `npx pivot-contract generate --out src/contract` without dev tooling of ours', () => {
    const log = run('npx', ['--no-install', 'pivot-contract', 'generate', '--out', 'src/contract'], { cwd: project });
    expect(log).toMatch(/wrote \d+ files to src\/contract/);
    expect(existsSync(join(project, 'src', 'contract', 'validators', 'index.js'))).toBe(true);
    expect(existsSync(join(project, 'node_modules', 'tsx'))).toBe(false);
    const check = run('npx', ['--no-install', 'pivot-contract', 'generate', '--out', 'src/contract', '--check'], {
      cwd: project,
    });
    expect(check).toMatch(/up to date/);
  });

  it.each(['tsconfig.nodenext.json', 'tsconfig.bundler.json'])('type-checks the consumer with %s (strict)', (config) => {
    run('npx', ['--no-install', 'tsc', '-p', config], { cwd: project });
  });

  it('runs the compiled consumer with node', () => {
    // Emitted next to the sources, so main.js finds the generated src/contract/*.js.
    run('npx', ['--no-install', 'tsc', '-p', 'tsconfig.nodenext.json', '--noEmit', 'false'], { cwd: project });
    const output = JSON.parse(run('node', ['src/main.js'], { cwd: project }));
    expect(output).toEqual({
      packageValidator: { valid: true },
      generatedValidator: { valid: true },
      typo: ['/sureName'],
      fixtures: expect.any(Number),
      paymentUrl: expect.stringMatching(/^https:\/\//),
    });
    expect(output.fixtures).toBeGreaterThan(100);
  });

  it('runs the package MSW handlers under msw/node, called through openapi-fetch', () => {
    const script = `import { mswCheck } from './src/msw-check.js'; console.log(JSON.stringify(await mswCheck()));`;
    expect(JSON.parse(run('node', ['--input-type=module', '-e', script], { cwd: project }))).toEqual({
      documented: 200,
      unauthenticated: 401,
      sandbox: 200,
    });
  });

  it('serves the mock: an unauthenticated request gets the contract 401; openapi-fetch calls it', async () => {
    const url = await startServer(['mock']);
    // The consumer's compiled openapi-fetch client, every documented create request (the mock accepts any token).
    const script = `import { createEvery } from './src/client.js'; console.log(JSON.stringify(await createEvery(${JSON.stringify(url)}, 'token')));`;
    const statuses = JSON.parse(run('node', ['--input-type=module', '-e', script], { cwd: project })) as number[];
    expect(statuses.length).toBeGreaterThan(20);
    expect(new Set(statuses)).toEqual(new Set([200]));
    const answer = await fetch(`${url}/v2/payments`, {
      method: 'POST',
      headers: { 'X-REQUEST-ID': 'r1', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(answer.status).toBe(401);
    expect(((await answer.json()) as { code: string }).code).toBe('credentials_invalid');
  }, 90_000);

  it('runs the sandbox with its state in a file (--data: the installed SQLite driver) and `verify --flows` passes against it', async () => {
    const data = join(work, 'sandbox.db');
    const url = await startServer(['sandbox', '--data', data]);
    const report = run('npx', ['--no-install', 'pivot-contract', 'verify', '--base-url', url, '--flows'], {
      cwd: project,
      env: { ...process.env, PIVOT_MERCHANT_ID: 'sandbox-merchant', PIVOT_MERCHANT_SECRET: 'sandbox-secret' },
    });
    expect(report).toMatch(/\b0 failed\b/);
    expect(lstatSync(data).size).toBeGreaterThan(0);
  }, 120_000);

  it('passes publint and arethetypeswrong, both packages', () => {
    run('npx', ['--no-install', 'publint', '--strict', REPO_ROOT], { cwd: REPO_ROOT });
    run('npx', ['--no-install', 'publint', '--strict', CLI_FOLDER], { cwd: REPO_ROOT });
    run('npx', ['--no-install', 'attw', runtimeTarball, '--profile', 'esm-only'], { cwd: REPO_ROOT });
  });

  it('runs `npx pivot-contract diff` and `--help` from the install', () => {
    const help = run('npx', ['--no-install', 'pivot-contract', '--help'], { cwd: project });
    expect(help).toMatch(/generate/);
    const spec = join(project, 'node_modules', 'pivot-payments-contract', 'generated', 'openapi.json');
    expect(run('npx', ['--no-install', 'pivot-contract', 'diff', spec, spec], { cwd: project })).toMatch(
      /0 breaking, 0 non-breaking/,
    );
    expect(run('npx', ['--no-install', 'pivot-contract', '--version'], { cwd: project }).trim()).toBe(
      JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version,
    );
  });
});
