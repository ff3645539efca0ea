/**
 * The MSW handlers (scripts/msw/handlers.ts, published as `pivot-payments-contract/msw`) under
 * `msw/node`: plain `fetch` and openapi-fetch get the documented examples and the contract's errors;
 * the stateful variant runs a lifecycle on the sandbox core.
 */
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type * as Published from '../../scripts/msw/index.js';
import { fixtures } from '../../generated/fixtures/index.js';
import { validateResponse } from '../../generated/validators/index.js';
import { handlers, PIVOT_SANDBOX_URL, sandboxHandlers } from '../../scripts/msw/handlers.ts';
import { sandboxClock } from '../../scripts/sandbox/clock.ts';
import { SANDBOX_DEFAULTS } from '../../scripts/sandbox/server.ts';
import { accessToken, pivotClient, requestId } from '../consumer/openapi-fetch-client.ts';

const STATELESS = 'https://pivot.msw.test';
const started = Date.now();
// The documented requests carry `expiryAt`s of 2025: the sandbox's clock starts before them.
const clock = sandboxClock(() => Date.parse('2025-03-01T00:00:00Z') + (Date.now() - started));
const stateful = sandboxHandlers({ clock, callbackUrl: 'http://127.0.0.1:9/callbacks' });
const server = setupServer(...handlers({ baseUrl: STATELESS }), ...stateful);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const json = { 'content-type': 'application/json', accept: 'application/json' };

describe('the published types (scripts/msw/index.d.ts)', () => {
  it('describe what the source exports', () => {
    expectTypeOf(handlers).toExtend<typeof Published.handlers>();
    expectTypeOf(sandboxHandlers).toExtend<typeof Published.sandboxHandlers>();
    expect(PIVOT_SANDBOX_URL).toBe('https://api-stg.pivot-payment.com');
  });
});

describe('handlers(): documented examples in process', () => {
  it('has one handler per operation of the contract', () => {
    // One per operation (webhooks are Pivot's requests), plus the catch-all.
    expect(handlers().length).toBe(Object.keys(fixtures).filter((operationId) => !/Callback$/.test(operationId)).length + 1);
  });

  it('answers a documented request with its paired example', async () => {
    const body = fixtures.createPaymentSession.request['card-redirect'];
    const answer = await fetch(`${STATELESS}/v2/payments`, {
      method: 'POST',
      headers: { ...json, authorization: 'Bearer any', 'x-request-id': requestId() },
      body: JSON.stringify(body),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-mock-example')).toBe('card-redirect');
    expect(await answer.json()).toEqual(fixtures.createPaymentSession.responses['200']['card-redirect']);
  });

  it('gives the contract 401 without credentials and 400 for an invalid body', async () => {
    const unauthenticated = await fetch(`${STATELESS}/v2/payments`, { method: 'POST', headers: json, body: '{}' });
    expect(unauthenticated.status).toBe(401);
    expect(validateResponse('createPaymentSession', 401, await unauthenticated.json()).valid).toBe(true);
    const invalid = await fetch(`${STATELESS}/v2/payments`, {
      method: 'POST',
      headers: { ...json, authorization: 'Bearer any', 'x-request-id': requestId() },
      body: JSON.stringify({ amount: { value: 'ten', currency: 'IDR' } }),
    });
    expect(invalid.status).toBe(400);
    const error = (await invalid.json()) as { code: string; error: { details: Array<{ field: string }> } };
    expect(error.code).toBe('api_validation_error');
    expect(error.error.details.map((detail) => detail.field)).toContain('amount.value');
  });

  it('honours Prefer like the mock, and names what exists when it is wrong', async () => {
    const headers = { ...json, authorization: 'Bearer any', 'x-request-id': requestId() };
    const body = JSON.stringify(fixtures.createPaymentSession.request['va-redirect']);
    const conflict = await fetch(`${STATELESS}/v2/payments`, {
      method: 'POST',
      headers: { ...headers, prefer: 'code=409' },
      body,
    });
    expect(conflict.status).toBe(409);
    expect(validateResponse('createPaymentSession', 409, await conflict.json()).valid).toBe(true);
    const wrong = await fetch(`${STATELESS}/v2/payments`, { method: 'POST', headers: { ...headers, prefer: 'code=299' }, body });
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(await wrong.json())).toMatch(/Prefer code=299 is not a documented status/);
  });

  it('serves openapi-fetch', async () => {
    const client = pivotClient(STATELESS);
    const token = await accessToken(client, 'merchant', 'secret');
    const { data } = await client.GET('/v1/customers/{customerId}', {
      params: { path: { customerId: 'any-id' } },
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(data).toEqual(fixtures.getCustomer.responses['200']['with-stored-card']);
  });

  it('answers an undocumented path under the base URL with the contract 404, and leaves other hosts to MSW', async () => {
    const unknown = await fetch(`${STATELESS}/v3/unknown`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe('not_found');
    await expect(fetch('https://elsewhere.test/v2/payments')).rejects.toThrow(); // onUnhandledRequest: 'error'
  });
});

describe('sandboxHandlers(): the sandbox in process', () => {
  it('runs create → simulate → PAID through openapi-fetch, read back from the sandbox', async () => {
    const client = pivotClient(PIVOT_SANDBOX_URL);
    const token = await accessToken(client, SANDBOX_DEFAULTS.merchantId, SANDBOX_DEFAULTS.merchantSecret);
    const auth = { Authorization: `Bearer ${token}` };
    const created = await client.POST('/v2/payments', {
      body: fixtures.createPaymentSession.request['va-api'],
      params: { header: { 'X-REQUEST-ID': requestId() } },
      headers: auth,
    });
    const id = created.data!.data.id;
    const simulated = await client.POST('/v2/payments/simulations', {
      body: { ...fixtures.simulatePayment.request.success, paymentSessionId: id, amount: created.data!.data.amount! },
      headers: auth,
    });
    expect(simulated.response.status).toBe(200);
    const read = await fetch(`${PIVOT_SANDBOX_URL}/_sandbox/sessions/${id}`);
    expect(((await read.json()) as { data: { status: string } }).data.status).toBe('PAID');
  });

  it('rejects a wrong token with the contract 401 (the sandbox checks tokens it issued)', async () => {
    const client = pivotClient(PIVOT_SANDBOX_URL);
    const { error, response } = await client.POST('/v2/payments', {
      body: fixtures.createPaymentSession.request['va-api'],
      params: { header: { 'X-REQUEST-ID': requestId() } },
      headers: { Authorization: 'Bearer not-issued' },
    });
    expect(response.status).toBe(401);
    expect(error?.code).toBe('credentials_invalid');
  });

  it('reaches the sandbox control routes (its clock)', async () => {
    const answer = await fetch(`${PIVOT_SANDBOX_URL}/_sandbox/clock`);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { now: string }).now).toMatch(/^2025-/);
  });
});
