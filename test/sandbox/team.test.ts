/**
 * A team sandbox: two instances of the built `pivot-contract sandbox --store postgres://…`, each its own
 * process on a free port, on one database of a PostgreSQL cluster this file starts (and stops by pid).
 * They must behave as one sandbox: a replay on the other instance gets the first answer (or the 409),
 * racing creates of one key make one session, one session's concurrent changes on both are serialised
 * (none lost), time and tokens are one, each callback attempt is posted once whatever the instances, and
 * an instance killed while it holds a delivery leaves the attempt to the other once its lease ends.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/http/serve.ts';
import {
  asPostgresOwner,
  ownFolder,
  reachableByPostgres,
  startPostgresCluster,
  stopPostgres,
  type PostgresCluster,
} from '../../scripts/maintainer/postgres-cluster.ts';
import { documentedRequest, freshRequestId } from './harness.ts';
import { killInstances, runCollecting, runSandboxBin, startInstance } from '../../scripts/maintainer/sandbox-processes.ts';
import { client, eventually, startCountingReceiver, type CountingReceiver } from './instances.ts';

type Json = Record<string, any>;

let cluster: PostgresCluster;
let receiver: CountingReceiver;
beforeAll(async () => {
  [cluster, receiver] = await Promise.all([startPostgresCluster({ fsync: 'off' }), startCountingReceiver()]);
});
afterEach(async () => {
  await killInstances();
  receiver.posts.length = 0;
  receiver.answers = [200];
});
afterAll(async () => {
  await killInstances();
  await receiver?.close();
  await cluster?.stop();
});

let databases = 0;
/** Two instances started at once on a fresh database (so they also race to migrate and seed it). */
async function twoInstances(extra: string[] = []) {
  const url = await cluster.createDatabase(`team_${++databases}`);
  const args = ['--store', url, '--callback-url', receiver.url, ...extra];
  const [a, b] = await Promise.all([startInstance(args), startInstance(args)]);
  return { url, a: a!, b: b!, api: [client(a!.url), client(b!.url)] as const };
}

const later = () => Date.now() + 3_600_000;

