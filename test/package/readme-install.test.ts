/**
 * The README's install lines, run as written (read from README.md, never retyped here): in a copy of
 * this repository they pack both packages, and in a fresh project they install the tarballs; the
 * installed `pivot-contract` then runs and the runtime package imports. `HOME` is a scratch folder, so
 * `~/pivot-packages` is the test's own; npm's cache is the machine's, so the registry is asked only for
 * what the cache lacks. Before issue 23 the README's lines installed `pivot-payments-contract` from the
 * registry, where it is not published (404).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';

const work = mkdtempSync(join(tmpdir(), 'pivot-readme-install-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The README's install block: the `sh` block that packs the packages, split at its two comment lines. */
function installBlock(): { clone: string[]; project: string[] } {
  const block = [...README.matchAll(/```sh\n([^]*?)```/g)].map((match) => match[1]!).find((text) => text.includes('npm pack'));
  if (!block) return { clone: [], project: [] };
  const lines = block.split('\n').filter((line) => line.trim() !== '');
  const projectAt = lines.findIndex((line) => /^# in your project/.test(line));
  return { clone: lines.slice(0, projectAt), project: lines.slice(projectAt) };
}

/** This repository as a fresh clone has it (its files, not its builds), with the installed node_modules linked in. */
function copyOfRepository(to: string): void {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(to, file)), { recursive: true });
    try {
      cpSync(join(REPO_ROOT, file), join(to, file));
    } catch {
      // listed but deleted in the working tree
    }
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(to, 'node_modules'));
}

/** Runs the lines with bash, as a user pastes them: each must succeed. */
function runLines(lines: string[], cwd: string, env: NodeJS.ProcessEnv): { status: number | null; output: string } {
  const run = spawnSync('bash', ['-e', '-c', lines.join('\n')], { cwd, env, encoding: 'utf8', timeout: 600_000 });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

describe("the README's install lines", () => {
  const { clone, project } = installBlock();

  it('pack in a clone, then install in a project: the lines are in the README', () => {
    expect(clone.some((line) => line.startsWith('npm pack'))).toBe(true);
    expect(project.some((line) => line.startsWith('npm install') && line.includes('.tgz'))).toBe(true);
    // Nothing installs from the registry under a name that is not published.
    for (const line of project.filter((candidate) => candidate.startsWith('npm install')))
      expect(line).not.toMatch(/\spivot-payments-contract(-cli)?(\s|$)/);
  });

  it('work as written from a fresh project: the CLI runs and the runtime package imports', () => {
    const home = join(work, 'home');
    const repository = join(work, 'pivot-payments-contract');
    const service = join(work, 'my-service');
    mkdirSync(home);
    mkdirSync(service);
    copyOfRepository(repository);
    writeFileSync(join(service, 'package.json'), JSON.stringify({ name: 'my-service', private: true, type: 'module' }));
    const cache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
    const env = {
      ...process.env,
      HOME: home,
      npm_config_cache: cache,
      npm_config_prefer_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    };

    const packed = runLines(clone, repository, env);
    expect(packed.status, packed.output).toBe(0);
    const installed = runLines(project, service, env);
    expect(installed.status, installed.output).toBe(0);

    const manifest = JSON.parse(readFileSync(join(service, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(manifest.dependencies!['pivot-payments-contract']).toMatch(
      new RegExp(`^file:.*pivot-payments-contract-${VERSION}\\.tgz$`),
    );
    expect(manifest.devDependencies!['pivot-payments-contract-cli']).toMatch(/^file:.*pivot-payments-contract-cli-.*\.tgz$/);
    const version = spawnSync('npx', ['--no-install', 'pivot-contract', '--version'], {
      cwd: service,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(version.stdout.trim(), version.stderr).toBe(VERSION);
    const imported = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const { validateRequest } = await import('pivot-payments-contract/validators'); console.log(validateRequest('createAccessToken', { grantType: 'client_credentials' }).valid)",
      ],
      { cwd: service, encoding: 'utf8', timeout: 60_000 },
    );
    expect(imported.stdout.trim(), imported.stderr).toBe('true');
  }, 900_000);
});
