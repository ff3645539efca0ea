/**
 * openapi-fetch over the generated `paths`: every documented create request compiles as a body (no
 * property turned `never` by openapi-fetch's writable view), answers narrow by status, and the calls
 * really run against the sandbox (its in-process fetch handler, the same core `pivot-contract sandbox`
 * serves).
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { components } from '../../generated/openapi.js';
import { validate, validateResponse } from '../../generated/validators/index.js';
import { sandboxClock } from '../../scripts/sandbox/clock.ts';
import { createSandbox, SANDBOX_DEFAULTS } from '../../scripts/sandbox/server.ts';
import { document } from '../sandbox/harness.ts';
import {
  accessToken,
  createBodies,
  createSession,
  everyCreate,
  everyOtherRequest,
  pivotClient,
  readmeSnippet,
  requestId,
} from './openapi-fetch-client.ts';

// The documented requests carry `expiryAt`s of 2025: the sandbox's clock starts before them.
const DOCS_ERA = Date.parse('2025-03-01T00:00:00Z');

function sandboxClient() {
  const started = Date.now();
  const clock = sandboxClock(() => DOCS_ERA + (Date.now() - started));
  const sandbox = createSandbox({ document, clock, callbackUrl: 'http://127.0.0.1:9/callbacks' });
  return pivotClient('http://sandbox.test', async (input, init) => sandbox.fetch(new Request(input, init)));
}

describe('openapi-fetch client on the generated paths', () => {
  it('types the 200 body of a create as the contract PaymentSessionResponse', async () => {
    const client = sandboxClient();
    const token = await accessToken(client, SANDBOX_DEFAULTS.merchantId, SANDBOX_DEFAULTS.merchantSecret);
    const { data } = await client.POST('/v2/payments', {
      body: createBodies[0]!,
      params: { header: { 'X-REQUEST-ID': requestId() } },
      headers: { Authorization: `Bearer ${token}` },
    });
    expectTypeOf(data).toExtend<components['schemas']['PaymentSessionResponse'] | undefined>();
    expectTypeOf<components['schemas']['PaymentSessionResponse']>().toExtend<NonNullable<typeof data>>();
    expect(validate('PaymentSessionResponse', data).valid).toBe(true);
  });

  it('creates a session through the sandbox and narrows the answer', async () => {
    const client = sandboxClient();
    const token = await accessToken(client, SANDBOX_DEFAULTS.merchantId, SANDBOX_DEFAULTS.merchantSecret);
    const created = await createSession(client, token);
    expect(created).toMatchObject({ status: 200, sessionStatus: expect.any(String) });
  });

  it('gets the error branch for a wrong token (401 credentials_invalid)', async () => {
    const created = await createSession(sandboxClient(), 'not-a-token');
    expect(created).toEqual({ status: 401, code: 'credentials_invalid' });
    expect(await readmeSnippet(sandboxClient(), 'not-a-token')).toBe('credentials_invalid');
  });

  it('sends every documented create request as a typed body', async () => {
    const client = sandboxClient();
    const token = await accessToken(client, SANDBOX_DEFAULTS.merchantId, SANDBOX_DEFAULTS.merchantSecret);
    const answers = await Promise.all(everyCreate(client, token));
    expect(answers).toHaveLength(createBodies.length);
    expect(createBodies.length).toBeGreaterThan(20);
    // Every answer is one the contract documents for the operation (the sandbox applies Pivot's rules).
    for (const { response } of answers) expect([200, 400, 409, 422]).toContain(response.status);
    // Each with a reference of its own, so none is a duplicate; the documented dates are as published, and
    // an `expiryAt` now past is the one 400 (decision `expiry-in-the-past`).
    const refused = answers.filter(({ response }) => response.status !== 200);
    for (const { error } of refused) expect(JSON.stringify(error)).toContain('expiryAt');
    expect(answers.length - refused.length).toBeGreaterThan(5);
  });

  it("sends every other operation's documented request, each answer documented for its operation", async () => {
    const client = sandboxClient();
    const token = await accessToken(client, SANDBOX_DEFAULTS.merchantId, SANDBOX_DEFAULTS.merchantSecret);
    const operations = [
      'createAccessToken',
      'confirmPaymentSession',
      'capturePaymentSession',
      'cancelPaymentSession',
      'simulatePayment',
    ] as const;
    const answers = await Promise.all(everyOtherRequest(client, token, 'no-such-session'));
    expect(answers).toHaveLength(operations.length);
    answers.forEach(({ data, error, response }, index) => {
      expect(response.status, operations[index]).toBeLessThan(500);
      expect(validateResponse(operations[index]!, response.status, data ?? error).valid, operations[index]).toBe(true);
    });
  });

  it('keeps `installment` null-only in the validators although its type admits an empty object', () => {
    const card = { captureMethod: 'automatic' as const, installment: {} };
    expect(validate('CardOptions', card).valid).toBe(false);
    expect(validate('CardOptions', { ...card, installment: null }).valid).toBe(true);
  });
});
