/**
 * `pivot-contract sandbox` as a user runs it: a real process on a free port, its one start-up line, its
 * flags and `PIVOT_SANDBOX_*` variables, a clean stop on SIGTERM, and the README's worked example run
 * line for line from the README itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/http/serve.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'scripts', 'cli.ts');
const started: ChildProcess[] = [];

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

function run(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'sandbox', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => text, exited };
}

async function startCli(args: string[], env: Record<string, string> = {}): Promise<Running> {
  const process = run(args, env);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const match = /pivot sandbox listening on (http:\/\/\S+)/.exec(process.output());
    if (match) return { ...process, url: match[1]! };
    if (process.child.exitCode !== null) break;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`the sandbox did not start:\n${process.output()}`);
}

async function token(url: string, id: string, secret: string): Promise<number> {
  const response = await fetch(`${url}/v1/access-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-merchant-id': id, 'x-merchant-secret': secret },
    body: '{"grantType":"client_credentials"}',
  });
  return response.status;
}

describe('pivot-contract sandbox', () => {
  it('prints "pivot sandbox listening on http://HOST:PORT" and the dashboard to open, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const sandbox = await startCli(['--port', String(port)]);
    expect(sandbox.url).toBe(`http://127.0.0.1:${port}`);
    // The second line may arrive a moment after the first: wait for it, then compare the whole output.
    await expect.poll(() => sandbox.output().trim().split('\n').length).toBe(2);
    expect(sandbox.output().trim().split('\n')).toEqual([
      `pivot sandbox listening on http://127.0.0.1:${port}`,
      `open http://127.0.0.1:${port}/_sandbox in a browser to pay and follow test payments`,
    ]);
    const dashboard = await fetch(`${sandbox.url}/_sandbox`, { headers: { accept: 'text/html' } });
    expect([dashboard.status, dashboard.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(await dashboard.text()).toContain('New payment');
    expect(await token(sandbox.url, 'sandbox-merchant', 'sandbox-secret')).toBe(200);
    sandbox.child.kill('SIGTERM');
    expect(await sandbox.exited).toBe(0);
    await expect(fetch(sandbox.url)).rejects.toThrow();
  }, 60_000);

  it('takes its settings from flags, else from PIVOT_SANDBOX_* variables', async () => {
    const sandbox = await startCli(['--port', '0', '--merchant-secret', 'from-flag'], {
      PIVOT_SANDBOX_MERCHANT_ID: 'from-env',
      PIVOT_SANDBOX_MERCHANT_SECRET: 'loses-to-the-flag',
    });
    expect(await token(sandbox.url, 'from-env', 'from-flag')).toBe(200);
    expect(await token(sandbox.url, 'sandbox-merchant', 'sandbox-secret')).toBe(401);
    expect(await token(sandbox.url, 'from-env', 'loses-to-the-flag')).toBe(401);
    sandbox.child.kill('SIGINT');
    expect(await sandbox.exited).toBe(0);
  }, 60_000);

  for (const [args, message] of [
    [['--port', 'abc'], '--port must be a port number'],
    [['--max-sessions', '0'], '--max-sessions must be a positive integer'],
    [['--callback-url', 'not a url'], '--callback-url must be an absolute URL'],
    [['--prot', '4011'], 'unknown option "--prot" (did you mean "--port"?)'],
    [['extra'], 'unexpected argument "extra"'],
  ] as const) {
    it(`${args.join(' ')} is a usage error (exit 2)`, async () => {
      const attempt = run([...args]);
      expect(await attempt.exited).toBe(2);
      expect(attempt.output()).toContain(message);
      expect(attempt.output()).toContain('usage: pivot-contract sandbox');
    }, 30_000);
  }

  it('a port in use is one clear line and exit 1', async () => {
    const first = await startCli(['--port', '0']);
    const port = new URL(first.url).port;
    const second = run(['--port', port]);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`port ${port} on 127.0.0.1 is already in use`);
  }, 60_000);
});

describe("the README's worked example", () => {
  /** The shell block under "### Worked example" in the README's Sandbox section, as written. */
  function workedExample(): string {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Worked example'));
    const block = /```sh\n([\s\S]*?)```/.exec(section);
    if (!block) throw new Error('README: no sh block under "### Worked example"');
    return block[1]!;
  }

  it('runs as written: token → create → simulate → PAID → the callback in /_sandbox/callbacks, and leaves nothing running', async () => {
    const port = await freePort();
    const shell = spawn('bash', ['-e', '-c', workedExample()], {
      cwd: ROOT,
      env: { ...process.env, PIVOT_SANDBOX_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(shell);
    let output = '';
    shell.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    shell.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const code = await new Promise<number | null>((done) => shell.once('exit', done));
    expect(code, output).toBe(0);
    expect(output).toContain('{"updated":true}');
    expect(output).toMatch(/^PAID$/m);
    expect(output).toContain('{"event":"PAYMENT.PAID","state":"no_callback_url"}');
    // `kill %1` stops npm; the sandbox notices and stops too, so the port is free again.
    const deadline = Date.now() + 10_000;
    let stillUp = true;
    while (stillUp && Date.now() < deadline) {
      stillUp = await fetch(`http://127.0.0.1:${port}/_sandbox/clock`).then(
        () => true,
        () => false,
      );
      if (stillUp) await new Promise((done) => setTimeout(done, 200));
    }
    expect(stillUp).toBe(false);
  }, 90_000);
});
