/**
 * The team sandbox's benchmark: creates per second and p99 latency of `POST /v2/payments` (the documented
 * `card-redirect` request, a fresh `X-REQUEST-ID` each time) on each of the sandbox's homes, measured in
 * one run, the same way: instances of the built bin as processes (sandbox-processes.ts), autocannon in
 * its own process (`bench-load.ts`) with its connections spread over the instances (connection i to
 * instance i mod n, as a round-robin balancer would), 50 connections, 10 s each:
 *
 *   in memory (1 instance) · SQLite `--data` (1 instance) · PostgreSQL `--store` with 1, 2 and 4 instances
 *
 * PostgreSQL is a cluster of its own (postgres-cluster.ts) with the server's default durability
 * (`fsync` and `synchronous_commit` on), one fresh database per row. Every instance, the database and
 * the load generator share this machine's cores, so more instances than cores measure contention, not
 * scale-out: the figures say what one machine does, and the CPU count is printed with them.
 *
 * `npm run bench` calls `benchTeam()`; `tsx scripts/maintainer/bench-team.ts` runs it alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchRequest } from './bench-sandbox.ts';
import { loadInOwnProcess, type LoadResult } from './bench-load.ts';
import { startPostgresCluster } from './postgres-cluster.ts';
import { killInstances, startInstance } from './sandbox-processes.ts';

export interface TeamBenchRow {
  store: 'memory' | 'sqlite' | 'postgres';
  instances: number;
  load: LoadResult;
}

export interface TeamBenchResult {
  connections: number;
  durationSeconds: number;
  rows: TeamBenchRow[];
}

async function accessToken(url: string): Promise<string> {
  const issued = await fetch(`${url}/v1/access-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-merchant-id': 'sandbox-merchant', 'x-merchant-secret': 'sandbox-secret' },
    body: '{"grantType":"client_credentials"}',
  });
  return ((await issued.json()) as { data: { accessToken: string } }).data.accessToken;
}

/** Starts `count` instances with `args`, loads them together, and stops them. */
async function loadInstances(
  args: string[],
  count: number,
  options: { connections: number; durationSeconds: number },
): Promise<LoadResult> {
  try {
    const instances = await Promise.all(
      Array.from({ length: count }, () => startInstance(['--max-sessions', '1000000', ...args])),
    );
    // One token for all: a token issued by one instance is accepted by every instance on the store.
    const token = await accessToken(instances[0]!.url);
    return await loadInOwnProcess({
      url: instances.map((instance) => `${instance.url}/v2/payments`),
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: benchRequest(),
      ...options,
    });
  } finally {
    await killInstances();
  }
}

export async function benchTeam(options: { connections?: number; durationSeconds?: number } = {}): Promise<TeamBenchResult> {
  const load = { connections: options.connections ?? 50, durationSeconds: options.durationSeconds ?? 10 };
  const rows: TeamBenchRow[] = [];
  rows.push({ store: 'memory', instances: 1, load: await loadInstances([], 1, load) });
  const folder = mkdtempSync(join(tmpdir(), 'pivot-bench-team-'));
  try {
    rows.push({ store: 'sqlite', instances: 1, load: await loadInstances(['--data', join(folder, 'bench.db')], 1, load) });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const cluster = await startPostgresCluster();
  try {
    for (const count of [1, 2, 4]) {
      const url = await cluster.createDatabase(`bench_${count}`);
      rows.push({ store: 'postgres', instances: count, load: await loadInstances(['--store', url], count, load) });
    }
  } finally {
    await cluster.stop();
  }
  return { ...load, rows };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchTeam(), null, 2));
}
