/**
 * The sandbox's clock: real time plus an offset that `POST /_sandbox/clock` moves forward, so token
 * lifetimes, idempotency keys, session expiry and callback retries are testable without waiting. The
 * state machine never reads `Date.now()`; it is given this clock.
 */
export interface Clock {
  /** Sandbox time, in milliseconds since the epoch. */
  now(): number;
  /** Moves sandbox time forward (never back: time only runs one way for the state machine). */
  advance(seconds: number): void;
}

export function sandboxClock(realNow: () => number = Date.now): Clock {
  let offsetMs = 0;
  return {
    now: () => realNow() + offsetMs,
    advance: (seconds) => {
      if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('advanceSeconds must be a number ≥ 0');
      offsetMs += seconds * 1000;
    },
  };
}
