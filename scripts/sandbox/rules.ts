/**
 * The sandbox's numbers and sources: every rule it applies, with the page of Pivot's docs it comes from
 * (`../shared/pivot-docs/`). Where the docs are silent or contradict themselves the decision is named
 * here and registered in `spec/errata/register.yaml` (`behaviour:`), rendered in generated/ERRATA.md.
 */

const DOCS = 'https://pivot-payment.gitbook.io/pivot-docs';

export const SOURCES = {
  accessToken: `${DOCS}/api-references/api-information/authentication`,
  idempotency: `${DOCS}/api-references/api-information/idempotency`,
  callback: `${DOCS}/api-references/api-information/callback`,
  paymentCallback: `${DOCS}/api-references/api-lists/payments/payment-callback`,
  notify: `${DOCS}/payments/after-the-payment/payment-notify`,
  states: `${DOCS}/payments/state-and-status`,
  sessionObject: `${DOCS}/api-references/api-lists/payments/object/payment-session-object`,
  create: `${DOCS}/api-references/api-lists/payments/payment-session/create-payment-session`,
  cancel: `${DOCS}/api-references/api-lists/payments/payment-session/cancel-payment-session`,
  capture: `${DOCS}/api-references/api-lists/payments/capture`,
  simulation: `${DOCS}/api-references/api-lists/payments/payment-simulation`,
  staticPayment: `${DOCS}/payments/accept-payment/build-static-payment`,
  customer: `${DOCS}/api-references/api-lists/core-resources/customers/customer-object`,
  response: `${DOCS}/api-references/api-information/response`,
} as const;

/** Authentication: "the access token that will expire in 900 seconds (15 minutes)". */
export const TOKEN_TTL_SECONDS = 900;

/** Idempotency › Requirements 4: "Expired in 24 hours". */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/** Create Payment Session › expiryAt: "The default expiration time is 15 mins." */
export const DEFAULT_SESSION_SECONDS = 15 * 60;

/**
 * Callback › Delivery Retries: retried "when your endpoint returns 5xx, 408, 429, or when internal service
 * errors occur" after 5 min, 15 min, 1 h, 3 h, 6 h and 12 h; "If all attempts fail, the callback will be
 * flagged for manual retry." Each delay counts from the previous attempt.
 */
export const RETRY_DELAYS_SECONDS = [5 * 60, 15 * 60, 60 * 60, 3 * 60 * 60, 6 * 60 * 60, 12 * 60 * 60];

/**
 * Callback › Delivery Retries: the answers that are retried (a timeout or a refused connection counts as a
 * service error). A redirect is not followed and counts as a failed attempt (decision `callback-redirects`).
 */
export function isRetriedStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429 || (status >= 300 && status < 400);
}

/** Callback attempts in flight at once to one receiver (sandbox decision: a small number, so one slow endpoint is not flooded). */
export const CALLBACK_CONCURRENCY = 4;

/** How long the sandbox waits for a merchant's callback endpoint before counting a timeout (sandbox decision). */
export const CALLBACK_TIMEOUT_MS = 10_000;

/** Cancel Payment Session hint: "Cancellation can be done if the Payment Session status is REQUIRE_CONFIRMATION or REQUIRE_PAYMENT_METHOD". */
export const CANCELLABLE = new Set(['REQUIRE_CONFIRMATION', 'REQUIRE_PAYMENT_METHOD']);

/** Sessions the clock can expire: waiting for the merchant or the customer (State and Status › Post-charge; decision `timeout-is-expired`). */
export const EXPIRABLE = new Set(['REQUIRE_PAYMENT_METHOD', 'REQUIRE_CONFIRMATION', 'REQUIRE_ACTION']);

/**
 * Redirect Object: the return URLs a browser is sent to. Only `http:` and `https:` (any case): a
 * `javascript:` or `data:` URL is a URL too, and would run in the page's place (decision `redirect-url-scheme`).
 */
export function isWebUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/**
 * Failure Code & Message › 409 `duplicate_error`: "There's already existing record with the provided
 * details … payload request which conflicted with existing resource"; Create Payment Session ›
 * clientReferenceId: "Unique Payment Reference". A session holds its reference while it is open or
 * PAID; an EXPIRED or CANCELLED one lets it go, so an order can be tried again
 * (decision `duplicate-client-reference`).
 */
export function holdsReference(session: Record<string, any>): boolean {
  return session.status !== 'EXPIRED' && session.status !== 'CANCELLED';
}

/** Final statuses: nothing moves a session out of them (State and Status). */
export const TERMINAL = new Set(['PAID', 'CANCELLED', 'EXPIRED']);

/** Pull payments (Cards & E-wallets) and push payments (QRIS & Virtual Account), State and Status › Charge. */
export function familyOf(type: string | undefined): 'pull' | 'push' | undefined {
  if (type === 'CARD' || type === 'EWALLET') return 'pull';
  if (type === 'QR' || type === 'VIRTUAL_ACCOUNT') return 'push';
  return undefined;
}

/** Payment Simulation: "Applicable only for QRIS, Virtual Account, and E-Wallet Payment Methods". */
export const SIMULATED_TYPES = new Set(['QR', 'VIRTUAL_ACCOUNT', 'EWALLET']);
