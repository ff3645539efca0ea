/**
 * The README's "Checking real traffic" commands, run from the README itself. Only what a test must
 * change is changed: ports (4011, 4012, 4013) become free ones, file names become scratch paths, and
 * Pivot's staging URL becomes a local HTTPS server standing in for it (a self-signed certificate the
 * proxy is told to trust with NODE_EXTRA_CA_CERTS), since staging is not reachable from a test.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getFixture } from 'pivot-payments-contract/fixtures';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/http/serve.ts';
import { json, killLeftovers, ROOT } from './harness.ts';

const scratch = mkdtempSync(join(tmpdir(), 'pivot-proxy-readme-'));
const TLS = join(import.meta.dirname, '..', 'fixtures', 'tls');
const shells: Array<ReturnType<typeof spawn>> = [];
afterAll(() => {
  for (const shell of shells) if (shell.exitCode === null) shell.kill('SIGKILL');
  killLeftovers();
  rmSync(scratch, { recursive: true, force: true });
});

/** The first ```sh block under a README heading. */
function block(heading: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(heading);
  if (start < 0) throw new Error(`README: no "${heading}"`);
  const match = /```sh\n([\s\S]*?)```/.exec(readme.slice(start));
  if (!match) throw new Error(`README: no sh block under "${heading}"`);
  return match[1]!;
}

/** Each command of a block: continuation lines joined, comments and blank lines left out. */
function commands(text: string): string[] {
  return text
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
}

function substitute(text: string, replacements: Record<string, string>): string {
  let result = text;
  for (const [from, to] of Object.entries(replacements)) result = result.replaceAll(from, to);
  return result;
}

/** Runs a shell script from the repository (so `npx pivot-contract` is this checkout's), bounded. */
function shell(script: string, env: Record<string, string> = {}, ms = 180_000, options: { ownGroup?: boolean } = {}) {
  const child = spawn('bash', ['-e', '-c', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownGroup ?? false,
  });
  shells.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`no end within ${ms} ms:\n${output}`));
    }, ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done(code);
    });
  });
  return { child, output: () => output, exited };
}

async function portIsFree(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/`).then(
    () => false,
    () => true,
  );
}

describe('README: Checking real traffic', () => {
  it('in front of the local sandbox: the flows pass through the proxy, callbacks included, and report agrees', async () => {
    const [sandboxPort, proxyPort, receiverPort] = [await freePort(), await freePort(), await freePort()];
    const report = join(scratch, 'traffic.jsonl');
    const script = substitute(block('### In front of the local sandbox'), {
      '4011': String(sandboxPort),
      '4012': String(proxyPort),
      '4013': String(receiverPort),
      'traffic.jsonl': report,
    });
    const run = shell(script);
    const code = await run.exited;
    const output = run.output();
    expect(code, output).toBe(0);
    expect(output).toMatch(/^\d+ passed, 0 failed$/m);
    const summaries = output.match(/^\d+ exchanges, 0 with violations$/gm) ?? [];
    expect(summaries, output).toHaveLength(2); // the proxy's, on kill, and the report's
    expect(summaries[0]).toBe(summaries[1]);
    expect(readFileSync(report, 'utf8')).toContain('"kind":"callback"');
    // `kill %2 %1 && wait` leaves nothing listening.
    expect(await portIsFree(sandboxPort)).toBe(true);
    expect(await portIsFree(proxyPort)).toBe(true);
  }, 240_000);

  it("in front of Pivot's staging API (a local HTTPS stand-in): proxy, a call, report --fixtures", async () => {
    const staging = createHttpsServer(
      { key: readFileSync(join(TLS, 'key.pem')), cert: readFileSync(join(TLS, 'cert.pem')) },
      (request, response) => {
        request.resume();
        request.on('end', () =>
          json(
            200,
            getFixture({ operationId: 'createAccessToken', kind: 'response', status: '200', name: 'client-credentials' }),
          )({} as never, response),
        );
      },
    );
    await new Promise<void>((done) => staging.listen(0, '127.0.0.1', done));
    const stagingUrl = `https://127.0.0.1:${(staging.address() as AddressInfo).port}`;
    const proxyPort = await freePort();
    const report = join(scratch, 'staging.jsonl');
    const observed = join(scratch, 'observed');
    const [proxyCommand, call, reportCommand, ...rest] = commands(
      substitute(block("### In front of Pivot's staging API"), {
        'https://api-stg.pivot-payment.com': stagingUrl,
        '4012': String(proxyPort),
        'staging.jsonl': report,
        'observed/': `${observed}/`,
      }),
    );
    expect(rest).toEqual([]);
    const env = {
      NODE_EXTRA_CA_CERTS: join(TLS, 'cert.pem'),
      PIVOT_CALLBACK_API_KEY: 'callback-key',
      PIVOT_MERCHANT_ID: 'merchant',
      PIVOT_MERCHANT_SECRET: 'S3cret-Of-The-Merchant',
    };
    // Its own process group, as a command in a terminal is: Ctrl-C signals the whole group (npx and the proxy).
    const proxy = shell(proxyCommand!, env, 60_000, { ownGroup: true });
    const end = Date.now() + 30_000;
    while (!proxy.output().includes('listening on') && Date.now() < end && proxy.child.exitCode === null)
      await new Promise((done) => setTimeout(done, 50));
    expect(proxy.output()).toContain(`listening on http://127.0.0.1:${proxyPort}`);

    const called = shell(call!, env, 30_000);
    expect(await called.exited, called.output()).toBe(0);
    expect(JSON.parse(called.output()).data.tokenType).toBe('Bearer');

    // 3. "Ctrl-C the proxy": its summary, exit 0.
    await new Promise((done) => setTimeout(done, 300));
    process.kill(-proxy.child.pid!, 'SIGINT');
    await proxy.exited;
    // npm itself dies of the SIGINT, as in a terminal; the proxy (its child) printed its summary first.
    expect(proxy.child.exitCode === 0 || proxy.child.signalCode === 'SIGINT', proxy.output()).toBe(true);
    expect(proxy.output()).toMatch(/^1 exchange, 0 with violations$/m);
    expect(await portIsFree(proxyPort)).toBe(true);

    const summarised = shell(reportCommand!, env, 60_000);
    expect(await summarised.exited, summarised.output()).toBe(0);
    const folder = join(observed, 'createAccessToken', '200');
    expect(existsSync(folder)).toBe(true);
    const [candidate] = readdirSync(folder);
    const text = readFileSync(join(folder, candidate!), 'utf8');
    expect(text).toContain(`url: ${stagingUrl}/v1/access-token`);
    expect(text).toContain('accessToken: "[redacted]"');
    expect(readFileSync(report, 'utf8')).not.toContain('S3cret-Of-The-Merchant');
    await new Promise<void>((done) => staging.close(() => done()));
  }, 120_000);
});
