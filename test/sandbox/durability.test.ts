/**
 * `pivot-contract sandbox --data <file>` across SIGKILL, SIGTERM and restarts, on real processes: what
 * was answered is there after a kill -9 (sessions in their answered state, tokens, the first answer of
 * every X-REQUEST-ID, the clock), pending callback retries resume on their schedule, `--seed` never hands
 * out a stored id again, SIGTERM ends within 2 s with a hung receiver and leaves its delivery in the file,
 * and state is bounded by bytes in a process with a small heap. Plus the start-up rules: a second
 * process on one file, and a `--host` beyond loopback without `--control-token`, are refused.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { documentedRequest, freshRequestId, startReceiver } from './harness.ts';
import { exitWithin, killInstances, runSandboxBin, startInstance } from '../../scripts/maintainer/sandbox-processes.ts';

type Json = Record<string, any>;

const folder = mkdtempSync(join(tmpdir(), 'pivot-durability-'));
let files = 0;
const dataFile = () => join(folder, `sandbox-${++files}.db`);
afterEach(() => killInstances());
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A merchant's client of one sandbox URL. */
function client(url: string) {
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, json: JSON.parse(text) as Json };
  };
  return {
    post,
    token: async () =>
      (
        await post(
          '/v1/access-token',
          { grantType: 'client_credentials' },
          { 'x-merchant-id': 'sandbox-merchant', 'x-merchant-secret': 'sandbox-secret' },
        )
      ).json.data.accessToken as string,
    session: async (id: string) => (await fetch(`${url}/_sandbox/sessions/${id}`)).json() as Promise<Json>,
    clock: async () => ((await (await fetch(`${url}/_sandbox/clock`)).json()) as Json).now as string,
    advance: (seconds: number) => post('/_sandbox/clock', { advanceSeconds: seconds }),
    deliveries: async () => ((await (await fetch(`${url}/_sandbox/callbacks?limit=1000`)).json()) as Json).deliveries as Json[],
  };
}

describe('a SIGKILL right after the answers', () => {
  it('loses nothing answered: sessions as answered, the token, the first answer of each key, the clock', async () => {
    const file = dataFile();
    const first = await startInstance(['--data', file]);
    const api = client(first.url);
    await api.advance(3600);
    const token = await api.token();
    const auth = { authorization: `Bearer ${token}` };
    const clockBefore = Date.parse(await api.clock());
    const answered = new Map<string, string>();
    const keys: Array<{ key: string; body: Json; text: string }> = [];
    for (let index = 0; index < 12; index++) {
      const key = freshRequestId();
      const body = documentedRequest(index % 2 ? 'va-api' : 'qr-api', clockBefore);
      const created = await api.post('/v2/payments', body, { ...auth, 'x-request-id': key });
      expect(created.status).toBe(200);
      keys.push({ key, body, text: created.text });
      const id = created.json.data.id as string;
      answered.set(id, created.json.data.status);
      if (index % 3 === 0) {
        const paid = await api.post('/v2/payments/simulations', { paymentSessionId: id, chargeStatus: 'SUCCESS' }, auth);
        expect(paid.status).toBe(200);
        answered.set(id, 'PAID');
      } else if (index % 3 === 1) {
        const expired = await api.post('/v2/payments/simulations', { paymentSessionId: id, chargeStatus: 'EXPIRED' }, auth);
        expect(expired.status).toBe(200);
        answered.set(id, 'EXPIRED');
      }
    }
    await first.kill(); // at once, right after the last 200

    const second = await startInstance(['--data', file]);
    const again = client(second.url);
    for (const [id, status] of answered) expect((await again.session(id)).data?.status, id).toBe(status);
    expect(Date.parse(await again.clock())).toBeGreaterThanOrEqual(clockBefore);
    // The token issued before the kill still works; every key replays its first answer, byte for byte.
    for (const { key, body, text } of keys) {
      const replay = await again.post('/v2/payments', body, { ...auth, 'x-request-id': key });
      expect(replay.status).toBe(200);
      expect(replay.text).toBe(text);
    }
    const sessions = (await (await fetch(`${second.url}/_sandbox/sessions?limit=1000`)).json()) as Json;
    expect(sessions.sessions).toHaveLength(answered.size);
    await second.kill();
  });
});

