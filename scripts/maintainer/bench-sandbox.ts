/**
 * Sandbox benchmark, figures measured side by side in one run:
 *
 * - throughput and p99 latency of `POST /v2/payments` (the documented `card-redirect` request, a fresh
 *   `X-REQUEST-ID` each time, so every request creates and stores a session): the sandbox in memory, the
 *   sandbox with `--data` (SQLite, every answer after its commit), and the Prism mock, same request, same
 *   load: autocannon in its own process (`bench-load.ts`), 50 connections, 10 s each;
 * - the same load against the HTTP ceiling: a server on the same stack (`serveHandler`: node:http, Hono's
 *   Node adapter, Hono) that only reads and parses the body and answers a fixed text as long as the
 *   sandbox's create answer, so what the sandbox costs above plain HTTP on this machine is in one run;
 * - the same load against the floor: bare `node:http` reading the body and answering the same bytes, with
 *   no framework and no parsing, so what the machine allows any Node server (p99 at 50 connections
 *   included) is printed in the same run;
 * - server CPU time per request (`process.cpuUsage()` of this process, which serves, over the requests
 *   the load got answered; the load generator is another process): robust against other work on the
 *   machine, which moves req/s and p99 far more;
 * - bytes of heap per stored session, with 100,000 sessions created through the sandbox's fetch handler
 *   in a fresh `node --expose-gc` process (heap after a full GC, minus the heap before, over the count).
 *
 * `npm run bench` calls `benchSandbox()`; `tsx scripts/maintainer/bench-sandbox.ts` runs it alone.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { getFixture } from 'pivot-payments-contract/fixtures';
import { Hono } from 'hono';
import { loadInOwnProcess as load, type LoadResult } from './bench-load.ts';
import { BENCH_REFERENCE, withReference } from './bench-reference.ts';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';
import { DEFAULT_SPEC } from '../../generators/spec/package-root.ts';
import { serveHandler } from '../http/serve.ts';
import { startMock } from '../mock/server.ts';
import { startSandbox } from '../sandbox/server.ts';
import { sqliteStore } from '../sandbox/store-sqlite.ts';
import type { StoreFactory } from '../sandbox/store.ts';

const run = promisify(execFile);

/** A load's figures with the serving process's CPU time per answered request. */
export interface ServedLoad extends LoadResult {
  cpuUsPerRequest: number;
}

export interface SandboxBenchResult {
  connections: number;
  durationSeconds: number;
  /** In memory (the default). */
  sandbox: ServedLoad;
  /** With `--data`: a SQLite file. */
  sandboxData: ServedLoad;
  /** A bare server on the same HTTP stack, same request, an answer as long as the sandbox's. */
  ceiling: ServedLoad;
  /** Bare `node:http`: the body read, not parsed, the same bytes answered (no framework). */
  floor: ServedLoad;
  /** Bytes of the sandbox's create answer (the ceiling answers as many). */
  answerBytes: number;
  mock: LoadResult;
  sessions: number;
  bytesPerSession: number;
}

/** The documented card-redirect request, with an expiry a day ahead (documented expiries are in the past). */
export function benchRequest(): string {
  const body = getFixture({ operationId: 'createPaymentSession', kind: 'request', name: 'card-redirect' }) as unknown as Record<
    string,
    unknown
  >;
  body.expiryAt = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  body.clientReferenceId = BENCH_REFERENCE;
  return JSON.stringify(body);
}

/** An access token from a sandbox with its default credentials. */
export async function sandboxToken(url: string): Promise<string> {
  const issued = await fetch(`${url}/v1/access-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-merchant-id': 'sandbox-merchant', 'x-merchant-secret': 'sandbox-secret' },
    body: '{"grantType":"client_credentials"}',
  });
  return ((await issued.json()) as { data: { accessToken: string } }).data.accessToken;
}

/** Heap bytes per session for `count` sessions, measured in a fresh process with `--expose-gc`. */
async function bytesPerSession(count: number): Promise<number> {
  const code = `
    import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
    import { createSandbox } from './scripts/sandbox/server.ts';
    import { benchRequest } from './scripts/maintainer/bench-sandbox.ts';
    import { withReference } from './scripts/maintainer/bench-reference.ts';
    const document = JSON.parse(readFileSync(${JSON.stringify(DEFAULT_SPEC)}, 'utf8'));
    const sandbox = createSandbox({ document, maxSessions: ${count}, maxStateMb: 4096 });
    const post = (path, headers, body) => sandbox.fetch(new Request('http://sandbox.local' + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }));
    const token = (await (await post('/v1/access-token', { 'x-merchant-id': 'sandbox-merchant', 'x-merchant-secret': 'sandbox-secret' }, '{"grantType":"client_credentials"}')).json()).data.accessToken;
    const body = benchRequest();
    // A Request's AbortSignal is held by a WeakRef until the task ends: let a task pass before each GC.
    const settle = async () => { for (let round = 0; round < 2; round++) { await new Promise((done) => setTimeout(done, 50)); globalThis.gc(); } };
    await settle();
    const before = process.memoryUsage().heapUsed;
    for (let index = 0; index < ${count}; index++) {
      const answer = await post('/v2/payments', { authorization: 'Bearer ' + token, 'x-request-id': 'MEMORY' + String(index).padStart(12, '0') }, withReference(body, index));
      if (answer.status !== 200) throw new Error('create answered ' + answer.status + ': ' + (await answer.text()));
      await answer.arrayBuffer();
    }
    await sandbox.idle();
    await settle();
    const after = process.memoryUsage().heapUsed;
    const stored = await sandbox.store.count('sessions');
    if (stored !== ${count}) throw new Error('stored ' + stored);
    console.log(JSON.stringify({ bytes: (after - before) / ${count} }));
  `;
  const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: REPO_ROOT,
    maxBuffer: 1024 * 1024,
  });
  return Math.round((JSON.parse(stdout.trim().split('\n').at(-1)!) as { bytes: number }).bytes);
}

/** The load, with this process's CPU time (user + system) per answered request while it ran. */
async function servedLoad(options: Parameters<typeof load>[0]): Promise<ServedLoad> {
  const before = process.cpuUsage();
  const result = await load(options);
  const used = process.cpuUsage(before);
  return { ...result, cpuUsPerRequest: Math.round((used.user + used.system) / Math.max(result.requests, 1)) };
}

/** A fixed JSON answer of `bytes` bytes, as long as the sandbox's create answer. */
function fixedAnswer(bytes: number): string {
  const prefix = '{"code":"00","message":"Success","data":"';
  return `${prefix}${'x'.repeat(Math.max(0, bytes - prefix.length - 2))}"}`;
}

