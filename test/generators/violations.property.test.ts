/**
 * The invariant of every validator (issue 24): an invalid result always says why. Over random schemas
 * (types, enums, constants, bounds, objects, arrays, `allOf` / `anyOf` / `oneOf` / `not` / `if`, the
 * contract's `x-rule` alternatives, nullable branches) and random data, whenever Ajv (with the options
 * the generated validators are compiled with) rejects the data, `toViolations` lists at least one
 * violation, each a JSON pointer with a message.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toViolations } from '../../generators/runtime/violations.js';
import { createAjv } from '../../generators/spec/schema-set.ts';

const KEYS = ['a', 'b', 'c'];

const leaf = fc.oneof(
  fc.constantFrom('string', 'number', 'integer', 'boolean', 'null', 'object', 'array').map((type) => ({ type })),
  fc
    .array(fc.oneof(fc.string({ maxLength: 3 }), fc.integer({ min: -3, max: 3 }), fc.constant(null)), {
      minLength: 1,
      maxLength: 3,
    })
    .map((values) => ({ enum: values })),
  fc.oneof(fc.string({ maxLength: 2 }), fc.integer({ min: -2, max: 2 }), fc.boolean()).map((value) => ({ const: value })),
  fc.integer({ min: 0, max: 4 }).map((maxLength) => ({ type: 'string', maxLength })),
  fc.integer({ min: 0, max: 3 }).map((minLength) => ({ minLength })),
  fc.integer({ min: -2, max: 2 }).map((maximum) => ({ maximum })),
  fc.constantFrom(true, false, {}),
);

const { schema } = fc.letrec<{ schema: unknown }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({
      type: fc.constant('object'),
      properties: fc.dictionary(fc.constantFrom(...KEYS), tie('schema'), { maxKeys: 3 }),
      required: fc.subarray(KEYS),
      additionalProperties: fc.constantFrom(false, true),
    }),
    fc.record({ type: fc.constant('array'), items: tie('schema'), uniqueItems: fc.boolean(), minItems: fc.nat(2) }),
    fc.array(tie('schema'), { minLength: 1, maxLength: 3 }).map((branches) => ({ allOf: branches })),
    fc.array(tie('schema'), { minLength: 1, maxLength: 3 }).map((branches) => ({ anyOf: branches })),
    fc.array(tie('schema'), { minLength: 1, maxLength: 3 }).map((branches) => ({ oneOf: branches })),
    // A nullable value as normalised 3.0 documents write it, and a rule stated as alternatives.
    tie('schema').map((branch) => ({ oneOf: [branch, { type: 'null' }] })),
    fc
      .tuple(fc.constantFrom('anyOf', 'oneOf'), fc.array(tie('schema'), { minLength: 1, maxLength: 3 }))
      .map(([keyword, branches]) => ({ 'x-rule': 'r', [keyword]: branches })),
    tie('schema').map((inner) => ({ not: inner })),
    fc.record({ if: tie('schema'), then: tie('schema'), else: tie('schema') }),
  ),
}));

const data = fc
  .jsonValue({ maxDepth: 3 })
  .chain((value) =>
    fc.oneof(fc.constant(value), fc.dictionary(fc.constantFrom(...KEYS, 'z'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })),
  );

describe('valid === false ⇒ at least one violation', () => {
  for (const level of ['document', 'contract'] as const) {
    it(`random schemas and data (${level} level)`, () => {
      const ajv = createAjv({ strict: false }, level);
      fc.assert(
        fc.property(schema, data, (candidate, value) => {
          const validate = ajv.compile(candidate as object);
          if (validate(value)) return;
          const violations = toViolations(validate.errors, { r: { description: 'A rule.' } });
          expect(violations.length, JSON.stringify({ candidate, value, errors: validate.errors })).toBeGreaterThanOrEqual(1);
          for (const violation of violations) {
            expect(violation.path === '' || violation.path.startsWith('/')).toBe(true);
            expect(violation.message).toMatch(/^\//);
          }
        }),
        { numRuns: 3000 },
      );
    });
  }

  it('the case of the issue: a oneOf that two branches match', () => {
    const validate = createAjv({}, 'document').compile({ oneOf: [{ type: 'string' }, { type: 'string', maxLength: 5 }] });
    expect(validate('abc')).toBe(false);
    expect(toViolations(validate.errors)).toEqual([
      { path: '', keyword: 'oneOf', message: '/ matches more than one of the alternatives (1 and 2; exactly one must match)' },
    ]);
  });
});
