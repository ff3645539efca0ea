/**
 * The sandbox's state and the one way it changes. A session changes by compare-and-set on the store:
 * read it, compute the move (a pure function of `lifecycle.ts`), and commit the moved session together
 * with what the move causes (its callbacks, a saved card, the first answer of its idempotency key) in
 * one batch that expects the session as read; if anything wrote the session in between, read it again
 * and recompute. So no change is lost and none is applied to a stale copy, whatever the interleaving of
 * API calls, the hosted page and the clock, and every answer is sent after its batch is committed.
 * Shared by the API backend, the control routes and the hosted page.
 */
// One piece on purpose (about 420 lines): every kind of change (create, move, tick, reset) shares the
// compare-and-set loop and the batch it commits; split apart, each part would need the others' writes.
import { randomBytes } from 'node:crypto';
import { callbackRunner, deliveryWrite, type CallbackRunner } from './callbacks.ts';
import { sandboxClock, storedClock, type Clock, type StoredClock } from './clock.ts';
import { customerBook, type CustomerBook } from './customers.ts';
import { faultSwitch, type FaultSwitch, type SandboxFaults } from './faults.ts';
import { envelopeOf, keepFirstAnswer, lookupKey, rememberKey, type KeyLookup } from './idempotency.ts';
import { idSource, type IdSource } from './ids.ts';
import {
  createSession,
  customerPays,
  isRefused,
  type Moment,
  type Moved,
  type Outcome,
  type Refused,
  type SessionRecord,
} from './lifecycle.ts';
import { SESSION_BYTES, storeLimits } from './limits.ts';
import { withTransition } from './timeline.ts';
import { clockMove, dueOf } from './clock-moves.ts';
import { cardOfInput } from './card-encryption.ts';
import { memoryStore } from './store-memory.ts';
import { reserveSequence, TABLES, type Row, type SandboxStore, type StoreFactory, type Write } from './store.ts';
import { DEFAULT_SESSION_SECONDS, holdsReference } from './rules.ts';
import { tokenTable, type TokenTable } from './tokens.ts';

type Json = Record<string, any>;

export interface StateOptions {
  /** A clock of the caller's (tests, MSW); default: real time plus an offset kept in the store. */
  clock?: Clock;
  /** Where the state lives (default: this process's memory). */
  store?: StoreFactory;
  /** Reproducible ids (session, charge, token, VA number …). */
  seed?: string;
  /** Sessions kept; the oldest is evicted first. */
  maxSessions: number;
  /** The state budget in MiB (sessions, deliveries, keys, customers). */
  maxStateMb?: number;
  callbackUrl?: string;
  callbackApiKey: string;
  /** Posts callbacks (default: global fetch). */
  send?: typeof fetch;
  faults?: SandboxFaults;
}

/** A create's X-REQUEST-ID and payload hash; `replay` says whether a replay gets the first answer (a planted fault says no). */
export interface CreateKey {
  key: string;
  fingerprint: string;
  replay: () => boolean;
}

/** What a create with a key found, or the session it made. */
export type Created =
  /** `answer`: the create's answer, the session's envelope as text. */
  | { kind: 'created'; moved: Moved; answer: string }
  | { kind: 'replay'; text: string }
  | { kind: 'conflict' }
  /** `clientReferenceId` belongs to a session that holds it (decision `duplicate-client-reference`). */
  | { kind: 'duplicate'; holder: Json }
  | { kind: 'refused'; outcome: Refused }
  | { kind: 'too-large' };

