/**
 * Callback deliveries: every status change posts the `paymentCallback` body to the merchant's callback
 * URL with `X-API-Key` (Payment Callback › Header Request). An answer of 5xx, 408 or 429, a redirect, a
 * timeout or a connection error is retried 5 min, 15 min, 1 h, 3 h, 6 h and 12 h later on the sandbox
 * clock, each delay counted from when the previous attempt was due; then the delivery is flagged for
 * manual retry (Callback › Delivery Retries; decision `callback-retry-schedule`). Any other answer ends
 * the delivery: Payment Notify asks endpoints to "return only HTTP Response 200", and Pivot documents no
 * retry for 4xx. A redirect is never followed (decision `callback-redirects`): the merchant's endpoint
 * is the URL it registered, and following a 307 would post the body and the `X-API-Key` elsewhere.
 *
 * Deliveries are rows of the store, written in the batch of the change that caused them and due at once.
 * The runner claims due rows (a lease, so several instances never post one attempt twice), posts at most
 * `CALLBACK_CONCURRENCY` at a time per receiver and one at a time per session (in order), and writes each
 * result back. Nothing waits for it: not the API, not the control routes. Closing aborts the attempts in
 * flight and leaves their deliveries due in the store, for the next start to post.
 */
import type { Clock } from './clock.ts';
import type { IdSource } from './ids.ts';
import type { CallbackEvent } from './lifecycle.ts';
import { CALLBACK_CONCURRENCY, CALLBACK_TIMEOUT_MS, RETRY_DELAYS_SECONDS, isRetriedStatus } from './rules.ts';
import type { RefundEvent } from './refunds.ts';
import type { Row, SandboxStore, Write } from './store.ts';

type Json = Record<string, any>;

export interface Attempt {
  /** When the attempt was made (sandbox time). */
  at: string;
  /** When it was due, in seconds after the delivery was created (0, 300, 1200 … for automatic attempts). */
  offsetSeconds: number;
  status: number | null;
  error: string | null;
  /** The start of the endpoint's answer (its first `ANSWER_CHARS` characters), for the dashboard. */
  answer?: string | null;
  /** A `POST /_sandbox/callbacks/{id}/resend`, outside the schedule. */
  manual: boolean;
}

/** How much of an endpoint's answer a delivery keeps. */
const ANSWER_CHARS = 500;

export type DeliveryState = 'pending' | 'delivered' | 'retrying' | 'manual_retry' | 'failed' | 'no_callback_url';

export interface Delivery {
  id: string;
  /** A payment event, or a refund's (Refund Callback: same URL, same X-API-Key). */
  event: CallbackEvent | RefundEvent;
  paymentSessionId: string;
  /** The refund a REFUND.* delivery carries. */
  refundId?: string;
  createdAt: string;
  state: DeliveryState;
  attempts: Attempt[];
  /** When the next automatic attempt is due (sandbox time), or null. */
  nextAttemptAt: string | null;
  /** The exact body posted. */
  body: Json;
}

export interface CallbackSettings {
  url?: string;
  apiKey: string;
}

