import { describe, expect, it } from 'vitest';
import { fixtures } from '../../generated/fixtures/index.js';
import { buildCardRequest, checkEveryCreateFixture, paymentUrlOf, rejectsTypo, statusOf } from './consumer.ts';

describe('a consumer of the generated artifacts', () => {
  it('builds a valid request from a fixture', () => {
    expect(buildCardRequest('INV123').clientReferenceId).toBe('INV123');
  });
  it('narrows an untyped response with the generated guard', () => {
    const body = fixtures.createPaymentSession.responses['200']['card-redirect'];
    expect(paymentUrlOf(body)).toMatch(/^https:\/\/pay\.pivot-payment\.com\//);
    expect(paymentUrlOf({ code: '00' })).toBeUndefined();
    expect(statusOf(body)).toBe('REQUIRE_ACTION');
  });
  it('validates every createPaymentSession fixture in CI', () => {
    const { checked, failures } = checkEveryCreateFixture();
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(40);
  });
  it('rejects the `sureName` typo at its path', () => {
    expect(rejectsTypo()).toEqual(['/sureName']);
  });
});
