/**
 * Idempotent creates (Idempotency › Scenario): the same `X-REQUEST-ID` with the same payload gets the
 * first answer; with another payload a 409; keys live 24 hours (decision `idempotent-payload`). Keys are
 * rows of the store, written in the same batch as the session they created (expecting the key to be
 * absent), so two concurrent creates with one key make one session, and a restart keeps the answer.
 */
import { createHash } from 'node:crypto';
import type { SessionRecord } from './lifecycle.ts';
import { IDEMPOTENCY_TTL_SECONDS } from './rules.ts';
import type { Expectation, SandboxStore, Write } from './store.ts';

type Json = Record<string, any>;

/**
 * What a key remembers: a hash of its payload and the session it created. The first answer is the
 * session as first stored, so it is rebuilt from the store until the session changes; only then is the
 * first answer's text kept here (one copy of each session, not two).
 */
interface KeyValue {
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

/** What a create with a key finds: a free key (and what its write must expect), the first answer's text, or a conflict. */
export type KeyLookup =
  { kind: 'new'; expect: Expectation } | { kind: 'replay'; text: string; version: number } | { kind: 'conflict' };

/**
 * The state of `key` for a payload at `now`. A key that expired, or whose session was evicted
 * (`--max-sessions`), has nothing left to replay: it is free again.
 */
export async function lookupKey(store: SandboxStore, key: string, fingerprint: string, now: number): Promise<KeyLookup> {
  const row = await store.get<KeyValue>('idempotencyKeys', key);
  if (!row) return { kind: 'new', expect: 'absent' };
  const previous = row.value;
  if (previous.expiresMs <= now) return { kind: 'new', expect: row.version };
  const text =
    previous.text ??
    (await store.get<SessionRecord>('sessions', previous.sessionId).then((first) => first && envelope(first.value.session)));
  if (text === undefined) return { kind: 'new', expect: row.version };
  if (previous.fingerprint !== fingerprint) return { kind: 'conflict' };
  return { kind: 'replay', text, version: row.version };
}

/** The write that remembers a key for the session it created. */
export function rememberKey(key: string, fingerprint: string, sessionId: string, now: number, expect: Expectation): Write {
  const expiresMs = now + IDEMPOTENCY_TTL_SECONDS * 1000;
  const value: KeyValue = { fingerprint, sessionId, expiresMs };
  return { op: 'put', table: 'idempotencyKeys', key, value, dueMs: expiresMs, expect };
}

/**
 * Before the session a key created changes for the first time: the write that keeps its first answer
 * (`first`, the session as stored until now), or none when the key has moved on.
 */
export async function keepFirstAnswer(store: SandboxStore, key: string, first: SessionRecord): Promise<Write | undefined> {
  const row = await store.get<KeyValue>('idempotencyKeys', key);
  if (!row || row.value.text !== undefined || row.value.sessionId !== first.session.id) return undefined;
  const value: KeyValue = { ...row.value, text: envelope(first.session) };
  return { op: 'put', table: 'idempotencyKeys', key, value, dueMs: row.dueMs, expect: row.version };
}
