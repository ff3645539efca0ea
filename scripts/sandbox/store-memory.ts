/**
 * The default store: the sandbox's state in this process's memory, gone when it exits. Rows are kept
 * as JSON text: a session is read far less often than it is written, and text is about a third of the
 * size of the same object graph (bytes per session in the bench); every read is a fresh copy.
 */
import { meets, serialise, TABLES, type Row, type SandboxStore, type StoreLimits, type Table, type Write } from './store.ts';

interface Stored {
  text: string;
  bytes: number;
  version: number;
  seq: number;
  dueMs: number | null;
  /** Real ms until which a claim holds the row (0: free). */
  leasedUntil: number;
}

interface TableData {
  rows: Map<string, Stored>;
  bytes: number;
  /** Keys by ascending seq (creation order): entries of rows since evicted are skipped, and compacted. */
  order: Array<{ seq: number; key: string }>;
  /** Entries of `order` before this one are known to be gone. */
  head: number;
  /** Rows with a due time. */
  dueKeys: Set<string>;
  /**
   * No row is due before this (a lower bound: lowered by every write, made exact by every scan), so the
   * clock's tick every second does not walk 100,000 sessions a day from their expiry to find none due.
   */
  earliestDue: number;
}

const emptyTable = (): TableData => ({
  rows: new Map(),
  bytes: 0,
  order: [],
  head: 0,
  dueKeys: new Set(),
  earliestDue: Infinity,
});

function rowOf<Value>(key: string, stored: Stored): Row<Value> {
  return { key, value: JSON.parse(stored.text) as Value, version: stored.version, dueMs: stored.dueMs, seq: stored.seq };
}

export function memoryStore(limits: StoreLimits = {}): SandboxStore {
  const tables = new Map<Table, TableData>(TABLES.map((table) => [table, emptyTable()]));
  let counter = 0;
  const data = (table: Table) => tables.get(table)!;

  const live = (table: TableData, { seq, key }: { seq: number; key: string }) => table.rows.get(key)?.seq === seq;

  /** Sets (or, with undefined, removes) a row, keeping the table's byte count and due set. */
  function place(table: TableData, key: string, stored: Stored | undefined): void {
    const current = table.rows.get(key);
    if (current) table.bytes -= current.bytes;
    if (!stored) {
      table.rows.delete(key);
      table.dueKeys.delete(key);
      return;
    }
    table.rows.set(key, stored);
    table.bytes += stored.bytes;
    if (stored.dueMs !== null) {
      table.dueKeys.add(key);
      table.earliestDue = Math.min(table.earliestDue, stored.dueMs);
    } else table.dueKeys.delete(key);
  }

  function trim(name: Table): void {
    const table = data(name);
    const limit = limits[name];
    const over = () =>
      (limit?.rows !== undefined && table.rows.size > limit.rows) || (limit?.bytes !== undefined && table.bytes > limit.bytes);
    while (table.rows.size > 0 && over()) {
      while (!live(table, table.order[table.head]!)) table.head++;
      place(table, table.order[table.head]!.key, undefined);
      table.head++;
    }
    // Drop the entries of rows gone once they are the majority.
    if (table.order.length > 64 && table.order.length > 2 * table.rows.size) {
      table.order = table.order.filter((entry) => live(table, entry));
      table.head = 0;
    }
  }

  function dueRows(table: TableData, dueBy: number): Array<[string, Stored]> {
    const rows: Array<[string, Stored]> = [];
    if (dueBy < table.earliestDue) return rows;
    let earliest = Infinity;
    for (const key of table.dueKeys) {
      const stored = table.rows.get(key)!;
      if (stored.dueMs! <= dueBy) rows.push([key, stored]);
      earliest = Math.min(earliest, stored.dueMs!);
    }
    table.earliestDue = earliest;
    return rows.sort(([, a], [, b]) => a.dueMs! - b.dueMs! || a.seq - b.seq);
  }

  return {
    description: 'memory',
    async get<Value>(table: Table, key: string) {
      const stored = data(table).rows.get(key);
      return stored ? rowOf<Value>(key, stored) : undefined;
    },
    async list<Value>(name: Table, { limit, before }: { limit: number; before?: number }) {
      const table = data(name);
      const rows: Array<Row<Value>> = [];
      // The last order entry created before the cursor (seqs ascend).
      let low = 0;
      let high = table.order.length;
      if (before !== undefined) {
        while (low < high) {
          const middle = (low + high) >>> 1;
          if (table.order[middle]!.seq < before) low = middle + 1;
          else high = middle;
        }
      }
      for (let index = high - 1; index >= 0 && rows.length < limit; index--) {
        const { seq, key } = table.order[index]!;
        const stored = table.rows.get(key);
        if (stored?.seq === seq) rows.push(rowOf<Value>(key, stored));
      }
      return rows;
    },
    async count(table) {
      return data(table).rows.size;
    },
    async due<Value>(table: Table, dueBy: number, limit: number) {
      return dueRows(data(table), dueBy)
        .slice(0, limit)
        .map(([key, stored]) => rowOf<Value>(key, stored));
    },
    async claim<Value>(table: Table, { dueBy, limit, realNow, leaseUntil }: Parameters<SandboxStore['claim']>[1]) {
      const claimed: Array<Row<Value>> = [];
      for (const [key, stored] of dueRows(data(table), dueBy)) {
        if (claimed.length >= limit) break;
        if (stored.leasedUntil > realNow) continue;
        stored.leasedUntil = leaseUntil;
        stored.version = ++counter;
        claimed.push(rowOf<Value>(key, stored));
      }
      return claimed;
    },
    async write(writes: Write[]) {
      const undo: Array<{ table: TableData; key: string; stored: Stored | undefined }> = [];
      const touched = new Set<Table>();
      const rollback = () => {
        for (const { table, key, stored } of undo.reverse()) place(table, key, stored);
      };
      for (const write of writes) {
        const table = data(write.table);
        const current = table.rows.get(write.key);
        if (!meets(write.expect, current?.version)) {
          rollback();
          return { ok: false, reason: 'conflict', table: write.table, key: write.key } as const;
        }
        undo.push({ table, key: write.key, stored: current });
        if (write.op === 'evict') {
          place(table, write.key, undefined);
          touched.add(write.table);
          continue;
        }
        const { text, bytes } = serialise(write);
        const rowBytes = limits[write.table]?.rowBytes;
        if (rowBytes !== undefined && bytes > rowBytes) {
          rollback();
          return { ok: false, reason: 'too-large', table: write.table, key: write.key } as const;
        }
        const seq = current?.seq ?? ++counter;
        if (!current) table.order.push({ seq, key: write.key });
        place(table, write.key, { text, bytes, version: ++counter, seq, dueMs: write.dueMs ?? null, leasedUntil: 0 });
        touched.add(write.table);
      }
      for (const table of touched) trim(table);
      return { ok: true } as const;
    },
    async clear(names) {
      for (const name of names) tables.set(name, emptyTable());
    },
    async close() {
      for (const name of TABLES) tables.set(name, emptyTable());
    },
  };
}
