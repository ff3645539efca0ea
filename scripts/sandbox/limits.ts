/**
 * What the sandbox keeps, bounded in bytes as well as in count (README "Sandbox › Limits"): one session
 * is at most `SESSION_BYTES` of JSON, each table has a share of the state budget (`--max-state-mb`), and
 * beyond a table's rows or bytes its oldest rows are evicted (a session, a delivery whatever its state,
 * a key). Requests to the control routes and the page are small; larger bodies are refused with a 413.
 */
import type { StoreLimits } from './store.ts';

/** Largest stored session (its JSON, charges and metadata included): larger is a 413 at create, a 422 later. */
export const SESSION_BYTES = 256 * 1024;

/** Largest request body of a `/_sandbox` control route or of the hosted page's form. */
export const CONTROL_BODY_BYTES = 16 * 1024;

/** Default state budget, in MiB (`--max-state-mb`). */
export const DEFAULT_STATE_MB = 512;

/** Deliveries kept for each session kept (several events per session), and at most. */
const DELIVERIES_PER_SESSION = 4;
const MAX_DELIVERIES = 100_000;
const MAX_TOKENS = 10_000;

/** Each table's share of the state budget. */
const SHARES = { sessions: 0.5, deliveries: 0.25, idempotencyKeys: 0.15, customers: 0.1 } as const;

export function storeLimits(maxSessions: number, stateMb: number = DEFAULT_STATE_MB): StoreLimits {
  const budget = stateMb * 1024 * 1024;
  const share = (table: keyof typeof SHARES) => Math.floor(budget * SHARES[table]);
  return {
    sessions: { rows: maxSessions, bytes: share('sessions'), rowBytes: SESSION_BYTES },
    deliveries: { rows: Math.min(maxSessions * DELIVERIES_PER_SESSION, MAX_DELIVERIES), bytes: share('deliveries') },
    idempotencyKeys: { rows: maxSessions, bytes: share('idempotencyKeys') },
    customers: { rows: maxSessions, bytes: share('customers') },
    customerEmails: { rows: maxSessions },
    storedMethods: { rows: maxSessions },
    recurring: { rows: maxSessions },
    references: { rows: maxSessions },
    tokens: { rows: MAX_TOKENS },
  };
}
