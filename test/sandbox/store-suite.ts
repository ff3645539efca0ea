/**
 * The behaviour every sandbox store must have (scripts/sandbox/store.ts), as one suite a store's test
 * file runs with its own factory: the in-memory store and the SQLite file here, a networked database
 * next (`storeSuite('postgres', { open, reopen })`). `reopen`, when given, opens the same data again
 * after a close: what was committed must be there.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { reserveSequence, TABLES, type SandboxStore, type StoreLimits, type Write } from '../../scripts/sandbox/store.ts';

export interface StoreUnderTest {
  /** A new, empty store with these limits. */
  open(limits?: StoreLimits): SandboxStore | Promise<SandboxStore>;
  /** The store `open` last gave, opened again after it was closed (a store that keeps nothing has none). */
  reopen?(limits?: StoreLimits): SandboxStore | Promise<SandboxStore>;
}

const put = (table: Write['table'], key: string, value: unknown, extra: Partial<Extract<Write, { op: 'put' }>> = {}): Write => ({
  op: 'put',
  table,
  key,
  value,
  ...extra,
});

export function storeSuite(name: string, subject: StoreUnderTest): void {
  describe(`${name} store`, () => {
    const opened: SandboxStore[] = [];
    const open = async (limits?: StoreLimits) => {
      const store = await subject.open(limits);
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });

    it('gets what was put, as a fresh copy, with a version, a seq and a due time', async () => {
      const store = await open();
      expect(await store.get('sessions', 'a')).toBeUndefined();
      const value = { id: 'a', nested: { list: [1, 'two', null], text: 'Rp 10.000 — ünïcode ✓' } };
      expect(await store.write([put('sessions', 'a', value, { dueMs: 1_000 })])).toEqual({ ok: true });
      const row = await store.get<typeof value>('sessions', 'a');
      expect(row).toMatchObject({ key: 'a', value, dueMs: 1_000 });
      expect(row!.version).toBeGreaterThan(0);
      row!.value.nested.list.push(4);
      expect((await store.get<typeof value>('sessions', 'a'))!.value).toEqual(value);
      // Tables are apart: the same key elsewhere is another row.
      expect(await store.get('customers', 'a')).toBeUndefined();
    });

    it('compare-and-set: a write expecting a version or absence is refused when the row moved, and writes nothing', async () => {
      const store = await open();
      expect(await store.write([put('sessions', 'a', 1, { expect: 'absent' })])).toEqual({ ok: true });
      const first = (await store.get('sessions', 'a'))!;
      expect(await store.write([put('sessions', 'a', 2, { expect: 'absent' })])).toMatchObject({
        ok: false,
        reason: 'conflict',
        table: 'sessions',
        key: 'a',
      });
      expect(await store.write([put('sessions', 'a', 3, { expect: first.version })])).toEqual({ ok: true });
      const second = (await store.get('sessions', 'a'))!;
      expect(second.version).not.toBe(first.version);
      expect(second.seq).toBe(first.seq);
      // A stale version fails, and the batch it is in writes nothing (the first write included).
      const stale = await store.write([put('customers', 'c', 'x'), put('sessions', 'a', 4, { expect: first.version })]);
      expect(stale).toMatchObject({ ok: false, reason: 'conflict', key: 'a' });
      expect(await store.get('customers', 'c')).toBeUndefined();
      expect((await store.get('sessions', 'a'))!.value).toBe(3);
      // Evict with an expectation, and the version of a re-created row is never one seen before.
      expect(await store.write([{ op: 'evict', table: 'sessions', key: 'a', expect: first.version }])).toMatchObject({
        ok: false,
      });
      expect(await store.write([{ op: 'evict', table: 'sessions', key: 'a', expect: second.version }])).toEqual({ ok: true });
      expect(await store.get('sessions', 'a')).toBeUndefined();
      await store.write([put('sessions', 'a', 5)]);
      const again = (await store.get('sessions', 'a'))!;
      expect([first.version, second.version]).not.toContain(again.version);
      expect(again.seq).toBeGreaterThan(second.seq);
    });

    it('applies a batch in order: a later write may expect what an earlier one of the batch did', async () => {
      const store = await open();
      const result = await store.write([
        put('sessions', 'a', 1, { expect: 'absent' }),
        { op: 'evict', table: 'sessions', key: 'a' },
        put('sessions', 'a', 2, { expect: 'absent' }),
      ]);
      expect(result).toEqual({ ok: true });
      expect((await store.get('sessions', 'a'))!.value).toBe(2);
    });

    it('batches sent together commit or fail each on its own, and a failed one counts for nothing', async () => {
      const store = await open({ sessions: { rows: 2 } });
      await store.write([put('sessions', 'held', 0)]);
      // Sent in one turn (SQLite commits them in one transaction): the middle batch fails at its last write.
      const results = await Promise.all([
        store.write([put('sessions', 'a', 1, { expect: 'absent' })]),
        store.write([put('customers', 'c', 1), put('sessions', 'b', 2), put('sessions', 'held', 3, { expect: 'absent' })]),
        store.write([put('customers', 'd', 1, { expect: 'absent' })]),
      ]);
      expect(results.map((result) => result.ok)).toEqual([true, false, true]);
      expect(await store.get('customers', 'c')).toBeUndefined();
      expect(await store.get('sessions', 'b')).toBeUndefined();
      expect(await store.count('customers')).toBe(1);
      // The failed batch's rows did not count towards the limit: `held` and `a` are both kept.
      expect(await store.count('sessions')).toBe(2);
      expect((await store.list('sessions', { limit: 10 })).map((row) => row.key)).toEqual(['a', 'held']);
      await store.write([put('sessions', 'e', 4)]);
      expect((await store.list('sessions', { limit: 10 })).map((row) => row.key)).toEqual(['e', 'a']);
    });

    it('loses no update: 40 concurrent compare-and-set increments of one row all count', async () => {
      const store = await open();
      await store.write([put('settings', 'counter', { n: 0 })]);
      const increment = async () => {
        for (;;) {
          const row = (await store.get<{ n: number }>('settings', 'counter'))!;
          await new Promise((done) => setTimeout(done, Math.random() * 3));
          if ((await store.write([put('settings', 'counter', { n: row.value.n + 1 }, { expect: row.version })])).ok) return;
        }
      };
      await Promise.all(Array.from({ length: 40 }, increment));
      expect((await store.get<{ n: number }>('settings', 'counter'))!.value.n).toBe(40);
    });

    it('reserves disjoint ranges of a sequence, also concurrently', async () => {
      const store = await open();
      const starts = await Promise.all(Array.from({ length: 20 }, () => reserveSequence(store, 'ids', 10)));
      expect(new Set(starts).size).toBe(20);
      expect([...starts].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index * 10));
    });

    it('lists newest first, a page at a time, and counts', async () => {
      const store = await open();
      for (let index = 0; index < 7; index++) await store.write([put('deliveries', `d${index}`, index)]);
      await store.write([put('deliveries', 'd2', 'rewritten')]); // keeps its place
      await store.write([{ op: 'evict', table: 'deliveries', key: 'd4' }]);
      await store.write([put('sessions', 'other', 0)]);
      expect(await store.count('deliveries')).toBe(6);
      const first = await store.list('deliveries', { limit: 4 });
      expect(first.map((row) => row.key)).toEqual(['d6', 'd5', 'd3', 'd2']);
      expect(first[3]!.value).toBe('rewritten');
      const second = await store.list('deliveries', { limit: 4, before: first.at(-1)!.seq });
      expect(second.map((row) => row.key)).toEqual(['d1', 'd0']);
      expect(await store.list('deliveries', { limit: 4, before: second.at(-1)!.seq })).toEqual([]);
    });

    it('lists rows due by a time, earliest first, and not those without a due time', async () => {
      const store = await open();
      await store.write([
        put('sessions', 'late', 0, { dueMs: 300 }),
        put('sessions', 'never', 0),
        put('sessions', 'early', 0, { dueMs: 100 }),
        put('sessions', 'tie', 0, { dueMs: 100 }),
        put('sessions', 'future', 0, { dueMs: 10_000 }),
      ]);
      expect((await store.due('sessions', 300, 10)).map((row) => row.key)).toEqual(['early', 'tie', 'late']);
      expect((await store.due('sessions', 300, 2)).map((row) => row.key)).toEqual(['early', 'tie']);
      await store.write([put('sessions', 'early', 0, { dueMs: null })]);
      expect((await store.due('sessions', 300, 10)).map((row) => row.key)).toEqual(['tie', 'late']);
    });

    it('claims due rows under a lease: skipped by the next claim, a stale holder cannot write, free again after the lease', async () => {
      const store = await open();
      await store.write([put('deliveries', 'a', 'A', { dueMs: 10 }), put('deliveries', 'b', 'B', { dueMs: 20 })]);
      const before = (await store.get('deliveries', 'a'))!;
      const claimed = await store.claim('deliveries', { dueBy: 15, limit: 10, realNow: 1_000, leaseUntil: 2_000 });
      expect(claimed.map((row) => row.key)).toEqual(['a']);
      expect(claimed[0]!.version).not.toBe(before.version);
      expect(await store.claim('deliveries', { dueBy: 50, limit: 10, realNow: 1_500, leaseUntil: 2_500 })).toMatchObject([
        { key: 'b' },
      ]);
      // Someone who read the row before the claim cannot overwrite the holder's work.
      expect((await store.write([put('deliveries', 'a', 'stale', { dueMs: 10, expect: before.version })])).ok).toBe(false);
      // After the lease, another claim takes it (the first holder died).
      const retaken = await store.claim('deliveries', { dueBy: 50, limit: 10, realNow: 2_001, leaseUntil: 3_000 });
      expect(retaken.map((row) => row.key)).toEqual(['a']);
      // The holder's write ends the lease: the row is claimable at once if still due.
      await store.write([put('deliveries', 'a', 'A2', { dueMs: 40, expect: retaken[0]!.version })]);
      expect(await store.claim('deliveries', { dueBy: 50, limit: 10, realNow: 2_002, leaseUntil: 3_000 })).toMatchObject([
        { key: 'a', value: 'A2' },
      ]);
    });

    it('evicts the oldest rows beyond a table limit in rows, and in bytes', async () => {
      const store = await open({ sessions: { rows: 3 }, deliveries: { bytes: 100 } });
      for (let index = 0; index < 5; index++) await store.write([put('sessions', `s${index}`, index)]);
      await store.write([put('sessions', 's2', 'rewritten')]);
      expect((await store.list('sessions', { limit: 10 })).map((row) => row.key)).toEqual(['s4', 's3', 's2']);
      expect(await store.count('sessions')).toBe(3);
      const forty = 'x'.repeat(38); // 40 bytes of JSON
      for (let index = 0; index < 4; index++) await store.write([put('deliveries', `d${index}`, forty)]);
      expect((await store.list('deliveries', { limit: 10 })).map((row) => row.key)).toEqual(['d3', 'd2']);
      // Growing a row past the budget evicts the oldest others.
      await store.write([put('deliveries', 'd3', 'y'.repeat(78))]);
      expect((await store.list('deliveries', { limit: 10 })).map((row) => row.key)).toEqual(['d3']);
      // Unlimited tables keep everything.
      for (let index = 0; index < 5; index++) await store.write([put('customers', `c${index}`, index)]);
      expect(await store.count('customers')).toBe(5);
    });

    it('refuses a row larger than its table allows, and the whole batch with it', async () => {
      const store = await open({ sessions: { rowBytes: 50 } });
      expect(await store.write([put('sessions', 'ok', 'x'.repeat(48))])).toEqual({ ok: true });
      const result = await store.write([put('customers', 'c', 1), put('sessions', 'big', 'x'.repeat(49))]);
      expect(result).toEqual({ ok: false, reason: 'too-large', table: 'sessions', key: 'big' });
      expect(await store.get('sessions', 'big')).toBeUndefined();
      expect(await store.get('customers', 'c')).toBeUndefined();
      // UTF-8 bytes, not characters: 16 three-byte characters are 48 bytes + 2 quotes.
      expect((await store.write([put('sessions', 'utf8', '✓'.repeat(17))])).ok).toBe(false);
    });

    it('clears the tables named, and only those', async () => {
      const store = await open();
      await store.write(TABLES.map((table) => put(table, 'k', table, { dueMs: 1 })));
      await store.clear(['sessions', 'tokens']);
      expect(await store.get('sessions', 'k')).toBeUndefined();
      expect(await store.count('sessions')).toBe(0);
      expect(await store.due('tokens', 10, 10)).toEqual([]);
      expect((await store.get('settings', 'k'))!.value).toBe('settings');
      await store.write([put('sessions', 'k', 'again')]);
      expect(await store.count('sessions')).toBe(1);
    });

    if (subject.reopen) {
      const reopen = subject.reopen;
      it('keeps every committed row across a close and a reopen: values, versions, order, due times, totals', async () => {
        const store = await open({ sessions: { rows: 3 } });
        for (let index = 0; index < 4; index++) await store.write([put('sessions', `s${index}`, { index }, { dueMs: index })]);
        await store.write([put('settings', 'clock', { offsetMs: 42 })]);
        const before = await store.list('sessions', { limit: 10 });
        await store.close();
        const again = await reopen({ sessions: { rows: 3 } });
        opened.push(again);
        expect(await again.list('sessions', { limit: 10 })).toEqual(before);
        expect(await again.count('sessions')).toBe(3);
        expect((await again.get('settings', 'clock'))!.value).toEqual({ offsetMs: 42 });
        expect((await again.due('sessions', 2, 10)).map((row) => row.key)).toEqual(['s1', 's2']);
        // New rows come after the old ones, with versions never seen before.
        await again.write([put('sessions', 's9', 9)]);
        const newest = (await again.list('sessions', { limit: 1 }))[0]!;
        expect(newest.key).toBe('s9');
        expect(newest.seq).toBeGreaterThan(before[0]!.seq);
        expect(before.map((row) => row.version)).not.toContain(newest.version);
        expect(await again.count('sessions')).toBe(3);
      });
    }
  });
}
