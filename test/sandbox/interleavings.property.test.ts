/**
 * Random interleavings of API, hosted-page and clock calls on one session, all in flight at once. The
 * store under the sandbox releases each of its answers when fast-check's scheduler says so, so every
 * order in which the calls' reads and writes can meet is tried (and a failure replays as the same
 * order). Whatever the order: no 5xx, every committed change of the session follows the state table
 * (a terminal status never moves), and exactly one terminal callback when the session ends terminal
 * (none otherwise), announcing the status it ended in. Run on the in-memory and the SQLite store.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pageFormToken } from '../../scripts/sandbox/page.ts';
import { createSandbox } from '../../scripts/sandbox/server.ts';
import { memoryStore } from '../../scripts/sandbox/store-memory.ts';
import { sqliteStore } from '../../scripts/sandbox/store-sqlite.ts';
import type { SandboxStore, StoreFactory, Write } from '../../scripts/sandbox/store.ts';
import { document, documentedRequest } from './harness.ts';
import { ALLOWED, TERMINAL, TERMINAL_EVENTS } from './state-table.ts';

type Json = Record<string, any>;

const folder = mkdtempSync(join(tmpdir(), 'pivot-interleavings-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Variants a customer can act on in the page, and the API too. */
const VARIANTS = [
  'card-redirect',
  'payment-ui',
  'redirect-guide-confirm-later',
  'va-redirect',
  'qr-redirect',
  'ewallet-redirect',
];

type Call =
  | { kind: 'simulate'; status: 'SUCCESS' | 'EXPIRED' }
  | { kind: 'cancel' }
  | { kind: 'confirm'; type: string }
  | { kind: 'page'; action: 'pay' | 'fail' | 'cancel'; method: string }
  | { kind: 'clock'; seconds: number };

const call: fc.Arbitrary<Call> = fc.oneof(
  fc.record({ kind: fc.constant('simulate' as const), status: fc.constantFrom('SUCCESS' as const, 'EXPIRED' as const) }),
  fc.record({ kind: fc.constant('cancel' as const) }),
  fc.record({ kind: fc.constant('confirm' as const), type: fc.constantFrom('CARD', 'VIRTUAL_ACCOUNT', 'QR', 'EWALLET') }),
  fc.record({
    kind: fc.constant('page' as const),
    action: fc.constantFrom('pay' as const, 'fail' as const, 'cancel' as const),
    method: fc.constantFrom('CARD', 'VIRTUAL_ACCOUNT', 'QR', 'EWALLET'),
  }),
  fc.record({ kind: fc.constant('clock' as const), seconds: fc.constantFrom(60, 3_601) }),
);

/** The store, with each answer released when the scheduler picks it (while `scheduler()` gives one). */
function scheduledStore(
  inner: SandboxStore,
  scheduler: () => fc.Scheduler | undefined,
  onWrite: (writes: Write[]) => void,
): SandboxStore {
  const release = <T>(label: string, promise: Promise<T>): Promise<T> => {
    const current = scheduler();
    return current ? current.schedule(promise, label) : promise;
  };
  return {
    description: inner.description,
    get: (table, key) => release(`get ${table}`, inner.get(table, key)),
    list: (table, options) => release(`list ${table}`, inner.list(table, options)),
    count: (table) => release(`count ${table}`, inner.count(table)),
    due: (table, dueBy, limit) => release(`due ${table}`, inner.due(table, dueBy, limit)),
    claim: (table, options) => release(`claim ${table}`, inner.claim(table, options)),
    write: (writes) =>
      release(
        'write',
        inner.write(writes).then((result) => {
          if (result.ok) onWrite(writes);
          return result;
        }),
      ),
    clear: (tables) => inner.clear(tables),
    close: () => inner.close(),
  };
}

