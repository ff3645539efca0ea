/**
 * The typed client TypeScript users pair with openapi-typescript output: openapi-fetch's
 * `createClient<paths>()`. Type-checked by `npm run typecheck` (and, from the installed package, under
 * `nodenext` and `bundler` in test/package); run against the sandbox's in-process handler by openapi-fetch.test.ts.
 */
import { randomUUID } from 'node:crypto';
import createClient from 'openapi-fetch';
import type { paths } from '../../generated/openapi.js';
import { fixtures } from '../../generated/fixtures/index.js';

export type PivotClient = ReturnType<typeof createClient<paths>>;

/** A client whose requests go through `fetch` (the global one, or a server's in-process handler). */
export function pivotClient(baseUrl: string, fetch: typeof globalThis.fetch = globalThis.fetch): PivotClient {
  return createClient<paths>({ baseUrl, fetch });
}

/** Exchanges the merchant credentials for a bearer token (Authentication page). */
export async function accessToken(client: PivotClient, merchantId: string, merchantSecret: string): Promise<string> {
  const { data, error } = await client.POST('/v1/access-token', {
    body: { grantType: 'client_credentials' },
    headers: { 'X-MERCHANT-ID': merchantId, 'X-MERCHANT-SECRET': merchantSecret },
  });
  if (!data) throw new Error(`no token: ${error?.code}`);
  return data.data.accessToken;
}

/** A fresh `X-REQUEST-ID` (16–36 letters and digits, Create Payment Session › Headers). */
export const requestId = (): string => randomUUID().replaceAll('-', '');

/** Every documented createPaymentSession request as the body of `client.POST`: each must type-check. */
export const createBodies = Object.values(fixtures.createPaymentSession.request);

/** Creates a session and narrows the answer by status: `data` is the 200 body, `error` the others. */
export async function createSession(client: PivotClient, token: string, index = 0) {
  const body = createBodies[index]!;
  const { data, error, response } = await client.POST('/v2/payments', {
    body,
    params: { header: { 'X-REQUEST-ID': requestId() } },
    headers: { Authorization: `Bearer ${token}` },
  });
  if (data) return { status: response.status, sessionStatus: data.data.status, paymentUrl: data.data.paymentUrl };
  return { status: response.status, code: error?.code };
}

/**
 * Every fixture body, one call each (compile-time check that none becomes `never`), each with a
 * reference of its own: the documented examples share a few, and a held one is a 409 `duplicate_error`.
 */
export function everyCreate(client: PivotClient, token: string) {
  return createBodies.map((body) =>
    client.POST('/v2/payments', {
      body: { ...body, clientReferenceId: `ref${requestId().slice(0, 20)}` },
      params: { header: { 'X-REQUEST-ID': requestId() } },
      headers: { Authorization: `Bearer ${token}` },
    }),
  );
}

/** The README's "Calling Pivot" snippet, as written there (narrowing without optional chaining). */
export async function readmeSnippet(pivot: PivotClient, token: string): Promise<string> {
  const { data, error } = await pivot.POST('/v2/payments', {
    body: createBodies[0]!,
    params: { header: { 'X-REQUEST-ID': requestId() } },
    headers: { Authorization: `Bearer ${token}` },
  });
  if (data) return data.data.paymentUrl ?? '';
  return error.code;
}

/**
 * Every other operation's documented request as its `body` (compile-time: none may become `never`);
 * each call's answer narrows like the create's. The webhooks are Pivot's requests, not the client's.
 */
export function everyOtherRequest(client: PivotClient, token: string, id: string) {
  const headers = { Authorization: `Bearer ${token}` };
  const path = { id };
  return [
    client.POST('/v1/access-token', {
      body: fixtures.createAccessToken.request['client-credentials'],
      headers: { 'X-MERCHANT-ID': 'merchant', 'X-MERCHANT-SECRET': 'secret' },
    }),
    client.POST('/v2/payments/{id}/confirm', {
      params: { path },
      body: fixtures.confirmPaymentSession.request['redirect-guide-va'],
      headers,
    }),
    client.POST('/v2/payments/{id}/capture', {
      params: { path },
      body: fixtures.capturePaymentSession.request['partial-release-remaining'],
      headers,
    }),
    client.POST('/v2/payments/{id}/cancel', {
      params: { path },
      body: fixtures.cancelPaymentSession.request['requested-by-customer'],
      headers,
    }),
    client.POST('/v2/payments/simulations', { body: fixtures.simulatePayment.request.success, headers }),
  ];
}
