/**
 * Where the sandbox keeps its state (DESIGN.md "The sandbox's state: one store interface, three homes"):
 * one asynchronous interface over a few tables of JSON rows, so the in-memory store (the default), the
 * SQLite file of `--data` and a networked database all hold the same state the same way.
 *
 * - Every row has a `version` that changes on every write and is never reused, and a write may expect
 *   one (compare-and-set): the sandbox changes a session by reading it, computing the move, and writing
 *   it back only if nobody wrote in between; otherwise it reads again. No read-modify-write crosses an
 *   `await` unguarded.
 * - `write` applies a batch atomically: all of it, or nothing when one expectation fails, so a session,
 *   the callbacks its move causes and the idempotency key that created it are committed together, and
 *   an answer is sent only after its batch is committed.
 * - Rows may carry a due time (sandbox ms): a session's expiry, a delivery's next attempt, a token's or
 *   a key's end. `due` lists them; `claim` takes due rows under a lease, so that several sandbox instances
 *   on one database never post the same attempt twice (`FOR UPDATE SKIP LOCKED` in SQL).
 * - Each table is bounded in rows and bytes: beyond a limit the oldest rows are evicted, and a row larger
 *   than its table's `rowBytes` is refused (the whole batch), so memory and disk are bounded by bytes.
 *
 * The suite every implementation passes is `test/sandbox/store-suite.ts`.
 */

/** The tables of sandbox state. */
export const TABLES = [
  'sessions',
  'customers',
  /** A customer's id by lower-case email (Create Payment Session › customerId "based on email"). */
  'customerEmails',
  /** Stored cards by token, with the customer they belong to. */
  'storedMethods',
  'recurring',
  'tokens',
  'idempotencyKeys',
  'deliveries',
  /** The session that holds each clientReferenceId (409 duplicate_error, decision `duplicate-client-reference`). */
  'references',
  /** One-off values: the clock's offset, id sequences, the page's CSRF secret, whether test data is seeded. */
  'settings',
] as const;

export type Table = (typeof TABLES)[number];

export interface Row<Value = unknown> {
  key: string;
  value: Value;
  /** Changes on every write of the row (a claim included) and is never reused: the compare-and-set token. */
  version: number;
  /** When the row becomes due (sandbox ms since the epoch), or null. */
  dueMs: number | null;
  /** Creation order across the store (a re-written row keeps its place; an evicted and re-created one is new). */
  seq: number;
}

/** What a write expects of the row: its current version, or that it does not exist. */
export type Expectation = number | 'absent';

export type Write =
  | {
      op: 'put';
      table: Table;
      key: string;
      value: unknown;
      /** `JSON.stringify(value)`, when the caller has made it already (a session's text is also its answer). */
      text?: string;
      dueMs?: number | null;
      expect?: Expectation;
    }
  | { op: 'evict'; table: Table; key: string; expect?: Expectation };

export type WriteResult =
  | { ok: true }
  /** `conflict`: an expectation failed; `too-large`: a row is over its table's `rowBytes`. Nothing was written. */
  | { ok: false; reason: 'conflict' | 'too-large'; table: Table; key: string };

export interface TableLimit {
  /** Rows kept; the oldest go first. */
  rows?: number;
  /** Bytes of JSON kept (UTF-8); the oldest rows go first. */
  bytes?: number;
  /** Largest row, in bytes of JSON; a larger one is refused. */
  rowBytes?: number;
}

export type StoreLimits = Partial<Record<Table, TableLimit>>;

export interface ListOptions {
  /** Rows per page (newest first). */
  limit: number;
  /** Only rows created before this `seq` (the last row of the previous page). */
  before?: number;
}

export interface ClaimOptions {
  /** Rows due at or before this sandbox time. */
  dueBy: number;
  limit: number;
  /** Real time (ms) now, and until when the claimed rows are leased to the caller. */
  realNow: number;
  leaseUntil: number;
}

export interface SandboxStore {
  /** `memory`, `sqlite:<file>` …, for messages. */
  readonly description: string;
  /**
   * True when other processes change the same state (a networked database behind several instances):
   * the sandbox then reads the clock's offset from the store at every request, not only on its tick.
   */
  readonly shared?: boolean;
  get<Value>(table: Table, key: string): Promise<Row<Value> | undefined>;
  /** Newest first. */
  list<Value>(table: Table, options: ListOptions): Promise<Array<Row<Value>>>;
  count(table: Table): Promise<number>;
  /** Rows whose due time is at or before `dueBy`, earliest first (then oldest first). */
  due<Value>(table: Table, dueBy: number, limit: number): Promise<Array<Row<Value>>>;
  /**
   * Due rows that no one holds a lease on, earliest first; each is leased to the caller (and its version
   * changes), so another claim skips it until the lease ends. A put of the row ends the lease.
   */
  claim<Value>(table: Table, options: ClaimOptions): Promise<Array<Row<Value>>>;
  /** Applies the batch atomically, then evicts the oldest rows of any table over its limits. */
  write(writes: Write[]): Promise<WriteResult>;
  /** Empties the tables given. */
  clear(tables: readonly Table[]): Promise<void>;
  close(): Promise<void>;
}

/** Builds a store for the limits the sandbox asks for (the in-memory store, a SQLite file …). */
export type StoreFactory = (limits: StoreLimits) => SandboxStore;

/** A row's stored form and size; one definition for every store, so limits mean the same everywhere. */
export function serialise(write: Extract<Write, { op: 'put' }>): { text: string; bytes: number } {
  const text = write.text ?? JSON.stringify(write.value);
  return { text, bytes: Buffer.byteLength(text) };
}

/** Whether a row's version satisfies an expectation (`undefined`: no expectation). */
export function meets(expectation: Expectation | undefined, version: number | undefined): boolean {
  if (expectation === undefined) return true;
  if (expectation === 'absent') return version === undefined;
  return version === expectation;
}

/**
 * Takes `count` numbers of a named sequence (ids with `--seed`): the first of them. Compare-and-set on a
 * settings row, so concurrent reservations (several instances) never overlap.
 */
export async function reserveSequence(store: SandboxStore, name: string, count: number): Promise<number> {
  const key = `sequence:${name}`;
  for (;;) {
    const row = await store.get<{ next: number }>('settings', key);
    const first = row?.value.next ?? 0;
    const result = await store.write([
      { op: 'put', table: 'settings', key, value: { next: first + count }, expect: row?.version ?? 'absent' },
    ]);
    if (result.ok) return first;
  }
}
