/**
 * Proxy benchmark: what `pivot-contract proxy` adds to an exchange. The same request (the documented
 * `card-redirect` create, a fresh `X-REQUEST-ID` each time) goes to the sandbox directly, through a
 * proxy, and through a proxy that also writes its report, in turn, one at a time, from a client in its
 * own process (`bench-latency.ts`); each proxy is its own process (the built bin when there is one), as
 * users run it. The p50 difference is the overhead per exchange. Validation runs after each answer has
 * been passed on; its cost for this exchange is measured in process alongside, to compare.
 *
 * `npm run bench` calls `benchProxy()`; `tsx scripts/maintainer/bench-proxy.ts` runs it alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateRequest, validateResponse } from 'pivot-payments-contract/validators';
import { DEFAULT_SPEC, REPO_ROOT } from '../../generators/spec/package-root.ts';
import { startSandbox } from '../sandbox/server.ts';
import { latencyInOwnProcess, type Latency } from './bench-latency.ts';
import { median, now, scratch } from './bench-measure.ts';
import { benchRequest, sandboxToken } from './bench-sandbox.ts';

export interface ProxyBenchResult {
  rounds: number;
  direct: Latency;
  proxy: Latency;
  proxyWithReport: Latency;
  /** validateRequest + validateResponse (tolerant) of this exchange, in process, median µs. */
  validationUs: number;
  /** How the proxy was run. */
  command: string;
}

const BUILT_BIN = join(REPO_ROOT, 'packages', 'cli', 'bin', 'pivot-contract.js');
const BUILT_PROXY = join(REPO_ROOT, 'packages', 'cli', 'dist', 'scripts', 'proxy.js');

/** `pivot-contract proxy …` as a child process; resolves with its URL once it listens. */
async function startProxyProcess(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const command = existsSync(BUILT_PROXY) ? [BUILT_BIN] : ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'cli.ts')];
  const child = spawn(process.execPath, [...command, 'proxy', '--port', '0', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the proxy did not start within 30 s:\n${output}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume(); // one line per exchange follows: read and drop it
        resolve({ url: match[1]!, child });
      }
    });
    child.once('exit', (code) => reject(new Error(`the proxy exited (${code}):\n${output}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

/** Median µs of validating this exchange as the proxy does (request strictly, answer tolerantly). */
function validationCost(body: string, answer: unknown): number {
  const request = JSON.parse(body) as unknown;
  const samples: number[] = [];
  for (let batch = 0; batch < 21; batch++) {
    const start = now();
    for (let index = 0; index < 50; index++) {
      validateRequest('createPaymentSession', request);
      validateResponse('createPaymentSession', 200, answer, { mode: 'tolerant' });
    }
    samples.push((now() - start) / 50 / 1000);
  }
  return median(samples);
}

export async function benchProxy(options: { rounds?: number } = {}): Promise<ProxyBenchResult> {
  const rounds = options.rounds ?? 1000;
  const body = benchRequest();
  const document = JSON.parse(readFileSync(DEFAULT_SPEC, 'utf8')) as Record<string, unknown>;
  const sandbox = await startSandbox({ document, port: 0, maxSessions: 1_000_000 });
  const proxies: ChildProcess[] = [];
  try {
    const token = await sandboxToken(sandbox.url);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const sample = await fetch(`${sandbox.url}/v2/payments`, {
      method: 'POST',
      headers: { ...headers, 'x-request-id': 'BENCHPROXYSAMPLE0001' },
      body,
    });
    const answer = (await sample.json()) as unknown;

    const plain = await startProxyProcess(['--upstream', sandbox.url]);
    proxies.push(plain.child);
    const reporting = await startProxyProcess(['--upstream', sandbox.url, '--report', join(scratch('proxy'), 'report.jsonl')]);
    proxies.push(reporting.child);
    const figures = await latencyInOwnProcess({
      targets: { direct: sandbox.url, proxy: plain.url, proxyWithReport: reporting.url },
      path: '/v2/payments',
      method: 'POST',
      headers,
      body,
      rounds,
      warmupRounds: Math.ceil(rounds / 10),
    });
    return {
      rounds,
      direct: figures.direct!,
      proxy: figures.proxy!,
      proxyWithReport: figures.proxyWithReport!,
      validationUs: validationCost(body, answer),
      command: existsSync(BUILT_PROXY) ? 'the built bin' : 'tsx scripts/cli.ts',
    };
  } finally {
    await Promise.all(proxies.map(stop));
    await sandbox.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchProxy(), null, 2));
}
