/**
 * `pivot-contract generate` as users run it, the built bin as a process with a deadline: every spec
 * error that is found before the document is valid OpenAPI (bad YAML, a `$ref` to a missing file, a
 * remote `$ref` without `--allow-remote-refs`, an alias bomb, `info` without `version`) and every one
 * found after it (an example its schema rejects, while the TypeScript thread renders) exits 1 within
 * seconds with its one `spec error:` line, whatever the artifacts chosen: with the TypeScript worker
 * thread (the default, `--only types`) and without it (`--only bundle`). Before issue 23 the runs that
 * started the worker printed the line and never exited: its idle thread held the process.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBin } from './bin.ts';

const scratch = mkdtempSync(join(tmpdir(), 'pivot-user-generate-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const broken = (name: string) => `test/fixtures/broken-specs/${name}/openapi.yaml`;

const SPEC_ERRORS: Array<{ kind: string; spec: string; says: RegExp; args?: string[] }> = [
  {
    kind: 'a YAML syntax error',
    spec: broken('yaml-syntax'),
    says: /yaml-syntax\/openapi\.yaml#\/.*: YAML syntax error at line 9/,
  },
  {
    kind: 'a $ref to a missing file',
    spec: broken('missing-file'),
    says: /missing-file\/openapi\.yaml#\/.*\$ref: \$ref to a file that does not exist/,
  },
  {
    kind: 'a remote $ref without --allow-remote-refs',
    spec: broken('remote-ref'),
    says: /remote-ref\/openapi\.yaml#\/.*: remote \$ref https:\/\/example\.com\/schemas\/Problem\.yaml is not followed without --allow-remote-refs/,
  },
  {
    kind: 'an alias bomb',
    spec: broken('alias-bomb'),
    says: /alias-bomb\/openapi\.yaml#\/x-bomb\/.*: YAML aliases expand beyond the limit/,
  },
  {
    kind: 'info without version',
    spec: broken('info-without-version'),
    says: /info-without-version\/openapi\.yaml#\/info: invalid OpenAPI document: must have required property 'version'/,
  },
  {
    // A published document's rejected example is a warning; --strict-examples makes it the error.
    kind: 'an example its schema rejects, under --strict-examples (found while the worker renders)',
    spec: broken('example-violates-schema'),
    args: ['--strict-examples'],
    says: /example-violates-schema\/openapi\.yaml#\/.*: example "small" of createWidget request violates/,
  },
];

/** Artifact choices: all (the worker renders types and models), the worker's alone, and none of the worker's. */
const ONLY: Array<[string, string[]]> = [
  ['every artifact', []],
  ['--only types', ['--only', 'types']],
  ['--only bundle', ['--only', 'bundle']],
];

describe('generate exits after a spec error, with its one line', () => {
  const cases = SPEC_ERRORS.flatMap((error) => ONLY.map(([label, only]) => ({ ...error, label, only })));
  it.each(cases.map((item) => [`${item.kind}, ${item.label}`, item] as const))('%s', async (_name, item) => {
    const out = join(scratch, `${item.spec.split('/').at(-2)}-${item.label.replace(/\W+/g, '')}`);
    const run = await runBin(['generate', '--spec', item.spec, '--out', out, ...(item.args ?? []), ...item.only], {
      deadlineMs: 30_000,
    });
    expect(run.timedOut, `still running after 30 s; stderr:\n${run.stderr}`).toBe(false);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines.filter((line) => line.startsWith('spec error: '))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(item.says);
    expect(run.stdout).toBe('');
  });

  it('without --strict-examples the rejected example is a warning: the run ends with 0 and leaves it out', async () => {
    const out = join(scratch, 'example-warning');
    const run = await runBin(['generate', '--spec', broken('example-violates-schema'), '--out', out], { deadlineMs: 60_000 });
    expect(run.timedOut, `still running after 60 s; stderr:\n${run.stderr}`).toBe(false);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('example "small" of createWidget request: /kind must be equal to one of the allowed values');
    expect(run.stderr).not.toMatch(/^spec error: /m);
    // The request example is left out of the catalog; the response example of the same name stays.
    const catalog = readFileSync(join(out, 'fixtures', 'index.js'), 'utf8');
    expect(catalog).not.toMatch(/request[^\n]*"small"/);
    expect(catalog).toContain('responses["200"]["small"]');
  });

  it('exits with 1 under --check too, and writes nothing', async () => {
    const out = join(scratch, 'checked');
    const run = await runBin(['generate', '--spec', broken('yaml-syntax'), '--out', out, '--check'], { deadlineMs: 30_000 });
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^spec error: /);
    expect(existsSync(out)).toBe(false);
  });
});

describe('generate exits after any other error, with its documented status', () => {
  it('refuses a --out that is a file (exit 2) before reading the spec', async () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'x');
    const run = await runBin(['generate', '--out', file], { deadlineMs: 30_000 });
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('a-file');
  });

  it('names an unknown --only artifact (exit 2), listing what --only takes, from the list --help prints', async () => {
    const help = await runBin(['generate', '--help'], { deadlineMs: 30_000 });
    expect(help.code).toBe(0);
    const listed = /--only\s+comma-separated artifacts: ([\w, ]+)/.exec(help.stdout)?.[1]?.split(', ');
    expect(listed).toContain('callbacks');
    const run = await runBin(['generate', '--only', 'callback', '--out', join(scratch, 'unknown')], { deadlineMs: 30_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`unknown artifact "callback" (did you mean "callbacks"?); known: ${listed!.join(', ')}`);
  });

  it('generates from a spec file of any name, and every generated header names that file', async () => {
    // The minimal spec bundled into one JSON file of another name.
    const bundled = await runBin(
      ['generate', '--spec', 'test/fixtures/specs/minimal/openapi.yaml', '--out', join(scratch, 'b'), '--only', 'bundle'],
      {
        deadlineMs: 60_000,
      },
    );
    expect(bundled.code, bundled.stderr).toBe(0);
    writeFileSync(join(scratch, 'widgets.json'), readFileSync(join(scratch, 'b', 'openapi.json')));
    const run = await runBin(['generate', '--spec', 'widgets.json', '--out', 'from-json', '--only', 'validators,fixtures'], {
      cwd: scratch,
      deadlineMs: 60_000,
    });
    expect(run.code, run.stderr).toBe(0);
    for (const file of ['validators/index.js', 'fixtures/index.js']) {
      const head = readFileSync(join(scratch, 'from-json', file), 'utf8')
        .split('\n')
        .slice(0, 3)
        .join('\n');
      expect(head, file).toContain('from widgets.json');
      expect(head, file).not.toContain('openapi.yaml');
    }
  });
});