async function interleave(open: StoreFactory, s: fc.Scheduler, variant: string, calls: Call[]): Promise<void> {
  let scheduling = false;
  const committed: string[] = [];
  const base = 'http://sandbox.test';
  const sandbox = createSandbox({
    document,
    publicUrl: base,
    store: (limits) =>
      scheduledStore(
        open(limits),
        () => (scheduling ? s : undefined),
        (writes) => {
          for (const write of writes)
            if (write.op === 'put' && write.table === 'sessions') committed.push((write.value as Json).session.status);
        },
      ),
  });
  try {
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      sandbox.fetch(
        new Request(`${base}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        }),
      );
    const issued = await post(
      '/v1/access-token',
      { grantType: 'client_credentials' },
      { 'x-merchant-id': 'sandbox-merchant', 'x-merchant-secret': 'sandbox-secret' },
    );
    const auth = { authorization: `Bearer ${((await issued.json()) as Json).data.accessToken}` };
    const created = await post('/v2/payments', documentedRequest(variant, sandbox.clock.now()), {
      ...auth,
      'x-request-id': `INTERLEAVE${Date.now()}${Math.random().toString(36).slice(2, 10)}`,
    });
    expect(created.status).toBe(200);
    const id = ((await created.json()) as Json).data.id as string;
    const csrf = pageFormToken(await (await sandbox.fetch(new Request(`${base}/_sandbox/pay/${id}`))).text()) ?? '';
    committed.splice(0); // the history of the calls below, from the created session on
    committed.push(((await sandbox.session(id))!.session as Json).status);

    const send = async (current: Call): Promise<Response> => {
      switch (current.kind) {
        case 'simulate':
          return post('/v2/payments/simulations', { paymentSessionId: id, chargeStatus: current.status }, auth);
        case 'cancel':
          return post(`/v2/payments/${id}/cancel`, { cancellationReason: 'VOID_SESSION' }, auth);
        case 'confirm':
          return post(`/v2/payments/${id}/confirm`, { paymentMethod: { type: current.type } }, auth);
        case 'page':
          return sandbox.fetch(
            new Request(`${base}/_sandbox/pay/${id}`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({ action: current.action, paymentMethod: current.method, csrf }).toString(),
            }),
          );
        case 'clock':
          return post('/_sandbox/clock', { advanceSeconds: current.seconds });
      }
    };
    scheduling = true;
    const answers = await s.waitFor(Promise.all(calls.map((current) => Promise.resolve().then(() => send(current)))));
    scheduling = false;
    await sandbox.idle();

    for (const [index, answer] of answers.entries())
      expect(answer.status, `${JSON.stringify(calls[index])} → ${answer.status}: ${await answer.text()}`).toBeLessThan(500);
    for (let index = 1; index < committed.length; index++) {
      const [from, to] = [committed[index - 1]!, committed[index]!];
      if (from !== to) expect(ALLOWED[from], `${committed.join(' → ')} breaks the state table`).toContain(to);
    }
    const final = ((await sandbox.session(id))!.session as Json).status as string;
    const events = (await sandbox.store.list<Json>('deliveries', { limit: 1000 }))
      .map((row) => row.value)
      .filter((delivery) => delivery.paymentSessionId === id && delivery.event in TERMINAL_EVENTS);
    expect(events.length, `terminal callbacks ${events.map((event) => event.event)} for ${committed.join(' → ')}`).toBe(
      TERMINAL.has(final) ? 1 : 0,
    );
    if (events.length === 1) expect(TERMINAL_EVENTS[events[0]!.event]).toContain(final);
  } finally {
    scheduling = false;
    await sandbox.close();
  }
}

describe('interleaved calls on one session (property)', () => {
  let files = 0;
  const stores: Array<[string, () => StoreFactory, number]> = [
    ['memory', () => memoryStore, 150],
    ['sqlite', () => (limits) => sqliteStore(join(folder, `run-${++files}.db`), limits), 60],
  ];
  for (const [name, factory, numRuns] of stores) {
    it(`${name} store: the state table holds, terminal stays terminal, one terminal callback`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          fc.constantFrom(...VARIANTS),
          fc.array(call, { minLength: 2, maxLength: 6 }),
          (s, variant, calls) => interleave(factory(), s, variant, calls),
        ),
        { numRuns, interruptAfterTimeLimit: 60_000 },
      );
    }, 120_000);
  }
});
