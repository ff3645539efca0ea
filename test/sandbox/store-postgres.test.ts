/**
 * The PostgreSQL store (`--store postgres://…`) on a real PostgreSQL cluster of its own (initdb in a
 * temporary folder, a free port, stopped by pid): the shared store suite, then what only a database that
 * several instances share must do: migrate once when instances start together, refuse a schema from a
 * newer sandbox, keep compare-and-set across connections, and let each due row be claimed by exactly one
 * of several instances claiming at once (with a control that shows the same race without the lease
 * takes rows twice, so the check can fail).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresCluster, type PostgresCluster } from '../../scripts/maintainer/postgres-cluster.ts';
import { callbackRunner, deliveryWrite } from '../../scripts/sandbox/callbacks.ts';
import { sandboxClock } from '../../scripts/sandbox/clock.ts';
import { idSource } from '../../scripts/sandbox/ids.ts';
import { MIGRATIONS, type Migration } from '../../scripts/sandbox/store-postgres-schema.ts';
import { connectPostgres, describeUrl, PostgresStoreError, postgresStore } from '../../scripts/sandbox/store-postgres.ts';
import type { SandboxStore, StoreLimits } from '../../scripts/sandbox/store.ts';
import { startCountingReceiver } from './instances.ts';
import { storeSuite } from './store-suite.ts';

let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await startPostgresCluster({ fsync: 'off' });
});
afterAll(async () => {
  await cluster?.stop();
});

let databases = 0;
const freshDatabase = () => cluster.createDatabase(`store_${++databases}`);
const openOn = async (url: string, limits?: StoreLimits) => postgresStore(await connectPostgres(url), limits);

let current = '';
storeSuite('postgres', {
  open: async (limits) => openOn((current = await freshDatabase()), limits),
  reopen: (limits) => openOn(current, limits),
});

describe('postgres store shared by several instances', () => {
  const stores: SandboxStore[] = [];
  /** `count` stores on one database, each with its own pool: what `count` sandbox instances hold. */
  const instances = async (count: number, url?: string) => {
    const at = url ?? (await freshDatabase());
    const opened = await Promise.all(Array.from({ length: count }, () => openOn(at)));
    stores.push(...opened);
    return opened;
  };
  afterAll(async () => {
    for (const store of stores) await store.close();
  });

  it('migrates once when four instances start at once on an empty database, and again finds nothing to do', async () => {
    const url = await freshDatabase();
    const databases = await Promise.all(Array.from({ length: 4 }, () => connectPostgres(url)));
    for (const database of databases) await database.pool.end();
    const client = await connectPostgres(url);
    const { rows } = await client.pool.query('SELECT version, name FROM pivot_sandbox_migrations ORDER BY version');
    await client.pool.end();
    expect(rows).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));
  });

  it('applies a new migration once, under the lock, even when it could not run twice', async () => {
    const url = await freshDatabase();
    await (await connectPostgres(url)).pool.end();
    // Not idempotent on purpose: a second run would fail on the existing table.
    const next: Migration = {
      version: MIGRATIONS.length + 1,
      name: 'a later table',
      sql: 'CREATE TABLE pivot_sandbox_later (n int)',
    };
    const databases = await Promise.all(
      Array.from({ length: 4 }, () => connectPostgres(url, { migrations: [...MIGRATIONS, next] })),
    );
    const { rows } = await databases[0]!.pool.query('SELECT version FROM pivot_sandbox_migrations ORDER BY version');
    for (const database of databases) await database.pool.end();
    expect(rows.map((row) => row.version)).toEqual([...MIGRATIONS, next].map((migration) => migration.version));
    // A sandbox that knows fewer migrations than the database holds refuses it.
    await expect(connectPostgres(url)).rejects.toThrow(PostgresStoreError);
    await expect(connectPostgres(url)).rejects.toThrow(
      `its sandbox schema is at version ${next.version}, newer than this sandbox knows (${MIGRATIONS.length})`,
    );
  });

  it('refuses a database it cannot reach, naming it without the password', async () => {
    const url = `postgres://postgres:hunter2@127.0.0.1:${cluster.port}/no_such_database`;
    const failure = connectPostgres(url);
    await expect(failure).rejects.toThrow(PostgresStoreError);
    await expect(failure).rejects.toThrow(
      `cannot use postgres://postgres@127.0.0.1:${cluster.port}/no_such_database as the sandbox's store: database "no_such_database" does not exist`,
    );
    await expect(failure).rejects.not.toThrow(/hunter2/);
    expect(describeUrl('postgresql://u:secret@db.internal:5433/pivot?sslmode=require')).toBe(
      'postgresql://u@db.internal:5433/pivot?sslmode=require',
    );
  });

  it('keeps compare-and-set across instances: 4 instances × 10 increments of one row all count', async () => {
    const opened = await instances(4);
    await opened[0]!.write([{ op: 'put', table: 'settings', key: 'counter', value: { n: 0 } }]);
    const increment = async (store: SandboxStore) => {
      for (;;) {
        const row = (await store.get<{ n: number }>('settings', 'counter'))!;
        const result = await store.write([
          { op: 'put', table: 'settings', key: 'counter', value: { n: row.value.n + 1 }, expect: row.version },
        ]);
        if (result.ok) return;
      }
    };
    await Promise.all(opened.flatMap((store) => Array.from({ length: 10 }, () => increment(store))));
    expect((await opened[3]!.get<{ n: number }>('settings', 'counter'))!.value.n).toBe(40);
  });

  it('lets exactly one of racing creates of one key win, on any instance', async () => {
    const opened = await instances(4);
    for (let round = 0; round < 10; round++) {
      const results = await Promise.all(
        opened.map((store, index) =>
          store.write([{ op: 'put', table: 'idempotencyKeys', key: `key-${round}`, value: index, expect: 'absent' }]),
        ),
      );
      expect(results.filter((result) => result.ok)).toHaveLength(1);
      expect(results.filter((result) => !result.ok)).toEqual(
        Array(3).fill({ ok: false, reason: 'conflict', table: 'idempotencyKeys', key: `key-${round}` }),
      );
    }
    expect(await opened[0]!.count('idempotencyKeys')).toBe(10);
  });

  /** Four instances claiming the due rows of one table as fast as they can; how often each row was taken. */
  async function raceClaims(take: (store: SandboxStore) => Promise<string[]>): Promise<Map<string, number>> {
    const opened = await instances(4);
    const rows = 200;
    await opened[0]!.write(
      Array.from({ length: rows }, (_, index) => ({
        op: 'put' as const,
        table: 'deliveries' as const,
        key: `d${index}`,
        value: { index },
        dueMs: index,
      })),
    );
    const taken = new Map<string, number>();
    const start = Date.now();
    await Promise.all(
      opened.map(async (store) => {
        // Each instance keeps claiming until the table has nothing left for it (or 10 s pass).
        for (let empty = 0; empty < 3 && Date.now() - start < 10_000;) {
          const keys = await take(store);
          if (keys.length === 0) empty++;
          for (const key of keys) taken.set(key, (taken.get(key) ?? 0) + 1);
        }
      }),
    );
    expect(taken.size).toBe(rows);
    return taken;
  }

  it('gives each due row to exactly one of four instances claiming at once (SKIP LOCKED, a lease)', async () => {
    const taken = await raceClaims(async (store) =>
      (await store.claim('deliveries', { dueBy: 1_000, limit: 4, realNow: Date.now(), leaseUntil: Date.now() + 60_000 })).map(
        (row) => row.key,
      ),
    );
    expect([...taken.values()].filter((times) => times > 1)).toEqual([]);
  });

  it('control: the same race reading due rows without a lease takes rows more than once, so the check above can fail', async () => {
    const taken = await raceClaims(async (store) => {
      const due = await store.due('deliveries', 1_000, 4);
      // "Done" with a row by moving its due time away, as an attempt would, without a claim.
      await store.write(due.map((row) => ({ op: 'put', table: 'deliveries', key: row.key, value: row.value, dueMs: null })));
      return due.map((row) => row.key);
    });
    expect([...taken.values()].filter((times) => times > 1).length).toBeGreaterThan(0);
  });

  it("two instances' callback runners post each due delivery once; runners that read due rows without a claim post them twice", async () => {
    const receiver = await startCountingReceiver();
    try {
      /** 30 deliveries due now, posted by the callback runners of two instances on one database. */
      const deliver = async (claims: 'claim' | 'read without a claim') => {
        receiver.posts.length = 0;
        const url = await freshDatabase();
        const [one, two] = await instances(2, url);
        const clock = sandboxClock();
        const ids = idSource();
        await one!.write(
          Array.from({ length: 30 }, (_, index) =>
            deliveryWrite('PAYMENT.PAID', { id: `session-${index}` }, clock.now(), ids, receiver.url),
          ),
        );
        const runners = [one!, two!].map((store) => {
          // The control: each instance reads the due rows once, as a naive "SELECT due rows, post them" would.
          let read = false;
          const seen: SandboxStore =
            claims === 'claim'
              ? store
              : {
                  ...store,
                  claim: async (table, options) => (read ? [] : ((read = true), store.due(table, options.dueBy, 100))),
                };
          return callbackRunner(seen, { url: receiver.url, apiKey: 'key' }, clock);
        });
        for (const runner of runners) runner.wake();
        await Promise.all(runners.map((runner) => runner.idle()));
        await Promise.all(runners.map((runner) => runner.close()));
        return { posts: receiver.posts.length, twice: Object.keys(receiver.beyond(() => 1)).length };
      };
      expect(await deliver('claim')).toEqual({ posts: 30, twice: 0 });
      expect(await deliver('read without a claim')).toEqual({ posts: 60, twice: 30 });
    } finally {
      await receiver.close();
    }
  });
});
