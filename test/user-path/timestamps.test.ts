/**
 * Every time the sandbox answers can be sent back: the built `pivot-contract sandbox`, started as a
 * process, answers its times in the form requests take, `YYYY-MM-DDTHH:MM:SSZ` (decision
 * `timestamps-whole-seconds`, from the format the Charge, Virtual Account Charge and FDS object pages
 * give for times Pivot answers, the same as Create Payment Session gives for `expiryAt`). Each time found
 * in its answers, callbacks and read-outs over whole lifecycles is sent back as a create's `expiryAt`:
 * the request validator takes it, and the sandbox accepts it (or, for a time already past, refuses it
 * only for being past). Before issue 23 it answered `2026-12-07T15:33:47.376Z`, which a create refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFixture, schemaExamples } from '../../generated/fixtures/index.js';
import { validateRequest } from '../../generated/validators/index.js';
import { pageFormToken } from '../../scripts/sandbox/page.ts';
import { movedDates } from '../../scripts/verify/dates.ts';
import { clientReferenceId, requestId } from '../../scripts/verify/keys.ts';
import { startBin, type RunningBin } from './bin.ts';

type Json = Record<string, any>;

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

let sandbox: RunningBin;
let token = '';
/** Every time found in what the sandbox answered, with where it was first found; and every field a time was in. */
const times = new Map<string, string>();
const fields = new Set<string>();

