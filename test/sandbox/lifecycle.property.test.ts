/**
 * Random call sequences, valid and invalid, over every documented payment variant, sent to the sandbox's
 * fetch handler in process (the same handler the server runs). After every call: no 5xx, the answer
 * validates strictly, every session moved only along the state table, no terminal session moved, and a
 * create replayed with its key and payload answers the same bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validate, validateResponse, type OperationId } from 'pivot-payments-contract/validators';
import { createSandbox } from '../../scripts/sandbox/server.ts';
import { document, documentedRequest } from './harness.ts';

type Json = Record<string, any>;

const VARIANTS = [
  'card-redirect',
  'card-encryption',
  'card-tokenization-redirect-save',
  'card-recurring-first-authorization',
  'payment-ui',
  'redirect-guide-confirm-later',
  'va-api',
  'va-redirect',
  'va-static',
  'qr-api',
  'qr-redirect',
  'qr-static',
  'ewallet-api',
  'ewallet-redirect',
];

/** The state table as pairs `from → to` a session may take in one call (DESIGN.md, lifecycle.ts). */
const ALLOWED: Record<string, string[]> = {
  REQUIRE_PAYMENT_METHOD: ['REQUIRE_ACTION', 'PROCESSING', 'PAID', 'CANCELLED', 'EXPIRED'],
  REQUIRE_CONFIRMATION: ['REQUIRE_ACTION', 'PROCESSING', 'PAID', 'CANCELLED', 'EXPIRED'],
  REQUIRE_ACTION: ['PROCESSING', 'PAID', 'EXPIRED'],
  PROCESSING: ['PAID'],
  ACTIVE: [],
  PAID: [],
  CANCELLED: [],
  EXPIRED: [],
};

type Step =
  | { kind: 'create'; variant: string; manual: boolean }
  | { kind: 'replay' }
  | { kind: 'confirm'; target: number; type: string }
  | { kind: 'cancel'; target: number }
  | { kind: 'capture'; target: number; value: number; release: boolean }
  | { kind: 'simulate'; target: number; status: 'SUCCESS' | 'EXPIRED'; value: number | null }
  | { kind: 'page'; target: number; action: 'pay' | 'fail' | 'cancel' }
  | { kind: 'advance'; seconds: number }
  | { kind: 'garbage'; operation: OperationId; body: unknown; target: number };

const target = fc.nat(12);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('create' as const), variant: fc.constantFrom(...VARIANTS), manual: fc.boolean() }),
  },
  fc.record({ kind: fc.constant('replay' as const) }),
  fc.record({ kind: fc.constant('confirm' as const), target, type: fc.constantFrom('CARD', 'VIRTUAL_ACCOUNT', 'QR', 'EWALLET') }),
  fc.record({ kind: fc.constant('cancel' as const), target }),
  fc.record({ kind: fc.constant('capture' as const), target, value: fc.integer({ min: 1, max: 12_000 }), release: fc.boolean() }),
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('simulate' as const),
      target,
      status: fc.constantFrom('SUCCESS' as const, 'EXPIRED' as const),
      value: fc.option(fc.integer({ min: 1, max: 50_000 })),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('page' as const),
      target,
      action: fc.constantFrom('pay' as const, 'fail' as const, 'cancel' as const),
    }),
  },
  fc.record({ kind: fc.constant('advance' as const), seconds: fc.constantFrom(1, 60, 301, 901, 3601, 86_401) }),
  fc.record({
    kind: fc.constant('garbage' as const),
    operation: fc.constantFrom<OperationId>(
      'createPaymentSession',
      'confirmPaymentSession',
      'cancelPaymentSession',
      'capturePaymentSession',
      'simulatePayment',
    ),
    body: fc.oneof(
      fc.anything(),
      fc.record({ paymentMethod: fc.anything(), amount: fc.anything(), releaseRemainingAmount: fc.anything() }),
    ),
    target,
  }),
);

const PATHS: Record<string, string> = {
  createPaymentSession: '/v2/payments',
  confirmPaymentSession: '/v2/payments/{id}/confirm',
  cancelPaymentSession: '/v2/payments/{id}/cancel',
  capturePaymentSession: '/v2/payments/{id}/capture',
  simulatePayment: '/v2/payments/simulations',
};

