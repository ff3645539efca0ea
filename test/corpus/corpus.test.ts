/**
 * Real public OpenAPI documents (test/fixtures/corpus/, sources and licences in its README), used
 * unmodified: each generates with `generate --spec`, the output type-checks under `tsc --strict`,
 * and the generated validators accept the document's own examples. A planted bad example next to
 * them proves the example check can fail.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runGenerate } from '../../scripts/generate.ts';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';
import { readDocument } from '../../generators/spec/parse.ts';

// Inside the repository so that the generated code resolves ajv from node_modules.
const TMP_BASE = join(REPO_ROOT, 'node_modules', '.cache', 'pivot-contract-tests');
mkdirSync(TMP_BASE, { recursive: true });
const scratch = mkdtempSync(join(TMP_BASE, 'corpus-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CORPUS = [
  { name: 'petstore', file: 'petstore/openapi.yaml', version: '3.0.4', minExamples: 0 },
  { name: 'paypal-payments', file: 'paypal-payments/openapi.json', version: '3.0.3', minExamples: 1 },
  { name: 'adyen-checkout', file: 'adyen-checkout/openapi.json', version: '3.1.0', minExamples: 1 },
];
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

async function generate(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runGenerate(args, { log: (line) => out.push(line), error: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

interface DocumentExample {
  where: string;
  operationId: string;
  /** `request`, or the response status. */
  slot: string;
  value: unknown;
}

/** Follows a local `$ref` (one document, as the corpus files are). */
function deref(document: any, node: any): any {
  for (let hops = 0; node?.$ref && hops < 32; hops++) {
    node = node.$ref
      .slice(2)
      .split('/')
      .map((segment: string) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce((value: any, key: string) => value?.[key], document);
  }
  return node;
}

/** Every JSON example of a request or response body that is a component schema (`example` and `examples`). */
function documentExamples(document: any): DocumentExample[] {
  const found: DocumentExample[] = [];
  for (const [path, item] of Object.entries<any>(document.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = item?.[method];
      if (!operation?.operationId) continue;
      const bodies: Array<[string, any]> = [
        ...(operation.requestBody ? [['request', operation.requestBody] as [string, any]] : []),
        ...Object.entries<any>(operation.responses ?? {}),
      ];
      for (const [slot, body] of bodies) {
        const media = deref(document, body)?.content?.['application/json'];
        if (!media?.schema?.$ref?.startsWith('#/components/schemas/')) continue;
        const where = `${method.toUpperCase()} ${path} ${slot}`;
        if ('example' in media) found.push({ where, operationId: operation.operationId, slot, value: media.example });
        for (const [name, example] of Object.entries<any>(media.examples ?? {})) {
          const resolved = deref(document, example);
          if (resolved && 'value' in resolved)
            found.push({ where: `${where} ${name}`, operationId: operation.operationId, slot, value: resolved.value });
        }
      }
    }
  }
  return found;
}

describe.each(CORPUS)('$name (OpenAPI $version)', ({ name, file, version, minExamples }) => {
  const spec = resolve(REPO_ROOT, 'test/fixtures/corpus', file);
  const out = join(scratch, name);
  const ready = generate(['--spec', spec, '--out', out]);
  const document = readDocument(spec) as any;

  it('is the document the README names, unmodified', () => {
    expect(document.openapi).toBe(version);
    expect(readFileSync(resolve(REPO_ROOT, 'test/fixtures/corpus/README.md'), 'utf8')).toContain(`\`${file}\``);
  });

  it('generates every artifact', async () => {
    const { code, out: log, err } = await ready;
    expect(err.split('\n').filter((line) => line && !line.startsWith('warning: '))).toEqual([]);
    expect(code).toBe(0);
    for (const artifact of ['bundle', 'types', 'models', 'validators', 'fixtures']) {
      expect(log).toMatch(new RegExp(`^${artifact}\\s+\\d+ files`, 'm'));
    }
  });

  it('type-checks under tsc --strict', async () => {
    await ready;
    writeFileSync(
      join(out, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: false },
        include: ['**/*.d.ts'],
      }),
    );
    const tsc = resolve(REPO_ROOT, 'node_modules/typescript/bin/tsc');
    expect(() => execFileSync(process.execPath, [tsc, '-p', out], { encoding: 'utf8', stdio: 'pipe' })).not.toThrow();
  });

  it("accepts the document's own examples", async () => {
    await ready;
    const validators = await import(join(out, 'validators', 'index.js'));
    const examples = documentExamples(document);
    expect(examples.length).toBeGreaterThanOrEqual(minExamples);
    const rejected = examples
      .map((example) => ({
        ...example,
        result:
          example.slot === 'request'
            ? validators.validateRequest(example.operationId, example.value)
            : validators.validateResponse(example.operationId, example.slot, example.value),
      }))
      .filter(({ result }) => !result.valid)
      .map(({ where, result }) => `${where}: ${result.errors[0].message}`);
    expect(rejected).toEqual([]);
    // The check can fail: a wrong type in the first example's data is rejected.
    const first = examples.find((example) => example.value && typeof example.value === 'object' && !Array.isArray(example.value));
    if (first) {
      const broken = {
        ...(first.value as object),
        ...Object.fromEntries(Object.keys(first.value as object).map((key) => [key, Symbol('not JSON')])),
      };
      const result =
        first.slot === 'request'
          ? validators.validateRequest(first.operationId, broken)
          : validators.validateResponse(first.operationId, first.slot, broken);
      expect(result.valid, first.where).toBe(false);
    }
  });
});
