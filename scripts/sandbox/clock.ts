/**
 * The sandbox's clock: real time plus an offset that `POST /_sandbox/clock` moves forward, so token
 * lifetimes, idempotency keys, session expiry and callback retries are testable without waiting. The
 * state machine never reads `Date.now()`; it is given this clock. The offset is kept in the store, so
 * sandbox time survives a restart and is one time for every instance sharing a database.
 */
import type { SandboxStore } from './store.ts';

export interface Clock {
  /** Sandbox time, in milliseconds since the epoch. */
  now(): number;
  /** Moves sandbox time forward (never back: time only runs one way for the state machine). */
  advance(seconds: number): void | Promise<void>;
}

/** A clock whose offset lives in the store. */
export interface StoredClock extends Clock {
  advance(seconds: number): Promise<void>;
  /** Reads the offset the store holds (another instance may have moved it). */
  sync(): Promise<void>;
}

/**
 * The largest single advance (ten years of 366 days), and the latest sandbox time: the contract's
 * timestamps are RFC 3339 `date-time`, whose year has four digits (decision `clock-bounds`).
 */
export const MAX_ADVANCE_SECONDS = 10 * 366 * 24 * 60 * 60;
export const LATEST_SANDBOX_MS = Date.parse('9999-12-31T23:59:59Z');

/** Why an advance is refused at sandbox time `now`, or undefined when it is allowed. */
export function advanceProblem(seconds: unknown, now: number): string | undefined {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return 'advanceSeconds must be a number ≥ 0';
  if (seconds > MAX_ADVANCE_SECONDS) return `advanceSeconds must be at most ${MAX_ADVANCE_SECONDS} (ten years) per call`;
  if (now + seconds * 1000 > LATEST_SANDBOX_MS)
    return `advanceSeconds would move sandbox time past 9999-12-31T23:59:59Z (it is ${new Date(now).toISOString()})`;
  return undefined;
}

export function sandboxClock(realNow: () => number = Date.now): Clock {
  let offsetMs = 0;
  return {
    now: () => realNow() + offsetMs,
    advance: (seconds) => {
      const problem = advanceProblem(seconds, realNow() + offsetMs);
      if (problem) throw new RangeError(problem);
      offsetMs += seconds * 1000;
    },
  };
}

/** The sandbox clock with its offset in the store's `settings` (compare-and-set, so no advance is lost). */
export function storedClock(store: SandboxStore, realNow: () => number = Date.now): StoredClock {
  let offsetMs = 0;
  const read = async () => {
    const row = await store.get<{ offsetMs: number }>('settings', 'clock');
    offsetMs = row?.value.offsetMs ?? 0;
    return row;
  };
  return {
    now: () => realNow() + offsetMs,
    async advance(seconds) {
      for (;;) {
        const row = await read();
        const problem = advanceProblem(seconds, realNow() + offsetMs);
        if (problem) throw new RangeError(problem);
        const next = offsetMs + seconds * 1000;
        const result = await store.write([
          { op: 'put', table: 'settings', key: 'clock', value: { offsetMs: next }, expect: row?.version ?? 'absent' },
        ]);
        if (result.ok) {
          offsetMs = next;
          return;
        }
      }
    },
    async sync() {
      await read();
    },
  };
}

/** `2026-12-02T07:09:56Z`: the second-precision form the docs' tables give for timestamps. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
