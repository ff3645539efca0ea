/**
 * Refunds in the sandbox (`POST /_sandbox/sessions/{id}/refunds`, Refund Object and Refund Callback
 * pages): full and partial, along the refund statuses on a moved sandbox clock, each status a
 * `REFUND.*` callback that validates strictly as `RefundCallback` (the generated validators); over-refunds
 * and refunds of unpaid sessions refused with the documented 4xx in the contract's error shape. Also the
 * 409 `duplicate_error` of a create that reuses a reference an open or paid session holds.
 */
import { validate } from 'pivot-payments-contract/validators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedRequest, startHarness, type Harness } from './harness.ts';

type Json = Record<string, any>;

let sandbox: Harness;
beforeAll(async () => {
  sandbox = await startHarness();
});
afterAll(async () => sandbox?.close());

async function paidSession(example: string, amount = 10000): Promise<string> {
  const body = documentedRequest(example, sandbox.running.sandbox.clock.now());
  if (body.amount) {
    body.amount = { value: amount, currency: 'IDR' };
    body.orderInformation.productDetails = [
      { ...body.orderInformation.productDetails[0], quantity: 1, price: { value: amount, currency: 'IDR' } },
    ];
  }
  const created = await sandbox.call('createPaymentSession', { body });
  const paid = await sandbox.control(`/_sandbox/sessions/${created.body.data.id}/pay`);
  expect(paid.body.data.status).toBe('PAID');
  return created.body.data.id as string;
}

function expectError(answer: { status: number; body: Json }, status: number, code: string, field?: string): void {
  expect(answer.status).toBe(status);
  expect(validate('ErrorResponse', answer.body, { mode: 'strict' })).toEqual({ valid: true });
  expect(answer.body.code).toBe(code);
  if (field) expect(answer.body.error.details.map((detail: Json) => detail.field)).toContain(field);
}

/** Waits for the session's callbacks with the given events (the harness validates each strictly). */
async function refundEvents(sessionId: string, count: number): Promise<Json[]> {
  const all = await sandbox.callbacks(sessionId, count);
  return all.filter((callback) => String(callback.body.event).startsWith('REFUND.')).map((callback) => callback.body);
}

