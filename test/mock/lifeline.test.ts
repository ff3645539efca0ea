/**
 * The mock's processes die together (issue 14): after a SIGKILL of the front layer no Prism process
 * remains, and a SIGTERM to `npm run mock` (which npm's `sh -c` does not pass on) stops both. Pids are
 * checked, not names, so other mocks on the machine do not matter.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/http/serve.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'scripts', 'cli.ts');
const started: number[] = [];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The parent pid of a process, from /proc. */
function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

afterEach(() => {
  for (const pid of started.splice(0))
    if (alive(pid))
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
});

/** Polls until none of the pids is alive or the deadline passes (a bound, not a measurement); returns the living. */
async function survivors(pids: number[], withinMs = 15_000): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  let living = pids.filter(alive);
  while (living.length > 0 && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 100));
    living = living.filter(alive);
  }
  return living;
}

async function listening(child: ChildProcess): Promise<{ url: string; prismPid: number; output: () => string }> {
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const match = /mock listening on (http:\/\/\S+) \(Prism pid (\d+)\)/.exec(text);
    if (match) {
      started.push(Number(match[2]));
      return { url: match[1]!, prismPid: Number(match[2]), output: () => text };
    }
    if (child.exitCode !== null) break;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`the mock did not start:\n${text}`);
}

/** `pivot-contract mock` on a free port, run through tsx as its own process, once it listens. */
async function startMockProcess(): Promise<{ front: ChildProcess; mock: Awaited<ReturnType<typeof listening>> }> {
  const port = await freePort();
  const front = spawn(process.execPath, ['--import', 'tsx', CLI, 'mock', '--port', String(port)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(front.pid!);
  return { front, mock: await listening(front) };
}

/** The exit code the child ends with. */
function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

describe('the mock leaves no Prism behind', () => {
  it('SIGKILL of the front layer: Prism exits too', async () => {
    const { front, mock } = await startMockProcess();
    expect(parentOf(mock.prismPid)).toBe(front.pid);
    expect((await fetch(`${mock.url}/v1/customers/x`)).status).toBe(401);
    front.kill('SIGKILL');
    expect(await survivors([front.pid!, mock.prismPid])).toEqual([]);
  }, 180_000);

  it('SIGTERM to `npm run mock`: the front layer and Prism both stop', async () => {
    const port = await freePort();
    const npm = spawn('npm', ['run', '--silent', 'mock', '--', '--port', String(port)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(npm.pid!);
    const mock = await listening(npm);
    const front = parentOf(mock.prismPid);
    started.push(front);
    expect(front).not.toBe(npm.pid); // npm → sh → tsx → node: the signal reaches only npm
    npm.kill('SIGTERM');
    expect(await survivors([npm.pid!, front, mock.prismPid])).toEqual([]);
    await expect(fetch(mock.url)).rejects.toThrow();
  }, 180_000);

  it('SIGTERM to the mock: it says so, stops Prism and exits 0', async () => {
    const { front, mock } = await startMockProcess();
    const exited = exitCode(front);
    front.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(mock.output()).toMatch(/SIGTERM: stopping the mock[\s\S]*mock stopped/);
    expect(await survivors([mock.prismPid])).toEqual([]);
  }, 180_000);

  it('Prism dies: the mock says so and exits 1 instead of answering without it', async () => {
    const { front, mock } = await startMockProcess();
    const exited = exitCode(front);
    process.kill(mock.prismPid, 'SIGKILL');
    expect(await exited).toBe(1);
    expect(mock.output()).toContain('Prism exited unexpectedly: stopping the mock');
    await expect(fetch(mock.url)).rejects.toThrow();
  }, 180_000);
});
