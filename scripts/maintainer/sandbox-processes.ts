/**
 * `pivot-contract sandbox` instances as a team runs them: the built bin (packages/cli/bin) as child
 * processes, each on a free port, started with a deadline and stopped by their own pid (SIGKILL), none
 * left running. Shared by the durability and team sandbox tests and the bench (bench-team.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', '..', 'packages', 'cli', 'bin', 'pivot-contract.js');

export interface Instance {
  child: ChildProcess;
  url: string;
  output(): string;
  /** The exit code, or the signal's name. */
  exited: Promise<number | string>;
  /** SIGKILL, and waits for the exit. */
  kill(): Promise<void>;
}

const started = new Set<ChildProcess>();

/** SIGKILLs every process started here that is still running (an afterEach/afterAll). */
export async function killInstances(): Promise<void> {
  const running = [...started].filter((child) => child.exitCode === null && child.signalCode === null);
  started.clear();
  await Promise.all(
    running.map((child) => {
      const gone = new Promise((done) => child.once('exit', done));
      child.kill('SIGKILL');
      return gone;
    }),
  );
}

/** A child process whose stdout and stderr are collected together; killed by `killInstances`. */
export function runCollecting(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const exited = new Promise<number | string>((done) => child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown')));
  return { child, output: () => text, exited };
}

/** Runs `pivot-contract sandbox <args>` and resolves when it exits (for the starts that must fail). */
export function runSandboxBin(args: string[], env: Record<string, string> = {}) {
  return runCollecting(process.execPath, [BIN, 'sandbox', ...args], { env: { ...process.env, ...env } });
}

/** Starts an instance on a free port; resolves once it listens (30 s deadline). */
export async function startInstance(args: string[], env: Record<string, string> = {}): Promise<Instance> {
  const running = runSandboxBin(['--port', '0', ...args], env);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const match = /pivot sandbox listening on (http:\/\/\S+)/.exec(running.output());
    if (match)
      return {
        ...running,
        url: match[1]!,
        kill: async () => {
          running.child.kill('SIGKILL');
          await running.exited;
        },
      };
    if (running.child.exitCode !== null) break;
    await new Promise((done) => setTimeout(done, 25));
  }
  running.child.kill('SIGKILL');
  throw new Error(`the sandbox did not start:\n${running.output()}`);
}

/** Waits for `exited` at most `ms`; undefined when the process was still running then. */
export async function exitWithin(exited: Promise<number | string>, ms: number): Promise<number | string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((done) => (timer = setTimeout(() => done(undefined), ms)));
  const result = await Promise.race([exited, late]);
  clearTimeout(timer);
  return result;
}
