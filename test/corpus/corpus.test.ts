/**
 * Real public OpenAPI documents (test/fixtures/corpus/ and one pinned npm package; sources and
 * licences in the corpus README), used unmodified: each generates with `generate --spec`, the output
 * type-checks under `tsc --strict`, the generated validators accept the document's own valid
 * examples, and the invalid ones are reported and left out of the fixtures. A planted bad value
 * proves the example check can fail.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runGenerate } from '../../scripts/generate.ts';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';
import { listOperations } from '../../generators/spec/operations.ts';
import { readDocument } from '../../generators/spec/parse.ts';

// Inside the repository so that the generated code resolves ajv from node_modules.
const TMP_BASE = join(REPO_ROOT, 'node_modules', '.cache', 'pivot-contract-tests');
mkdirSync(TMP_BASE, { recursive: true });
const scratch = mkdtempSync(join(TMP_BASE, 'corpus-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Each document (a committed fixture, or a file of a pinned npm package), its OpenAPI version and its least number of examples. */
const CORPUS = [
  { name: 'petstore', file: 'petstore/openapi.yaml', version: '3.0.4', minExamples: 0 },
  { name: 'paypal-payments', file: 'paypal-payments/openapi.json', version: '3.0.3', minExamples: 1 },
  { name: 'adyen-checkout', file: 'adyen-checkout/openapi.json', version: '3.1.0', minExamples: 1 },
  { name: 'adyen-disputes', file: 'adyen-disputes/openapi.yaml', version: '3.1.0', minExamples: 1 },
  { name: 'adyen-transaction-webhooks', file: 'adyen-transaction-webhooks/openapi.yaml', version: '3.1.0', minExamples: 1 },
  { name: 'xero-finance', file: 'xero-finance/openapi.yaml', version: '3.0.0', minExamples: 1 },
  // Split over 2,907 files, with relative discriminator mappings and $refs in place of maps.
  { name: 'digitalocean', file: 'digitalocean/specification/DigitalOcean-public.v2.yaml', version: '3.0.0', minExamples: 1 },
  // 13 MB, from the exact devDependency @octokit/openapi (see the corpus README).
  { name: 'github', file: 'node_modules/@octokit/openapi/generated/api.github.com.json', version: '3.0.3', minExamples: 1 },
];

/** The large documents take minutes on a shared two-core machine. */
const SLOW = new Set(['digitalocean', 'github']);

async function generate(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runGenerate(args, { log: (line) => out.push(line), error: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const pathOf = (file: string) =>
  file.startsWith('node_modules/') ? resolve(REPO_ROOT, file) : resolve(REPO_ROOT, 'test/fixtures/corpus', file);

describe.each(CORPUS)('$name (OpenAPI $version)', ({ name, file, version, minExamples }) => {
  const spec = pathOf(file);
  const out = join(scratch, name);
  const timeout = SLOW.has(name) ? 900_000 : 120_000;
  let ready: ReturnType<typeof generate> | undefined;
  // One document at a time: the large ones each need most of the machine's memory.
  const generated = () => (ready ??= generate(['--spec', spec, '--out', out]));

  it('is the document the README names, unmodified', () => {
    expect((readDocument(spec) as { openapi: string }).openapi).toBe(version);
    const readme = readFileSync(resolve(REPO_ROOT, 'test/fixtures/corpus/README.md'), 'utf8');
    expect(readme).toContain(`\`${file.replace('node_modules/@octokit/openapi/', '')}\``);
  });

  it('generates every artifact', { timeout }, async () => {
    const { code, out: log, err } = await generated();
    expect(err.split('\n').filter((line) => line && !line.startsWith('warning: '))).toEqual([]);
    expect(code).toBe(0);
    for (const artifact of ['bundle', 'types', 'models', 'validators', 'fixtures']) {
      expect(log).toMatch(new RegExp(`^${artifact}\\s+\\d+ files`, 'm'));
    }
  });

  it('type-checks under tsc --strict', { timeout }, async () => {
    await generated();
    writeFileSync(
      join(out, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: false },
        include: ['**/*.d.ts'],
      }),
    );
    const tsc = resolve(REPO_ROOT, 'node_modules/typescript/bin/tsc');
    expect(() =>
      execFileSync(process.execPath, ['--max-old-space-size=3072', tsc, '-p', out], { encoding: 'utf8', stdio: 'pipe' }),
    ).not.toThrow();
  });

  it('accepts its own valid examples, reports the invalid ones and leaves them out of the fixtures', { timeout }, async () => {
    const { err } = await generated();
    const bundle = JSON.parse(readFileSync(join(out, 'openapi.json'), 'utf8'));
    const validators = await import(join(out, 'validators', 'index.js'));
    const { fixtures } = await import(join(out, 'fixtures', 'index.js'));
    const examples = listOperations(bundle).flatMap((operation) =>
      [...(operation.request ? [['request', operation.request] as const] : []), ...Object.entries(operation.responses)].flatMap(
        ([slot, message]) =>
          message.schema === undefined
            ? []
            : message.examples
                .filter(({ example }) => example && 'value' in example)
                .map(({ name: example, example: { value }, pointer }) => ({
                  operationId: operation.operationId,
                  slot,
                  example,
                  value,
                  pointer,
                })),
      ),
    );
    expect(examples.length).toBeGreaterThanOrEqual(minExamples);
    const validateExample = ({ operationId, slot, value }: { operationId: string; slot: string; value: unknown }) =>
      slot === 'request' ? validators.validateRequest(operationId, value) : validators.validateResponse(operationId, slot, value);
    const rejected = new Set(examples.filter((example) => !validateExample(example).valid));
    // Every example the validators reject is reported: the count, then one line each (up to 20) …
    const header = /^warning: (\d+) documented examples? do(?:es)? not match/m.exec(err);
    expect(Number(header?.[1] ?? 0)).toBe(rejected.size);
    const listed = err.split('\n').filter((line) => /^warning: {3}\S+#\S+: example "/.test(line));
    expect(listed.length).toBe(Math.min(rejected.size, 20));
    // … and left out of the fixtures, while every accepted one is there.
    for (const example of examples) {
      const kind = fixtures[example.operationId]?.[example.slot === 'request' ? 'request' : 'responses'];
      const entries = example.slot === 'request' ? kind : kind?.[example.slot];
      const present = entries !== undefined && Object.hasOwn(entries, example.example);
      expect(present, `${example.operationId} ${example.slot} ${example.example}`).toBe(!rejected.has(example));
    }
    // The check can fail: every property of the first accepted object example replaced by a non-JSON value.
    const first = examples.find(
      (example) =>
        !rejected.has(example) &&
        example.value !== null &&
        typeof example.value === 'object' &&
        !Array.isArray(example.value) &&
        Object.keys(example.value).length > 0,
    );
    if (first) {
      const broken = Object.fromEntries(Object.keys(first.value as object).map((key) => [key, Symbol('not JSON')]));
      expect(validateExample({ ...first, value: broken }).valid, `${first.operationId} ${first.slot}`).toBe(false);
    }
  });
});
