/**
 * Refunds: the Refund object and the refund callback validate as documented, a payment callback is
 * never taken for a refund callback nor the reverse, and the rules the refund pages state hold.
 */
import { describe, expect, it } from 'vitest';
import { getFixture } from 'pivot-payments-contract/fixtures';
import { validate } from 'pivot-payments-contract/validators';

type Json = Record<string, any>;

const refundCallback = () =>
  getFixture({ operationId: 'refundCallback', kind: 'request', name: 'refund-success' } as never) as Json;
const paymentCallback = () =>
  getFixture({ operationId: 'paymentCallback', kind: 'request', name: 'payment-paid' } as never) as Json;

function messages(schema: 'RefundCallback' | 'PaymentCallback' | 'Refund', data: unknown): string[] {
  const result = validate(schema, data);
  return result.valid ? [] : result.errors.map((error) => error.message);
}

describe('refunds', () => {
  it('the documented refund callback validates, strict', () => {
    expect(messages('RefundCallback', refundCallback())).toEqual([]);
  });

  it('a payment callback is not a refund callback, and a refund callback is not a payment callback', () => {
    expect(messages('RefundCallback', paymentCallback()).length).toBeGreaterThan(0);
    expect(messages('PaymentCallback', refundCallback()).length).toBeGreaterThan(0);
  });

  it("a refund callback's event matches its refund's status (rule refund-event-matches-status)", () => {
    const mismatched = refundCallback();
    mismatched.event = 'REFUND.FAILED';
    expect(messages('RefundCallback', mismatched).join('\n')).toContain('refund-event-matches-status');
    mismatched.data.status = 'FAILED';
    expect(messages('RefundCallback', mismatched)).toEqual([]);
  });

  it('amount is required unless isFullAmount is true (rule refund-amount-unless-full)', () => {
    const refund = refundCallback().data;
    delete refund.amount;
    expect(messages('Refund', refund).join('\n')).toContain('refund-amount-unless-full');
    refund.isFullAmount = true;
    expect(messages('Refund', refund)).toEqual([]);
  });

  it('a refund amount is a decimal string, not a number', () => {
    const refund = refundCallback().data;
    refund.amount.value = 500;
    expect(messages('Refund', refund).length).toBeGreaterThan(0);
    refund.amount.value = '5.5.0';
    expect(messages('Refund', refund).length).toBeGreaterThan(0);
    refund.amount.value = '500';
    expect(messages('Refund', refund)).toEqual([]);
  });

  it('the Refund object stays open past the captured part of its page, but its documented fields are checked', () => {
    const refund = refundCallback().data;
    expect(messages('Refund', { ...refund, laterDocumentedField: 'x' })).toEqual([]);
    expect(messages('Refund', { ...refund, status: 'REFUNDED' }).length).toBeGreaterThan(0);
    expect(messages('Refund', { ...refund, description: 'x'.repeat(51) }).length).toBeGreaterThan(0);
  });
});
