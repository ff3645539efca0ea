/**
 * The latency client of the proxy benchmark, run as its own process (as `bench-load.ts` is for load) so
 * that it never shares an event loop with what it measures: `tsx scripts/maintainer/bench-latency.ts
 * <json options>` sends the same request to several targets in turn (one request to each, round after
 * round, each round starting with the next target, so that a noisy machine slows them all alike), one at a time over one keep-alive connection per
 * target, and prints one line of JSON: each target's latency percentiles in microseconds. Every request
 * gets a fresh `X-REQUEST-ID`, so a stateful server really creates a session each time. autocannon
 * reports whole milliseconds, too coarse for a difference of a fraction of one.
 */
import { Agent, request } from 'node:http';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { withReference } from './bench-reference.ts';

export interface LatencyOptions {
  /** Base URLs by name (`direct`, `proxy`): the same path is sent to each. */
  targets: Record<string, string>;
  path: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: string;
  /** Measured rounds (one request to every target each). */
  rounds: number;
  /** Rounds sent first and not counted. */
  warmupRounds: number;
}

export interface Latency {
  p50Us: number;
  p90Us: number;
  p99Us: number;
  requests: number;
  non2xx: number;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

let counter = 0;

function send(base: string, agent: Agent, options: LatencyOptions): Promise<{ us: number; status: number }> {
  counter += 1;
  const url = new URL(options.path, base);
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: options.method,
        agent,
        headers: { ...options.headers, 'x-request-id': `LATENCY${process.pid}N${String(counter).padStart(12, '0')}` },
      },
      (answer) => {
        answer.resume();
        answer.on('end', () => resolve({ us: Number(process.hrtime.bigint() - started) / 1000, status: answer.statusCode ?? 0 }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(withReference(options.body, counter));
  });
}

async function main(options: LatencyOptions): Promise<Record<string, Latency>> {
  const names = Object.keys(options.targets);
  const agents = Object.fromEntries(names.map((name) => [name, new Agent({ keepAlive: true, maxSockets: 1 })]));
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  const non2xx: Record<string, number> = Object.fromEntries(names.map((name) => [name, 0]));
  for (let round = 0; round < options.warmupRounds + options.rounds; round++) {
    // Each round starts with the next target, so none always follows the same one (whose after-work it would meet).
    for (const name of [...names.slice(round % names.length), ...names.slice(0, round % names.length)]) {
      const { us, status } = await send(options.targets[name]!, agents[name]!, options);
      if (round < options.warmupRounds) continue;
      samples[name]!.push(us);
      if (status < 200 || status >= 300) non2xx[name]! += 1;
    }
  }
  for (const agent of Object.values(agents)) agent.destroy();
  return Object.fromEntries(
    names.map((name) => {
      const sorted = samples[name]!.sort((a, b) => a - b);
      const round = (us: number) => Math.round(us);
      return [
        name,
        {
          p50Us: round(percentile(sorted, 0.5)),
          p90Us: round(percentile(sorted, 0.9)),
          p99Us: round(percentile(sorted, 0.99)),
          requests: sorted.length,
          non2xx: non2xx[name]!,
        },
      ];
    }),
  );
}

/** Runs the client in a child process (this file) and returns its figures. */
export async function latencyInOwnProcess(options: LatencyOptions): Promise<Record<string, Latency>> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), JSON.stringify(options)],
    { maxBuffer: 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, Latency>;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const options = JSON.parse(process.argv[2] ?? '{}') as LatencyOptions;
  console.log(JSON.stringify(await main(options)));
}
