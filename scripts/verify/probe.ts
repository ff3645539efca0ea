/**
 * What `verify` learns about the server before it sends the suites, with requests that change nothing:
 *
 * - its clock: the sandbox's (`GET /_sandbox/clock`, which tests move), else the `Date` header of its
 *   answers (RFC 9110 §6.6.1: the origin's clock), so that documented dates are moved to the server's
 *   time, not this machine's (`dates.ts`);
 * - whether it has the sandbox's control routes (the hosted page, the clock), which some flow steps need;
 * - whether it keeps state (asked only when the run needs to know): `GET /v1/customers/{a fresh id}`
 *   is a 404 on a server that stores customers (Retrieve Customer: the customer of a payment session),
 *   while a server that answers documented examples (the mock) returns the documented customer.
 *   Against such a server the operations on a session are sent with the documented ids, and flows
 *   cannot run. Any other answer (a 401 …) tells nothing, and the documented ids are sent too.
 */
import { randomUUID } from 'node:crypto';
import { requestHeaders, type AuthContext } from './auth.ts';
import { outcomeProblem, type Outcome } from './exchange.ts';
import type { Runner } from './runner.ts';

type Json = Record<string, any>;

/** The documented `getCustomer` answer (Retrieve Customer › Response Body). */
const DOCUMENTED_CUSTOMER = 'with-stored-card';

export interface ServerFacts {
  /** Whether `GET /_sandbox/clock` answers: the hosted page and the clock can be driven. */
  control: boolean;
  /** Why there are no control routes, for the line that says so. */
  controlMissing?: string;
  /** The server's time minus this machine's, in ms. */
  clockOffsetMs: number;
  /**
   * `kept`: a customer no one created is not found; `none`: the server answered documented examples
   * (`stateless` says how); `unknown`: not asked, or the answer told nothing.
   */
  state: 'kept' | 'none' | 'unknown';
  stateless?: string;
}

/** The server's clock from an answer's `Date` header, as an offset from this machine's; 0 without one. */
function dateHeaderOffset(outcome: Outcome): number {
  const date = outcome.kind === 'answer' ? Date.parse(outcome.headers.get('date') ?? '') : NaN;
  return Number.isFinite(date) ? date - Date.now() : 0;
}

/** `GET /_sandbox/clock`: the sandbox's time, or why the server has no control routes. */
export async function probeControlRoutes(runner: Runner): Promise<{ now: number } | { missing: string; outcome: Outcome }> {
  const outcome = await runner.send({
    method: 'GET',
    path: '/_sandbox/clock',
    headers: new Headers({ accept: 'application/json' }),
  });
  if (outcome.kind !== 'answer') return { missing: outcomeProblem(outcome) ?? outcome.kind, outcome };
  const now = Date.parse(String((outcome.json?.value as Json | undefined)?.now));
  return outcome.status === 200 && Number.isFinite(now)
    ? { now }
    : { missing: `GET /_sandbox/clock → ${outcome.status}`, outcome };
}

/** The server's time now: the sandbox's clock when it has one (read again, a flow may have moved it), else ours plus the offset. */
export async function serverNow(runner: Runner, facts: ServerFacts): Promise<number> {
  if (facts.control) {
    const clock = await probeControlRoutes(runner);
    if ('now' in clock) return clock.now;
  }
  return Date.now() + facts.clockOffsetMs;
}

/** Whether a customer no one created is found (no state), not found (state), or neither. */
async function probeState(runner: Runner, auth: AuthContext): Promise<Pick<ServerFacts, 'state' | 'stateless'>> {
  const id = randomUUID();
  const outcome = await runner.send({
    method: 'GET',
    path: `/v1/customers/${id}`,
    // With the `Prefer` every example carries: a server that picks documented answers by it answers this one too.
    headers: requestHeaders('getCustomer', auth, { hasBody: false, requestId: false, prefer: `example=${DOCUMENTED_CUSTOMER}` }),
  });
  if (outcome.kind !== 'answer') return { state: 'unknown' };
  if (outcome.status === 404) return { state: 'kept' };
  if (outcome.status < 200 || outcome.status > 299) return { state: 'unknown' };
  return {
    state: 'none',
    stateless: `it returned a customer for an id no one created (GET /v1/customers/${id} → ${outcome.status})`,
  };
}

/** What verify needs to know about the server; `askState` when the run depends on whether it keeps state. */
export async function probeServer(runner: Runner, auth: AuthContext, askState: boolean): Promise<ServerFacts> {
  const clock = await probeControlRoutes(runner);
  const state = askState ? await probeState(runner, auth) : { state: 'unknown' as const };
  if ('now' in clock) return { control: true, clockOffsetMs: clock.now - Date.now(), ...state };
  return { control: false, controlMissing: clock.missing, clockOffsetMs: dateHeaderOffset(clock.outcome), ...state };
}
