/**
 * The dates of a documented request, moved to the server's clock. A documented `expiryAt`
 * (2025-12-30T23:59:00Z) is long past on any later day, and a server must refuse it (Create Payment
 * Session › expiryAt is when the session expires); so every request time of a body moves by one offset,
 * which keeps their distances from each other, to land its earliest time `lead` after the server's now.
 *
 * The lead is the documented one where the docs give it: the time between the paired response's
 * `createdAt` (when Pivot made the documented session) and the request's earliest time. Otherwise an
 * hour, well inside any lifetime a real server would accept and past the default 15 minutes
 * (Create Payment Session › expiryAt: "The default expiration time is 15 mins").
 * https://pivot-payment.gitbook.io/pivot-docs/api-references/api-lists/payments/payment-session/create-payment-session
 */
import { REQUEST_TIME, requestTime } from '../../generators/spec/request-time.ts';

type Json = Record<string, any>;

/** How far ahead a moved request's earliest time lands when the docs give no lead. */
export const DEFAULT_LEAD_MS = 60 * 60 * 1000;

/** The merchant's own data: a time in it is whatever the merchant means, not the contract's. */
const NOT_CONTRACT_TIMES = new Set(['metadata']);

function isRequestTime(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_TIME.test(value) && Number.isFinite(Date.parse(value));
}

/** Every request time in a body (contract fields only), in ms. */
export function requestTimes(body: unknown): number[] {
  if (isRequestTime(body)) return [Date.parse(body)];
  if (body === null || typeof body !== 'object') return [];
  return Object.entries(body).flatMap(([key, value]) => (NOT_CONTRACT_TIMES.has(key) ? [] : requestTimes(value)));
}

/** A copy of `body` with every request time shifted by `offsetMs`. */
function shifted(body: unknown, offsetMs: number): unknown {
  if (isRequestTime(body)) return requestTime(Date.parse(body) + offsetMs);
  if (Array.isArray(body)) return body.map((item) => shifted(item, offsetMs));
  if (body === null || typeof body !== 'object') return body;
  return Object.fromEntries(
    Object.entries(body).map(([key, value]) => [key, NOT_CONTRACT_TIMES.has(key) ? value : shifted(value, offsetMs)]),
  );
}

/**
 * The documented lead of a request: its earliest time after the paired response's `data.createdAt`,
 * or undefined when the pair does not show one (no response, no time, or a time before the creation).
 */
export function documentedLead(body: unknown, paired: Json | undefined): number | undefined {
  const created = Date.parse(String(paired?.data?.createdAt));
  const times = requestTimes(body);
  if (!Number.isFinite(created) || times.length === 0) return undefined;
  const lead = Math.min(...times) - created;
  return lead > 0 ? lead : undefined;
}

/** `body` with its request times moved so that the earliest is `leadMs` after `nowMs`; bodies without one unchanged. */
export function movedDates<T>(body: T, nowMs: number, leadMs: number = DEFAULT_LEAD_MS): T {
  const times = requestTimes(body);
  if (times.length === 0) return body;
  return shifted(body, nowMs + leadMs - Math.min(...times)) as T;
}
