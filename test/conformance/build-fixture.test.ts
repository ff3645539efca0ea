/**
 * buildFixture: a documented example with overrides deep-merged into a fresh copy (objects merge,
 * arrays and values replace, `undefined` removes), validated against the contract; typed as the
 * fixture. Never mutates the catalog or the overrides.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as Models from '../../generated/models.js';
import { buildFixture, getFixture } from '../../generated/fixtures/index.js';
import { ContractValidationError } from '../../generated/validators/index.js';

const CARD = { operationId: 'createPaymentSession', kind: 'request', name: 'card-redirect' } as const;
const SESSION = { operationId: 'createPaymentSession', kind: 'response', status: '200', name: 'card-redirect' } as const;

describe('buildFixture', () => {
  it('without overrides equals getFixture, typed as the fixture', () => {
    const built = buildFixture(CARD);
    expectTypeOf(built).toEqualTypeOf(getFixture(CARD));
    expectTypeOf(buildFixture(SESSION)).toEqualTypeOf<Models.PaymentSessionResponse>();
    expect(built).toEqual(getFixture(CARD));
  });

  it('merges plain objects key by key', () => {
    const built = buildFixture(CARD, { amount: { value: 25_000 } });
    expect(built.amount).toEqual({ value: 25_000, currency: getFixture(CARD).amount!.currency });
    expect({ ...built, amount: getFixture(CARD).amount }).toEqual(getFixture(CARD));
  });

  it('replaces arrays and removes a key set to undefined', () => {
    const base = getFixture(CARD);
    const product = base.orderInformation!.productDetails[0]!;
    const built = buildFixture(CARD, {
      orderInformation: { productDetails: [{ ...product, quantity: 3 }] },
      statementDescriptor: undefined,
    });
    expect(built.orderInformation!.productDetails).toEqual([{ ...product, quantity: 3 }]);
    expect('statementDescriptor' in built).toBe(false);
  });

  it('validates a response fixture for its status', () => {
    const built = buildFixture(SESSION, { data: { metadata: { orderRef: 'A-1' } } });
    expect(built.data.metadata).toMatchObject({ orderRef: 'A-1' });
    expect(() => buildFixture(SESSION, { data: { status: 'NOT_A_STATUS' as never } })).toThrow(/\/data\/status/);
  });

  it('throws a ContractValidationError naming the fixture and the path of an invalid override', () => {
    let thrown: unknown;
    try {
      buildFixture(CARD, { amount: { value: '1' as never } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ContractValidationError);
    const error = thrown as ContractValidationError;
    expect(error.message).toContain(
      'fixture createPaymentSession request "card-redirect" with overrides does not match the contract',
    );
    expect(error.violations).toEqual([{ path: '/amount/value', keyword: 'type', message: '/amount/value must be number' }]);
  });

  it('removing a required key is caught too (customer-or-customer-id, one violation)', () => {
    expect(() => buildFixture(CARD, { customer: undefined })).toThrow(ContractValidationError);
    try {
      buildFixture(CARD, { customer: undefined });
    } catch (error) {
      expect((error as ContractValidationError).violations).toEqual([
        expect.objectContaining({ rule: 'customer-or-customer-id' }),
      ]);
    }
  });

  it('`validate: false` returns deliberately invalid data', () => {
    const built = buildFixture(CARD, { amount: { value: -1 } }, { validate: false });
    expect(built.amount!.value).toBe(-1);
  });

  it('does not mutate the catalog or the overrides, and shares nothing with them', () => {
    const before = getFixture(CARD);
    const overrides = { amount: { value: 7 }, metadata: { note: 'x' } };
    const built = buildFixture(CARD, overrides);
    (built.amount as { value: number }).value = 8;
    (built.metadata as Record<string, unknown>).note = 'changed';
    expect(getFixture(CARD)).toEqual(before);
    expect(overrides).toEqual({ amount: { value: 7 }, metadata: { note: 'x' } });
  });

  it('treats __proto__ in JSON overrides as data, never as a prototype', () => {
    const overrides = JSON.parse('{"metadata": {"__proto__": {"polluted": true}}}');
    const built = buildFixture(CARD, overrides, { validate: false }) as Record<string, any>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(built.metadata)).toBe(Object.prototype);
  });

  it('types the overrides: an unknown property or a wrong type does not compile', () => {
    // @ts-expect-error not a property of the request
    expect(() => buildFixture(CARD, { amout: { value: 1 } })).toThrow(ContractValidationError);
    // @ts-expect-error amount.value is a number
    expect(() => buildFixture(CARD, { amount: { value: '1' } })).toThrow(ContractValidationError);
    // @ts-expect-error no such fixture
    expect(() => buildFixture({ operationId: 'createPaymentSession', kind: 'request', name: 'nope' })).toThrow(/no fixture/);
  });
});
