/**
 * `pivot-contract sandbox` as real processes for the durability tests: started on a free port with a
 * deadline, stopped by their own process id (SIGKILL or SIGTERM), every one of them gone after the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'scripts', 'cli.ts');

export interface SandboxProcess {
  child: ChildProcess;
  url: string;
  /** Everything it printed, stdout and stderr. */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once it has exited. */
  exited: Promise<number | string>;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
}

const started = new Set<ChildProcess>();

/** Kills every process started here that is still running (an afterEach). */
export function killAll(): void {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  started.clear();
}

/** Runs `pivot-contract sandbox <args>`; resolves once it exits (for the ones that refuse to start). */
export function runSandboxCommand(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; output(): string; exited: Promise<number | string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'sandbox', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const exited = new Promise<number | string>((done) => child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown')));
  return { child, output: () => text, exited };
}

/** Starts a sandbox process on a free port and resolves once it listens (30 s deadline). */
export async function startSandboxProcess(args: string[], env: Record<string, string> = {}): Promise<SandboxProcess> {
  const running = runSandboxCommand(['--port', '0', ...args], env);
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
