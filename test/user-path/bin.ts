/**
 * The `pivot-contract` command as its users run it: the built bin (packages/cli/bin/pivot-contract.js,
 * built by `npm ci`'s prepare and again before the tests by test/global-setup.ts) as a child process,
 * on the real wall clock, with a deadline on every run. A run that outlives its deadline is killed
 * (its whole process group) and reported as timed out, so a hang fails the test instead of stalling it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';

export const BIN = join(REPO_ROOT, 'packages', 'cli', 'bin', 'pivot-contract.js');

export interface BinRun {
  /** The exit code, or null when a signal (the deadline's) ended it. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Whether the deadline killed it. */
  timedOut: boolean;
  ms: number;
}

export interface BinOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** How long the run may take before it is killed (not a measurement: a bound on a hang). */
  deadlineMs?: number;
}

function environment(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  // No colours, and none of the test runner's own variables that would change what the CLI does.
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
  for (const name of ['PIVOT_MERCHANT_ID', 'PIVOT_MERCHANT_SECRET', 'PIVOT_BASE_URL', 'NODE_OPTIONS']) delete env[name];
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Runs `pivot-contract <args>` to its end, or to its deadline. */
export function runBin(args: string[], options: BinOptions = {}): Promise<BinRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: environment(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid, 'SIGKILL');
  }, options.deadlineMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut, ms: performance.now() - started });
    });
  });
}

export interface RunningBin {
  /** The URL it printed (`… listening on http://127.0.0.1:PORT`). */
  url: string;
  pid: number;
  output(): string;
  /** SIGTERM to its process group; resolves once it has exited (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/** Starts a server command (`sandbox`, `mock`) and resolves once it prints the URL it listens on. */
export function startBin(args: string[], options: BinOptions = {}): Promise<RunningBin> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: environment(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async (graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    killGroup(child.pid, 'SIGTERM');
    const late = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(late);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`pivot-contract ${args.join(' ')} did not start within its deadline:\n${output}`));
    }, options.deadlineMs ?? 90_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/[\w.:[\]-]+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, pid: child.pid!, output: () => output, stop });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pivot-contract ${args.join(' ')} exited (${code}) before listening:\n${output}`));
    });
  });
}
