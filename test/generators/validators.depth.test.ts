/**
 * Deeply nested data (issue 14): a legal recursive schema validates normally up to the documented depth
 * (`maxDepth`, 256 levels) and beyond it gets one `maxDepth` violation, never a RangeError, for any depth
 * JSON.parse can produce (100,000 here). The same holds for the generated standalone validators, the
 * runtime Ajv path and the contract's own free-form `metadata`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFixture } from '../../generated/fixtures/index.js';
import { maxDepth, validateRequest } from '../../generated/validators/index.js';
import { toViolations, deeperThan, MAX_DEPTH } from '../../generators/runtime/violations.js';
import { runGenerate } from '../../scripts/generate.ts';
import { loadBundledSpec } from '../../generators/spec/pivot-contract.ts';
import { runtimeValidator } from '../../generators/spec/runtime-validator.ts';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';

const RECURSIVE = 'test/fixtures/specs/recursive/openapi.yaml';
// Inside the repository so that generated code resolves ajv from node_modules.
const TMP_BASE = join(REPO_ROOT, 'node_modules', '.cache', 'pivot-contract-tests');
mkdirSync(TMP_BASE, { recursive: true });
const scratch = mkdtempSync(join(TMP_BASE, 'depth-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `{"name":"n","child":{…}}` nested `depth` levels, built as text and parsed (no recursion here either). */
function tree(depth: number, leafName = 'leaf'): unknown {
  const open = '{"name":"n","child":'.repeat(depth - 1);
  return JSON.parse(`${open}{"name":${JSON.stringify(leafName)}}${'}'.repeat(depth - 1)}`);
}

const childPath = (levels: number) => '/child'.repeat(levels);

type Validate = (
  schema: string,
  data: unknown,
) => { valid: boolean; errors?: Array<{ path: string; keyword: string; message: string }> };

let standalone: Validate;
let runtime: Validate;

beforeAll(async () => {
  const out = join(scratch, 'out');
  const errors: string[] = [];
  const code = await runGenerate(['--spec', RECURSIVE, '--out', out], { log: () => {}, error: (line) => errors.push(line) });
  expect(code, errors.join('\n')).toBe(0);
  standalone = (await import(join(out, 'validators', 'index.js'))).validate;
  const validate = runtimeValidator(await loadBundledSpec(join(REPO_ROOT, RECURSIVE)));
  runtime = (schema, data) => {
    const violations = toViolations(validate(schema, data));
    return violations.length === 0 ? { valid: true } : { valid: false, errors: violations };
  };
});

describe.each([
  ['standalone', () => standalone],
  ['runtime', () => runtime],
] as const)('a recursive schema, %s validators', (_, validator) => {
  it('the documented limit is 256 levels', () => {
    expect(maxDepth).toBe(256);
    expect(MAX_DEPTH).toBe(256);
  });

  it.each([2, 100, MAX_DEPTH])('depth %i validates normally', (depth) => {
    expect(validator()('TreeNode', tree(depth))).toEqual({ valid: true });
    const bad = validator()('TreeNode', tree(depth, 'a name that is far too long'));
    expect(bad.valid).toBe(false);
    expect(bad.errors!.map((error) => [error.path, error.keyword])).toEqual([[`${childPath(depth - 1)}/name`, 'maxLength']]);
  });

  it.each([MAX_DEPTH + 1, 5_000, 100_000])('depth %i: one maxDepth violation, no RangeError', (depth) => {
    const result = validator()('TreeNode', tree(depth));
    expect(result).toEqual({
      valid: false,
      errors: [
        {
          path: childPath(MAX_DEPTH),
          keyword: 'maxDepth',
          message: `${childPath(MAX_DEPTH)} is nested more than 256 levels deep`,
        },
      ],
    });
  });
});

describe('deeperThan', () => {
  it('measures without recursion, arrays and objects alike, and names the first level too deep', () => {
    expect(deeperThan(tree(3), 3)).toBeUndefined();
    expect(deeperThan(tree(4), 3)).toBe('/child/child/child');
    expect(deeperThan(JSON.parse('['.repeat(500_000) + ']'.repeat(500_000)))).toBe(`/${Array(MAX_DEPTH).fill('0').join('/')}`);
    expect(deeperThan({ 'a/b': { '~': {} } }, 2)).toBe('/a~1b/~0');
    for (const scalar of [null, 1, 'x', true, undefined]) expect(deeperThan(scalar, 0)).toBeUndefined();
  });

  it('a cyclic value is too deep, not an endless walk', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(deeperThan(cycle, 10)).toBe(childPathOf('self', 10));
  });
});

const childPathOf = (key: string, levels: number) => `/${key}`.repeat(levels);

describe("the contract's free-form metadata", () => {
  const card = () => getFixture({ operationId: 'createPaymentSession', kind: 'request', name: 'card-redirect' }) as any;
  const nested = (depth: number) => JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

  it('nested within the limit is valid', () => {
    expect(validateRequest('createPaymentSession', { ...card(), metadata: nested(MAX_DEPTH - 2) })).toEqual({ valid: true });
  });

  it('nested 100,000 levels (a 500 KB body) is one maxDepth violation', () => {
    const result = validateRequest('createPaymentSession', { ...card(), metadata: nested(100_000) });
    expect(result.valid).toBe(false);
    expect(!result.valid && result.errors.map((error) => [error.keyword, error.path.split('/').length - 1])).toEqual([
      ['maxDepth', MAX_DEPTH],
    ]);
  });
});