describe('callbacks across a restart', () => {
  it('a pending retry resumes on its schedule after a kill -9 and a restart', async () => {
    const receiver = await startReceiver();
    receiver.answers = [503, 200];
    const file = dataFile();
    try {
      const first = await startInstance(['--data', file, '--callback-url', receiver.url]);
      const api = client(first.url);
      const auth = { authorization: `Bearer ${await api.token()}` };
      const body = documentedRequest('va-api', Date.parse(await api.clock()));
      const created = await api.post('/v2/payments', body, { ...auth, 'x-request-id': freshRequestId() });
      await api.post('/v2/payments/simulations', { paymentSessionId: created.json.data.id, chargeStatus: 'SUCCESS' }, auth);
      while (receiver.received.length < 1) await sleep(20);
      while ((await api.deliveries())[0]?.state !== 'retrying') await sleep(20);
      await first.kill();

      const second = await startInstance(['--data', file, '--callback-url', receiver.url]);
      const again = client(second.url);
      // Real time runs on while the process restarts: the retry is due 300 s after the first attempt.
      await again.advance(240);
      await sleep(300);
      expect(receiver.received).toHaveLength(1);
      await again.advance(60);
      const deadline = Date.now() + 10_000;
      while (receiver.received.length < 2 && Date.now() < deadline) await sleep(20);
      expect(receiver.received).toHaveLength(2);
      while ((await again.deliveries())[0]?.state !== 'delivered' && Date.now() < deadline) await sleep(20);
      const [delivery] = await again.deliveries();
      expect(delivery!.attempts.map((attempt: Json) => [attempt.offsetSeconds, attempt.status])).toEqual([
        [0, 503],
        [300, 200],
      ]);
      await second.kill();
    } finally {
      await receiver.close();
    }
  });

  /** A callback endpoint that takes requests and never answers; `open` counts the requests hanging. */
  async function hungReceiver() {
    const state = { open: 0, url: '', close: async () => undefined as void };
    const server: Server = createServer((req) => {
      state.open += 1;
      req.socket.once('close', () => (state.open -= 1));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    state.close = async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    };
    return state;
  }

  /** A paid session whose PAYMENT.PAID attempt is hanging at `hung`. */
  async function paidWithHangingCallback(url: string, hung: { open: number }): Promise<string> {
    const api = client(url);
    const auth = { authorization: `Bearer ${await api.token()}` };
    const body = documentedRequest('va-api', Date.parse(await api.clock()));
    const created = await api.post('/v2/payments', body, { ...auth, 'x-request-id': freshRequestId() });
    await api.post('/v2/payments/simulations', { paymentSessionId: created.json.data.id, chargeStatus: 'SUCCESS' }, auth);
    while (hung.open === 0) await sleep(20);
    return created.json.data.id as string;
  }

  it('SIGTERM with a receiver that never answers exits within 2 s (the clock route answered meanwhile)', async () => {
    const hung = await hungReceiver();
    try {
      const sandbox = await startInstance(['--callback-url', hung.url]);
      await paidWithHangingCallback(sandbox.url, hung);
      expect((await client(sandbox.url).advance(1)).status).toBe(200);
      expect(hung.open).toBeGreaterThan(0);
      sandbox.child.kill('SIGTERM');
      expect(await exitWithin(sandbox.exited, 2_000)).toBe(0);
    } finally {
      await hung.close();
    }
  });

  it('a delivery abandoned by SIGTERM stays in the --data file and is posted after the restart', async () => {
    const hung = await hungReceiver();
    const receiver = await startReceiver();
    const file = dataFile();
    try {
      const first = await startInstance(['--data', file, '--callback-url', hung.url]);
      const id = await paidWithHangingCallback(first.url, hung);
      first.child.kill('SIGTERM');
      expect(await exitWithin(first.exited, 2_000)).toBe(0);

      const second = await startInstance(['--data', file, '--callback-url', receiver.url]);
      const deadline = Date.now() + 20_000;
      while (receiver.received.length < 1 && Date.now() < deadline) await sleep(20);
      expect(receiver.received.map((callback) => [callback.body.event, callback.body.data.id])).toEqual([['PAYMENT.PAID', id]]);
      await second.kill();
    } finally {
      await hung.close();
      await receiver.close();
    }
  });
});

describe('--seed with --data', () => {
  it('never hands out an id already stored, and a fresh file with the same seed repeats the first ids', async () => {
    const run = async (file: string, count: number) => {
      const sandbox = await startInstance(['--data', file, '--seed', 'restart-seed']);
      const api = client(sandbox.url);
      const token = await api.token();
      const ids: string[] = [token];
      for (let index = 0; index < count; index++) {
        const body = documentedRequest('va-api', Date.parse(await api.clock()));
        const created = await api.post('/v2/payments', body, {
          authorization: `Bearer ${token}`,
          'x-request-id': freshRequestId(),
        });
        ids.push(created.json.data.id, created.json.data.chargeDetails[0].virtualAccount.virtualAccountNumber);
      }
      await sandbox.kill();
      return ids;
    };
    const file = dataFile();
    const before = await run(file, 3);
    const after = await run(file, 3);
    expect(after.filter((id) => before.includes(id))).toEqual([]);
    expect(await run(dataFile(), 3)).toEqual(before);
  });
});

describe('bounded by bytes, in a process', () => {
  it('with a 96 MB heap and --max-state-mb 16, 150 sessions of 200 KB each keep it alive, the oldest evicted', async () => {
    const sandbox = await startInstance(['--max-state-mb', '16'], { NODE_OPTIONS: '--max-old-space-size=96' });
    const api = client(sandbox.url);
    const auth = { authorization: `Bearer ${await api.token()}` };
    const ids: string[] = [];
    for (let index = 0; index < 150; index++) {
      const body = documentedRequest('va-api', Date.parse(await api.clock()), { metadata: { blob: 'x'.repeat(200 * 1000) } });
      const created = await api.post('/v2/payments', body, { ...auth, 'x-request-id': freshRequestId() });
      expect(created.status, created.text.slice(0, 200)).toBe(200);
      ids.push(created.json.data.id);
    }
    expect(sandbox.child.exitCode).toBeNull();
    const kept = ((await (await fetch(`${sandbox.url}/_sandbox/sessions?limit=1000`)).json()) as Json).sessions as Json[];
    // Sessions have half of the 16 MiB: about 40 of 200 KB; the newest are kept.
    expect(kept.length).toBeGreaterThan(20);
    expect(kept.length).toBeLessThan(60);
    expect(kept.map((session) => session.id)).toEqual(ids.slice(-kept.length).reverse());
    expect((await api.session(ids[0]!)).code).toBe('resource_missing');
    await sandbox.kill();
  });
});

describe('start-up rules', () => {
  it('a second sandbox on the same --data file is refused (exit 1) naming the file', async () => {
    const file = dataFile();
    const first = await startInstance(['--data', file]);
    const second = runSandboxBin(['--port', '0', '--data', file]);
    expect(await exitWithin(second.exited, 30_000)).toBe(1);
    expect(second.output()).toContain(`cannot use ${file} as the sandbox's data file: another sandbox is using it`);
    await first.kill();
  });

  it('--host beyond loopback is refused without --control-token (exit 2), and served with it', async () => {
    const refused = runSandboxBin(['--port', '0', '--host', '0.0.0.0']);
    expect(await exitWithin(refused.exited, 30_000)).toBe(2);
    expect(refused.output()).toContain('--control-token');
    const guarded = await startInstance(['--host', '0.0.0.0', '--control-token', 'sixteen-chars-or-more']);
    const port = new URL(guarded.url).port;
    expect((await fetch(`http://127.0.0.1:${port}/_sandbox/clock`)).status).toBe(401);
    const withToken = await fetch(`http://127.0.0.1:${port}/_sandbox/clock`, {
      headers: { 'x-sandbox-token': 'sixteen-chars-or-more' },
    });
    expect(withToken.status).toBe(200);
    await guarded.kill();
  });
});