describe('two instances on one PostgreSQL', () => {
  it('replays an X-REQUEST-ID on the other instance: the first answer, byte for byte, or the 409', async () => {
    const { api } = await twoInstances();
    const [a, b] = api;
    const tokenA = await a.token();
    const body = documentedRequest('va-api', later());
    const key = freshRequestId();
    const first = await a.create(tokenA, body, key);
    expect(first.status).toBe(200);
    // A token issued by A is accepted by B.
    const replayed = await b.create(tokenA, body, key);
    expect(replayed).toEqual(first);
    const other = await b.create(await b.token(), { ...body, clientReferenceId: 'refAnotherOrder42' }, key);
    expect(other.status).toBe(409);
    // The session moves on B; a replay on A still gets the first answer, not the session as it is now.
    expect((await b.simulate(tokenA, first.json.data.id)).status).toBe(200);
    expect((await a.session(first.json.data.id)).status).toBe('PAID');
    expect((await a.create(tokenA, body, key)).text).toBe(first.text);
    expect((await b.sessions()).map((session) => session.id)).toEqual([first.json.data.id]);
  });

  it('races creates across instances: one key makes one session; a conflicting payload gets the 409', async () => {
    const { api } = await twoInstances();
    const tokens = await Promise.all(api.map((instance) => instance.token()));
    const keys = Array.from({ length: 8 }, () => freshRequestId());
    for (const key of keys) {
      const body = documentedRequest('va-api', later());
      // Three identical creates on each instance at once.
      const same = await Promise.all([0, 1, 0, 1, 0, 1].map((which) => api[which as 0 | 1].create(tokens[which]!, body, key)));
      expect(same.map((answer) => answer.status)).toEqual(Array(6).fill(200));
      expect(new Set(same.map((answer) => answer.text)).size).toBe(1);
    }
    for (let round = 0; round < 8; round++) {
      const key = freshRequestId();
      const [onA, onB] = await Promise.all([
        api[0].create(tokens[0]!, documentedRequest('va-api', later()), key),
        api[1].create(tokens[1]!, documentedRequest('va-api', later()), key),
      ]);
      expect([onA.status, onB.status].sort()).toEqual([200, 409]);
      keys.push(key);
    }
    // One session per key, seen the same from both instances.
    const [listA, listB] = await Promise.all(api.map((instance) => instance.sessions()));
    expect(listA).toHaveLength(keys.length);
    expect(listB).toEqual(listA);
  });

  it('races one clientReferenceId across instances under two keys: one session, the other a 409 duplicate_error', async () => {
    const { api } = await twoInstances();
    const tokens = await Promise.all(api.map((instance) => instance.token()));
    for (let round = 0; round < 8; round++) {
      const body = documentedRequest('va-api', later());
      const answers = await Promise.all(
        [0, 1].map((which) => api[which as 0 | 1].create(tokens[which]!, body, freshRequestId())),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
      expect(answers.find((answer) => answer.status === 409)!.json.code).toBe('duplicate_error');
    }
    expect(await api[0].sessions()).toHaveLength(8);
  });

  it('serialises one session across instances: paid on one, read on the other; concurrent payments all kept', async () => {
    const { api } = await twoInstances();
    const tokens = await Promise.all(api.map((instance) => instance.token()));
    // A single VA paid and expired at once on the two instances: exactly one move wins.
    for (let round = 0; round < 5; round++) {
      const created = await api[0].create(tokens[0]!, documentedRequest('va-api', later()), freshRequestId());
      const id = created.json.data.id as string;
      const [paid, expired] = await Promise.all([
        api[1].simulate(tokens[1]!, id, 'SUCCESS'),
        api[0].simulate(tokens[0]!, id, 'EXPIRED'),
      ]);
      expect([paid.status, expired.status].sort()).toEqual([200, 422]);
      const winner = paid.status === 200 ? 'PAID' : 'EXPIRED';
      expect((await api[0].session(id)).status).toBe(winner);
      expect((await api[1].session(id)).status).toBe(winner);
    }
    // An open static VA paid 12 times at once, half on each instance: 12 charges, none lost.
    const open = await api[1].create(
      tokens[1]!,
      documentedRequest('va-static', later(), { amount: undefined }),
      freshRequestId(),
    );
    expect(open.status).toBe(200);
    const payments = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        api[index % 2]!.call(
          'POST',
          '/v2/payments/simulations',
          { paymentSessionId: open.json.data.id, chargeStatus: 'SUCCESS', amount: { value: 10_000 + index, currency: 'IDR' } },
          { authorization: `Bearer ${tokens[index % 2]}` },
        ),
      ),
    );
    expect(payments.map((answer) => answer.status)).toEqual(Array(12).fill(200));
    const charges = (await api[0].session(open.json.data.id)).chargeDetails as Json[];
    expect(charges.map((charge) => charge.amount.value).sort()).toEqual(Array.from({ length: 12 }, (_, index) => 10_000 + index));
  });

  it('shares the clock and the tokens: moved on one instance, moved on both at once', async () => {
    const { api } = await twoInstances();
    const token = await api[1].token();
    const before = await api[1].clock();
    expect((await api[0].advance(901)).status).toBe(200);
    // B reads the moved time on its very next request, not at its next tick.
    expect((await api[1].clock()) - before).toBeGreaterThanOrEqual(901_000);
    const created = await api[1].create(token, documentedRequest('va-api', later()), freshRequestId());
    expect(created.status).toBe(401);
    expect(created.json.message).toMatch(/expired/);
    expect((await api[0].create(token, documentedRequest('va-api', later()), freshRequestId())).status).toBe(401);
    expect((await api[1].create(await api[0].token(), documentedRequest('va-api', later()), freshRequestId())).status).toBe(200);
  });

  it('posts each callback attempt once, whatever the instance that made or moved the session', async () => {
    const { api } = await twoInstances();
    const tokens = await Promise.all(api.map((instance) => instance.token()));
    // The first attempt of each delivery fails (503), so each has a retry due 5 minutes later.
    const sessions = 10;
    receiver.answers = [...Array(sessions).fill(503), 200];
    const ids: string[] = [];
    for (let index = 0; index < sessions; index++) {
      const [maker, payer] = index % 2 === 0 ? [0, 1] : [1, 0];
      const created = await api[maker]!.create(tokens[maker]!, documentedRequest('va-api', later()), freshRequestId());
      ids.push(created.json.data.id);
      expect((await api[payer]!.simulate(tokens[payer]!, created.json.data.id)).status).toBe(200);
    }
    await eventually('every first attempt', 20_000, () => (receiver.posts.length >= sessions ? true : undefined));
    // Every retry is due on both instances at once: A at its advance, B at its next tick (each second).
    expect((await api[0].advance(300)).status).toBe(200);
    await eventually('every retry', 20_000, () => (receiver.posts.length >= 2 * sessions ? true : undefined));
    // Two more ticks of each instance: nothing else arrives.
    await new Promise((done) => setTimeout(done, 2_500));
    expect(receiver.beyond(() => 2)).toEqual({});
    expect(receiver.posts).toHaveLength(2 * sessions);
    expect(new Set(receiver.posts.map((post) => post.sessionId))).toEqual(new Set(ids));
    // Each delivery records its two attempts, from whichever instance made them.
    const deliveries = (await api[1].deliveries()).filter((delivery) => ids.includes(delivery.paymentSessionId));
    expect(deliveries).toHaveLength(sessions);
    for (const delivery of deliveries) {
      expect(delivery.state).toBe('delivered');
      expect(delivery.attempts.map((attempt: Json) => [attempt.offsetSeconds, attempt.status])).toEqual([
        [0, 503],
        [300, 200],
      ]);
    }
  });

  it('SIGKILL of the instance holding a delivery: the other leaves it while the lease holds, then retries it', async () => {
    const url = await cluster.createDatabase(`team_${++databases}`);
    const args = ['--store', url, '--callback-url', receiver.url];
    const a = await startInstance(args);
    const apiA = client(a.url);
    const token = await apiA.token();
    receiver.answers = ['hold', 200];
    const created = await apiA.create(token, documentedRequest('va-api', later()), freshRequestId());
    await apiA.simulate(token, created.json.data.id);
    await eventually('A posts the callback', 10_000, () => (receiver.posts.length === 1 ? true : undefined));
    // B starts while A holds the delivery (its request is held open): B must not post it too.
    const b = await startInstance(args);
    const apiB = client(b.url);
    await new Promise((done) => setTimeout(done, 3_000));
    expect(receiver.posts).toHaveLength(1);
    const killedAt = Date.now();
    await a.kill();
    // The lease (the callback timeout, 10 s, plus 5 s) ends; B's tick then claims the attempt and posts it.
    await eventually('B retries the delivery', 30_000, () => (receiver.posts.length === 2 ? true : undefined));
    expect(receiver.posts.map((post) => [post.sessionId, post.event])).toEqual([
      [created.json.data.id, 'PAYMENT.PAID'],
      [created.json.data.id, 'PAYMENT.PAID'],
    ]);
    // Not before A's lease ended (15 s after A claimed it, which was before the first post).
    expect(receiver.posts[1]!.at - receiver.posts[0]!.at).toBeGreaterThanOrEqual(14_000);
    expect(receiver.posts[1]!.at).toBeGreaterThan(killedAt);
    const delivery = await eventually('B records the attempt', 10_000, async () =>
      (await apiB.deliveries()).find((found) => found.paymentSessionId === created.json.data.id && found.state === 'delivered'),
    );
    // A died before recording its attempt: the one recorded is B's.
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]).toMatchObject({ status: 200, offsetSeconds: 0 });
  });
});

