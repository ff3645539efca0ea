/**
 * Idempotent creates (Idempotency › Scenario): the same `X-REQUEST-ID` with the same payload gets the
 * first answer; with another payload a 409; keys live 24 hours (decision `idempotent-payload`).
 */
import { createHash } from 'node:crypto';
import { boundedMap } from './bounded-map.ts';
import type { SessionRecord } from './lifecycle.ts';
import { IDEMPOTENCY_TTL_SECONDS } from './rules.ts';

type Json = Record<string, any>;

/**
 * What a key remembers: a hash of its payload and the session it created. The first answer is the
 * session as first stored, so it is rebuilt from the store until the session changes; only then is the
 * first answer's text kept here (one copy of each session in memory, not two).
 */
interface IdempotentAnswer {
  fingerprint: string;
  sessionId: string;
  text?: string;
  expiresMs: number;
}

/** The `{ code, message, data }` envelope of a session, as every session operation answers it. */
export function envelope(session: Json): string {
  return JSON.stringify({ code: '00', message: 'Success', data: session });
}

/** SHA-256 of the payload as parsed JSON: whitespace and number spelling do not count, key order does. */
export function payloadHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('base64');
}

/** What a create with a key finds: nothing to replay, the first answer's text, or a conflict. */
export type KeyLookup = { kind: 'new' } | { kind: 'replay'; text: string } | { kind: 'conflict' };

export interface IdempotencyTable {
  /**
   * The state of `key` for a payload at `now`. `readSession` gives the stored session a key created;
   * a key whose session was evicted (`--max-sessions`) has nothing left to replay: it is free again.
   */
  lookup(key: string, fingerprint: string, now: number, readSession: (id: string) => SessionRecord | undefined): KeyLookup;
  remember(key: string, fingerprint: string, sessionId: string, now: number): void;
  /** Called before a session a key created changes: keeps its first answer. */
  keepFirstAnswer(key: string, sessionId: string, readFirst: () => SessionRecord | undefined): void;
  clear(): void;
}

export function idempotencyTable(capacity: number): IdempotencyTable {
  const keys = boundedMap<string, IdempotentAnswer>(capacity);
  return {
    lookup(key, fingerprint, now, readSession) {
      const previous = keys.get(key);
      if (!previous || previous.expiresMs <= now) return { kind: 'new' };
      const text =
        previous.text ??
        (() => {
          const first = readSession(previous.sessionId);
          return first === undefined ? undefined : envelope(first.session);
        })();
      if (text === undefined) return { kind: 'new' };
      if (previous.fingerprint !== fingerprint) return { kind: 'conflict' };
      return { kind: 'replay', text };
    },
    remember(key, fingerprint, sessionId, now) {
      keys.set(key, { fingerprint, sessionId, expiresMs: now + IDEMPOTENCY_TTL_SECONDS * 1000 });
    },
    keepFirstAnswer(key, sessionId, readFirst) {
      const remembered = keys.get(key);
      if (!remembered || remembered.text !== undefined || remembered.sessionId !== sessionId) return;
      const first = readFirst();
      if (first) remembered.text = envelope(first.session);
    },
    clear: () => keys.clear(),
  };
}
