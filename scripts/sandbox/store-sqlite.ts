/**
 * The sandbox's state in a SQLite file (`pivot-contract sandbox --data <file>`), through better-sqlite3:
 * every batch is one transaction, committed before the sandbox answers, so a process killed right after
 * an answer loses nothing it answered. The database runs in WAL mode with `synchronous = NORMAL`: a
 * committed transaction survives the process being killed (it is in the WAL file); it may not survive
 * the machine losing power, which a local sandbox does not promise. One process owns the file at a time
 * (`locking_mode = EXCLUSIVE`): a second sandbox on the same file is refused at start.
 *
 * Speed: rows are stored in creation order (`seq` is the rowid), so a new session is appended rather
 * than written into a random page, and the batches written in one turn of the event loop are committed
 * together (group commit: one transaction; each batch is checked, expectations and sizes, before any of
 * it is written, so a batch that fails writes nothing and needs no savepoint). Under load that turns a
 * commit per request into a commit per turn, and every caller still hears back only once its batch is
 * committed. Table totals (rows, bytes) are kept in memory and written once per transaction.
 *
 * Loaded only by the `sandbox` command (a dynamic import), never by the MSW bundle or the runtime package.
 * @see https://sqlite.org/wal.html
 * @see https://github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md
 */
import Database from 'better-sqlite3';
import { meets, serialise, type Row, type SandboxStore, type StoreLimits, type Table, type Write } from './store.ts';

