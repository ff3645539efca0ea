/**
 * The sandbox's state in PostgreSQL (`pivot-contract sandbox --store postgres://…`), through `pg`, so
 * that several sandbox instances behind a load balancer hold one state and behave as one sandbox:
 *
 * - a batch is one statement (`pivot_sandbox_write`, store-postgres-schema.ts), so it commits whole or
 *   not at all; each row it writes is locked (`SELECT … FOR UPDATE`) while its expectation is checked,
 *   so compare-and-set holds across instances: of two instances moving one session, or creating with
 *   one `X-REQUEST-ID`, exactly one commits and the other reads again;
 * - `claim` takes due rows with `FOR UPDATE SKIP LOCKED` and leases them, so each due callback attempt
 *   is posted by exactly one instance, and an instance killed mid-attempt leaves the row to another once
 *   the lease ends;
 * - versions and seqs come from one sequence, never reused by any instance.
 *
 * An answer is sent after its batch is committed (with the server's `synchronous_commit`). A deadlock or
 * serialisation failure between instances is retried here; the sandbox never sees it.
 *
 * Loaded only by the `sandbox` command (a dynamic import), never by the MSW bundle or the runtime package.
 * @see https://node-postgres.com/apis/pool
 * @see https://www.postgresql.org/docs/15/sql-select.html#SQL-FOR-UPDATE-SHARE
 */
import pg from 'pg';
import { migrate, PostgresStoreError, type Migration } from './store-postgres-schema.ts';
import { serialise, type Row, type SandboxStore, type StoreLimits, type Table, type Write } from './store.ts';

export { PostgresStoreError } from './store-postgres-schema.ts';

/** Connections per instance: enough for the sandbox's concurrent requests, small beside `max_connections` (100). */
const POOL_SIZE = 10;
/** How long a connection attempt may take before the start fails. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Deadlocks and serialisation failures between instances are retried this many times. */
const MAX_RETRIES = 50;
const RETRIED_STATES = new Set(['40P01', '40001']);

/** The URL without its password, for messages and the store's description. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '';
    return parsed.toString().replace(/:@/, '@');
  } catch {
    return 'the given postgres URL';
  }
}

// int8 (versions, seqs, due times) as numbers: sandbox times and counters stay far below 2^53.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** One line for a failure to connect (a host with several addresses fails with an AggregateError and no message). */
function reasonOf(error: unknown): string {
  const { message, errors } = error as { message?: string; errors?: Array<{ message?: string }> };
  return message || errors?.map((each) => each.message).join('; ') || String(error);
}

export interface PostgresDatabase {
  pool: pg.Pool;
  /** `postgres://user@host:port/db` (never the password). */
  description: string;
}

/**
 * Connects and migrates (store-postgres-schema.ts); throws a `PostgresStoreError` naming the problem.
 * `migrations` is for the tests of migration itself.
 */
export async function connectPostgres(
  url: string,
  options: { poolSize?: number; migrations?: readonly Migration[] } = {},
): Promise<PostgresDatabase> {
  const description = describeUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types,
    application_name: 'pivot-contract sandbox',
  });
  // An idle connection the server drops is replaced by the pool; the next query reports any real outage.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    try {
      await migrate(client, options.migrations);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new PostgresStoreError(`cannot use ${description} as the sandbox's store: ${reasonOf(error)}`);
  }
  return { pool, description };
}

interface RawRow {
  key: string;
  value: unknown;
  version: number;
  seq: number;
  due_ms: number | null;
}

const COLUMNS = 'key, value, version, seq, due_ms';

function rowOf<Value>(raw: RawRow): Row<Value> {
  return { key: raw.key, value: raw.value as Value, version: raw.version, dueMs: raw.due_ms, seq: raw.seq };
}

/** The write function's arguments: the batch as parallel arrays, with each table's limits. */
function writeArguments(writes: Write[], limits: StoreLimits): unknown[] {
  const columns = {
    ops: [] as string[],
    tables: [] as string[],
    keys: [] as string[],
    values: [] as Array<string | null>,
    bytes: [] as Array<number | null>,
    dues: [] as Array<number | null>,
    expects: [] as Array<number | null>,
    tooLarge: [] as boolean[],
  };
  for (const write of writes) {
    columns.ops.push(write.op);
    columns.tables.push(write.table);
    columns.keys.push(write.key);
    columns.expects.push(write.expect === undefined ? null : write.expect === 'absent' ? 0 : write.expect);
    if (write.op === 'put') {
      const { text, bytes } = serialise(write);
      const rowBytes = limits[write.table]?.rowBytes;
      columns.values.push(text);
      columns.bytes.push(bytes);
      columns.dues.push(write.dueMs ?? null);
      columns.tooLarge.push(rowBytes !== undefined && bytes > rowBytes);
    } else {
      columns.values.push(null);
      columns.bytes.push(null);
      columns.dues.push(null);
      columns.tooLarge.push(false);
    }
  }
  const limited = [...new Set(columns.tables)].filter((table) => limits[table as Table]);
  const limitOf = (table: string) => limits[table as Table]!;
  return [
    columns.ops,
    columns.tables,
    columns.keys,
    columns.values,
    columns.bytes,
    columns.dues,
    columns.expects,
    columns.tooLarge,
    limited,
    limited.map((table) => limitOf(table).rows ?? null),
    limited.map((table) => limitOf(table).bytes ?? null),
  ];
}

