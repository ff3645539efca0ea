/**
 * The sandbox's state in a SQLite file (`pivot-contract sandbox --data <file>`), through better-sqlite3:
 * every batch is one transaction, committed before the sandbox answers, so a process killed right after
 * an answer loses nothing it answered. The database runs in WAL mode with `synchronous = NORMAL`: a
 * committed transaction survives the process being killed (it is in the WAL file); it may not survive
 * the machine losing power, which a local sandbox does not promise. One process owns the file at a time
 * (`locking_mode = EXCLUSIVE`): a second sandbox on the same file is refused at start.
 *
 * Loaded only by the `sandbox` command (a dynamic import), never by the MSW bundle or the runtime package.
 * @see https://sqlite.org/wal.html
 * @see https://github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md
 */
import Database from 'better-sqlite3';
import { meets, serialise, type Row, type SandboxStore, type StoreLimits, type Table, type Write } from './store.ts';

/** The layout of the file; a file of another version is refused rather than misread. */
const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rows (
  tbl TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  version INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  due_ms INTEGER,
  leased_until INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tbl, key)
) WITHOUT ROWID;
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
    insert: db.prepare<[string, string, string, number, number, number, number | null]>(
      'INSERT INTO rows (tbl, key, value, bytes, version, seq, due_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    update: db.prepare<[string, number, number, number | null, string, string]>(
      'UPDATE rows SET value = ?, bytes = ?, version = ?, due_ms = ?, leased_until = 0 WHERE tbl = ? AND key = ?',
    ),
    delete: db.prepare<[string, string]>('DELETE FROM rows WHERE tbl = ? AND key = ?'),
    total: db.prepare<[string], { count: number; bytes: number }>('SELECT count, bytes FROM totals WHERE tbl = ?'),
    addTotal: db.prepare<[{ tbl: string; count: number; bytes: number }]>(
      'INSERT INTO totals (tbl, count, bytes) VALUES (@tbl, @count, @bytes) ON CONFLICT (tbl) DO UPDATE SET count = count + @count, bytes = bytes + @bytes',
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

  class Conflict extends Error {
    constructor(readonly result: Extract<Awaited<ReturnType<SandboxStore['write']>>, { ok: false }>) {
      super(result.reason);
    }
  }

  const totals = (table: Table) => statements.total.get(table) ?? { count: 0, bytes: 0 };

  function trim(table: Table): void {
    const limit = limits[table];
    if (!limit) return;
    let { count, bytes } = totals(table);
    while (
      count > 0 &&
      ((limit.rows !== undefined && count > limit.rows) || (limit.bytes !== undefined && bytes > limit.bytes))
    ) {
      const oldest = statements.oldest.get(table)!;
      statements.delete.run(table, oldest.key);
      statements.addTotal.run({ tbl: table, count: -1, bytes: -oldest.bytes });
      count -= 1;
      bytes -= oldest.bytes;
    }
  }

  const writeBatch = db.transaction((writes: Write[]) => {
    const touched = new Set<Table>();
    for (const write of writes) {
      const current = statements.version.get(write.table, write.key);
      if (!meets(write.expect, current?.version))
        throw new Conflict({ ok: false, reason: 'conflict', table: write.table, key: write.key });
      if (write.op === 'evict') {
        if (current) {
          statements.delete.run(write.table, write.key);
          statements.addTotal.run({ tbl: write.table, count: -1, bytes: -current.bytes });
        }
        continue;
      }
      const { text, bytes } = serialise(write.value);
      const rowBytes = limits[write.table]?.rowBytes;
      if (rowBytes !== undefined && bytes > rowBytes)
        throw new Conflict({ ok: false, reason: 'too-large', table: write.table, key: write.key });
      if (current) {
        statements.update.run(text, bytes, ++counter, write.dueMs ?? null, write.table, write.key);
        statements.addTotal.run({ tbl: write.table, count: 0, bytes: bytes - current.bytes });
      } else {
        const seq = ++counter;
        statements.insert.run(write.table, write.key, text, bytes, ++counter, seq, write.dueMs ?? null);
        statements.addTotal.run({ tbl: write.table, count: 1, bytes: bytes });
      }
      touched.add(write.table);
    }
    for (const table of touched) trim(table);
  });

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
      return totals(table).count;
    },
    async due<Value>(table: Table, dueBy: number, limit: number) {
      live();
      return statements.due.all(table, dueBy, limit).map((raw) => rowOf<Value>(raw));
    },
    async claim<Value>(table: Table, { dueBy, limit, realNow, leaseUntil }: Parameters<SandboxStore['claim']>[1]) {
      live();
      return claimBatch(table, dueBy, limit, realNow, leaseUntil).map((raw) => rowOf<Value>(raw));
    },
    async write(writes) {
      live();
      try {
        writeBatch(writes);
        return { ok: true };
      } catch (error) {
        if (error instanceof Conflict) return error.result;
        throw error;
      }
    },
    async clear(tables) {
      live();
      db.transaction(() => {
        for (const table of tables) {
          statements.clear.run(table);
          statements.clearTotal.run(table);
        }
      })();
    },
    async close() {
      if (!open) return;
      open = false;
      db.close();
    },
  };
}