/** The layout of the file; a file of another version is refused rather than misread. */
const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rows (
  seq INTEGER PRIMARY KEY,
  tbl TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  version INTEGER NOT NULL,
  due_ms INTEGER,
  leased_until INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS rows_by_key ON rows (tbl, key);
CREATE INDEX IF NOT EXISTS rows_by_seq ON rows (tbl, seq);
CREATE INDEX IF NOT EXISTS rows_by_due ON rows (tbl, due_ms, seq) WHERE due_ms IS NOT NULL;
CREATE TABLE IF NOT EXISTS totals (tbl TEXT PRIMARY KEY, count INTEGER NOT NULL, bytes INTEGER NOT NULL);
`;

interface RawRow {
  key: string;
  value: string;
  version: number;
  seq: number;
  due_ms: number | null;
  bytes: number;
  leased_until: number;
}

/** Why the file cannot be used, as one line for the command to print. */
export class DataFileError extends Error {
  override name = 'DataFileError';
}

function rowOf<Value>(raw: RawRow): Row<Value> {
  return { key: raw.key, value: JSON.parse(raw.value) as Value, version: raw.version, dueMs: raw.due_ms, seq: raw.seq };
}

/** Opens (or creates) the data file; throws a `DataFileError` naming the problem. */
export function sqliteStore(file: string, limits: StoreLimits = {}): SandboxStore {
  let db: Database.Database;
  try {
    // A second process waits this long for the file before it is refused.
    db = new Database(file, { timeout: 200 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version !== 0 && version !== SCHEMA_VERSION)
      throw new DataFileError(`${file} holds sandbox data of layout ${version}; this sandbox reads layout ${SCHEMA_VERSION}`);
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  } catch (error) {
    if (error instanceof DataFileError) throw error;
    const code = (error as { code?: string }).code;
    const reason =
      code === 'SQLITE_BUSY'
        ? 'another sandbox is using it (one process per data file)'
        : code === 'SQLITE_NOTADB'
          ? 'it is not a SQLite database'
          : (error as Error).message;
    throw new DataFileError(`cannot use ${file} as the sandbox's data file: ${reason}`);
  }

  const statements = {
    get: db.prepare<[string, string], RawRow>('SELECT * FROM rows WHERE tbl = ? AND key = ?'),
    version: db.prepare<[string, string], { version: number; seq: number; bytes: number }>(
      'SELECT version, seq, bytes FROM rows WHERE tbl = ? AND key = ?',
    ),
    newest: db.prepare<[string, number], RawRow>('SELECT * FROM rows WHERE tbl = ? ORDER BY seq DESC LIMIT ?'),
    before: db.prepare<[string, number, number], RawRow>(
      'SELECT * FROM rows WHERE tbl = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
    ),
    oldest: db.prepare<[string], { key: string; bytes: number }>(
      'SELECT key, bytes FROM rows WHERE tbl = ? ORDER BY seq LIMIT 1',
    ),
    due: db.prepare<[string, number, number], RawRow>(
      'SELECT * FROM rows WHERE tbl = ? AND due_ms IS NOT NULL AND due_ms <= ? ORDER BY due_ms, seq LIMIT ?',
    ),
    claimable: db.prepare<[string, number, number, number], RawRow>(
      'SELECT * FROM rows WHERE tbl = ? AND due_ms IS NOT NULL AND due_ms <= ? AND leased_until <= ? ORDER BY due_ms, seq LIMIT ?',
    ),
    lease: db.prepare<[number, number, string, string]>(
      'UPDATE rows SET leased_until = ?, version = ? WHERE tbl = ? AND key = ?',
    ),
    insert: db.prepare<[number, string, string, string, number, number, number | null]>(
      'INSERT INTO rows (seq, tbl, key, value, bytes, version, due_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    update: db.prepare<[string, number, number, number | null, string, string]>(
      'UPDATE rows SET value = ?, bytes = ?, version = ?, due_ms = ?, leased_until = 0 WHERE tbl = ? AND key = ?',
    ),
    delete: db.prepare<[string, string]>('DELETE FROM rows WHERE tbl = ? AND key = ?'),
    total: db.prepare<[string], { count: number; bytes: number }>('SELECT count, bytes FROM totals WHERE tbl = ?'),
    setTotal: db.prepare<[{ tbl: string; count: number; bytes: number }]>(
      'INSERT INTO totals (tbl, count, bytes) VALUES (@tbl, @count, @bytes) ON CONFLICT (tbl) DO UPDATE SET count = @count, bytes = @bytes',
    ),
    counters: db.prepare<[], { version: number | null; seq: number | null }>(
      'SELECT MAX(version) AS version, MAX(seq) AS seq FROM rows',
    ),
    clear: db.prepare<[string]>('DELETE FROM rows WHERE tbl = ?'),
    clearTotal: db.prepare<[string]>('DELETE FROM totals WHERE tbl = ?'),
  };
  // Versions and seqs are store-wide and never reused; this process is the file's only writer.
  const start = statements.counters.get()!;
  let counter = Math.max(start.version ?? 0, start.seq ?? 0);

  /**
   * Row count and bytes of each table, read once at start and kept here: this process is the file's only
   * writer (`locking_mode = EXCLUSIVE`). A group's transaction writes the totals it changed once, at its end.
   */
  const totals = new Map<Table, { count: number; bytes: number }>();
  const totalOf = (table: Table) => {
    let total = totals.get(table);
    if (!total) totals.set(table, (total = statements.total.get(table) ?? { count: 0, bytes: 0 }));
    return total;
  };

  function trim(table: Table): void {
    const limit = limits[table];
    if (!limit) return;
    const total = totalOf(table);
    while (
      total.count > 0 &&
      ((limit.rows !== undefined && total.count > limit.rows) || (limit.bytes !== undefined && total.bytes > limit.bytes))
    ) {
      const oldest = statements.oldest.get(table)!;
      statements.delete.run(table, oldest.key);
      total.count -= 1;
      total.bytes -= oldest.bytes;
    }
  }

  type Result = Awaited<ReturnType<SandboxStore['write']>>;
  type Current = { version: number; bytes: number } | undefined;

  /**
   * What a batch would find, checked before any of it is written: every expectation (against the rows
   * as the batch itself leaves them) and every row's size. A batch that fails writes nothing, so it
   * needs no savepoint of its own (a savepoint per batch journals every page it touches twice).
   */
  function check(writes: Write[]): {
    failure?: Result;
    texts: Array<{ text: string; bytes: number } | undefined>;
    found: Current[];
  } {
    const pending = new Map<string, Current | 'gone'>();
    const texts: Array<{ text: string; bytes: number } | undefined> = [];
    const found: Current[] = [];
    for (const write of writes) {
      const id = `${write.table}\u0000${write.key}`;
      const earlier = pending.get(id);
      const current = earlier === 'gone' ? undefined : (earlier ?? statements.version.get(write.table, write.key));
      found.push(current);
      if (!meets(write.expect, current?.version))
        return { failure: { ok: false, reason: 'conflict', table: write.table, key: write.key }, texts, found };
      if (write.op === 'evict') {
        texts.push(undefined);
        pending.set(id, 'gone');
        continue;
      }
      const serialised = serialise(write);
      const rowBytes = limits[write.table]?.rowBytes;
      if (rowBytes !== undefined && serialised.bytes > rowBytes)
        return { failure: { ok: false, reason: 'too-large', table: write.table, key: write.key }, texts, found };
      texts.push(serialised);
      // The row as this batch leaves it; its new version is not known yet, so no number matches it.
      pending.set(id, { version: -1, bytes: serialised.bytes });
    }
    return { texts, found };
  }

  /** Applies a checked batch (inside the group's transaction), with the rows `check` found. */
  function apply(writes: Write[], { texts, found }: ReturnType<typeof check>): void {
    writes.forEach((write, index) => {
      const total = totalOf(write.table);
      const current = found[index];
      if (write.op === 'evict') {
        if (current) {
          statements.delete.run(write.table, write.key);
          total.count -= 1;
          total.bytes -= current.bytes;
        }
        return;
      }
      const { text, bytes } = texts[index]!;
      if (current) {
        statements.update.run(text, bytes, ++counter, write.dueMs ?? null, write.table, write.key);
        total.bytes += bytes - current.bytes;
      } else {
        const seq = ++counter;
        statements.insert.run(seq, write.table, write.key, text, bytes, ++counter, write.dueMs ?? null);
        total.count += 1;
        total.bytes += bytes;
      }
    });
  }

  /** The batches of one turn, committed in one transaction; then the tables they grew are trimmed. */
  const writeGroup = db.transaction((batches: Write[][]): Result[] => {
    const touched = new Set<Table>();
    const results = batches.map((writes): Result => {
      const checked = check(writes);
      if (checked.failure) return checked.failure;
      apply(writes, checked);
      for (const write of writes) touched.add(write.table);
      return { ok: true };
    });
    for (const table of touched) trim(table);
    for (const table of touched) {
      const { count, bytes } = totalOf(table);
      statements.setTotal.run({ tbl: table, count, bytes });
    }
    return results;
  });

  let queued: Array<{ writes: Write[]; done: (result: Result) => void; failed: (error: unknown) => void }> = [];
  function flush(): void {
    const group = queued;
    queued = [];
    if (group.length === 0) return;
    try {
      const results = writeGroup(group.map((item) => item.writes));
      group.forEach((item, index) => item.done(results[index]!));
    } catch (error) {
      totals.clear(); // the transaction was rolled back: read the totals again
      for (const item of group) item.failed(error);
    }
  }

  const claimBatch = db.transaction(
    (table: Table, dueBy: number, limit: number, realNow: number, leaseUntil: number): RawRow[] => {
      const rows = statements.claimable.all(table, dueBy, realNow, limit);
      for (const row of rows) {
        row.version = ++counter;
        statements.lease.run(leaseUntil, row.version, table, row.key);
      }
      return rows;
    },
  );

  let open = true;
  const live = () => {
    if (!open) throw new Error('the sandbox data file is closed');
  };

  return {
    description: `sqlite:${file}`,
    async get<Value>(table: Table, key: string) {
      live();
      const raw = statements.get.get(table, key);
      return raw ? rowOf<Value>(raw) : undefined;
    },
    async list<Value>(table: Table, { limit, before }: { limit: number; before?: number }) {
      live();
      const raws = before === undefined ? statements.newest.all(table, limit) : statements.before.all(table, before, limit);
      return raws.map((raw) => rowOf<Value>(raw));
    },
    async count(table) {
      live();
      return totalOf(table).count;
    },
    async due<Value>(table: Table, dueBy: number, limit: number) {
      live();
      return statements.due.all(table, dueBy, limit).map((raw) => rowOf<Value>(raw));
    },
    async claim<Value>(table: Table, { dueBy, limit, realNow, leaseUntil }: Parameters<SandboxStore['claim']>[1]) {
      live();
      return claimBatch(table, dueBy, limit, realNow, leaseUntil).map((raw) => rowOf<Value>(raw));
    },
    write(writes) {
      live();
      return new Promise<Result>((done, failed) => {
        if (queued.length === 0) setImmediate(flush);
        queued.push({ writes, done, failed });
      });
    },
    async clear(tables) {
      live();
      flush(); // writes asked for before the clear land before it
      db.transaction(() => {
        for (const table of tables) {
          statements.clear.run(table);
          statements.clearTotal.run(table);
        }
      })();
      for (const table of tables) totals.delete(table);
    },
    async close() {
      if (!open) return;
      flush();
      open = false;
      db.close();
    },
  };
}
