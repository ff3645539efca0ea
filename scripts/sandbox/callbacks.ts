/**
 * Callback deliveries: every status change posts the `paymentCallback` body to the merchant's callback
 * URL with `X-API-Key` (Payment Callback › Header Request). An answer of 5xx, 408 or 429, a timeout or a
 * connection error is retried after 5 min, 15 min, 1 h, 3 h, 6 h and 12 h of sandbox time, each counted
 * from the previous attempt; then the delivery is flagged for manual retry (Callback › Delivery Retries).
 * Any other answer ends the delivery: Payment Notify asks endpoints to "return only HTTP Response 200",
 * and Pivot documents no retry for 4xx (decision `callback-retry-schedule`).
 */
import type { Clock } from './clock.ts';
import type { IdSource } from './ids.ts';
import { CALLBACK_TIMEOUT_MS, RETRY_DELAYS_SECONDS, isRetriedStatus } from './rules.ts';
import type { CallbackEvent } from './lifecycle.ts';
import type { RefundEvent } from './refunds.ts';

type Json = Record<string, any>;

export interface Attempt {
  at: string;
  /** Seconds after the delivery was created, on the sandbox clock. */
  offsetSeconds: number;
  status: number | null;
  error: string | null;
}

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
  /** Finished deliveries kept for `GET /_sandbox/callbacks`; the oldest go first (bounded memory). */
  maxDeliveries: number;
}

interface Tracked {
  delivery: Delivery;
  createdMs: number;
  nextMs: number | null;
}

export interface CallbackQueue {
  /** `data` is the session of a payment event, the refund of a REFUND.* one. */
  enqueue(event: CallbackEvent | RefundEvent, data: Json): Delivery;
  /** Attempts every delivery whose time has come; resolves when they are done. */
  runDue(): Promise<void>;
  /** One manual attempt now (`POST /_sandbox/callbacks/{id}/resend`); undefined for an unknown id. */
  resend(id: string): Promise<Delivery | undefined>;
  list(): Delivery[];
  clear(): void;
}

export function callbackQueue(
  settings: CallbackSettings,
  clock: Clock,
  ids: IdSource,
  send: typeof fetch = fetch,
): CallbackQueue {
  const tracked = new Map<string, Tracked>(); // insertion order = creation order = delivery order
  let running: Promise<void> | undefined;
  let again = false;

  const iso = (ms: number) => new Date(ms).toISOString();

  async function attempt(item: Tracked, manual: boolean): Promise<void> {
    const { delivery } = item;
    if (!settings.url) return;
    const started = clock.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const answer = await send(settings.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': settings.apiKey },
        body: JSON.stringify(delivery.body),
        signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
      });
      status = answer.status;
      await answer.arrayBuffer().catch(() => undefined);
    } catch (failure) {
      const cause = (failure as Error & { cause?: Error }).cause;
      error =
        (failure as Error).name === 'TimeoutError'
          ? `timeout after ${CALLBACK_TIMEOUT_MS} ms`
          : (cause?.message ?? (failure as Error).message);
    }
    delivery.attempts.push({ at: iso(started), offsetSeconds: Math.round((started - item.createdMs) / 1000), status, error });
    const retried = status === null || isRetriedStatus(status);
    if (!retried) {
      delivery.state = status! >= 200 && status! < 300 ? 'delivered' : 'failed';
      item.nextMs = null;
    } else if (manual && delivery.state === 'manual_retry') {
      item.nextMs = null; // a failed manual retry leaves the delivery flagged
    } else {
      const retriesDone = delivery.attempts.length - 1;
      const delay = RETRY_DELAYS_SECONDS[retriesDone];
      if (delay === undefined) {
        delivery.state = 'manual_retry';
        item.nextMs = null;
      } else {
        delivery.state = 'retrying';
        item.nextMs = started + delay * 1000;
      }
    }
    delivery.nextAttemptAt = item.nextMs === null ? null : iso(item.nextMs);
  }

  function prune(): void {
    if (tracked.size <= settings.maxDeliveries) return;
    for (const [id, item] of tracked) {
      if (tracked.size <= settings.maxDeliveries) break;
      if (item.nextMs === null) tracked.delete(id);
    }
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      const now = clock.now();
      for (const item of [...tracked.values()]) {
        if (item.nextMs !== null && item.nextMs <= now) await attempt(item, false);
      }
    } while (again);
  }

  return {
    enqueue(event, data) {
      const now = clock.now();
      const refund = event.startsWith('REFUND.');
      const delivery: Delivery = {
        id: ids.uuid(),
        event,
        paymentSessionId: refund ? data.paymentSessionId : data.id,
        ...(refund ? { refundId: data.id } : {}),
        createdAt: iso(now),
        state: settings.url ? 'pending' : 'no_callback_url',
        attempts: [],
        nextAttemptAt: settings.url ? iso(now) : null,
        body: { event, data },
      };
      tracked.set(delivery.id, { delivery, createdMs: now, nextMs: settings.url ? now : null });
      prune();
      return delivery;
    },
    runDue() {
      if (running) {
        again = true;
        return running;
      }
      running = drain().finally(() => (running = undefined));
      return running;
    },
    async resend(id) {
      const item = tracked.get(id);
      if (!item) return undefined;
      await attempt(item, true);
      return item.delivery;
    },
    list: () => [...tracked.values()].map((item) => item.delivery),
    clear: () => tracked.clear(),
  };
}
