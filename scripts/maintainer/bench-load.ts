/**
 * The load generator of the server benchmarks, run as its own process so that it never shares a CPU
 * queue or a heap with the server it measures: `tsx scripts/maintainer/bench-load.ts <json options>` runs autocannon
 * against one URL and prints one line of JSON with the figures. Every request gets a fresh
 * `X-REQUEST-ID` (16–36 alphanumerics), so a stateful server really creates a session each time.
 */
import autocannon from 'autocannon';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { withReference } from './bench-reference.ts';

export interface LoadOptions {
  /** One URL, or several (instances behind no balancer): connection i goes to URL i mod n. */
  url: string | string[];
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: string;
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** The load generator's own CPU time (user + system) per answered request: what it leaves the server on a small machine. */
  generatorCpuUsPerRequest: number;
}

async function main(options: LoadOptions): Promise<LoadResult> {
  let counter = 0;
  const cpuBefore = process.cpuUsage();
  const result = await autocannon({
    // autocannon takes an array of URLs as well (lib/url.js, ofURL); its published types say string.
    url: options.url as string,
    connections: options.connections,
    duration: options.durationSeconds,
    requests: [
      {
        method: options.method,
        headers: options.headers,
        body: options.body,
        setupRequest: (request) => {
          counter += 1;
          request.headers = { ...request.headers, 'x-request-id': `BENCH${process.pid}N${String(counter).padStart(12, '0')}` };
          request.body = withReference(options.body, counter);
          return request;
        },
      },
    ],
  });
  const cpu = process.cpuUsage(cpuBefore);
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    generatorCpuUsPerRequest: Math.round((cpu.user + cpu.system) / Math.max(result.requests.total, 1)),
  };
}

/** Runs the load in a child process (this file), so the generator never competes with the server in one event loop. */
export async function loadInOwnProcess(options: LoadOptions): Promise<LoadResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), JSON.stringify(options)],
    { maxBuffer: 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
  console.log(JSON.stringify(await main(options)));
}