const WRITE = `SELECT pivot_sandbox_write($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::bigint[],
  $7::bigint[], $8::boolean[], $9::text[], $10::bigint[], $11::bigint[]) AS failed`;

/** A store on a connected, migrated database; closing it closes the pool. */
export function postgresStore(database: PostgresDatabase, limits: StoreLimits = {}): SandboxStore {
  const { pool } = database;
  let open = true;

  async function query<Result extends pg.QueryResultRow>(name: string, text: string, values: unknown[]): Promise<Result[]> {
    if (!open) throw new Error(`the sandbox's store ${database.description} is closed`);
    for (let attempt = 0; ; attempt++) {
      try {
        return (await pool.query<Result>({ name, text, values })).rows;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (!code || !RETRIED_STATES.has(code) || attempt >= MAX_RETRIES) throw error;
        await new Promise((done) => setTimeout(done, Math.random() * 5 * (attempt + 1)));
      }
    }
  }

  return {
    description: database.description,
    shared: true,
    async get<Value>(table: Table, key: string) {
      const [raw] = await query<RawRow>('pivot-get', `SELECT ${COLUMNS} FROM pivot_sandbox_rows WHERE tbl = $1 AND key = $2`, [
        table,
        key,
      ]);
      return raw ? rowOf<Value>(raw) : undefined;
    },
    async list<Value>(table: Table, { limit, before }: { limit: number; before?: number }) {
      const raws = await query<RawRow>(
        'pivot-list',
        `SELECT ${COLUMNS} FROM pivot_sandbox_rows WHERE tbl = $1 AND ($2::bigint IS NULL OR seq < $2) ORDER BY seq DESC LIMIT $3`,
        [table, before ?? null, limit],
      );
      return raws.map((raw) => rowOf<Value>(raw));
    },
    async count(table) {
      const [total] = await query<{ count: number }>(
        'pivot-count',
        'SELECT coalesce(sum(count), 0)::bigint AS count FROM pivot_sandbox_totals WHERE tbl = $1',
        [table],
      );
      return total!.count;
    },
    async due<Value>(table: Table, dueBy: number, limit: number) {
      const raws = await query<RawRow>(
        'pivot-due',
        `SELECT ${COLUMNS} FROM pivot_sandbox_rows WHERE tbl = $1 AND due_ms IS NOT NULL AND due_ms <= $2
         ORDER BY due_ms, seq LIMIT $3`,
        [table, dueBy, limit],
      );
      return raws.map((raw) => rowOf<Value>(raw));
    },
    async claim<Value>(table: Table, { dueBy, limit, realNow, leaseUntil }: Parameters<SandboxStore['claim']>[1]) {
      // Rows another instance is claiming or writing right now are skipped, not waited for.
      const raws = await query<RawRow>(
        'pivot-claim',
        `UPDATE pivot_sandbox_rows AS r SET leased_until = $5, version = nextval('pivot_sandbox_counter')
         FROM (SELECT key FROM pivot_sandbox_rows
               WHERE tbl = $1 AND due_ms IS NOT NULL AND due_ms <= $2 AND leased_until <= $3
               ORDER BY due_ms, seq LIMIT $4 FOR UPDATE SKIP LOCKED) AS picked
         WHERE r.tbl = $1 AND r.key = picked.key
         RETURNING r.key, r.value, r.version, r.seq, r.due_ms`,
        [table, dueBy, realNow, limit, leaseUntil],
      );
      return raws.sort((a, b) => a.due_ms! - b.due_ms! || a.seq - b.seq).map((raw) => rowOf<Value>(raw));
    },
    async write(writes) {
      if (writes.length === 0) return { ok: true };
      const [answer] = await query<{ failed: number }>('pivot-write', WRITE, writeArguments(writes, limits));
      const failed = answer!.failed;
      if (failed === 0) return { ok: true };
      const write = writes[Math.abs(failed) - 1]!;
      return { ok: false, reason: failed > 0 ? 'conflict' : 'too-large', table: write.table, key: write.key };
    },
    async clear(tables) {
      if (!open) throw new Error(`the sandbox's store ${database.description} is closed`);
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // Writers wait while the tables are emptied, so the totals stay the rows' totals.
        await client.query('LOCK TABLE pivot_sandbox_rows, pivot_sandbox_totals IN SHARE ROW EXCLUSIVE MODE');
        await client.query('DELETE FROM pivot_sandbox_rows WHERE tbl = ANY($1::text[])', [tables]);
        await client.query('DELETE FROM pivot_sandbox_totals WHERE tbl = ANY($1::text[])', [tables]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      if (!open) return;
      open = false;
      await pool.end();
    },
  };
}
