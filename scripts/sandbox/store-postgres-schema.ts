/**
 * The PostgreSQL store's schema, created and migrated by the sandbox itself when it connects: a list of
 * versioned migrations, each applied once, in order, and recorded in `pivot_sandbox_migrations`. The
 * whole migration runs in one transaction under an advisory lock (per schema), so N instances starting
 * at once on an empty database wait for each other: one creates the tables, the others find them made.
 * A database migrated by a newer sandbox (a version this one does not know) is refused, not misread.
 *
 * Every name starts with `pivot_sandbox_` and is unqualified: the tables live in the connection's
 * current schema (its `search_path`), so one database can hold several sandboxes in several schemas.
 *
 * The layout mirrors the SQLite file's (store-sqlite.ts): one table of rows keyed by (table, key) with
 * the JSON text, its bytes, a version, a creation `seq`, a due time and a lease; totals per table, kept
 * in 16 stripes so that concurrent writers of one table do not queue on one row; one sequence for every
 * version and seq, so none is ever reused across instances. A write is one call of
 * `pivot_sandbox_write`, one statement and so one transaction: the batch, its expectations, the totals
 * and the eviction beyond limits, in one round trip; it answers 0, or the number of the write that
 * failed (its expectation, or negative: its size), having written nothing.
 * @see https://www.postgresql.org/docs/15/explicit-locking.html#ADVISORY-LOCKS
 * @see https://www.postgresql.org/docs/15/plpgsql-errors-and-messages.html
 */
import type { PoolClient } from 'pg';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * What `pivot_sandbox_write` raises inside itself when a write's expectation fails or its row is too
 * large; it catches them, undoes the batch and returns the write's number (1-based; negative: too large).
 */
const CONFLICT_STATE = 'PV409';
const TOO_LARGE_STATE = 'PV413';

const WRITE_FUNCTION = `
CREATE OR REPLACE FUNCTION pivot_sandbox_write(
  p_ops text[], p_tbls text[], p_keys text[], p_values text[], p_bytes integer[], p_dues bigint[],
  -- null: no expectation; 0: the row must be absent; else the version it must have
  p_expects bigint[], p_too_large boolean[],
  p_limit_tbls text[], p_limit_rows bigint[], p_limit_bytes bigint[]
) RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  n integer := coalesce(array_length(p_ops, 1), 0);
  -- This transaction's stripe of the totals.
  my_stripe smallint := floor(random() * 16)::smallint;
  touched text[] := '{}';
  delta_count bigint[] := '{}';
  delta_bytes bigint[] := '{}';
  slot integer;
  cur_version bigint;
  cur_bytes integer;
  present boolean;
  change_count integer;
  change_bytes bigint;
  total_count bigint;
  total_bytes bigint;
  gone_bytes integer;
  lim integer;
BEGIN
  -- A sub-block: when an expectation fails, its writes are undone and the caller gets the write's
  -- number (negative: too large) as an answer, not as an error in the server's log.
  BEGIN
    FOR i IN 1..n LOOP
      LOOP
        SELECT version, bytes INTO cur_version, cur_bytes FROM pivot_sandbox_rows
          WHERE tbl = p_tbls[i] AND key = p_keys[i] FOR UPDATE;
        present := FOUND;
        IF p_expects[i] IS NOT NULL AND (
          (p_expects[i] = 0 AND present) OR (p_expects[i] <> 0 AND (NOT present OR cur_version <> p_expects[i]))
        ) THEN
          RAISE EXCEPTION USING ERRCODE = '${CONFLICT_STATE}', MESSAGE = i::text;
        END IF;
        IF p_ops[i] = 'evict' THEN
          IF present THEN
            DELETE FROM pivot_sandbox_rows WHERE tbl = p_tbls[i] AND key = p_keys[i];
          END IF;
          change_count := CASE WHEN present THEN -1 ELSE 0 END;
          change_bytes := CASE WHEN present THEN -cur_bytes ELSE 0 END;
          EXIT;
        END IF;
        IF p_too_large[i] THEN
          RAISE EXCEPTION USING ERRCODE = '${TOO_LARGE_STATE}', MESSAGE = i::text;
        END IF;
        IF present THEN
          UPDATE pivot_sandbox_rows SET value = p_values[i]::json, bytes = p_bytes[i],
            version = nextval('pivot_sandbox_counter'), due_ms = p_dues[i], leased_until = 0
            WHERE tbl = p_tbls[i] AND key = p_keys[i];
          change_count := 0;
          change_bytes := p_bytes[i] - cur_bytes;
          EXIT;
        END IF;
        INSERT INTO pivot_sandbox_rows (tbl, key, value, bytes, seq, version, due_ms)
          VALUES (p_tbls[i], p_keys[i], p_values[i]::json, p_bytes[i], nextval('pivot_sandbox_counter'),
                  nextval('pivot_sandbox_counter'), p_dues[i])
          ON CONFLICT (tbl, key) DO NOTHING;
        IF FOUND THEN
          change_count := 1;
          change_bytes := p_bytes[i];
          EXIT;
        END IF;
        -- Another transaction inserted the row since the SELECT (and committed): read it again.
      END LOOP;
      slot := array_position(touched, p_tbls[i]);
      IF slot IS NULL THEN
        touched := touched || p_tbls[i];
        delta_count := delta_count || change_count::bigint;
        delta_bytes := delta_bytes || change_bytes;
      ELSE
        delta_count[slot] := delta_count[slot] + change_count;
        delta_bytes[slot] := delta_bytes[slot] + change_bytes;
      END IF;
    END LOOP;

    -- Totals last, in table order: every writer locks its stripes in one order, so writers never deadlock on them.
    INSERT INTO pivot_sandbox_totals AS t (tbl, stripe, count, bytes)
      SELECT u.tbl, my_stripe, u.count, u.bytes FROM unnest(touched, delta_count, delta_bytes) AS u(tbl, count, bytes)
      ORDER BY u.tbl
      ON CONFLICT (tbl, stripe) DO UPDATE SET count = t.count + excluded.count, bytes = t.bytes + excluded.bytes;

    -- Then the oldest rows of any table over its limits (a row another writer holds is left to it).
    FOR i IN 1..coalesce(array_length(touched, 1), 0) LOOP
      lim := array_position(p_limit_tbls, touched[i]);
      CONTINUE WHEN lim IS NULL;
      SELECT coalesce(sum(count), 0), coalesce(sum(bytes), 0) INTO total_count, total_bytes
        FROM pivot_sandbox_totals WHERE tbl = touched[i];
      WHILE total_count > 0 AND (total_count > p_limit_rows[lim] OR total_bytes > p_limit_bytes[lim]) LOOP
        DELETE FROM pivot_sandbox_rows WHERE tbl = touched[i] AND key = (
          SELECT key FROM pivot_sandbox_rows WHERE tbl = touched[i] ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED
        ) RETURNING bytes INTO gone_bytes;
        EXIT WHEN NOT FOUND;
        total_count := total_count - 1;
        total_bytes := total_bytes - gone_bytes;
        UPDATE pivot_sandbox_totals SET count = count - 1, bytes = bytes - gone_bytes
          WHERE tbl = touched[i] AND stripe = my_stripe;
      END LOOP;
    END LOOP;
  EXCEPTION
    WHEN SQLSTATE '${CONFLICT_STATE}' THEN RETURN SQLERRM::integer;
    WHEN SQLSTATE '${TOO_LARGE_STATE}' THEN RETURN -SQLERRM::integer;
  END;
  RETURN 0;
END
$fn$;
`;

