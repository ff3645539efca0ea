/**
 * The validators' types narrow: after `assertValid(schema, data)` (and `assert<Schema>`), `data` has
 * the schema's model type; `is<Schema>` narrows in an `if`; a misspelt schema name does not compile.
 *
 * Type-level assertions: `npm run typecheck` is what checks them (an `@ts-expect-error` that is no
 * longer an error fails it too). At run time the `it`s also check what the functions do.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as Models from '../../generated/models.js';
import { getFixture } from '../../generated/fixtures/index.js';
import {
  assertPaymentSession,
  assertValid,
  ContractValidationError,
  isPaymentSession,
  validate,
  type SchemaName,
  type SchemaType,
  type ValidationResult,
} from '../../generated/validators/index.js';

const session = (): unknown =>
  getFixture({ operationId: 'createPaymentSession', kind: 'response', status: '200', name: 'card-redirect' });
const sessionData = (): unknown => (session() as { data: unknown }).data;

describe('assertValid narrows', () => {
  it('to the model type of the schema named', () => {
    const data: unknown = sessionData();
    // @ts-expect-error before the assertion, `data` is unknown
    void data.status;
    assertValid('PaymentSession', data);
    expectTypeOf(data).toEqualTypeOf<Models.PaymentSession>();
    expectTypeOf(data.status).toEqualTypeOf<Models.PaymentSessionStatus>();
    expect(typeof data.status).toBe('string');
  });

  it('for every schema: SchemaType maps a name to its model', () => {
    expectTypeOf<SchemaType<'PaymentSession'>>().toEqualTypeOf<Models.PaymentSession>();
    expectTypeOf<SchemaType<'CreatePaymentSessionRequest'>>().toEqualTypeOf<Models.CreatePaymentSessionRequest>();
    expectTypeOf<SchemaType<'Amount'>>().toEqualTypeOf<Models.Amount>();
    expectTypeOf<Parameters<typeof assertValid>[0]>().toEqualTypeOf<SchemaName>();
  });

  it('with a tolerant mode too, and throws when the data does not match', () => {
    const amount: unknown = { value: 1000, currency: 'IDR', extra: true };
    assertValid('Amount', amount, { mode: 'tolerant' });
    expectTypeOf(amount.value).toEqualTypeOf<number>();
    expect(() => assertValid('Amount', { value: '1', currency: 'IDR' })).toThrow(ContractValidationError);
  });

  it('rejects an unknown schema name at compile time', () => {
    // @ts-expect-error not a schema name
    expect(() => assertValid('PaymentSesion', {})).toThrow(/unknown schema "PaymentSesion"/);
  });
});

describe('assert<Schema> and is<Schema> narrow', () => {
  it('assertPaymentSession', () => {
    const data: unknown = sessionData();
    assertPaymentSession(data);
    expectTypeOf(data).toEqualTypeOf<Models.PaymentSession>();
  });

  it('isPaymentSession in an if, and not in the else', () => {
    const data: unknown = sessionData();
    if (isPaymentSession(data)) {
      expectTypeOf(data.status).toEqualTypeOf<Models.PaymentSessionStatus>();
    } else {
      expectTypeOf(data).toEqualTypeOf<unknown>();
      throw new Error('the documented session must be valid');
    }
  });
});

describe('validate', () => {
  it('keeps the runtime result shape: { valid: true } | { valid: false, errors }', () => {
    const result = validate('PaymentSession', sessionData());
    expectTypeOf(result).toEqualTypeOf<ValidationResult>();
    expect(result).toEqual({ valid: true });
    const failed = validate('Amount', {});
    if (failed.valid) throw new Error('an empty amount must be invalid');
    expectTypeOf(failed.errors[0]!.path).toEqualTypeOf<string>();
    expect(failed.errors.map((error) => error.path)).toEqual(['/value', '/currency']);
  });

  it('takes only schema names', () => {
    // @ts-expect-error not a schema name
    expect(validate('Amout', {})).toMatchObject({ valid: false });
  });
});
