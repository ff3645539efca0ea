/**
 * The published package, as a downstream repository uses it: `npm pack`, install the tarball into a
 * fresh project, `npx pivot-contract generate --out src/contract`, type-check a consumer of the
 * package and of the generated code with `tsc --strict` under `nodenext` and `bundler` resolution,
 * run it with node. publint and arethetypeswrong check the package's metadata.
 */
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/gen-context.ts';

// Outside the repository: the consumer must resolve everything from its own install, never from ours.
const work = mkdtempSync(join(tmpdir(), 'pivot-package-'));
const project = join(work, 'consumer');
let tarball = '';

function run(command: string, args: string[], options: ExecFileSyncOptions = {}): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options }) as string;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${failure.stdout ?? ''}\n${failure.stderr ?? failure.message}`);
  }
}

beforeAll(() => {
  // Built once here; `npm pack --ignore-scripts` then skips the prepack build.
  run('npm', ['run', 'build'], { cwd: REPO_ROOT });
  const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: REPO_ROOT }));
  tarball = join(work, packed[0].filename);
  cpSync(join(REPO_ROOT, 'test', 'package', 'consumer'), project, { recursive: true });
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, 'typescript@5.9.3', '@types/node@20'], {
    cwd: project,
  });
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('published package', () => {
  it('ships only what it runs: no sources of the build, no tests, no spec', () => {
    const files: string[] = JSON.parse(
      run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT }),
    )[0].files.map((file: { path: string }) => file.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/scripts/cli.js',
        'generated/openapi.json',
        'generated/validators/index.js',
        'templates/validators/index.js.hbs',
        'package.json',
      ]),
    );
    expect(
      files.filter((file) => /^(test|spec|scripts)\//.test(file) || (file.endsWith('.ts') && !file.endsWith('.d.ts'))),
    ).toEqual([]);
  });

  it('runs `npx pivot-contract generate --out src/contract` without dev tooling', () => {
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

  it('passes publint and arethetypeswrong', () => {
    run('npx', ['--no-install', 'publint', '--strict', REPO_ROOT], { cwd: REPO_ROOT });
    run('npx', ['--no-install', 'attw', tarball, '--profile', 'esm-only'], { cwd: REPO_ROOT });
  });

  it('runs `npx pivot-contract diff` and `--help` from the install', () => {
    const help = run('npx', ['--no-install', 'pivot-contract', '--help'], { cwd: project });
    expect(help).toMatch(/generate/);
    const spec = join(project, 'node_modules', 'pivot-payments-contract', 'generated', 'openapi.json');
    expect(run('npx', ['--no-install', 'pivot-contract', 'diff', spec, spec], { cwd: project })).toMatch(
      /0 breaking, 0 non-breaking/,
    );
    expect(readFileSync(join(project, 'package.json'), 'utf8')).toContain('pivot-payments-contract');
  });
});
