/**
 * The CLI's conventions, run as a user runs it: usage errors exit 2 on stderr with our own words and a
 * "did you mean", usage goes to stdout only when asked for, `--version` and `help <command>` work.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { suggest } from '../../scripts/cli/command.ts';
import { insideNodeModules } from '../../scripts/generate.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const VERSION = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', resolve(ROOT, 'scripts/cli.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

interface Case {
  args: string[];
  status: number;
  stdout?: RegExp;
  stderr?: RegExp;
  quietStdout?: boolean;
}

const CASES: Case[] = [
  { args: ['--version'], status: 0, stdout: new RegExp(`^${VERSION.replace(/\./g, '\\.')}\\n$`) },
  { args: ['--help'], status: 0, stdout: /^usage: pivot-contract <command>/ },
  { args: ['help'], status: 0, stdout: /^usage: pivot-contract <command>/ },
  { args: ['help', 'generate'], status: 0, stdout: /--out/ },
  { args: [], status: 2, stderr: /missing command[\s\S]*usage: pivot-contract/, quietStdout: true },
  { args: ['generat'], status: 2, stderr: /unknown command "generat" \(did you mean "generate"\?\)/, quietStdout: true },
  { args: ['help', 'generat'], status: 2, stderr: /did you mean "generate"/, quietStdout: true },
  { args: ['frobnicate'], status: 2, stderr: /^unknown command "frobnicate"\n/, quietStdout: true },
  { args: ['generate', '--chek'], status: 2, stderr: /unknown option "--chek" \(did you mean "--check"\?\)/, quietStdout: true },
  { args: ['generate', 'foo'], status: 2, stderr: /unexpected argument "foo"/, quietStdout: true },
  { args: ['generate', '--out'], status: 2, stderr: /--out needs a value/, quietStdout: true },
  { args: ['generate', '--check=yes'], status: 2, stderr: /--check takes no value/, quietStdout: true },
  {
    args: ['generate', '--only', 'validator'],
    status: 2,
    stderr: /unknown artifact "validator" \(did you mean "validators"\?\)/,
    quietStdout: true,
  },
  { args: ['sandbox', 'extra'], status: 2, stderr: /unexpected argument "extra"/, quietStdout: true },
  { args: ['mock', '--prot', '1'], status: 2, stderr: /did you mean "--port"/, quietStdout: true },
];

describe('pivot-contract conventions', () => {
  it.each(CASES)('pivot-contract $args → exit $status', ({ args, status, stdout, stderr, quietStdout }) => {
    const run = cli(...args);
    expect(run.status).toBe(status);
    if (stdout) expect(run.stdout).toMatch(stdout);
    if (stderr) expect(run.stderr).toMatch(stderr);
    if (quietStdout) expect(run.stdout).toBe('');
    // Node's own parser wording never reaches the user.
    expect(run.stderr).not.toMatch(/strict:|ERR_PARSE_ARGS|allowPositionals/);
  });
});

describe('the bin in a clone', () => {
  // `npm ci` runs `prepare` (the build), which leaves the bin executable: the README's first command is enough.
  it('is executable and runs through npx after npm ci', () => {
    const bin = resolve(ROOT, 'packages/cli/bin/pivot-contract.js');
    expect(statSync(bin).mode & 0o111).not.toBe(0);
    const run = spawnSync('npx', ['--no-install', 'pivot-contract', '--version'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${VERSION}\n`);
  });
});

describe('suggest', () => {
  it.each([
    { typed: 'chek', known: ['check', 'out'], want: 'check' },
    { typed: 'generat', known: ['generate', 'mock'], want: 'generate' },
    { typed: 'x', known: ['generate', 'mock'], want: undefined },
    { typed: 'sandbox', known: [], want: undefined },
  ])('$typed among $known → $want', ({ typed, known, want }) => {
    expect(suggest(typed, known)).toBe(want);
  });
});

describe('insideNodeModules (generate never writes into an installed package)', () => {
  it.each([
    { folder: '/srv/app/node_modules/pivot-payments-contract', want: true },
    { folder: '/srv/app/node_modules/.pnpm/pivot-payments-contract@0.1.0/node_modules/pivot-payments-contract', want: true },
    { folder: '/work/pivot-payments-contract', want: false },
    { folder: '/work/my_node_modules_notes', want: false },
  ])('$folder → $want', ({ folder, want }) => {
    expect(insideNodeModules(folder)).toBe(want);
  });
});