function collectTimes(value: unknown, where: string, pointer = ''): void {
  if (typeof value === 'string' && TIME.test(value)) {
    if (!times.has(value)) times.set(value, `${where} ${pointer}`);
    fields.add(pointer.replace(/\/\d+(?=\/|$)/g, '/*'));
  } else if (Array.isArray(value)) value.forEach((item, index) => collectTimes(item, where, `${pointer}/${index}`));
  else if (value && typeof value === 'object')
    for (const [key, inner] of Object.entries(value)) collectTimes(inner, where, `${pointer}/${key}`);
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const answer = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(path.startsWith('/_sandbox') ? {} : { authorization: `Bearer ${token}`, 'x-request-id': requestId() }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const parsed = { status: answer.status, body: (await answer.json()) as Json };
  // The contract's data only: of the deliveries' records (the sandbox's own bookkeeping), their callback bodies.
  if (path === '/_sandbox/callbacks')
    for (const delivery of parsed.body.deliveries as Json[]) collectTimes(delivery.body, `callback ${delivery.event}`);
  else collectTimes(parsed.body, `${method} ${path}`);
  return parsed;
}

function documentedCreate(name: string, changes: Json = {}): Json {
  const body = movedDates(
    getFixture({ operationId: 'createPaymentSession', kind: 'request', name } as never) as Json,
    Date.now(),
  );
  return { ...body, clientReferenceId: clientReferenceId(), ...changes };
}

beforeAll(async () => {
  sandbox = await startBin(['sandbox', '--port', '0']);
  const issued = await fetch(`${sandbox.url}/v1/access-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-merchant-id': 'sandbox-merchant', 'x-merchant-secret': 'sandbox-secret' },
    body: JSON.stringify({ grantType: 'client_credentials' }),
  });
  token = ((await issued.json()) as Json).data.accessToken;

  // Whole lifecycles, so that every kind of time appears: created, paid, captured, cancelled, stored.
  const sessions: string[] = [];
  for (const name of [
    'card-redirect',
    'payment-ui',
    'va-api',
    'qr-api',
    'ewallet-api',
    'va-static',
    'card-tokenization-redirect-save',
  ]) {
    const created = await call('POST', '/v2/payments', documentedCreate(name));
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    sessions.push(created.body.data.id);
  }
  const [card, paymentUi, va, qr, ewallet, vaStatic, saving] = sessions as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  for (const id of [va, qr, ewallet])
    await call('POST', '/v2/payments/simulations', { paymentSessionId: id, chargeStatus: 'SUCCESS' });
  await call('POST', '/v2/payments/simulations', {
    paymentSessionId: vaStatic,
    chargeStatus: 'SUCCESS',
    amount: { value: 25000, currency: 'IDR' },
  });
  await call('POST', `/v2/payments/${paymentUi}/cancel`, { cancellationReason: 'REQUESTED_BY_CUSTOMER' });
  // A card paid on the hosted page, one saved for later, and a manual capture of a non-3DS test card.
  for (const id of [card, saving]) {
    // As a browser: the page first (its form's CSRF token), then the customer's "pay".
    const csrf = pageFormToken(await (await fetch(`${sandbox.url}/_sandbox/pay/${id}`)).text()) ?? '';
    const paid = await fetch(`${sandbox.url}/_sandbox/pay/${id}`, {
      method: 'POST',
      body: new URLSearchParams({ action: 'pay', csrf }),
      redirect: 'manual',
    });
    expect(paid.status).toBe(303);
  }
  const manual = await call(
    'POST',
    '/v2/payments',
    documentedCreate('card-encryption', {
      autoConfirm: true,
      amount: { value: 24000, currency: 'IDR' },
      paymentMethod: {
        ...(schemaExamples.PaymentMethodInput['payment-method-object'] as Json),
        card: { ...(schemaExamples.PaymentMethodInput['payment-method-object'] as Json).card, number: '4440000112200001' },
      },
      paymentMethodOptions: { card: { captureMethod: 'manual', threeDsMethod: 'NEVER' } },
    }),
  );
  expect(manual.status, JSON.stringify(manual.body)).toBe(200);
  await call('POST', `/v2/payments/${manual.body.data.id}/capture`, {
    releaseRemainingAmount: true,
    amount: { value: 12000, currency: 'IDR' },
  });
  for (const id of [...sessions, manual.body.data.id]) {
    const held = await call('GET', `/_sandbox/sessions/${id}`);
    if (typeof held.body.data?.customerId === 'string') await call('GET', `/v1/customers/${held.body.data.customerId}`);
  }
  await call('GET', '/_sandbox/callbacks');
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
});

describe('every time the sandbox answers can be sent back', () => {
  it('finds the times of sessions, charges, captures, customers and callbacks', () => {
    expect([...fields]).toEqual(
      expect.arrayContaining([
        '/data/createdAt',
        '/data/updatedAt',
        '/data/expiryAt',
        '/data/cancelledAt',
        '/data/chargeDetails/*/paidAt',
        '/data/chargeDetails/*/fdsRiskAssessment/evaluatedAt',
        '/data/chargeDetails/*/captureHistories/*/createdAt',
        '/data/chargeDetails/*/virtualAccount/expiryAt',
        '/data/chargeDetails/*/qr/expiryAt',
        '/data/storedPaymentMethods/*/createdAt',
      ]),
    );
    expect(times.size).toBeGreaterThan(0);
  });

  it('answers each in the form a request takes, and a create takes each back', async () => {
    const refused: string[] = [];
    let accepted = 0;
    for (const [time, where] of times) {
      const body = documentedCreate('va-api', {
        expiryAt: time,
        paymentMethodOptions: { virtualAccount: { channel: 'PERMATA' } },
      });
      const validation = validateRequest('createPaymentSession', body);
      if (!validation.valid) refused.push(`${where}: ${time}: ${validation.errors.map((error) => error.message).join('; ')}`);
      const answer = await call('POST', '/v2/payments', body);
      if (answer.status === 200) accepted++;
      else {
        const details = (answer.body.error?.details ?? []) as Json[];
        const onlyPast =
          answer.status === 400 &&
          details.length === 1 &&
          details[0]!.field === 'expiryAt' &&
          /in the future/.test(details[0]!.message);
        if (!onlyPast || Date.parse(time) > Date.now())
          refused.push(`${where}: ${time}: ${answer.status} ${JSON.stringify(details)}`);
      }
    }
    expect(refused).toEqual([]);
    expect(accepted).toBeGreaterThan(0); // the sessions' own expiryAt, still ahead
  });

  it('names the rule when a time carries milliseconds (new Date().toISOString())', async () => {
    const answer = await call(
      'POST',
      '/v2/payments',
      documentedCreate('va-api', { expiryAt: new Date(Date.now() + 3_600_000).toISOString() }),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([
      { field: 'expiryAt', message: expect.stringMatching(/rule request-time-whole-seconds: .*whole seconds.*toISOString/) },
    ]);
  });
});