async function run(steps: Step[]): Promise<void> {
  const sandbox = createSandbox({ document, seed: 'property', maxSessions: 1_000 });
  const base = 'http://sandbox.test';
  const tokenAnswer = await sandbox.fetch(
    new Request(`${base}/v1/access-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-merchant-id': 'sandbox-merchant', 'x-merchant-secret': 'sandbox-secret' },
      body: '{"grantType":"client_credentials"}',
    }),
  );
  let token = ((await tokenAnswer.json()) as Json).data.accessToken as string;
  let tokenAt = sandbox.clock.now();
  const ids: string[] = [];
  let lastCreate: { key: string; body: string; text: string } | undefined;
  let keys = 0;

  async function send(
    operationId: OperationId,
    body: unknown,
    id = '',
    key?: string,
  ): Promise<{ status: number; text: string; json: Json }> {
    if (sandbox.clock.now() - tokenAt > 800_000) {
      const renewed = await sandbox.fetch(
        new Request(`${base}/v1/access-token`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-merchant-id': 'sandbox-merchant',
            'x-merchant-secret': 'sandbox-secret',
          },
          body: '{"grantType":"client_credentials"}',
        }),
      );
      token = ((await renewed.json()) as Json).data.accessToken;
      tokenAt = sandbox.clock.now();
    }
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    if (operationId === 'createPaymentSession') headers['x-request-id'] = key ?? `PROPERTYKEY${String(++keys).padStart(8, '0')}`;
    const response = await sandbox.fetch(
      new Request(`${base}${PATHS[operationId]!.replace('{id}', id)}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body) ?? 'null',
      }),
    );
    const text = await response.text();
    const json = JSON.parse(text) as Json;
    expect(response.status, `${operationId} answered ${response.status}: ${text.slice(0, 300)}`).toBeLessThan(500);
    const result = validateResponse(operationId, response.status, json, { mode: 'strict' });
    expect(result.valid ? [] : result.errors, `${operationId} ${response.status} breaks the contract`).toEqual([]);
    return { status: response.status, text, json };
  }

  const statuses = async () =>
    new Map(
      await Promise.all(ids.map(async (id) => [id, (await sandbox.session(id))?.session.status as string | undefined] as const)),
    );
  let before = await statuses();

  for (const current of steps) {
    const pick = (index: number) => ids[index % Math.max(ids.length, 1)] ?? '00000000-0000-4000-8000-000000000000';
    const now = sandbox.clock.now();
    switch (current.kind) {
      case 'create': {
        const changes: Json =
          current.manual && current.variant.startsWith('card')
            ? { paymentMethodOptions: { card: { captureMethod: 'manual' } } }
            : {};
        const body = documentedRequest(current.variant, now, changes);
        const key = `PROPERTYKEY${String(++keys).padStart(8, '0')}`;
        const answer = await send('createPaymentSession', body, '', key);
        if (answer.status === 200) {
          ids.push(answer.json.data.id);
          lastCreate = { key, body: JSON.stringify(body), text: answer.text };
        }
        break;
      }
      case 'replay':
        if (lastCreate) {
          const again = await send('createPaymentSession', JSON.parse(lastCreate.body), '', lastCreate.key);
          // Within 24 h the replay is the first answer, byte for byte.
          if (again.status === 200 && again.json.data.id === JSON.parse(lastCreate.text).data.id)
            expect(again.text).toBe(lastCreate.text);
        }
        break;
      case 'confirm':
        await send('confirmPaymentSession', { paymentMethod: { type: current.type } }, pick(current.target));
        break;
      case 'cancel':
        await send('cancelPaymentSession', { cancellationReason: 'VOID_SESSION' }, pick(current.target));
        break;
      case 'capture':
        await send(
          'capturePaymentSession',
          { releaseRemainingAmount: current.release, amount: { value: current.value, currency: 'IDR' } },
          pick(current.target),
        );
        break;
      case 'simulate':
        await send('simulatePayment', {
          paymentSessionId: pick(current.target),
          chargeStatus: current.status,
          ...(current.value === null ? {} : { amount: { value: current.value, currency: 'IDR' } }),
        });
        break;
      case 'page': {
        const response = await sandbox.fetch(
          new Request(`${base}/_sandbox/pay/${pick(current.target)}`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: `action=${current.action}`,
          }),
        );
        expect(response.status).toBeLessThan(500);
        break;
      }
      case 'advance':
        await sandbox.clock.advance(current.seconds);
        await sandbox.tick();
        break;
      case 'garbage':
        await send(current.operation, current.body, pick(current.target));
        break;
    }
    await sandbox.idle();
    const after = await statuses();
    for (const [id, status] of after) {
      const previous = before.get(id);
      if (previous === undefined || status === undefined || previous === status) continue;
      expect(ALLOWED[previous], `${id}: ${previous} → ${status} is not in the state table`).toContain(status);
    }
    before = after;
  }
  // Every callback the run caused is a valid paymentCallback.
  for (const { value: delivery } of await sandbox.store.list<{ event: string; body: unknown }>('deliveries', {
    limit: 100_000,
  })) {
    const result = validate('PaymentCallback', delivery.body, { mode: 'strict' });
    expect(result.valid ? [] : result.errors, `${delivery.event} callback breaks the contract`).toEqual([]);
  }
}

describe('sandbox state machine (property)', () => {
  it('random call sequences: no 5xx, strict answers, only documented transitions, terminal states kept', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 30 }), (steps) => run(steps)),
      { numRuns: 60 },
    );
  }, 120_000);
});
