/**
 * Mock benchmark: start-up time of the mock (Prism child process + front layer, from spawning to the
 * first successful answer through the front layer), then a bounded load on loopback with autocannon in
 * its own process (`bench-load.ts`; 10 connections, 10 s by default) of `POST /v2/payments` with the
 * `card-redirect` request example and `Prefer: example=card-redirect` — every request is validated by
 * the front layer and answered by Prism. Reports throughput and latency percentiles, then stops everything.
 *
 * `npm run bench` calls `benchMock()`; `tsx scripts/maintainer/bench-mock.ts` runs it alone and prints the figures.
 */
import { getFixture } from 'pivot-payments-contract/fixtures';
import { loadInOwnProcess } from './bench-load.ts';
import { startMock } from '../mock/server.ts';

export interface MockBenchOptions {
  /** Load duration in seconds (default 10). */
  durationSeconds?: number;
  /** Concurrent connections (default 10). */
  connections?: number;
}

export interface MockBenchResult {
  /** Spawning Prism → first 200 through the front layer, in ms. */
  startupMs: number;
  /** Mean requests per second over the run. */
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Completed requests, of which non-2xx answers and socket errors/timeouts. */
  requests: number;
  non2xx: number;
  errors: number;
  durationSeconds: number;
  connections: number;
}

const BODY = JSON.stringify(getFixture({ operationId: 'createPaymentSession', kind: 'request', name: 'card-redirect' }));
const HEADERS = {
  'content-type': 'application/json',
  authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.bench.token',
  'x-request-id': '01JD8ZQ4Y7K3M2N5P6R8S9T0VW',
  prefer: 'example=card-redirect',
};

export async function benchMock(options: MockBenchOptions = {}): Promise<MockBenchResult> {
  const durationSeconds = options.durationSeconds ?? 10;
  const connections = options.connections ?? 10;
  const started = performance.now();
  const mock = await startMock({ port: 0 });
  try {
    // startMock resolves once Prism answers; the first successful request through the front layer ends start-up.
    const first = await fetch(`${mock.url}/v2/payments`, { method: 'POST', headers: HEADERS, body: BODY });
    await first.text();
    if (first.status !== 200) throw new Error(`the mock answered ${first.status} to a valid request`);
    const startupMs = performance.now() - started;

    const result = await loadInOwnProcess({
      url: `${mock.url}/v2/payments`,
      method: 'POST',
      headers: HEADERS,
      body: BODY,
      connections,
      durationSeconds,
    });
    return { startupMs: Math.round(startupMs), ...result, durationSeconds, connections };
  } finally {
    await mock.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchMock();
  console.log(`mock start-up      ${figures.startupMs} ms (Prism spawn → first 200 through the front layer)`);
  console.log(
    `mock throughput    ${figures.requestsPerSecond} req/s (POST /v2/payments card-redirect, ${figures.connections} connections, ${figures.durationSeconds} s, loopback)`,
  );
  console.log(`mock latency       p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, max ${figures.maxMs} ms`);
  console.log(`mock requests      ${figures.requests} (${figures.non2xx} non-2xx, ${figures.errors} errors/timeouts)`);
}