export interface CallbackRunner {
  /** Starts posting what is due, if it is not already; returns at once. */
  wake(): void;
  /** One manual attempt now (`POST /_sandbox/callbacks/{id}/resend`); undefined for an unknown id. */
  resend(id: string): Promise<Delivery | undefined>;
  /** Resolves when no attempt is in flight and nothing is due. */
  idle(): Promise<void>;
  /** Aborts the attempts in flight, leaving their deliveries due in the store. */
  close(): Promise<void>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A lease outlives an attempt (its timeout) by this much; a process killed mid-attempt frees it after,
 * and the attempt is made again by whichever instance claims it next (decision `callback-lost-attempt`).
 */
const LEASE_MARGIN_MS = 5_000;

/**
 * The write that records a new delivery of `event`, due now when there is a callback URL. `data` is the
 * session of a payment event, the refund of a REFUND.* one.
 */
export function deliveryWrite(
  event: CallbackEvent | RefundEvent,
  data: Json,
  now: number,
  ids: IdSource,
  url: string | undefined,
): Write {
  const refund = event.startsWith('REFUND.');
  const delivery: Delivery = {
    id: ids.uuid(),
    event,
    paymentSessionId: refund ? data.paymentSessionId : data.id,
    ...(refund ? { refundId: data.id } : {}),
    createdAt: iso(now),
    state: url ? 'pending' : 'no_callback_url',
    attempts: [],
    nextAttemptAt: url ? iso(now) : null,
    body: { event, data },
  };
  return { op: 'put', table: 'deliveries', key: delivery.id, value: delivery, dueMs: url ? now : null };
}

/** What an answer (or its absence) was: the status, or why there is none. */
interface Answered {
  status: number | null;
  error: string | null;
  answer?: string | null;
}

/**
 * A delivery after one more attempt, and when the next one is due. `dueMs` is when this attempt was
 * due (null for a manual attempt on a delivery with no schedule left).
 */
export function recordAttempt(
  delivery: Delivery,
  dueMs: number | null,
  answered: Answered,
  at: number,
  manual: boolean,
): { delivery: Delivery; dueMs: number | null } {
  const createdMs = Date.parse(delivery.createdAt);
  const attempt: Attempt = {
    at: iso(at),
    offsetSeconds: Math.round(((manual || dueMs === null ? at : dueMs) - createdMs) / 1000),
    status: answered.status,
    error: answered.error,
    answer: answered.answer ?? null,
    manual,
  };
  const next: Delivery = { ...delivery, attempts: [...delivery.attempts, attempt] };
  const retried = answered.status === null || isRetriedStatus(answered.status);
  let nextDue: number | null;
  if (!retried) {
    next.state = answered.status! >= 200 && answered.status! < 300 ? 'delivered' : 'failed';
    nextDue = null;
  } else if (manual) {
    // A failed manual attempt leaves the schedule as it was.
    nextDue = delivery.state === 'pending' || delivery.state === 'retrying' ? dueMs : null;
    next.state = nextDue === null ? 'manual_retry' : 'retrying';
  } else {
    const delay = RETRY_DELAYS_SECONDS[next.attempts.filter((made) => !made.manual).length - 1];
    nextDue = delay === undefined || dueMs === null ? null : dueMs + delay * 1000;
    next.state = nextDue === null ? 'manual_retry' : 'retrying';
  }
  next.nextAttemptAt = nextDue === null ? null : iso(nextDue);
  return { delivery: next, dueMs: nextDue };
}

/** The first `ANSWER_CHARS` characters of an answer's body; the rest is not read. */
async function answerStart(answer: Response): Promise<string | null> {
  const reader = answer.body?.getReader();
  if (!reader) return null;
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < ANSWER_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // An answer cut off mid-body keeps what arrived.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.slice(0, ANSWER_CHARS);
}

/** Posts one delivery's body; a redirect is an answer like any other (never followed). */
async function post(send: typeof fetch, settings: CallbackSettings, delivery: Delivery, signal: AbortSignal): Promise<Answered> {
  try {
    const answer = await send(settings.url!, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': settings.apiKey },
      body: JSON.stringify(delivery.body),
      signal: AbortSignal.any([signal, AbortSignal.timeout(CALLBACK_TIMEOUT_MS)]),
    });
    const text = await answerStart(answer);
    if (answer.status >= 300 && answer.status < 400)
      return {
        status: answer.status,
        error: `redirect to ${answer.headers.get('location') ?? '(no Location)'} not followed`,
        answer: text,
      };
    return { status: answer.status, error: null, answer: text };
  } catch (failure) {
    if (signal.aborted) throw failure;
    const cause = (failure as Error & { cause?: Error }).cause;
    return {
      status: null,
      error:
        (failure as Error).name === 'TimeoutError'
          ? `timeout after ${CALLBACK_TIMEOUT_MS} ms`
          : (cause?.message ?? (failure as Error).message),
    };
  }
}

