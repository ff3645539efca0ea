/**
 * `verifyCallback` (generated/callbacks): a webhook handler's one call to authenticate a callback by its
 * `X-API-Key` and validate its body, told apart by `event` (Payment Callback and Refund Callback pages).
 */
import { describe, expect, it } from 'vitest';
import {
  apiKeyHeader,
  callbackKind,
  safeEqual,
  validateCallback,
  verifyCallback,
  webhooks,
} from '../../generated/callbacks/index.js';
import { fixtures } from '../../generated/fixtures/index.js';

const KEY = 'callback-key-123';
const payment = fixtures.paymentCallback.request['payment-paid'];
const refund = fixtures.refundCallback.request['refund-success'];
const headers = { 'x-api-key': KEY, 'content-type': 'application/json' };

describe('verifyCallback', () => {
  it('reads the API key header the spec declares for webhooks', () => {
    expect(apiKeyHeader).toBe('X-API-Key');
    expect(Object.keys(webhooks)).toEqual(['paymentCallback', 'refundCallback']);
  });

  it('accepts a payment callback with the right key, narrowed to its kind', () => {
    const result = verifyCallback({ headers, body: JSON.stringify(payment) }, { apiKey: KEY });
    expect(result).toMatchObject({ ok: true, kind: 'paymentCallback', event: payment.event });
    if (result.ok && result.kind === 'paymentCallback') expect(result.callback.data.id).toBe(payment.data.id);
  });

  it('accepts a refund callback and never takes it for a payment one, nor the reverse', () => {
    expect(verifyCallback({ headers, body: refund }, { apiKey: KEY })).toMatchObject({ ok: true, kind: 'refundCallback' });
    expect(callbackKind(payment)).toBe('paymentCallback');
    expect(callbackKind(refund)).toBe('refundCallback');
    // A refund body under a payment event is a payment callback that breaks the contract, not a refund.
    const disguised = verifyCallback({ headers, body: { ...refund, event: 'PAYMENT.PAID' } }, { apiKey: KEY });
    expect(disguised).toMatchObject({ ok: false, status: 400, reason: 'invalid-body' });
    const reverse = verifyCallback({ headers, body: { ...payment, event: 'REFUND.SUCCESS' } }, { apiKey: KEY });
    expect(reverse).toMatchObject({ ok: false, status: 400, reason: 'invalid-body' });
  });

  it.each([
    ['a Fetch Headers object', new Headers({ 'X-API-Key': KEY })],
    ['Node-style lower-case keys', { 'x-api-key': KEY }],
    ['any casing', { 'X-Api-Key': KEY }],
    ['a one-value array', { 'x-api-key': [KEY] }],
  ])('finds the key in %s', (_label, given) => {
    expect(verifyCallback({ headers: given, body: payment }, { apiKey: KEY }).ok).toBe(true);
  });

  it.each([
    ['no header', {}, 'missing-api-key'],
    ['two values', { 'x-api-key': [KEY, KEY] }, 'missing-api-key'],
    ['a wrong key of the same length', { 'x-api-key': KEY.replace('1', '9') }, 'wrong-api-key'],
    ['a prefix of the key', { 'x-api-key': KEY.slice(0, -1) }, 'wrong-api-key'],
    ['the key and more', { 'x-api-key': `${KEY}x` }, 'wrong-api-key'],
  ])('rejects %s with 401 before reading the body', (_label, given, reason) => {
    const result = verifyCallback({ headers: given, body: 'not even json' }, { apiKey: KEY });
    expect(result).toMatchObject({ ok: false, status: 401, reason, errors: [] });
  });

  it('reads raw bytes, and rejects a body that is not JSON or has an unknown event', () => {
    const bytes = new TextEncoder().encode(JSON.stringify(payment));
    expect(verifyCallback({ headers, body: bytes }, { apiKey: KEY }).ok).toBe(true);
    expect(verifyCallback({ headers, body: '{"event":' }, { apiKey: KEY })).toMatchObject({ status: 400, reason: 'not-json' });
    const success = verifyCallback({ headers, body: { ...payment, event: 'PAYMENT.SUCCESS' } }, { apiKey: KEY });
    expect(success).toMatchObject({ status: 400, reason: 'unknown-event' });
    expect(!success.ok && success.message).toMatch(/PAYMENT\.SUCCESS.*known: .*PAYMENT\.PAID.*REFUND\.SUCCESS/);
  });

  it('is tolerant of a property Pivot adds unless asked to be strict', () => {
    const body = { ...payment, addedLater: true };
    expect(verifyCallback({ headers, body }, { apiKey: KEY }).ok).toBe(true);
    const strict = verifyCallback({ headers, body }, { apiKey: KEY, mode: 'strict' });
    expect(strict).toMatchObject({ ok: false, reason: 'invalid-body' });
    expect(!strict.ok && strict.errors.map((error) => error.path)).toContain('/addedLater');
  });

  it('refuses to run without an API key (a configuration error)', () => {
    expect(() => verifyCallback({ headers, body: payment }, { apiKey: '' })).toThrow(TypeError);
    expect(() => verifyCallback({ headers, body: payment }, undefined as never)).toThrow(/apiKey/);
  });
});

describe('validateCallback', () => {
  it('validates either kind by its event, and names an unknown event', () => {
    expect(validateCallback(payment)).toEqual({ kind: 'paymentCallback', valid: true });
    expect(validateCallback(refund)).toEqual({ kind: 'refundCallback', valid: true });
    const unknown = validateCallback({ ...payment, event: 'PAYMENT.SUCCESS' });
    expect(unknown).toMatchObject({ kind: undefined, valid: false, errors: [{ path: '/event' }] });
    expect(validateCallback({ ...refund, event: 'PAYMENT.PAID' })).toMatchObject({ kind: 'paymentCallback', valid: false });
  });
});

describe('safeEqual', () => {
  it.each([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['abc', 'ab', false],
    ['', '', true],
    ['kunci-rahasia-é', 'kunci-rahasia-é', true],
    ['é', 'e', false],
  ])('%j vs %j → %s', (a, b, want) => {
    expect(safeEqual(a, b)).toBe(want);
  });
});