/** The bench's create request, without credentials, against a bare server at `origin`. */
function loadBareServer(origin: string, body: string, connections: number, durationSeconds: number): Promise<ServedLoad> {
  return servedLoad({
    url: `${origin}/v2/payments`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    durationSeconds,
  });
}

/** The HTTP ceiling: the same stack as the sandbox, reading and parsing the body, answering `answerBytes` of fixed JSON. */
async function loadCeiling(body: string, answerBytes: number, connections: number, durationSeconds: number): Promise<ServedLoad> {
  const answer = fixedAnswer(answerBytes);
  const app = new Hono();
  app.post('/v2/payments', async (c) => {
    JSON.parse(await c.req.text());
    return new Response(answer, { headers: { 'content-type': 'application/json' } });
  });
  const served = await serveHandler(app.fetch, { port: 0 });
  try {
    return await loadBareServer(served.url, body, connections, durationSeconds);
  } finally {
    await served.close();
  }
}

/**
 * The floor: bare `node:http`, the body read and not parsed, `answerBytes` of fixed JSON answered. Below
 * the sandbox's stack, so its p99 at the same load is what any Node server can reach on this machine.
 */
async function loadFloor(body: string, answerBytes: number, connections: number, durationSeconds: number): Promise<ServedLoad> {
  const answer = Buffer.from(fixedAnswer(answerBytes));
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(answer));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  try {
    return await loadBareServer(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, body, connections, durationSeconds);
  } finally {
    server.closeAllConnections();
    await new Promise((closed) => server.close(closed));
  }
}

export async function benchSandbox(
  options: { connections?: number; durationSeconds?: number; sessions?: number } = {},
): Promise<SandboxBenchResult> {
  const connections = options.connections ?? 50;
  const durationSeconds = options.durationSeconds ?? 10;
  const sessions = options.sessions ?? 100_000;
  const body = benchRequest();
  const document = JSON.parse(readFileSync(DEFAULT_SPEC, 'utf8')) as Record<string, unknown>;

  let answerBytes = 0;
  /** The load against a sandbox with the given store (in memory when undefined). */
  async function loadSandbox(store: StoreFactory | undefined): Promise<ServedLoad> {
    const sandbox = await startSandbox({ document, port: 0, maxSessions: 1_000_000, maxStateMb: 4096, store });
    try {
      const token = await sandboxToken(sandbox.url);
      const first = await fetch(`${sandbox.url}/v2/payments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': `SIZE${Date.now()}` },
        body: withReference(body, 0),
      });
      answerBytes = (await first.arrayBuffer()).byteLength;
      return await servedLoad({
        url: `${sandbox.url}/v2/payments`,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
        connections,
        durationSeconds,
      });
    } finally {
      await sandbox.close();
    }
  }

  const sandboxLoad = await loadSandbox(undefined);
  const scratch = mkdtempSync(join(tmpdir(), 'pivot-bench-sandbox-'));
  let sandboxDataLoad: ServedLoad;
  try {
    sandboxDataLoad = await loadSandbox((limits) => sqliteStore(join(scratch, 'sandbox.db'), limits));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const ceiling = await loadCeiling(body, answerBytes, connections, durationSeconds);
  const floor = await loadFloor(body, answerBytes, connections, durationSeconds);

  const mock = await startMock({ port: 0 });
  let mockLoad: LoadResult;
  try {
    mockLoad = await load({
      url: `${mock.url}/v2/payments`,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bench.token', prefer: 'example=card-redirect' },
      body,
      connections,
      durationSeconds,
    });
  } finally {
    await mock.close();
  }

  return {
    connections,
    durationSeconds,
    sandbox: sandboxLoad,
    sandboxData: sandboxDataLoad,
    ceiling,
    floor,
    answerBytes,
    mock: mockLoad,
    sessions,
    bytesPerSession: await bytesPerSession(sessions),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchSandbox();
  console.log(JSON.stringify(figures, null, 2));
}