describe('pivot-contract sandbox --store', () => {
  it('refuses what is not a PostgreSQL URL, and --store with --data (exit 2), without echoing the value', async () => {
    const notPostgres = runSandboxBin(['--store', 'mysql://root:hunter2@localhost/pivot']);
    expect(await notPostgres.exited).toBe(2);
    expect(notPostgres.output()).toMatch(/--store takes a PostgreSQL URL/);
    expect(notPostgres.output()).not.toMatch(/hunter2/);
    const both = runSandboxBin(['--store', cluster.url(), '--data', '/tmp/x.db']);
    expect(await both.exited).toBe(2);
    expect(both.output()).toMatch(/--store and --data cannot be used together/);
  });

  it('fails to start (exit 1) on a database it cannot reach, naming it without the password; PIVOT_SANDBOX_STORE works as the flag', async () => {
    const missing = runSandboxBin(['--port', '0'], {
      PIVOT_SANDBOX_STORE: `postgres://postgres:hunter2@127.0.0.1:${cluster.port}/no_such_database`,
    });
    expect(await missing.exited).toBe(1);
    expect(missing.output()).toContain(
      `cannot use postgres://postgres@127.0.0.1:${cluster.port}/no_such_database as the sandbox's store: database "no_such_database" does not exist`,
    );
    expect(missing.output()).not.toMatch(/hunter2/);
    const url = await cluster.createDatabase(`team_${++databases}`);
    const started = await startInstance([], { PIVOT_SANDBOX_STORE: url });
    const token = await client(started.url).token();
    const created = await client(started.url).create(token, documentedRequest('va-api', later()), freshRequestId());
    expect(created.status).toBe(200);
    // The state is in that database: an instance started with the flag reads it.
    const second = await startInstance(['--store', url]);
    expect((await client(second.url).session(created.json.data.id)).status).toBe('REQUIRE_ACTION');
  });
});