/** Every migration, oldest first. Append; never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'rows, totals, the counter and the write function',
    sql: `
CREATE SEQUENCE pivot_sandbox_counter;
CREATE TABLE pivot_sandbox_rows (
  tbl text NOT NULL,
  key text NOT NULL,
  value json NOT NULL,
  bytes integer NOT NULL,
  version bigint NOT NULL,
  seq bigint NOT NULL,
  due_ms bigint,
  leased_until bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (tbl, key)
);
CREATE INDEX pivot_sandbox_rows_by_seq ON pivot_sandbox_rows (tbl, seq);
CREATE INDEX pivot_sandbox_rows_by_due ON pivot_sandbox_rows (tbl, due_ms, seq) WHERE due_ms IS NOT NULL;
CREATE TABLE pivot_sandbox_totals (
  tbl text NOT NULL,
  stripe smallint NOT NULL,
  count bigint NOT NULL,
  bytes bigint NOT NULL,
  PRIMARY KEY (tbl, stripe)
);
${WRITE_FUNCTION}`,
  },
];

/** Why the database cannot hold this sandbox's state, as one line for the command to print. */
export class PostgresStoreError extends Error {
  override name = 'PostgresStoreError';
}

/**
 * Brings the schema of the connection's current schema up to the last migration; returns the versions
 * it applied (none when another instance, or an earlier start, already did).
 */
export async function migrate(client: PoolClient, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const latest = migrations.at(-1)?.version ?? 0;
  await client.query('BEGIN');
  try {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('pivot_sandbox:' || coalesce(current_schema(), '')))`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS pivot_sandbox_migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM pivot_sandbox_migrations',
    );
    const current = rows[0]?.version ?? 0;
    if (current > latest)
      throw new PostgresStoreError(
        `its sandbox schema is at version ${current}, newer than this sandbox knows (${latest}): use the pivot-contract that migrated it, or another database or schema`,
      );
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO pivot_sandbox_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