export function callbackRunner(
  store: SandboxStore,
  settings: CallbackSettings,
  clock: Clock,
  send: typeof fetch = fetch,
): CallbackRunner {
  const closing = new AbortController();
  /** Attempts claimed and not yet written back, by delivery id. */
  const inFlight = new Map<string, Promise<void>>();
  /** The last attempt of each session, so a session's deliveries go out one after another, in order. */
  const perSession = new Map<string, Promise<void>>();
  let loop: Promise<void> | undefined;
  let nudge: () => void = () => undefined;

  /** Writes an attempt's result; when the row moved meanwhile (a resend, a reset), applies it to the row as it is now. */
  async function writeBack(row: Row<Delivery>, answered: Answered, at: number, manual: boolean): Promise<Delivery | undefined> {
    let current: Row<Delivery> | undefined = row;
    while (current) {
      const { delivery, dueMs } = recordAttempt(current.value, current.dueMs, answered, at, manual);
      const result = await store.write([
        { op: 'put', table: 'deliveries', key: delivery.id, value: delivery, dueMs, expect: current.version },
      ]);
      if (result.ok) return delivery;
      current = await store.get<Delivery>('deliveries', row.key);
    }
    return undefined;
  }

  async function attemptClaimed(row: Row<Delivery>): Promise<void> {
    try {
      const answered = await post(send, settings, row.value, closing.signal);
      await writeBack(row, answered, clock.now(), false);
    } catch (error) {
      if (!closing.signal.aborted) throw error;
      // Closing: give the row back (a put ends the lease) with nothing recorded; it stays due.
      await store
        .write([{ op: 'put', table: 'deliveries', key: row.key, value: row.value, dueMs: row.dueMs, expect: row.version }])
        .catch(() => undefined);
    }
  }

  function start(row: Row<Delivery>): void {
    const session = row.value.paymentSessionId;
    const previous = perSession.get(session) ?? Promise.resolve();
    const attempt = previous.then(() => attemptClaimed(row)).catch(() => undefined);
    perSession.set(session, attempt);
    inFlight.set(row.key, attempt);
    void attempt.finally(() => {
      inFlight.delete(row.key);
      if (perSession.get(session) === attempt) perSession.delete(session);
      nudge();
    });
  }

  async function run(): Promise<void> {
    while (!closing.signal.aborted && settings.url) {
      const nudged = new Promise<void>((done) => (nudge = done));
      const free = CALLBACK_CONCURRENCY - inFlight.size;
      const claimed =
        free <= 0
          ? []
          : await store.claim<Delivery>('deliveries', {
              dueBy: clock.now(),
              limit: free,
              realNow: Date.now(),
              leaseUntil: Date.now() + CALLBACK_TIMEOUT_MS + LEASE_MARGIN_MS,
            });
      for (const row of claimed) start(row);
      if (claimed.length > 0) continue;
      if (inFlight.size === 0) return;
      await nudged; // an attempt finished, or something new is due
    }
  }

  function wake(): void {
    nudge();
    if (loop || closing.signal.aborted || !settings.url) return; // without a URL nothing is posted
    loop = run()
      .catch(() => undefined)
      .finally(() => (loop = undefined));
  }

  return {
    wake,
    async resend(id) {
      const row = await store.get<Delivery>('deliveries', id);
      if (!row) return undefined;
      if (!settings.url) return row.value;
      const answered = await post(send, settings, row.value, closing.signal);
      return writeBack(row, answered, clock.now(), true);
    },
    async idle() {
      while (loop || inFlight.size > 0) await Promise.allSettled([loop, ...inFlight.values()]);
    },
    async close() {
      closing.abort();
      nudge();
      await Promise.allSettled([loop, ...inFlight.values()]);
    },
  };
}
