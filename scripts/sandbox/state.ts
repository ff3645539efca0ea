/**
 * The sandbox's state and the one way it changes: `commit` stores a moved session, keeps what its
 * charge saved and queues its callbacks; `tick` runs what sandbox time has made due. Shared by the
 * API backend, the control routes and the hosted page, so every path changes state the same way.
 */
import { callbackQueue, type CallbackQueue } from './callbacks.ts';
import { sandboxClock, type Clock } from './clock.ts';
import { boundedMap } from './bounded-map.ts';
import { customerBook, type CustomerBook } from './customers.ts';
import { faultSwitch, type FaultSwitch, type SandboxFaults } from './faults.ts';
import { idempotencyTable, type IdempotencyTable } from './idempotency.ts';
import { idSource, type IdSource } from './ids.ts';
import { customerPays, endUnpaid, isDue, isRefused, type Moment, type Moved, type SessionRecord } from './lifecycle.ts';
import { advanceRefunds, nextRefundAt } from './refunds.ts';
import { withTransition } from './timeline.ts';
import { memoryStore, type SessionStore } from './store.ts';
import { tokenTable, type TokenTable } from './tokens.ts';

export interface StateOptions {
  clock?: Clock;
  store?: SessionStore<SessionRecord>;
  /** Reproducible ids (session, charge, token, VA number …). */
  seed?: string;
  /** Sessions kept; the oldest is evicted first. */
  maxSessions: number;
  callbackUrl?: string;
  callbackApiKey: string;
  /** Posts callbacks (default: global fetch). */
  send?: typeof fetch;
  faults?: SandboxFaults;
}

export interface SandboxState {
  clock: Clock;
  ids: IdSource;
  store: SessionStore<SessionRecord>;
  callbacks: CallbackQueue;
  customers: CustomerBook;
  tokens: TokenTable;
  idempotency: IdempotencyTable;
  fault: FaultSwitch;
  /** The time, ids and base URL the state machine is given for one move. */
  moment(baseUrl: string): Moment;
  /** Stores the moved session, keeps what a successful charge saved, and queues its callbacks. */
  commit(moved: Moved, baseUrl: string): void;
  /** Runs what sandbox time has made due: session expiry, then callback attempts. */
  tick(): Promise<void>;
  /** Forgets every session, token, key, customer and delivery (the documented test data comes back). */
  reset(): void;
  /** Resolves when every callback attempt started so far has finished. */
  idle(): Promise<void>;
  /** The session that holds a clientReferenceId (the latest created with it), if any. */
  holderOf(clientReferenceId: string): SessionRecord | undefined;
}

export function sandboxState(options: StateOptions): SandboxState {
  const clock = options.clock ?? sandboxClock();
  const ids = idSource(options.seed);
  const store = options.store ?? memoryStore<SessionRecord>(options.maxSessions);
  const callbacks = callbackQueue(
    { url: options.callbackUrl, apiKey: options.callbackApiKey, maxDeliveries: Math.min(options.maxSessions * 4, 100_000) },
    clock,
    ids,
    options.send,
  );
  const customers = customerBook(ids, options.maxSessions);
  const tokens = tokenTable(clock, ids);
  const idempotency = idempotencyTable(options.maxSessions);
  /** Expiry index: sessions the clock can expire, so a tick reads no session that is not due. */
  const expiries = new Map<string, number>();
  /** Refund index: sessions with a refund the clock will move, and when. */
  const refundsDue = new Map<string, number>();
  /** Which session holds each clientReferenceId (the latest created with it), for 409 duplicate_error. */
  const references = boundedMap<string, string>(options.maxSessions);
  const pending = new Set<Promise<unknown>>();
  const fault = faultSwitch(options.faults);

  const moment = (baseUrl: string): Moment => ({ now: clock.now(), ids, baseUrl });

  function track(promise: Promise<unknown>): void {
    pending.add(promise);
    void promise.finally(() => pending.delete(promise));
  }

  function commit(moved: Moved, baseUrl: string): void {
    const { session } = moved.record;
    const events = [...moved.callbacks.map(({ event }) => event), ...(moved.refundCallbacks ?? []).map(({ event }) => event)];
    moved.record.timeline = withTransition(moved.record.timeline, session, {
      at: clock.now(),
      cause: moved.cause,
      via: moved.via,
      events,
    });
    const key = moved.record.internal.idempotencyKey;
    // The session changes: its key keeps the first answer.
    if (key !== undefined) idempotency.keepFirstAnswer(key, session.id, () => store.get(session.id));
    store.put(session.id, moved.record);
    if (typeof session.expiryAt === 'string' && session.paymentType !== 'MULTIPLE')
      expiries.set(session.id, Date.parse(session.expiryAt));
    else expiries.delete(session.id);
    const refundAt = nextRefundAt(moved.record.refunds);
    if (refundAt === null) refundsDue.delete(session.id);
    else refundsDue.set(session.id, refundAt);
    if (moved.record.timeline.length === 1) references.set(session.clientReferenceId, session.id);
    if (moved.saved) customers.save(moved.saved, session.amount);
    for (const { event, session: body } of moved.callbacks)
      if (!fault('dropCallback', (dropped) => dropped === event)) callbacks.enqueue(event, body);
    for (const { event, refund } of moved.refundCallbacks ?? []) callbacks.enqueue(event, refund);
    if (moved.followUp === 'complete') {
      const id = session.id;
      track(
        Promise.resolve().then(() => {
          const record = store.get(id);
          if (!record) return;
          const outcome = customerPays(record, moment(baseUrl));
          if (!isRefused(outcome)) commit({ ...outcome, via: 'merchant-initiated charge' }, baseUrl);
        }),
      );
    }
    track(callbacks.runDue());
  }

  async function tick(): Promise<void> {
    const now = clock.now();
    for (const [id, expiresMs] of [...expiries]) {
      if (expiresMs > now) continue;
      expiries.delete(id);
      const record = store.get(id);
      if (!record || !isDue(record, now)) continue;
      const outcome = endUnpaid(record, 'expired', { now, ids, baseUrl: '' });
      if (!isRefused(outcome)) commit({ ...outcome, via: 'sandbox clock' }, 'http://sandbox.invalid');
    }
    for (const [id, dueMs] of [...refundsDue]) {
      if (dueMs > now) continue;
      const record = store.get(id);
      if (!record?.refunds) {
        refundsDue.delete(id);
        continue;
      }
      const moved = advanceRefunds(record.refunds, now);
      commit(
        {
          record: { ...record, refunds: moved.refunds },
          callbacks: [],
          refundCallbacks: moved.callbacks,
          cause: moved.causes.join('; '),
          via: 'sandbox clock',
        },
        'http://sandbox.invalid',
      );
    }
    await callbacks.runDue();
  }

  function reset(): void {
    store.clear();
    tokens.clear();
    idempotency.clear();
    expiries.clear();
    refundsDue.clear();
    references.clear();
    callbacks.clear();
    customers.reset();
  }

  return {
    clock,
    ids,
    store,
    callbacks,
    customers,
    tokens,
    idempotency,
    fault,
    moment,
    commit,
    tick,
    reset,
    holderOf: (clientReferenceId) => {
      const id = references.get(clientReferenceId);
      return id === undefined ? undefined : store.get(id);
    },
    idle: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
