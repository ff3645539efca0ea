/**
 * What `generate --spec` accepts beyond the house rules: 3.0 keywords normalised the way
 * openapi-typescript reads them, any legal component name mapped to an identifier (collisions
 * reported), vendor `x-*` keywords ignored, unknown formats accepted with one warning each.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { identifierMap, toIdentifier } from '../../generators/spec/names.ts';
import { normalizeDocument } from '../../generators/spec/normalize.ts';
import { runGenerate } from '../../scripts/generate.ts';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';

const TMP_BASE = join(REPO_ROOT, 'node_modules', '.cache', 'pivot-contract-tests');
mkdirSync(TMP_BASE, { recursive: true });
const scratch = mkdtempSync(join(TMP_BASE, 'any-spec-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const schemaOf = (schema: object) =>
  normalizeDocument({ openapi: '3.0.3', components: { schemas: { S: schema } } }).components.schemas.S;

describe('normalizeDocument', () => {
  it.each([
    { name: 'nullable type', given: { type: 'string', nullable: true }, want: { type: ['string', 'null'] } },
    { name: 'nullable: false is dropped', given: { type: 'string', nullable: false }, want: { type: 'string' } },
    {
      name: 'nullable enum gets null as a member',
      given: { type: 'string', enum: ['a', 'b'], nullable: true },
      want: { type: ['string', 'null'], enum: ['a', 'b', null] },
    },
    {
      name: 'nullable composition',
      given: { allOf: [{ $ref: '#/components/schemas/T' }], nullable: true, description: 'd' },
      want: { description: 'd', anyOf: [{ allOf: [{ $ref: '#/components/schemas/T' }] }, { type: 'null' }] },
    },
    {
      name: 'nullable next to $ref is ignored (3.0)',
      given: { $ref: '#/components/schemas/T', nullable: true },
      want: { $ref: '#/components/schemas/T' },
    },
    {
      name: 'exclusiveMinimum: true',
      given: { type: 'number', minimum: 0, exclusiveMinimum: true },
      want: { type: 'number', exclusiveMinimum: 0 },
    },
    {
      name: 'exclusiveMaximum: false',
      given: { type: 'number', maximum: 9, exclusiveMaximum: false },
      want: { type: 'number', maximum: 9 },
    },
    {
      name: '3.1 numeric bound untouched',
      given: { type: 'number', exclusiveMinimum: 1 },
      want: { type: 'number', exclusiveMinimum: 1 },
    },
    {
      name: 'nested in properties, items and compositions',
      given: { type: 'object', properties: { a: { type: 'array', items: { type: 'integer', nullable: true } } } },
      want: { type: 'object', properties: { a: { type: 'array', items: { type: ['integer', 'null'] } } } },
    },
    {
      name: 'a property named nullable is a property, not the keyword',
      given: { type: 'object', properties: { nullable: { type: 'boolean', nullable: true } } },
      want: { type: 'object', properties: { nullable: { type: ['boolean', 'null'] } } },
    },
    {
      name: 'example data and extensions are left alone',
      given: { type: 'object', example: { nullable: true }, 'x-shape': { nullable: true }, default: { nullable: true } },
      want: { type: 'object', example: { nullable: true }, 'x-shape': { nullable: true }, default: { nullable: true } },
    },
  ])('$name', ({ given, want }) => {
    expect(schemaOf(structuredClone(given))).toEqual(want);
  });

  it('marks the document 3.1', () => {
    expect(normalizeDocument({ openapi: '3.0.3' }).openapi).toBe('3.1.0');
  });
});

describe('component names → identifiers', () => {
  it.each([
    ['Amount', 'Amount'],
    ['PaymentSession_7', 'PaymentSession_7'],
    ['billing_portal.configuration', 'BillingPortalConfiguration'],
    ['payment-method', 'PaymentMethod'],
    ['400', 'Schema400'],
    ['3DSecureData', 'Schema3DSecureData'],
  ])('%s → %s', (name, identifier) => {
    expect(toIdentifier(name)).toBe(identifier);
  });

  it('numbers names that map to one identifier, keeping a name that is its own identifier, and reports them', () => {
    expect(identifierMap(['foo.bar', 'FooBar', 'foo_bar', 'Other'])).toEqual({
      identifiers: { FooBar: 'FooBar', 'foo.bar': 'FooBar_2', foo_bar: 'FooBar_3', Other: 'Other' },
      collisions: [{ identifier: 'FooBar', names: ['FooBar', 'foo.bar', 'foo_bar'] }],
    });
    expect(identifierMap(['A', 'B']).collisions).toEqual([]);
  });
});

describe('generate --spec on a document written the way the wild writes them', () => {
  const spec = 'test/fixtures/specs/any-names/openapi.yaml';
  const out = join(scratch, 'any-names');
  const lines: { out: string[]; err: string[] } = { out: [], err: [] };
  const ready = runGenerate(['--spec', spec, '--out', out], {
    log: (line) => lines.out.push(line),
    error: (line) => lines.err.push(line),
  });

  it('succeeds with one warning per unknown format, per collision and for operations without an id', async () => {
    expect(await ready).toBe(0);
    expect(lines.err).toEqual([
      expect.stringMatching(
        /^warning: format "unix-time" is not known to the validators: accepted as any value \(first at .*any-names\/openapi\.yaml#\/components\/schemas\/billing_portal\.configuration\/properties\/created\/format\)$/,
      ),
      expect.stringMatching(
        /^warning: component names "billing_portal\.configuration", "billing_portal_configuration" all map to the identifier BillingPortalConfiguration/,
      ),
      expect.stringMatching(
        /^warning: 1 operation has no operationId; named from its method and path: GET \/billing_portal\/configurations → getBillingPortalConfigurations$/,
      ),
    ]);
  });

  it('names models, guards and validators by identifier, and validates by component name', async () => {
    await ready;
    const models = readFileSync(join(out, 'models.d.ts'), 'utf8');
    expect(models).toMatch(/^export interface BillingPortalConfiguration \{/m);
    expect(models).toMatch(/^export interface BillingPortalConfiguration_2 \{/m);
    expect(models).toMatch(/^export interface Schema400 \{/m);
    expect(readFileSync(join(out, 'validators/index.d.ts'), 'utf8')).toMatch(
      /export declare function isBillingPortalConfiguration\(\s*data: unknown,?\s*\): data is Models\.BillingPortalConfiguration;/,
    );
    const validators = await import(join(out, 'validators', 'index.js'));
    const valid = { id: 'bpc_1', active: true, livemode: null, amount: 1, 'x-anything': 1 };
    expect(validators.validate('billing_portal.configuration', valid)).toEqual({ valid: true });
    expect(validators.isBillingPortalConfiguration(valid)).toBe(true);
    // nullable: null accepted, other types not; exclusiveMinimum: true → 0 itself rejected; int32 known.
    const errors = validators.validate('billing_portal.configuration', {
      id: 'x',
      active: true,
      livemode: 'no',
      amount: 0,
    }).errors;
    expect(errors.map((error: { path: string }) => error.path).sort()).toEqual(['/amount', '/livemode']);
    expect(validators.validate('billing_portal.configuration', { id: 'x', active: true, amount: 2 ** 31 }).valid).toBe(false);
    // A type-less maxLength applies to strings only, as JSON Schema says.
    expect(validators.validate('billing_portal_configuration', { note: 1234 })).toEqual({ valid: true });
    expect(validators.validate('billing_portal_configuration', { note: 'long' }).valid).toBe(false);
    expect(validators.validate('BillingPortalConfiguration', valid).valid).toBe(false);
    expect(validators.validateResponse('createConfiguration', 200, { id: 'bpc_1', active: true })).toEqual({ valid: true });
  });

  it('with --strict-examples, fails a document whose example breaks its schema, naming file and pointer', async () => {
    const { cpSync, writeFileSync } = await import('node:fs');
    const dir = join(scratch, 'bad-example');
    cpSync(resolve(REPO_ROOT, 'test/fixtures/specs/any-names'), dir, { recursive: true });
    const file = join(dir, 'openapi.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('value: { id: bpc_1, active: true,', 'value: { id: bpc_1, active: 3,'),
    );
    const err: string[] = [];
    const code = await runGenerate(['--spec', file, '--out', join(scratch, 'bad-out'), '--strict-examples'], {
      log: () => {},
      error: (line) => err.push(line),
    });
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(
      /bad-example\/openapi\.yaml#\/paths\/~1billing_portal~1configurations\/post\/requestBody\/content\/application~1json\/examples\/basic\/value\/active: example "basic" of createConfiguration request violates billing_portal\.configuration/,
    );
  });
});
