/**
 * Authentication as Pivot documents it: `POST /v1/access-token` with the merchant's `X-MERCHANT-ID` /
 * `X-MERCHANT-SECRET` headers issues a token (900 s) that every other call sends as
 * `Authorization: Bearer <accessToken>`.
 * Source: https://pivot-payment.gitbook.io/pivot-docs/api-references/api-information/authentication
 * (Access Token: Request Header, Response Body).
 */
import { requestId as freshRequestId } from './keys.ts';

/** The operation that issues tokens; it is authenticated by the merchant headers instead of a token. */
export const ACCESS_TOKEN_OPERATION = 'createAccessToken';
export const MERCHANT_ID_HEADER = 'X-MERCHANT-ID';
export const MERCHANT_SECRET_HEADER = 'X-MERCHANT-SECRET';

export interface Credentials {
  merchantId: string;
  merchantSecret: string;
}

/** What authenticates each request of a run. */
export interface AuthContext {
  /** The `--header`s, sent with every request (an `Authorization` among them replaces the token step). */
  extra: Array<[string, string]>;
  merchant: Credentials | undefined;
  /** The token the access-token step issued. */
  token: string | undefined;
}

/**
 * The merchant credentials from `--merchant-id` / `--merchant-secret`, else from `PIVOT_MERCHANT_ID` /
 * `PIVOT_MERCHANT_SECRET`; a string when only one half is given (a usage error).
 */
export function resolveCredentials(
  flags: { 'merchant-id'?: string; 'merchant-secret'?: string },
  env: Record<string, string | undefined>,
): Credentials | undefined | string {
  const merchantId = flags['merchant-id'] ?? env.PIVOT_MERCHANT_ID;
  const merchantSecret = flags['merchant-secret'] ?? env.PIVOT_MERCHANT_SECRET;
  if (!merchantId && !merchantSecret) return undefined;
  if (!merchantId || !merchantSecret)
    return 'give both --merchant-id and --merchant-secret (or PIVOT_MERCHANT_ID and PIVOT_MERCHANT_SECRET), not one';
  return { merchantId, merchantSecret };
}

export function hasAuthorizationHeader(extra: Array<[string, string]>): boolean {
  return extra.some(([name]) => name.toLowerCase() === 'authorization');
}

/** Whether the run starts by getting a token: credentials are known and no `Authorization` was given. */
export function needsTokenStep(auth: AuthContext): boolean {
  return auth.merchant !== undefined && !hasAuthorizationHeader(auth.extra);
}

export interface HeaderOptions {
  hasBody: boolean;
  /** Send a fresh `X-REQUEST-ID` (operations that take one). */
  requestId: boolean;
  prefer?: string;
  /** Leave every credential out (the "no auth" negative cases). */
  anonymous?: boolean;
}

/**
 * The headers of one request: JSON, a fresh idempotency key where the operation takes one, the
 * `--header`s, then the credentials the operation needs: the merchant headers for the access-token
 * call, the issued bearer token for every other call.
 */
export function requestHeaders(operationId: string, auth: AuthContext, options: HeaderOptions): Headers {
  const headers = new Headers({ accept: 'application/json' });
  if (options.hasBody) headers.set('content-type', 'application/json');
  if (options.requestId) headers.set('x-request-id', freshRequestId());
  for (const [name, value] of auth.extra) headers.set(name, value);
  if (operationId === ACCESS_TOKEN_OPERATION && auth.merchant) {
    headers.set(MERCHANT_ID_HEADER, auth.merchant.merchantId);
    headers.set(MERCHANT_SECRET_HEADER, auth.merchant.merchantSecret);
  } else if (operationId !== ACCESS_TOKEN_OPERATION && auth.token !== undefined && !hasAuthorizationHeader(auth.extra)) {
    headers.set('authorization', `Bearer ${auth.token}`);
  }
  if (options.prefer) headers.set('prefer', options.prefer);
  if (options.anonymous) for (const name of ['authorization', MERCHANT_ID_HEADER, MERCHANT_SECRET_HEADER]) headers.delete(name);
  return headers;
}

/** The token of an access-token answer (`data.accessToken`), when it has one. */
export function issuedToken(body: unknown): string | undefined {
  const token = (body as { data?: { accessToken?: unknown } } | null)?.data?.accessToken;
  return typeof token === 'string' && token !== '' ? token : undefined;
}