describe("the README's team example", () => {
  const ROOT = join(import.meta.dirname, '..', '..');
  /** The first shell block under "### Running the sandbox for a team", as written. */
  function teamExample(): string {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('### Running the sandbox for a team')));
    if (!block) throw new Error('README: no sh block under "### Running the sandbox for a team"');
    return block[1]!;
  }

  it('runs as written: a cluster, two instances, made on one, paid on the other; and leaves nothing running', async () => {
    const [pgPort, portA, portB] = [await freePort(), await freePort(), await freePort()];
    // Its temporary folder goes here, so that whatever it leaves behind is found and stopped by pid.
    const scratch = mkdtempSync(join(tmpdir(), 'pivot-readme-team-'));
    // PostgreSQL refuses root: as root, the example runs as the `postgres` user, as a reader would run it,
    // in this checkout (reachable by that user) and within a deadline (its `until` waits for ever).
    ownFolder(scratch);
    reachableByPostgres(ROOT);
    const [command, args] = asPostgresOwner('timeout', ['150', 'bash', '-e', '-c', teamExample()]);
    try {
      const shell = runCollecting(command, args, {
        cwd: ROOT,
        env: { ...process.env, PGPORT: String(pgPort), PORT_A: String(portA), PORT_B: String(portB), TMPDIR: scratch },
      });
      const code = await shell.exited;
      const output = shell.output();
      expect(code, output).toBe(0);
      expect(output).toContain('{"updated":true}');
      expect(output).toMatch(/^PAID$/m);
      // The example removes its cluster's folder and stops everything it started.
      expect(readdirSync(scratch)).toEqual([]);
      const listening = async (port: number) =>
        fetch(`http://127.0.0.1:${port}/_sandbox/clock`).then(
          () => true,
          () => false,
        );
      await eventually('both instances stop', 10_000, async () =>
        (await listening(portA)) || (await listening(portB)) ? undefined : true,
      );
    } finally {
      for (const folder of existsSync(scratch) ? readdirSync(scratch) : []) {
        const pidFile = join(scratch, folder, 'postmaster.pid');
        const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : 0;
        if (pid) await stopPostgres(pid);
      }
      rmSync(scratch, { recursive: true, force: true });
    }
    // initdb, a cluster and two instances started by npx: a minute on a busy two-core machine.
  }, 180_000);
});