describe('refunds', () => {
  it('a full card refund: PENDING, then SUCCESS 60 s of sandbox time later, each a RefundCallback', async () => {
    const id = await paidSession('card-redirect');
    const made = await sandbox.control(`/_sandbox/sessions/${id}/refunds`, {
      reason: 'REQUESTED_BY_CUSTOMER',
      isFullAmount: true,
      description: 'Customer returned the dress',
    });
    expect(made.status).toBe(200);
    const refund = made.body.data;
    expect(validate('Refund', refund, { mode: 'strict' })).toEqual({ valid: true });
    expect(refund).toMatchObject({
      paymentSessionId: id,
      status: 'PENDING',
      isFullAmount: true,
      amount: { currency: 'IDR', value: '10000.00' },
      capturedAmount: { currency: 'IDR', value: '10000.00' },
      destinationType: 'CHANNEL',
      method: 'AUTO',
    });
    await sandbox.advance(59);
    expect((await sandbox.control(`/_sandbox/sessions/${id}/refunds`, { reason: 'OTHERS', isFullAmount: true })).status).toBe(
      400,
    );
    await sandbox.advance(1);
    const events = await refundEvents(id, 4);
    expect(events.map((body) => [body.event, body.data.status])).toEqual([
      ['REFUND.PENDING', 'PENDING'],
      ['REFUND.SUCCESS', 'SUCCESS'],
    ]);
    for (const body of events) expect(validate('RefundCallback', body, { mode: 'strict' })).toEqual({ valid: true });
    const listed = (await fetch(`${sandbox.url}/_sandbox/sessions/${id}/refunds`).then((answer) => answer.json())) as Json;
    expect(listed.data.map((each: Json) => each.status)).toEqual(['SUCCESS']);
    expect((await sandbox.session(id)).status).toBe('PAID');
  });

  it('a VA refund goes by bank transfer: PENDING → WAITING_BANK_TRANSFER → SUCCESS', async () => {
    const id = await paidSession('va-api');
    const made = await sandbox.control(`/_sandbox/sessions/${id}/refunds`, { reason: 'DUPLICATE', isFullAmount: true });
    expect(made.body.data).toMatchObject({ destinationType: 'ACCOUNT', transferDestination: { channelCode: '014' } });
    await sandbox.advance(60);
    await sandbox.advance(600);
    const events = await refundEvents(id, 4);
    expect(events.map((body) => body.event)).toEqual(['REFUND.PENDING', 'REFUND.WAITING_BANK_TRANSFER', 'REFUND.SUCCESS']);
  });

  it('partial refunds add up to the captured amount, and not one Rupiah more', async () => {
    const id = await paidSession('card-redirect');
    const partial = (value: number | string) =>
      sandbox.control(`/_sandbox/sessions/${id}/refunds`, {
        reason: 'REQUESTED_BY_CUSTOMER',
        isFullAmount: false,
        amount: { value, currency: 'IDR' },
      });
    expect((await partial(3000)).body.data).toMatchObject({
      isFullAmount: false,
      amount: { value: '3000.00' },
      status: 'PENDING',
    });
    expect((await partial('6999.50')).status).toBe(200);
    expectError(await partial(1), 400, 'api_validation_error', 'amount.value');
    expect((await partial('0.50')).status).toBe(200);
    expectError(await partial('0.01'), 400, 'api_validation_error', 'amount.value');
  });

  it('an over-refund, a full refund after a partial one, and a refund of an unpaid session are refused', async () => {
    const id = await paidSession('card-redirect');
    expectError(
      await sandbox.control(`/_sandbox/sessions/${id}/refunds`, {
        reason: 'OTHERS',
        isFullAmount: false,
        amount: { value: 10001, currency: 'IDR' },
      }),
      400,
      'api_validation_error',
      'amount.value',
    );
    await sandbox.control(`/_sandbox/sessions/${id}/refunds`, {
      reason: 'OTHERS',
      isFullAmount: false,
      amount: { value: 1, currency: 'IDR' },
    });
    expectError(
      await sandbox.control(`/_sandbox/sessions/${id}/refunds`, { reason: 'OTHERS', isFullAmount: true }),
      400,
      'api_validation_error',
      'isFullAmount',
    );
    const unpaid = await sandbox.call('createPaymentSession', {
      body: documentedRequest('va-api', sandbox.running.sandbox.clock.now()),
    });
    expectError(
      await sandbox.control(`/_sandbox/sessions/${unpaid.body.data.id}/refunds`, { reason: 'OTHERS' }),
      422,
      'unprocessable_entity',
    );
    expectError(
      await sandbox.control(`/_sandbox/sessions/${id}/refunds`, { isFullAmount: true }),
      400,
      'api_validation_error',
      'reason',
    );
    expectError(
      await sandbox.control(`/_sandbox/sessions/${id}/refunds`, { reason: 'OTHERS', isFullAmount: false }),
      400,
      'api_validation_error',
      'amount',
    );
    expectError(
      await sandbox.control('/_sandbox/sessions/7e0a1f4e-0000-4000-8000-000000000000/refunds', { reason: 'OTHERS' }),
      404,
      'resource_missing',
    );
  });

  it('outcome FAILED and CANCELLED end the refund so, with their callbacks, and free the amount again', async () => {
    const id = await paidSession('card-redirect');
    await sandbox.control(`/_sandbox/sessions/${id}/refunds`, { reason: 'OTHERS', isFullAmount: true, outcome: 'FAILED' });
    await sandbox.advance(60);
    await sandbox.control(`/_sandbox/sessions/${id}/refunds`, { reason: 'OTHERS', isFullAmount: true, outcome: 'CANCELLED' });
    await sandbox.advance(60);
    const events = await refundEvents(id, 6);
    expect(events.map((body) => body.event)).toEqual(['REFUND.PENDING', 'REFUND.FAILED', 'REFUND.PENDING', 'REFUND.CANCELLED']);
  });

  it('a second refund with the same clientReferenceId is 409 duplicate_error', async () => {
    const id = await paidSession('card-redirect');
    const body = {
      reason: 'OTHERS',
      isFullAmount: false,
      amount: { value: 100, currency: 'IDR' },
      clientReferenceId: 'refundA1',
    };
    expect((await sandbox.control(`/_sandbox/sessions/${id}/refunds`, body)).status).toBe(200);
    expectError(await sandbox.control(`/_sandbox/sessions/${id}/refunds`, body), 409, 'duplicate_error');
  });
});

describe('409 duplicate_error on create', () => {
  it('a reference an open or paid session holds is refused; an expired session frees it; a replay is still a replay', async () => {
    const body = documentedRequest('va-api', sandbox.running.sandbox.clock.now());
    const key = { 'x-request-id': `dup${Date.now()}first0000000` };
    const first = await sandbox.call('createPaymentSession', { body, headers: key });
    expect(first.status).toBe(200);
    const replay = await sandbox.call('createPaymentSession', { body, headers: key });
    expect(replay.text).toBe(first.text);
    const duplicate = await sandbox.call('createPaymentSession', { body });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe('duplicate_error');
    expect(duplicate.body.error.type).toBe('GATEWAY_ERROR');
    expect(duplicate.body.message).toContain(first.body.data.id);
    await sandbox.call('simulatePayment', { body: { paymentSessionId: first.body.data.id, chargeStatus: 'EXPIRED' } });
    const again = await sandbox.call('createPaymentSession', { body });
    expect(again.status).toBe(200);
    await sandbox.call('simulatePayment', { body: { paymentSessionId: again.body.data.id, chargeStatus: 'SUCCESS' } });
    expect((await sandbox.call('createPaymentSession', { body })).status).toBe(409);
  });
});
