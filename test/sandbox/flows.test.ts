/**
 * One flow per documented variant against a real sandbox on a free port, over real HTTP, with a real
 * callback receiver. Every answer is validated strictly by the harness (a break fails the call), every
 * callback body against `paymentCallback`; the flows assert statuses, session and charge states (read
 * through `/_sandbox/sessions/{id}`) and the callbacks received, in order.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { documentedRequest, startHarness, type Harness } from './harness.ts';

type Json = Record<string, any>;

let sandbox: Harness;

beforeAll(async () => {
  sandbox = await startHarness({ seed: 'flows' });
});
afterAll(async () => {
  await sandbox?.close();
});
afterEach(() => {
  sandbox.receiver.received.length = 0;
  sandbox.receiver.answers = [200];
});

const now = () => sandbox.running.sandbox.clock.now();

async function create(name: string, changes: Json = {}): Promise<Json> {
  const answer = await sandbox.call('createPaymentSession', { body: documentedRequest(name, now(), changes) });
  expect(answer.status, answer.text).toBe(200);
  return answer.body.data;
}

function events(callbacks: Array<{ body: Json }>): string[] {
  return callbacks.map((callback) => callback.body.event);
}

describe('cards', () => {
  it('redirect: the page "Pay" → PAID, PROCESSING then PAID callbacks, back to successReturnUrl', async () => {
    const created = await create('card-redirect');
    expect(created.status).toBe('REQUIRE_ACTION');
    expect(created.chargeDetails[0].status).toBe('WAITING_FOR_USER_ACTION');
    expect(created.paymentUrl).toBe(`${sandbox.url}/_sandbox/pay/${created.id}`);
    const page = await sandbox.page(created.id, 'pay');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe(created.redirectUrl.successReturnUrl);
    const held = await sandbox.session(created.id);
    expect(held.status).toBe('PAID');
    expect(held.chargeDetails[0]).toMatchObject({ status: 'SUCCESS', isCaptured: true, capturedAmount: created.amount });
    expect(held.chargeDetails[0].card.last4).toBe('0001');
    expect(events(await sandbox.callbacks(created.id, 2))).toEqual(['PAYMENT.PROCESSING', 'PAYMENT.PAID']);
    expect(sandbox.receiver.received[0]!.headers['x-api-key']).toBe('sandbox-callback-key');
  });

  it('API with autoConfirm false: REQUIRE_CONFIRMATION with an encryptionKey → confirm → 3DS page → PAID', async () => {
    const created = await create('card-encryption');
    expect(created.status).toBe('REQUIRE_CONFIRMATION');
    expect(created.encryptionKey).toMatch(/^MII/);
    expect(created.chargeDetails).toBeNull();
    const confirmed = await sandbox.call('confirmPaymentSession', {
      id: created.id,
      body: { paymentMethod: { type: 'CARD', card: { encryptedCard: 'c2FuZGJveA==' } } },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.data.status).toBe('REQUIRE_ACTION');
    expect(confirmed.body.data.paymentUrl).toContain(`/_sandbox/pay/${created.id}`);
    expect((await sandbox.page(created.id, 'pay')).status).toBe(303);
    expect((await sandbox.session(created.id)).status).toBe('PAID');
    expect(events(await sandbox.callbacks(created.id, 2))).toEqual(['PAYMENT.PROCESSING', 'PAYMENT.PAID']);
  });

  it('non-3DS (threeDsMethod NEVER) in API mode is paid at confirmation', async () => {
    const created = await create('card-encryption', {
      paymentMethodOptions: { card: { captureMethod: 'automatic', threeDsMethod: 'NEVER' } },
    });
    const confirmed = await sandbox.call('confirmPaymentSession', {
      id: created.id,
      body: { paymentMethod: { type: 'CARD', card: { encryptedCard: 'c2FuZGJveA==' } } },
    });
    expect(confirmed.body.data.status).toBe('PAID');
    expect(confirmed.body.data.chargeDetails[0].card.authenticationResult).toBeNull();
  });

  it('manual capture: WAITING_FOR_CAPTURE → partial capture → partial capture with releaseRemainingAmount → PAID', async () => {
    const created = await create('card-redirect', { paymentMethodOptions: { card: { captureMethod: 'manual' } } });
    await sandbox.page(created.id, 'pay');
    const authorised = await sandbox.session(created.id);
    expect(authorised.status).toBe('PROCESSING');
    expect(authorised.chargeDetails[0]).toMatchObject({ status: 'WAITING_FOR_CAPTURE', capturedAmount: null, isCaptured: false });

    const first = await sandbox.call('capturePaymentSession', {
      id: created.id,
      body: { releaseRemainingAmount: false, amount: { value: 3000, currency: 'IDR' } },
    });
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ paymentSessionId: created.id, status: 'PENDING', amount: { value: 3000 } });
    expect((await sandbox.session(created.id)).chargeDetails[0].status).toBe('WAITING_FOR_CAPTURE');

    const tooMuch = await sandbox.call('capturePaymentSession', {
      id: created.id,
      body: { releaseRemainingAmount: true, amount: { value: 9000, currency: 'IDR' } },
    });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error.details[0].field).toBe('amount.value');

    await sandbox.call('capturePaymentSession', {
      id: created.id,
      body: { releaseRemainingAmount: true, amount: { value: 3000, currency: 'IDR' } },
    });
    const paid = await sandbox.session(created.id);
    expect(paid.status).toBe('PAID');
    expect(paid.chargeDetails[0]).toMatchObject({ status: 'SUCCESS', isCaptured: true, capturedAmount: { value: 6000 } });
    expect(paid.chargeDetails[0].captureHistories.map((history: Json) => history.capturedAmount)).toEqual([3000, 3000]);
    expect(events(await sandbox.callbacks(created.id, 2))).toEqual(['PAYMENT.PROCESSING', 'PAYMENT.PAID']);

    const again = await sandbox.call('capturePaymentSession', { id: created.id, body: { releaseRemainingAmount: true } });
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('unprocessable_entity');
  });

  it('tokenization: saveForFutureUse stores the card on the customer; a later create pays with its token', async () => {
    const email = `buyer${Math.random().toString(36).slice(2, 8)}@example.com`;
    const saving = await create('card-tokenization-redirect-save', {
      customer: { givenName: 'Ayu', surname: 'Lestari', email, phoneNumber: { countryCode: '+62', number: '81234567890' } },
    });
    await sandbox.page(saving.id, 'pay');
    const customer = await sandbox.call('getCustomer', { customerId: saving.customerId });
    expect(customer.status).toBe(200);
    const stored = customer.body.data.storedPaymentMethods;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ paymentMethod: 'CARD', status: 'ACTIVE', card: { last4: '0001' } });

    const using = await create('card-tokenization-api-use', {
      customerId: saving.customerId,
      paymentMethod: { type: 'CARD', card: { token: stored[0].token, cvc: '123' } },
    });
    expect(using.status).toBe('REQUIRE_ACTION');
    expect(using.paymentMethod.card).toEqual({ token: stored[0].token, encryptedCard: '', cvc: '' });
    await sandbox.page(using.id, 'pay');
    const paid = await sandbox.session(using.id);
    expect(paid.status).toBe('PAID');
    expect(paid.chargeDetails[0].card.fingerprint).toBe(stored[0].card.fingerprint);
    // The same e-mail is the same customer (customerId "auto generated based on email").
    const again = await create('card-redirect', { customer: { email } });
    expect(again.customerId).toBe(saving.customerId);
  });

  it('an unknown token or customer is a 404 resource_missing', async () => {
    const token = await sandbox.call('createPaymentSession', {
      body: documentedRequest('card-tokenization-api-use', now(), {
        paymentMethod: { type: 'CARD', card: { token: 'no-such-token', cvc: '123' } },
      }),
    });
    expect(token.status).toBe(404);
    expect(token.body.code).toBe('resource_missing');
    const customer = await sandbox.call('getCustomer', { customerId: '00000000-0000-4000-8000-000000000000' });
    expect(customer.status).toBe(404);
  });

  it('recurring: the first authorization stores the card; a subsequent charge completes without the customer', async () => {
    const recurringId = '11111111-2222-4333-8444-555555555555';
    const first = await create('card-recurring-first-authorization', { recurringId });
    expect(first.status).toBe('REQUIRE_CONFIRMATION');
    await sandbox.call('confirmPaymentSession', {
      id: first.id,
      body: { paymentMethod: { type: 'CARD', card: { encryptedCard: 'c2FuZGJveA==' } } },
    });
    await sandbox.page(first.id, 'pay');
    expect((await sandbox.session(first.id)).status).toBe('PAID');

    const subsequent = await create('card-recurring-subsequent', { recurringId });
    expect(subsequent.status).toBe('PROCESSING');
    expect(subsequent.paymentMethod.card.token).toMatch(/^[0-9a-f-]{36}$/);
    await sandbox.running.sandbox.idle();
    expect((await sandbox.session(subsequent.id)).status).toBe('PAID');
    expect(events(await sandbox.callbacks(subsequent.id, 2))).toEqual(['PAYMENT.PROCESSING', 'PAYMENT.PAID']);

    const unknown = await sandbox.call('createPaymentSession', {
      body: documentedRequest('card-recurring-subsequent', now(), { recurringId: '99999999-2222-4333-8444-555555555555' }),
    });
    expect(unknown.status).toBe(404);
  });
});

describe('push payments: virtual account and QRIS', () => {
  for (const name of ['va-api', 'qr-api', 'va-redirect', 'qr-redirect']) {
    it(`${name}: simulate SUCCESS → PAID with one PAYMENT.PAID callback`, async () => {
      const created = await create(name);
      expect(created.status).toBe('REQUIRE_ACTION');
      const charge = created.chargeDetails[0];
      if (name.startsWith('va')) expect(charge.virtualAccount.virtualAccountNumber).toMatch(/^\d+$/);
      else expect(charge.qr).toMatchObject({ qrType: 'DYNAMIC', acquirer: 'BNC' });
      const simulated = await sandbox.call('simulatePayment', {
        body: { paymentSessionId: created.id, chargeStatus: 'SUCCESS' },
      });
      expect(simulated.status).toBe(200);
      const paid = await sandbox.session(created.id);
      expect(paid.status).toBe('PAID');
      expect(paid.chargeDetails[0].status).toBe('SUCCESS');
      expect(events(await sandbox.callbacks(created.id, 1))).toEqual(['PAYMENT.PAID']);
      const twice = await sandbox.call('simulatePayment', { body: { paymentSessionId: created.id, chargeStatus: 'SUCCESS' } });
      expect(twice.status).toBe(422);
    });
  }

  for (const name of ['va-static', 'qr-static']) {
    it(`${name}, open (no amount): two payments → still ACTIVE with two SUCCESS charges and two CHARGE.SUCCESS callbacks`, async () => {
      const created = await create(name, { amount: undefined });
      expect(created).toMatchObject({ status: 'ACTIVE', expiryAt: null, chargeDetails: null, paymentType: 'MULTIPLE' });
      for (const value of [25000, 40000]) {
        const paid = await sandbox.call('simulatePayment', {
          body: { paymentSessionId: created.id, chargeStatus: 'SUCCESS', amount: { value, currency: 'IDR' } },
        });
        expect(paid.status).toBe(200);
      }
      const held = await sandbox.session(created.id);
      expect(held.status).toBe('ACTIVE');
      expect(held.chargeDetails.map((charge: Json) => [charge.status, charge.amount.value])).toEqual([
        ['SUCCESS', 25000],
        ['SUCCESS', 40000],
      ]);
      expect(events(await sandbox.callbacks(created.id, 2))).toEqual(['CHARGE.SUCCESS', 'CHARGE.SUCCESS']);
      const noAmount = await sandbox.call('simulatePayment', { body: { paymentSessionId: created.id, chargeStatus: 'SUCCESS' } });
      expect(noAmount.status).toBe(400);
      const expire = await sandbox.call('simulatePayment', { body: { paymentSessionId: created.id, chargeStatus: 'EXPIRED' } });
      expect(expire.status).toBe(422);
    });
  }

  it('a closed static VA takes only its own amount', async () => {
    const created = await create('static-guide-va-closed');
    const wrong = await sandbox.call('simulatePayment', {
      body: { paymentSessionId: created.id, chargeStatus: 'SUCCESS', amount: { value: 1, currency: 'IDR' } },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details[0].field).toBe('amount.value');
  });
});

describe('e-wallet', () => {
  it('API mode: simulate SUCCESS → PROCESSING then PAID', async () => {
    const created = await create('ewallet-api');
    expect(created.status).toBe('REQUIRE_ACTION');
    expect(created.chargeDetails[0].ewallet).toEqual({ channel: 'SHOPEEPAY' });
    await sandbox.call('simulatePayment', { body: { paymentSessionId: created.id, chargeStatus: 'SUCCESS' } });
    expect((await sandbox.session(created.id)).status).toBe('PAID');
    expect(events(await sandbox.callbacks(created.id, 2))).toEqual(['PAYMENT.PROCESSING', 'PAYMENT.PAID']);
  });

  it('redirect mode: the page "Fail" → EXPIRED with a FAILED charge, back to failureReturnUrl', async () => {
    const created = await create('ewallet-redirect');
    const page = await sandbox.page(created.id, 'fail');
    expect(page.headers.get('location')).toBe(created.redirectUrl.failureReturnUrl);
    const held = await sandbox.session(created.id);
    expect(held.status).toBe('EXPIRED');
    expect(held.chargeDetails[0]).toMatchObject({ status: 'FAILED', failureCode: 'DECLINED_BY_CHANNEL' });
    expect(events(await sandbox.callbacks(created.id, 1))).toEqual(['PAYMENT.CANCELLED']);
  });
});

describe('cancel and expiry', () => {
  it('cancel before payment → CANCELLED with a PAYMENT.CANCELLED callback', async () => {
    const created = await create('payment-ui');
    expect(created.status).toBe('REQUIRE_PAYMENT_METHOD');
    const cancelled = await sandbox.call('cancelPaymentSession', {
      id: created.id,
      body: { cancellationReason: 'VOID_SESSION' },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data).toMatchObject({ status: 'CANCELLED', cancellationReason: 'VOID_SESSION' });
    expect(events(await sandbox.callbacks(created.id, 1))).toEqual(['PAYMENT.CANCELLED']);
    const confirm = await sandbox.call('confirmPaymentSession', { id: created.id, body: { paymentMethod: { type: 'QR' } } });
    expect(confirm.status).toBe(422);
  });

  it('cancel after PAID → 422 and the session stays PAID', async () => {
    const created = await create('va-api');
    await sandbox.call('simulatePayment', { body: { paymentSessionId: created.id, chargeStatus: 'SUCCESS' } });
    const cancel = await sandbox.call('cancelPaymentSession', {
      id: created.id,
      body: { cancellationReason: 'REQUESTED_BY_CUSTOMER' },
    });
    expect(cancel.status).toBe(422);
    expect(cancel.body.message).toContain('PAID');
    expect((await sandbox.session(created.id)).status).toBe('PAID');
  });

  it('the page "Cancel" with a charge waiting → EXPIRED, back to expirationReturnUrl', async () => {
    const created = await create('va-redirect');
    const page = await sandbox.page(created.id, 'cancel');
    expect(page.headers.get('location')).toBe(created.redirectUrl.expirationReturnUrl);
    expect((await sandbox.session(created.id)).status).toBe('EXPIRED');
  });

  it('expiry on the clock: past expiryAt the session and its charge are EXPIRED', async () => {
    const created = await create('qr-api');
    await sandbox.advance(3_599);
    expect((await sandbox.session(created.id)).status).toBe('REQUIRE_ACTION');
    await sandbox.advance(2);
    const held = await sandbox.session(created.id);
    expect(held.status).toBe('EXPIRED');
    expect(held.chargeDetails[0].status).toBe('EXPIRED');
    expect(events(await sandbox.callbacks(created.id, 1))).toEqual(['PAYMENT.CANCELLED']);
    const late = await sandbox.call('simulatePayment', { body: { paymentSessionId: created.id, chargeStatus: 'SUCCESS' } });
    expect(late.status).toBe(422);
  });

  it('the default expiry is 15 minutes', async () => {
    const body = documentedRequest('va-api', now());
    delete body.expiryAt;
    const created = (await sandbox.call('createPaymentSession', { body })).body.data;
    expect(Date.parse(created.expiryAt) - Date.parse(created.createdAt)).toBe(15 * 60 * 1000);
  });

  it('simulate EXPIRED → EXPIRED', async () => {
    const created = await create('va-api');
    await sandbox.call('simulatePayment', { body: { paymentSessionId: created.id, chargeStatus: 'EXPIRED' } });
    const held = await sandbox.session(created.id);
    expect(held.status).toBe('EXPIRED');
    expect(held.chargeDetails[0].status).toBe('EXPIRED');
  });

  it('an expiryAt in the past is refused', async () => {
    const answer = await sandbox.call('createPaymentSession', {
      body: documentedRequest('va-api', now(), { expiryAt: '2020-01-01T00:00:00Z' }),
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details[0].field).toBe('expiryAt');
  });
});

describe('idempotency', () => {
  it('same X-REQUEST-ID and payload → the first answer byte for byte; another payload → 409; after 24 h the key is free', async () => {
    const body = documentedRequest('va-api', now());
    delete body.expiryAt; // the default expiry, so the same payload is still valid a day later
    const headers = { 'x-request-id': 'IDEMPOTENCYKEY0000000001' };
    const first = await sandbox.call('createPaymentSession', { body, headers });
    const replay = await sandbox.call('createPaymentSession', { body, headers });
    expect(replay.status).toBe(200);
    expect(replay.text).toBe(first.text);
    const other = await sandbox.call('createPaymentSession', { body: { ...body, clientReferenceId: 'other1' }, headers });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('idempotency_error');
    await sandbox.advance(24 * 60 * 60);
    const fresh = await sandbox.call('createPaymentSession', { body, headers });
    expect(fresh.status).toBe(200);
    expect(fresh.body.data.id).not.toBe(first.body.data.id);
  });
});

describe('authentication', () => {
  it('wrong merchant credentials → 401', async () => {
    const response = await fetch(`${sandbox.url}/v1/access-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-merchant-id': 'sandbox-merchant', 'x-merchant-secret': 'wrong' },
      body: JSON.stringify({ grantType: 'client_credentials' }),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as Json).code).toBe('credentials_invalid');
  });

  it('a token not issued by the sandbox → 401; an issued one expires after 900 s of sandbox time', async () => {
    const body = documentedRequest('va-api', now());
    const forged = await sandbox.call('createPaymentSession', { body, headers: { authorization: 'Bearer forged.token' } });
    expect(forged.status).toBe(401);
    const harness = await startHarness();
    try {
      const issued = { authorization: `Bearer ${harness.token}` };
      const later = (seconds: number) => documentedRequest('va-api', harness.running.sandbox.clock.now() + seconds * 1000);
      expect((await harness.call('createPaymentSession', { body: later(0), headers: issued })).status).toBe(200);
      await harness.advance(899);
      expect((await harness.call('createPaymentSession', { body: later(0), headers: issued })).status).toBe(200);
      await harness.advance(1);
      const expired = await harness.call('createPaymentSession', { body: later(0), headers: issued });
      expect(expired.status).toBe(401);
      expect(expired.body.message).toContain('expired');
    } finally {
      await harness.close();
    }
  });
});

describe('callback retries', () => {
  it('a receiver answering 500 twice then 200 gets three attempts at 0 s, 5 min and 20 min', async () => {
    sandbox.receiver.answers = [500, 500, 200];
    const created = await create('va-api');
    await sandbox.call('simulatePayment', { body: { paymentSessionId: created.id, chargeStatus: 'SUCCESS' } });
    await sandbox.callbacks(created.id, 1);
    await sandbox.advance(299);
    expect(await sandbox.callbacks(created.id, 1)).toHaveLength(1);
    await sandbox.advance(1);
    await sandbox.callbacks(created.id, 2);
    await sandbox.advance(15 * 60);
    const received = await sandbox.callbacks(created.id, 3);
    expect(received).toHaveLength(3);
    const deliveries = (await (await fetch(`${sandbox.url}/_sandbox/callbacks`)).json()) as Json;
    const delivery = deliveries.deliveries.find((candidate: Json) => candidate.paymentSessionId === created.id);
    expect(delivery.state).toBe('delivered');
    expect(delivery.attempts.map((attempt: Json) => [attempt.offsetSeconds, attempt.status])).toEqual([
      [0, 500],
      [300, 500],
      [1200, 200],
    ]);
    expect(received.map((callback) => callback.body)).toEqual([delivery.body, delivery.body, delivery.body]);
  });

  it('after the documented six retries the delivery is flagged for manual retry; resend delivers it', async () => {
    sandbox.receiver.answers = [503];
    const created = await create('qr-api');
    await sandbox.call('simulatePayment', { body: { paymentSessionId: created.id, chargeStatus: 'SUCCESS' } });
    await sandbox.callbacks(created.id, 1);
    for (const seconds of [300, 900, 3600, 10800, 21600, 43200]) await sandbox.advance(seconds);
    expect(await sandbox.callbacks(created.id, 7)).toHaveLength(7);
    const list = (await (await fetch(`${sandbox.url}/_sandbox/callbacks`)).json()) as Json;
    const delivery = list.deliveries.find((candidate: Json) => candidate.paymentSessionId === created.id);
    expect(delivery.attempts).toHaveLength(7);
    expect(delivery.state).toBe('manual_retry');
    expect(delivery.nextAttemptAt).toBeNull();
    sandbox.receiver.answers = [200];
    const resent = await fetch(`${sandbox.url}/_sandbox/callbacks/${delivery.id}/resend`, { method: 'POST' });
    expect(((await resent.json()) as Json).state).toBe('delivered');
    expect((await fetch(`${sandbox.url}/_sandbox/callbacks/nope/resend`, { method: 'POST' })).status).toBe(404);
  });

  it('a 4xx answer is not retried (only 5xx, 408, 429 and errors are)', async () => {
    sandbox.receiver.answers = [400];
    const created = await create('va-api');
    await sandbox.call('simulatePayment', { body: { paymentSessionId: created.id, chargeStatus: 'SUCCESS' } });
    await sandbox.callbacks(created.id, 1);
    await sandbox.advance(3600);
    expect(await sandbox.callbacks(created.id, 1)).toHaveLength(1);
  });
});

describe('control routes and limits', () => {
  it('unknown session → 404 in the contract shape; reset forgets sessions', async () => {
    const missing = await fetch(`${sandbox.url}/_sandbox/sessions/00000000-0000-4000-8000-000000000000`);
    expect(missing.status).toBe(404);
    const confirm = await sandbox.call('confirmPaymentSession', {
      id: '00000000-0000-4000-8000-000000000000',
      body: { paymentMethod: { type: 'QR' } },
    });
    expect(confirm.status).toBe(404);
    expect(confirm.body.code).toBe('resource_missing');
    const page = await fetch(`${sandbox.url}/_sandbox`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Payment sessions');
    const badClock = await fetch(`${sandbox.url}/_sandbox/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"advanceSeconds": -5}',
    });
    expect(badClock.status).toBe(400);
  });

  it('--max-sessions evicts the oldest session first', async () => {
    const small = await startHarness({ maxSessions: 2 });
    try {
      const ids: string[] = [];
      for (let index = 0; index < 3; index++)
        ids.push((await small.call('createPaymentSession', { body: documentedRequest('va-api', Date.now()) })).body.data.id);
      expect((await fetch(`${small.url}/_sandbox/sessions/${ids[0]}`)).status).toBe(404);
      expect((await small.session(ids[2]!)).id).toBe(ids[2]);
      expect(await small.running.sandbox.store.count('sessions')).toBe(2);
    } finally {
      await small.close();
    }
  });

  it('--seed makes ids reproducible', async () => {
    const first = await startHarness({ seed: 'same' });
    const second = await startHarness({ seed: 'same' });
    try {
      const a = await first.call('createPaymentSession', { body: documentedRequest('va-api', Date.now()) });
      const b = await second.call('createPaymentSession', { body: documentedRequest('va-api', Date.now()) });
      expect(a.body.data.id).toBe(b.body.data.id);
      expect(a.body.data.chargeDetails[0].virtualAccount.virtualAccountNumber).toBe(
        b.body.data.chargeDetails[0].virtualAccount.virtualAccountNumber,
      );
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});
