/**
 * The cheaper validator code of issue 24 (generators/spec/ajv-code.ts, `withoutCoveredLimits` in
 * generators/spec/depth.ts) keeps every result: string lengths counted in code points near a limit,
 * Ajv's evaluated-properties bookkeeping kept exactly where `unevaluatedProperties` needs it, and a
 * free-form position's depth limit dropped only where a bounded subschema checks the same value. Each
 * case runs through the generated standalone validators and the runtime Ajv validator alike.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaExamples } from '../../generated/fixtures/index.js';
import { validate as validateContract } from '../../generated/validators/index.js';
import { toViolations } from '../../generators/runtime/violations.js';
import { loadBundledSpec } from '../../generators/spec/pivot-contract.ts';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';
import { runtimeValidator } from '../../generators/spec/runtime-validator.ts';
import { withoutUnusedBookkeeping } from '../../generators/spec/ajv-code.ts';
import { compiledSchemas, validateWith } from '../../generators/spec/compiled.ts';
import { createAjv, type SchemaMap } from '../../generators/spec/schema-set.ts';
import { runGenerate } from '../../scripts/generate.ts';

const TMP_BASE = join(REPO_ROOT, 'node_modules', '.cache', 'pivot-contract-tests');
mkdirSync(TMP_BASE, { recursive: true });
const scratch = mkdtempSync(join(TMP_BASE, 'validator-code-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const DOCUMENT = {
  openapi: '3.1.0',
  info: { title: 'Validator code cases', version: '1.0.0' },
  paths: {},
  components: {
    schemas: {
      Code: { type: 'string', minLength: 2, maxLength: 3 },
      // Needs Ajv's bookkeeping: `b` is evaluated by the allOf member, `c` by nothing.
      Closed: {
        type: 'object',
        properties: { a: { type: 'string' } },
        allOf: [{ properties: { b: { type: 'integer' } } }],
        unevaluatedProperties: false,
      },
      Charge: { type: 'object', additionalProperties: false, properties: { id: { type: 'string' } } },
      // The rule's `items: true` looks at the same charges as `properties.charges.items`: covered.
      Session: {
        type: 'object',
        additionalProperties: false,
        properties: { status: { type: 'string' }, charges: { type: 'array', items: { $ref: '#/components/schemas/Charge' } } },
        allOf: [
          {
            if: { properties: { status: { const: 'PAID' } }, required: ['status'] },
            then: { properties: { charges: { type: 'array', items: true, minItems: 1 } } },
          },
        ],
      },
      // Nothing else looks into `anything`: its limit stays.
      Bag: { type: 'object', additionalProperties: false, properties: { anything: {} } },
      // `items` does not check the items `prefixItems` checks: the first is an open object.
      Tuple: { type: 'array', prefixItems: [{ type: 'object' }], items: { type: 'string' } },
      // Two free-form positions covering each other cover nothing.
      Twice: { type: 'object', allOf: [{ properties: { x: {} } }, { properties: { x: {} } }] },
    },
  },
};

type Validate = (schema: string, data: unknown) => { valid: boolean; errors?: Array<{ path: string; keyword: string }> };
let standalone: Validate;
let runtime: Validate;
let strictCode: string;

beforeAll(async () => {
  const file = join(scratch, 'openapi.json');
  writeFileSync(file, JSON.stringify(DOCUMENT));
  const out = join(scratch, 'out');
  const errors: string[] = [];
  expect(
    await runGenerate(['--spec', file, '--out', out], { log: () => {}, error: (line) => errors.push(line) }),
    errors.join('\n'),
  ).toBe(0);
  standalone = (await import(join(out, 'validators', 'index.js'))).validate;
  strictCode = readFileSync(join(out, 'validators', 'strict.js'), 'utf8');
  const validate = runtimeValidator(await loadBundledSpec(file));
  runtime = (schema, data) => {
    const violations = toViolations(validate(schema, data));
    return violations.length === 0 ? { valid: true } : { valid: false, errors: violations };
  };
});

const deep = (depth: number) => JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
const keywordsOf = (result: ReturnType<Validate>) => (result.errors ?? []).map((error) => [error.path, error.keyword]);

describe.each([
  ['standalone', () => standalone],
  ['runtime', () => runtime],
] as const)('%s validators', (_, validator) => {
  it.each([
    ['ab', true],
    ['abc', true],
    ['a', false],
    ['abcd', false],
    // Astral characters: two UTF-16 units, one code point each.
    ['😀😀', true],
    ['😀😀😀', true],
    ['😀', false],
    ['😀😀😀😀', false],
    ['a😀', true],
  ])('minLength 2 / maxLength 3 count code points: %j is valid: %s', (value, valid) => {
    expect(validator()('Code', value).valid).toBe(valid);
  });

  it('unevaluatedProperties still sees what an allOf member evaluated', () => {
    expect(validator()('Closed', { a: 'x', b: 1 })).toEqual({ valid: true });
    expect(keywordsOf(validator()('Closed', { a: 'x', b: 1, c: 1 }))).toEqual([['', 'unevaluatedProperties']]);
  });

  it('a covered free-form position: deep data is still rejected, by the schema that covers it', () => {
    expect(validator()('Session', { status: 'PAID', charges: [{ id: 'c1' }] })).toEqual({ valid: true });
    expect(validator()('Session', { status: 'PAID', charges: [] }).valid).toBe(false);
    expect(validator()('Session', { status: 'PAID', charges: [{ id: 'c1', a: deep(100_000) }] }).valid).toBe(false);
  });

  it.each(['Bag', 'Twice'])('%s: an uncovered free-form position keeps its depth limit', (schema) => {
    const property = schema === 'Bag' ? 'anything' : 'x';
    expect(validator()(schema, { [property]: deep(10) })).toEqual({ valid: true });
    expect(keywordsOf(validator()(schema, { [property]: deep(100_000) }))).toEqual([
      [expect.stringMatching(`^/${property}(/a)+$`), 'maxDepth'],
    ]);
  });
});

// (The runtime validator walks every document for depth first, and its Ajv refuses a 1-tuple without minItems.)
describe('standalone validators, an array whose first item is an open object', () => {
  it('is walked for depth: a deep first item is one maxDepth violation, not accepted', () => {
    expect(standalone('Tuple', [deep(10), 'x'])).toEqual({ valid: true });
    expect(keywordsOf(standalone('Tuple', [deep(100_000), 'x']))).toEqual([[expect.stringMatching(/^\/0(\/a)+$/), 'maxDepth']]);
  });
});

describe('the generated code', () => {
  it('keeps the bookkeeping for a schema set that uses unevaluatedProperties (read on entry: tree-shakable)', () => {
    expect(strictCode).toMatch(/dynamicAnchors/);
    expect(strictCode).toMatch(/validate\d+\.evaluated \?\?= /);
  });

  it("the contract's validators, which use neither unevaluated* nor $dynamicRef, have no bookkeeping", () => {
    const contract = readFileSync(join(REPO_ROOT, 'generated/validators/strict.js'), 'utf8');
    expect(contract).not.toMatch(/dynamicAnchors/);
    expect(contract).not.toMatch(/\.evaluated\b/);
  });

  it('has a depth limit where nothing else bounds the value, and none where something does', () => {
    expect(strictCode).toContain('"#/properties/anything/x-depth-limit"');
    expect(strictCode).not.toContain('charges/items/x-depth-limit');
    // The standalone validator walks no charge: the Charge schema rejects the unknown deep property.
    const result = standalone('Session', { status: 'PAID', charges: [{ id: 'c1', a: deep(100_000) }] });
    expect(keywordsOf(result)).toEqual([['/charges/0/a', 'additionalProperties']]);
  });

  it('checks the length of a string in code points only near a limit', () => {
    expect(strictCode).toMatch(/\(data\.length > 3 && func\d+\(data\) > 3\)/);
    expect(strictCode).toMatch(/\(data\.length < 3 && func\d+\(data\) < 2\)/);
  });
});

describe("the contract's PaymentSession", () => {
  const session = () => structuredClone(schemaExamples.PaymentSession['payment-session-object']) as Record<string, any>;

  it('a charge nested 100,000 levels deep is rejected (the rule that covers chargeDetails has no depth limit of its own)', () => {
    const document = session();
    document.chargeDetails[0].card.binInformations = deep(100_000);
    for (const mode of ['strict', 'tolerant'] as const)
      expect(validateContract('PaymentSession', document, { mode }).valid).toBe(false);
    expect(validateContract('PaymentSession', session())).toEqual({ valid: true });
  });
});

describe('the Ajv instances that write the standalone validators', () => {
  const META_SCHEMA = 'https://json-schema.org/draft/2020-12/schema';
  const compiledMeta = (ajv: object) =>
    (ajv as { schemas: Record<string, { validate?: unknown } | undefined> }).schemas[META_SCHEMA]?.validate !== undefined;
  const schemas = {
    Code: { type: 'string', minLength: 2 },
    Pair: { type: 'array', items: { $ref: '#/components/schemas/Code' } },
  } as SchemaMap;

  it('compile no meta-schema (checkDocument checked the schemas already) and still switch the bookkeeping off', () => {
    for (const mode of ['strict', 'tolerant'] as const) {
      const ajv = compiledSchemas(structuredClone(schemas), mode, 'document');
      expect(validateWith(ajv, 'Pair', mode, ['ab', 'a']).map((error) => error.instancePath)).toEqual(['/1']);
      expect(compiledMeta(ajv)).toBe(false);
      expect((ajv.opts as { unevaluated?: boolean }).unevaluated).toBe(false);
    }
  });

  it('where schemas are checked against the meta-schema, it is compiled before the bookkeeping goes', () => {
    const ajv = withoutUnusedBookkeeping(createAjv({}, 'document'), Object.values(schemas));
    expect(compiledMeta(ajv)).toBe(true);
    expect(ajv.validateSchema({ type: 'strin' })).toBe(false);
  });
});
