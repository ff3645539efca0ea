/**
 * The generate command end to end: deterministic output, golden files for a small spec, generated
 * code that runs, `--only` and `--check`, and a corpus of broken specs that must fail with the file
 * and JSON pointer while leaving the output directory byte-identical.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runGenerate } from '../../scripts/generate.ts';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';
import { loadSpec } from '../../generators/spec/load.ts';
import { MANIFEST, readTree } from '../../scripts/generate/manifest.ts';

// Inside the repository so that generated code resolves ajv from node_modules.
const TMP_BASE = join(REPO_ROOT, 'node_modules', '.cache', 'pivot-contract-tests');
mkdirSync(TMP_BASE, { recursive: true });
const scratch = mkdtempSync(join(TMP_BASE, 'generate-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const MINIMAL = 'test/fixtures/specs/minimal/openapi.yaml';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { log: (line: string) => out.push(line), error: (line: string) => err.push(line) }, out, err };
}

async function generate(args: string[]) {
  const { io, out, err } = capture();
  const code = await runGenerate(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function hashTree(dir: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(readTree(dir)).map(([path, text]) => [path, createHash('sha256').update(text).digest('hex')]),
  );
}

describe('determinism', () => {
  it('renders the contract byte-identically twice, and identically to the committed generated/', async () => {
    const first = join(scratch, 'first');
    const second = join(scratch, 'second');
    expect((await generate(['--out', first])).code).toBe(0);
    expect((await generate(['--out', second])).code).toBe(0);
    expect(hashTree(second)).toEqual(hashTree(first));
    expect(hashTree(first)).toEqual(hashTree(resolve(REPO_ROOT, 'generated')));
  });

  it('gives every file a do-not-edit header and exactly one trailing newline', () => {
    for (const [path, text] of Object.entries(readTree(join(scratch, 'first')))) {
      expect(text.endsWith('\n') && !text.endsWith('\n\n'), path).toBe(true);
      expect(text.slice(0, 400), path).toMatch(/do not edit/i);
      expect(text, path).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+Z.*generated at/i);
    }
  });
});

describe('minimal spec', () => {
  const out = join(scratch, 'minimal');
  const ready = generate(['--spec', MINIMAL, '--out', out]);

  it('prints one line per artifact with file count and milliseconds', async () => {
    const { code, out: log } = await ready;
    expect(code).toBe(0);
    for (const name of ['bundle', 'types', 'models', 'validators', 'fixtures', 'errata']) {
      expect(log).toMatch(new RegExp(`^${name}\\s+\\d+ files\\s+\\d+ ms$`, 'm'));
    }
  });

  it.each([
    'openapi.d.ts',
    'models.d.ts',
    'validators/index.js',
    'validators/index.d.ts',
    'fixtures/index.js',
    'fixtures/index.d.ts',
    'README.md',
  ])('%s matches its golden file', async (file) => {
    await ready;
    await expect(readFileSync(join(out, file), 'utf8')).toMatchFileSnapshot(`../fixtures/golden/minimal/${file}`);
  });

  it('has no errata report (the spec has no register)', async () => {
    await ready;
    expect(existsSync(join(out, 'ERRATA.md'))).toBe(false);
  });

  it('produces validators that run: valid example, and a violation at its path', async () => {
    await ready;
    const validators = await import(join(out, 'validators', 'index.js'));
    expect(validators.validateRequest('createWidget', { name: 'Sprocket', kind: 'SMALL' })).toEqual({ valid: true });
    const result = validators.validateRequest('createWidget', { name: 'A very long widget name', kind: 'HUGE' });
    expect(result.valid).toBe(false);
    expect(result.errors.map((error: { path: string }) => error.path).sort()).toEqual(['/kind', '/name']);
    expect(() => validators.assertWidget({ id: 'x' })).toThrow(/\/id must match format "uuid"/);
    expect(
      validators.validate(
        'Widget',
        { id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', name: 'a', kind: 'SMALL', extra: 1 },
        { mode: 'tolerant' },
      ),
    ).toEqual({ valid: true });
    expect(validators.validate('NoSuchSchema', {}).valid).toBe(false);
  });

  it('produces fixtures that return fresh copies', async () => {
    await ready;
    const { fixtures, listFixtures, getFixture } = await import(join(out, 'fixtures', 'index.js'));
    const first = fixtures.createWidget.request.small;
    first.name = 'changed';
    expect(fixtures.createWidget.request.small.name).toBe('Sprocket');
    expect(listFixtures().map((ref: { name: string; kind: string }) => `${ref.kind}:${ref.name}`)).toEqual([
      'request:small',
      'response:small',
      'response:invalid',
    ]);
    expect(getFixture({ operationId: 'createWidget', kind: 'response', status: '400', name: 'invalid' }).code).toBe('invalid');
    expect(() => getFixture({ operationId: 'createWidget', kind: 'request', name: 'nope' })).toThrow(/no fixture/);
  });
});

describe('--only and --check', () => {
  it('--only regenerates the named artifacts and keeps the other files', async () => {
    const out = join(scratch, 'only');
    expect((await generate(['--spec', MINIMAL, '--out', out])).code).toBe(0);
    writeFileSync(join(out, 'models.d.ts'), '// edited by hand\n');
    writeFileSync(join(out, 'openapi.json'), '{}\n');
    const { code, out: log } = await generate(['--spec', MINIMAL, '--out', out, '--only', 'bundle']);
    expect(code).toBe(0);
    expect(log).not.toMatch(/^models/m);
    expect(readFileSync(join(out, 'models.d.ts'), 'utf8')).toBe('// edited by hand\n');
    expect(readFileSync(join(out, 'openapi.json'), 'utf8')).toMatch(/"openapi": "3\.1\.0"/);
  });

  it('--only rejects an unknown artifact', async () => {
    const { code, err } = await generate(['--spec', MINIMAL, '--out', join(scratch, 'unknown'), '--only', 'bundle,sdk']);
    // A usage error: exit 2 before any work, naming the known artifacts.
    expect(code).toBe(2);
    expect(err).toMatch(/unknown artifact "sdk"; known: bundle, /);
    expect(existsSync(join(scratch, 'unknown'))).toBe(false);
  });

  it('--check lists stale files, exits 1 and writes nothing', async () => {
    const out = join(scratch, 'check');
    expect((await generate(['--spec', MINIMAL, '--out', out])).code).toBe(0);
    expect((await generate(['--spec', MINIMAL, '--out', out, '--check'])).code).toBe(0);
    writeFileSync(join(out, 'models.d.ts'), '// stale\n');
    // An owned file an earlier version generated, and a file of the user's that generate ignores.
    const manifest = JSON.parse(readFileSync(join(out, MANIFEST), 'utf8'));
    writeFileSync(join(out, MANIFEST), JSON.stringify({ ...manifest, files: [...manifest.files, 'leftover.js'] }));
    writeFileSync(join(out, 'leftover.js'), '// no longer generated\n');
    writeFileSync(join(out, 'precious.txt'), 'mine\n');
    rmSync(join(out, 'openapi.yaml'));
    const before = hashTree(out);
    const { code, err } = await generate(['--spec', MINIMAL, '--out', out, '--check']);
    expect(code).toBe(1);
    expect(err).toMatch(/stale: .*models\.d\.ts \(differs\)/);
    expect(err).toMatch(/stale: .*leftover\.js \(no longer generated\)/);
    expect(err).toMatch(/stale: .*openapi\.yaml \(missing\)/);
    expect(err).toMatch(/stale: .*\.pivot-contract-manifest\.json \(differs\)/);
    expect(err).not.toMatch(/precious/);
    expect(hashTree(out)).toEqual(before);
    expect((await generate(['--spec', MINIMAL, '--out', out])).code).toBe(0);
    expect(existsSync(join(out, 'leftover.js'))).toBe(false);
    expect(readFileSync(join(out, 'precious.txt'), 'utf8')).toBe('mine\n');
  });
});

describe('broken specs', () => {
  const out = join(scratch, 'broken');
  const ready = generate(['--spec', MINIMAL, '--out', out]);
  const broken = (name: string) => `test/fixtures/broken-specs/${name}/openapi.yaml`;

  const cases: Array<{ name: string; spec: string; want: RegExp; flags?: string[] }> = [
    {
      name: 'YAML syntax error',
      spec: broken('yaml-syntax'),
      want: /yaml-syntax\/openapi\.yaml#\/paths\/~1widgets\/post\/operationId: YAML syntax error at line 9/,
    },
    {
      name: 'broken $ref',
      spec: broken('broken-ref'),
      want: /broken-ref\/openapi\.yaml#\/components\/schemas\/WidgetInput\/properties\/kind\/\$ref: \$ref points at nothing/,
    },
    {
      name: '$ref to a missing file',
      spec: broken('missing-file'),
      want: /missing-file\/openapi\.yaml#\/paths\/~1widgets\/post\/responses\/400\/content\/application~1json\/schema\/\$ref: \$ref to a file that does not exist/,
    },
    {
      name: 'invalid schema keyword value',
      spec: broken('invalid-keyword-value'),
      want: /invalid-keyword-value\/openapi\.yaml#\/components\/schemas\/WidgetInput\/properties\/name\/minLength: invalid JSON Schema/,
    },
    {
      // With --spec it is a warning (test/generators/published-documents.test.ts); --strict-examples makes it an error.
      name: 'example that violates its schema (--strict-examples)',
      spec: broken('example-violates-schema'),
      flags: ['--strict-examples'],
      want: /example-violates-schema\/openapi\.yaml#\/paths\/~1widgets\/post\/requestBody\/content\/application~1json\/examples\/small\/value\/kind: example "small"/,
    },
    {
      name: 'duplicate operationId',
      spec: broken('duplicate-operation-id'),
      want: /duplicate-operation-id\/openapi\.yaml#\/paths\/~1widgets~1\{id\}\/get\/operationId: duplicate operationId "createWidget"/,
    },
    {
      name: 'unsupported OpenAPI version',
      spec: broken('not-openapi'),
      want: /not-openapi\/openapi\.yaml#\/openapi: Unsupported OpenAPI version/,
    },
    {
      name: 'invalid OpenAPI field',
      spec: broken('invalid-openapi-field'),
      want: /invalid-openapi-field\/openapi\.yaml#\/paths\/~1widgets\/post\/operationId: invalid OpenAPI document: must be string/,
    },
    {
      name: 'absolute $ref to a file outside the spec folder',
      spec: broken('ref-outside-absolute'),
      want: /ref-outside-absolute\/openapi\.yaml#\/components\/schemas\/Problem\/properties\/message\/\$ref: \$ref leaves the spec folder .*ref-outside-absolute: \/etc\/passwd/,
    },
    {
      name: '$ref that climbs out of the spec folder, written in a split file',
      spec: broken('ref-outside-relative'),
      want: /ref-outside-relative\/paths\/widgets\.yaml#\/post\/responses\/400\/content\/application~1json\/schema\/\$ref: \$ref leaves the spec folder .*: \.\.\/\.\.\/outside\.yaml/,
    },
    {
      name: '$ref to a missing file, written in a split file',
      spec: broken('missing-file-split'),
      want: /missing-file-split\/paths\/widgets\.yaml#\/post\/responses\/400\/content\/application~1json\/schema\/\$ref: \$ref to a file that does not exist: .*missing-file-split\/components\/Nope\.yaml/,
    },
    {
      name: '$ref to a missing pointer, written in a split file',
      spec: broken('missing-pointer-split'),
      want: /missing-pointer-split\/paths\/widgets\.yaml#\/post\/responses\/400\/content\/application~1json\/schema\/\$ref: \$ref points at nothing: \.\.\/openapi\.yaml#\/components\/schemas\/Nope/,
    },
    {
      name: 'remote $ref without --allow-remote-refs',
      spec: broken('remote-ref'),
      want: /remote-ref\/openapi\.yaml#\/paths\/~1widgets\/post\/responses\/400\/content\/application~1json\/schema\/\$ref: remote \$ref https:\/\/example\.com\/schemas\/Problem\.yaml is not followed without --allow-remote-refs/,
    },
    {
      // 10^9 strings if expanded: today's parsers would hang; the bound fails at the first nested alias.
      name: 'YAML alias bomb',
      spec: broken('alias-bomb'),
      want: /alias-bomb\/openapi\.yaml#\/x-bomb\/l2\/0: YAML aliases expand beyond the limit of 100 \(an alias bomb\?\) at line 8/,
    },
    {
      name: 'missing spec file',
      spec: 'test/fixtures/broken-specs/nowhere/openapi.yaml',
      want: /nowhere\/openapi\.yaml: no such file/,
    },
  ];

  it.each(cases)('$name: exits 1 naming the file and pointer, output untouched', async ({ spec, want, flags = [] }) => {
    await ready;
    const before = hashTree(out);
    const { code, err } = await generate(['--spec', spec, '--out', out, ...flags]);
    expect(code).toBe(1);
    expect(err).toMatch(want);
    expect(hashTree(out)).toEqual(before);
  });

  it('names the schema file of a split spec', async () => {
    const spec = join(scratch, 'split-spec');
    cpSync(resolve(REPO_ROOT, 'spec'), spec, { recursive: true });
    const amount = join(spec, 'components', 'schemas', 'Amount.yaml');
    writeFileSync(amount, readFileSync(amount, 'utf8').replace('minimum: 0', "minimum: 'zero'"));
    const { code, err } = await generate(['--spec', join(spec, 'openapi.yaml'), '--out', out]);
    expect(code).toBe(1);
    expect(err).toMatch(/split-spec\/components\/schemas\/Amount\.yaml#\/properties\/value\/minimum: invalid JSON Schema/);
  });
});

describe('house rules: the contract level only', () => {
  const out = join(scratch, 'house-rules');
  const broken = (name: string) => `test/fixtures/broken-specs/${name}/openapi.yaml`;
  const cases = [
    {
      name: 'response without schema',
      spec: broken('response-without-schema'),
      want: /response-without-schema\/openapi\.yaml#\/paths\/~1widgets\/post\/responses\/400\/content\/application~1json: response media type without a schema/,
    },
    {
      name: 'keyword outside the allow-list',
      spec: broken('unsupported-keyword'),
      want: /unsupported-keyword\/openapi\.yaml#\/components\/schemas\/Widget\/properties\/name\/xml: unsupported schema keyword "xml"/,
    },
  ];

  it.each(cases)('$name: rejected under the house rules (spec/), naming the file and pointer', async ({ spec, want }) => {
    await expect(loadSpec(resolve(REPO_ROOT, spec), { checks: 'contract' })).rejects.toThrow(want);
  });

  it.each(cases)('$name: valid OpenAPI, so `generate --spec` accepts it', async ({ spec }) => {
    const { code, err } = await generate(['--spec', spec, '--out', join(out, spec.split('/').at(-2)!)]);
    expect(err).toBe('');
    expect(code).toBe(0);
  });
});