export interface SandboxState {
  clock: Clock;
  ids: IdSource;
  store: SandboxStore;
  callbacks: CallbackRunner;
  customers: CustomerBook;
  tokens: TokenTable;
  fault: FaultSwitch;
  /** Resolves once the store is ready (test data seeded, the clock read); every route awaits it. */
  ready: Promise<void>;
  /** Before a request: the store's clock, when other instances may have moved it (`store.shared`). */
  beforeRequest(): Promise<void>;
  /** The URL the sandbox's own pages are reached at (`--public-url`, else where it listens). */
  publicUrl(): string;
  /** The sandbox's own secret (the page's CSRF tokens), made once per store; available once `ready`. */
  secret(): string;
  setPublicUrl(url: string): void;
  /** The time, ids and base URL the state machine is given for one move. */
  moment(): Moment;
  session(id: string): Promise<SessionRecord | undefined>;
  /**
   * Moves session `id` (undefined when there is no such session): the committed outcome, or the refusal.
   * When `skip` answers true for a move, it is returned and not committed (a planted `skipTransition` fault).
   */
  change(
    id: string,
    move: (record: SessionRecord) => Outcome | Promise<Outcome>,
    options?: { skip?: () => boolean; via?: string },
  ): Promise<Outcome | undefined>;
  /** The session that holds a clientReferenceId (the latest created with it), if any. */
  holderOf(clientReferenceId: string): Promise<SessionRecord | undefined>;
  /** Creates a session; with a key, the first answer of an earlier create with the same key and payload. */
  create(body: Json, rawBody: string, key: CreateKey | undefined): Promise<Created>;
  /** Runs what sandbox time has made due: session expiry, token and key purges, then callback attempts. */
  tick(): Promise<void>;
  /** Forgets every session, token, key, customer and delivery (the documented test data comes back). */
  reset(): Promise<void>;
  /** Resolves when every follow-up and callback attempt started so far has finished. */
  idle(): Promise<void>;
  /** Stops the callbacks (pending ones stay in the store) and closes the store. */
  close(): Promise<void>;
}

/** Compare-and-set retries before a change gives up (only reached under a pathological write storm). */
const MAX_RETRIES = 1_000;
/** Rows purged or expired per store read during a tick. */
const TICK_BATCH = 500;

const sessionRefusedTooLarge = (id: string): Refused => ({
  refused: 422,
  message: `The payment session ${id} would be larger than the sandbox keeps (${SESSION_BYTES} bytes of JSON per session)`,
});

/** A record's stored text, made around its session's text (which is also the answer's, so it is made once). */
function recordText(record: SessionRecord, sessionText: string): string {
  const { session: _session, ...rest } = record;
  return `{"session":${sessionText},${JSON.stringify(rest).slice(1)}`;
}

export function sandboxState(options: StateOptions): SandboxState {
  const store = (options.store ?? memoryStore)(storeLimits(options.maxSessions, options.maxStateMb));
  const persistedClock: StoredClock | undefined = options.clock ? undefined : storedClock(store);
  const clock: Clock = options.clock ?? persistedClock ?? sandboxClock();
  const ids = idSource(options.seed, (count) => reserveSequence(store, `ids:${options.seed}`, count));
  const callbacks = callbackRunner(store, { url: options.callbackUrl, apiKey: options.callbackApiKey }, clock, options.send);
  const customers = customerBook(store, ids);
  const tokens = tokenTable(store, clock, ids);
  const fault = faultSwitch(options.faults);
  const pending = new Set<Promise<unknown>>();
  let publicUrl = 'http://127.0.0.1';
  let secret = '';

  /** The store's secret, made at its first start (compare-and-set: one secret for every instance). */
  async function loadSecret(): Promise<string> {
    for (;;) {
      const row = await store.get<string>('settings', 'secret');
      if (row) return row.value;
      const made = randomBytes(32).toString('base64url');
      if ((await store.write([{ op: 'put', table: 'settings', key: 'secret', value: made, expect: 'absent' }])).ok) return made;
    }
  }

  async function start(): Promise<void> {
    await persistedClock?.sync();
    secret = await loadSecret();
    // The documented test data, once per store (a restart keeps what a reset or a charge made of it);
    // in one batch with the flag, so of instances starting together on one database only one seeds.
    const seeded = await store.get('settings', 'seeded');
    if (!seeded) await customers.seed([{ op: 'put', table: 'settings', key: 'seeded', value: true, expect: 'absent' }]);
    callbacks.wake();
  }
  const ready = start();
  ready.catch(() => undefined);

  const moment = (): Moment => ({ now: clock.now(), ids, baseUrl: publicUrl });

  function track(promise: Promise<unknown>): void {
    pending.add(promise);
    void promise.catch(() => undefined).finally(() => pending.delete(promise));
  }

  /** What committing a moved session writes besides the session: its callbacks and a saved card. */
  async function consequences(moved: Moved, now: number): Promise<Write[]> {
    const writes: Write[] = [];
    if (moved.saved) writes.push(...(await customers.save(moved.saved, moved.record.session.amount)));
    for (const { event, session } of moved.callbacks)
      if (!fault('dropCallback', (dropped) => dropped === event))
        writes.push(deliveryWrite(event, session, now, ids, options.callbackUrl));
    for (const { event, refund } of moved.refundCallbacks ?? [])
      writes.push(deliveryWrite(event, refund, now, ids, options.callbackUrl));
    return writes;
  }

  /** The write of a session, with its text made from the session's own (which is also the answer's). */
  const sessionWrite = (
    record: SessionRecord,
    expect: number | 'absent',
    sessionText = JSON.stringify(record.session),
  ): Write => ({
    op: 'put',
    table: 'sessions',
    key: record.session.id,
    value: record,
    text: recordText(record, sessionText),
    dueMs: dueOf(record),
    expect,
  });

  /** The moved record with its move on its timeline (`timeline.ts`): when, what, by whom, which callbacks. */
  function withTimeline(moved: Moved, via: string | undefined): void {
    const events = [...moved.callbacks.map(({ event }) => event), ...(moved.refundCallbacks ?? []).map(({ event }) => event)];
    moved.record.timeline = withTransition(moved.record.timeline, moved.record.session, {
      at: clock.now(),
      cause: moved.cause,
      via: via ?? moved.via,
      events,
    });
  }

  /** After a commit: wake the callbacks, and run the follow-up a move asked for. */
  function committed(moved: Moved): void {
    callbacks.wake();
    if (moved.followUp === 'complete') {
      const id = moved.record.session.id;
      track(
        Promise.resolve().then(() =>
          change(id, (record) => customerPays(record, moment()), { via: 'merchant-initiated charge' }),
        ),
      );
    }
  }

  async function change(
    id: string,
    move: (record: SessionRecord) => Outcome | Promise<Outcome>,
    { skip, via }: { skip?: () => boolean; via?: string } = {},
  ): Promise<Outcome | undefined> {
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      await ids.prepare();
      const row = await store.get<SessionRecord>('sessions', id);
      if (!row) return undefined;
      const outcome = await move(row.value);
      if (isRefused(outcome) || skip?.()) return outcome;
      const writes: Write[] = [];
      const key = row.value.internal.idempotencyKey;
      if (key !== undefined && !row.value.internal.firstAnswerKept) {
        // The session changes for the first time: its key keeps the first answer.
        const kept = await keepFirstAnswer(store, key, row.value);
        if (kept) writes.push(kept);
        outcome.record.internal.firstAnswerKept = true;
      }
      withTimeline(outcome, via);
      writes.push(sessionWrite(outcome.record, row.version), ...(await consequences(outcome, clock.now())));
      const result = await store.write(writes);
      if (result.ok) {
        committed(outcome);
        return outcome;
      }
      if (result.reason === 'too-large') return sessionRefusedTooLarge(id);
    }
    throw new Error(`the payment session ${id} kept changing under ${MAX_RETRIES} attempts to move it`);
  }

  /**
   * The session that last took a clientReferenceId, and the version of the reference's row: a create
   * writes the row expecting that version (or its absence), so of two creates racing for one reference
   * (on one instance or several) one commits and the other reads the holder again.
   */
  async function referenceOf(clientReferenceId: string): Promise<{ record?: SessionRecord; expect: number | 'absent' }> {
    const row = await store.get<string>('references', clientReferenceId);
    if (!row) return { expect: 'absent' };
    return { record: (await store.get<SessionRecord>('sessions', row.value))?.value, expect: row.version };
  }

  const holderOf = async (clientReferenceId: string) => (await referenceOf(clientReferenceId)).record;

  async function create(body: Json, rawBody: string, key: CreateKey | undefined): Promise<Created> {
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      await ids.prepare();
      const now = clock.now();
      // A retry starts from the request as received: the first attempt handed its body to the session.
      const request = attempt === 0 ? body : (JSON.parse(rawBody) as Json);
      let found: KeyLookup = { kind: 'new', expect: 'absent' };
      let plantedReplay = false;
      if (key) {
        found = await lookupKey(store, key.key, key.fingerprint, now);
        if (found.kind === 'conflict') return { kind: 'conflict' };
        if (found.kind === 'replay') {
          if (key.replay()) return { kind: 'replay', text: found.text };
          plantedReplay = true; // a planted fault answers the replay as a new create
        }
      }
      const reference = await referenceOf(request.clientReferenceId);
      const holder = plantedReplay ? undefined : reference.record;
      if (holder && holdsReference(holder.session)) {
        // Made by this very key after the key was read (another instance, or a create racing with this
        // one): the next attempt reads the key again (committed with the reference) and answers the replay.
        if (attempt === 0 && key && found.kind === 'new' && holder.internal.idempotencyKey === key.key) continue;
        return { kind: 'duplicate', holder: holder.session };
      }
      const resolved = await customers.resolve(request);
      if ('refused' in resolved) return { kind: 'refused', outcome: resolved };
      const card = cardOfInput(request.paymentMethod?.card);
      const outcome = createSession(
        request,
        moment(),
        { ...resolved.resolved, ...(card ? { card } : {}) },
        DEFAULT_SESSION_SECONDS,
      );
      if (isRefused(outcome)) return { kind: 'refused', outcome };
      const writes: Write[] = [...resolved.writes];
      if (key) {
        outcome.record.internal.idempotencyKey = key.key;
        writes.push(
          rememberKey(
            key.key,
            key.fingerprint,
            outcome.record.session.id,
            now,
            found.kind === 'new' ? found.expect : found.version,
          ),
        );
      }
      withTimeline(outcome, 'API createPaymentSession');
      const sessionText = JSON.stringify(outcome.record.session);
      writes.push(
        sessionWrite(outcome.record, 'absent', sessionText),
        {
          op: 'put',
          table: 'references',
          key: request.clientReferenceId,
          value: outcome.record.session.id,
          expect: reference.expect,
        },
        ...(await consequences(outcome, now)),
      );
      const result = await store.write(writes);
      if (result.ok) {
        committed(outcome);
        return { kind: 'created', moved: outcome, answer: envelopeOf(sessionText) };
      }
      if (result.reason === 'too-large') return { kind: 'too-large' };
    }
    throw new Error(`a create kept conflicting under ${MAX_RETRIES} attempts`);
  }

  /** Evicts the due rows of a table whose rows end at their due time (tokens, idempotency keys). */
  async function purge(table: 'tokens' | 'idempotencyKeys', now: number): Promise<void> {
    for (;;) {
      const due = await store.due(table, now, TICK_BATCH);
      if (due.length === 0) return;
      await store.write(due.map((row) => ({ op: 'evict', table, key: row.key, expect: row.version }) as Write));
      if (due.length < TICK_BATCH) return;
    }
  }

  async function expireDue(now: number): Promise<void> {
    for (;;) {
      const due: Array<Row<SessionRecord>> = await store.due('sessions', now, TICK_BATCH);
      let expired = 0;
      for (const row of due) {
        const outcome = await change(row.key, (record) => clockMove(record, now, moment()), { via: 'sandbox clock' });
        if (outcome && !isRefused(outcome)) expired += 1;
      }
      if (due.length < TICK_BATCH || expired === 0) return;
    }
  }

  let ticking: Promise<void> = Promise.resolve();
  function tick(): Promise<void> {
    ticking = ticking
      .catch(() => undefined)
      .then(async () => {
        await ready;
        await persistedClock?.sync();
        const now = clock.now();
        await expireDue(now);
        await purge('tokens', now);
        await purge('idempotencyKeys', now);
        callbacks.wake();
      });
    return ticking;
  }

  async function reset(): Promise<void> {
    await ready;
    // The clock, the id sequence and the secret stay: a reset forgets data, not time or ids handed out.
    await store.clear(TABLES.filter((table) => table !== 'settings'));
    await customers.seed();
  }

  return {
    clock,
    ids,
    store,
    callbacks,
    customers,
    tokens,
    fault,
    ready,
    beforeRequest: async () => {
      await ready;
      if (store.shared) await persistedClock?.sync();
    },
    publicUrl: () => publicUrl,
    secret: () => secret,
    setPublicUrl: (url) => {
      publicUrl = url.replace(/\/+$/, '');
    },
    moment,
    session: async (id) => (await store.get<SessionRecord>('sessions', id))?.value,
    holderOf,
    change,
    create,
    tick,
    reset,
    idle: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
      await callbacks.idle();
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    async close() {
      await Promise.allSettled([...pending]);
      await callbacks.close();
      await ticking.catch(() => undefined);
      await store.close();
    },
  };
}
