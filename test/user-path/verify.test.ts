/**
 * `pivot-contract verify` as users run it: the built bin as a process with a deadline, against the
 * built `pivot-contract sandbox` and `pivot-contract mock` started as processes, on the real wall clock,
 * then with the sandbox's clock three years ahead. The documented examples, `--negative` and
 * `--flows` (callbacks received and checked) pass against the sandbox on both dates; the examples and
 * `--negative` pass against the mock, and `--flows` against it stops before any flow, saying why.
 * Before issue 23 the examples failed against the sandbox on any day after 2025-12-30 (their
 * documented `expiryAt`), and the calls on a session named sessions the sandbox never issued.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFixture } from '../../generated/fixtures/index.js';
import { jsonResponse, validationErrorBody } from '../../scripts/http/errors.ts';
import { freePort, serveHandler, type ServedHandler } from '../../scripts/http/serve.ts';
import { runBin, startBin, type BinRun, type RunningBin } from './bin.ts';

const SANDBOX_CREDENTIALS = { PIVOT_MERCHANT_ID: 'sandbox-merchant', PIVOT_MERCHANT_SECRET: 'sandbox-secret' };
const THREE_YEARS_SECONDS = 3 * 365 * 24 * 60 * 60 + 24 * 60 * 60; // with a leap day
const RUN_DEADLINE_MS = 180_000;
const scratch = mkdtempSync(join(tmpdir(), 'pivot-user-verify-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function failures(run: BinRun): string[] {
  return run.stdout.split('\n').filter((line) => line.startsWith('✗') || line.startsWith('  ↳'));
}

function expectPassed(run: BinRun): void {
  expect(run.timedOut, `verify still running after ${RUN_DEADLINE_MS / 1000} s:\n${run.stdout}`).toBe(false);
  expect(failures(run), run.stdout).toEqual([]);
  expect(run.stderr).toBe('');
  expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^\d+ passed, 0 failed$/);
  expect(run.code).toBe(0);
}

describe('verify against the sandbox, both started from the built bin', () => {
  let sandbox: RunningBin;
  let callbackPort: number;
  beforeAll(async () => {
    callbackPort = await freePort();
    sandbox = await startBin(['sandbox', '--port', '0', '--callback-url', `http://127.0.0.1:${callbackPort}/`]);
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  const verify = (args: string[]) =>
    runBin(['verify', '--base-url', sandbox.url, ...args], { env: SANDBOX_CREDENTIALS, deadlineMs: RUN_DEADLINE_MS });

  async function sandboxTime(): Promise<number> {
    const answer = (await (await fetch(`${sandbox.url}/_sandbox/clock`)).json()) as { now: string };
    return Date.parse(answer.now);
  }

  describe.each([
    ['today', 0],
    ['three years ahead (sandbox clock moved)', THREE_YEARS_SECONDS],
  ])('%s', (_when, advanceSeconds) => {
    beforeAll(async () => {
      if (advanceSeconds === 0) return;
      const before = await sandboxTime();
      const moved = await fetch(`${sandbox.url}/_sandbox/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advanceSeconds }),
      });
      expect(moved.status).toBe(200);
      expect((await sandboxTime()) - before).toBeGreaterThanOrEqual(advanceSeconds * 1000);
    });

    it('passes every documented example, the calls on a session acting on sessions the run created', async () => {
      const run = await verify(['--junit', join(scratch, 'examples.xml')]);
      expectPassed(run);
      expect(run.stdout).toContain('✓ createPaymentSession card-redirect 200');
      expect(run.stdout).toContain('✓ confirmPaymentSession redirect-guide-va 200');
      expect(run.stdout).toContain('✓ simulatePayment success 200');
      expect(run.stdout).toContain('✓ capturePaymentSession partial-release-remaining 200');
      expect(run.stdout).toContain('✓ cancelPaymentSession requested-by-customer 200');
      expect(run.stdout).toContain('✓ getCustomer with-stored-card 200');
    });

    it('passes --negative (every invalid request rejected with a 4xx ErrorResponse), after the examples', async () => {
      const run = await verify(['--negative']);
      expectPassed(run);
      expect(run.stdout).toMatch(/✓ negative\.createPaymentSession “clientReferenceId at most 100 characters” 400/);
    });

    it('passes every flow, with its callbacks received and checked', async () => {
      const run = await verify(['--flows', '--callback-port', String(callbackPort)]);
      expectPassed(run);
      expect(run.stdout).toContain('✓ flow.expiry-by-clock simulate SUCCESS 422');
      expect(run.stdout).toContain('✓ flow.card-redirect callbacks PAYMENT.PROCESSING → PAYMENT.PAID');
    });
  });
});

describe('verify against the mock, both started from the built bin', () => {
  let mock: RunningBin;
  beforeAll(async () => {
    mock = await startBin(['mock', '--port', '0']);
  });
  afterAll(async () => {
    await mock?.stop();
  });
  const credentials = { PIVOT_MERCHANT_ID: 'test-merchant', PIVOT_MERCHANT_SECRET: 'test-secret' };

  it('passes every documented example and --negative', async () => {
    const run = await runBin(['verify', '--base-url', mock.url, '--negative'], { env: credentials, deadlineMs: RUN_DEADLINE_MS });
    expectPassed(run);
    expect(run.stdout).toMatch(/^○ .* keeps no state .*: the calls on a session are sent with the documented ids$/m);
  });

  it('says before any flow runs that --flows needs a server that keeps state (exit 2)', async () => {
    const run = await runBin(['verify', '--base-url', mock.url, '--flows'], { env: credentials, deadlineMs: RUN_DEADLINE_MS });
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(2);
    expect(run.stdout).not.toMatch(/flow\./);
    expect(run.stderr).toMatch(/^--flows needs a server that keeps state .* answers documented examples without keeping any/);
  });
});

describe('verify says why a server refused a valid request', () => {
  // A server that refuses every create with the contract's 400 and two details, and issues tokens.
  let served: ServedHandler;
  const DETAILS = [
    { field: 'expiryAt', message: 'expiryAt must be in the future (server time is 2031-01-01T00:00:00Z)' },
    { field: 'amount.value', message: 'amount.value must be at least 10000' },
  ];
  beforeAll(async () => {
    served = await serveHandler(async (request) => {
      const path = new URL(request.url).pathname;
      if (path === '/v1/access-token')
        return jsonResponse(
          200,
          getFixture({ operationId: 'createAccessToken', kind: 'response', status: '200', name: 'client-credentials' }),
        );
      if (path === '/v2/payments') return jsonResponse(400, validationErrorBody('createPaymentSession', DETAILS));
      return jsonResponse(404, { code: 'not_found', message: 'not here' });
    });
  });
  afterAll(async () => {
    await served?.close();
  });

  it('prints each error.details entry (field and message) under the failing step, and the JUnit failure holds them', async () => {
    const junit = join(scratch, 'refused.xml');
    const run = await runBin(
      ['verify', '--base-url', served.url, '--operation', 'createPaymentSession', '--example', 'card-redirect', '--junit', junit],
      { env: { PIVOT_MERCHANT_ID: 'm', PIVOT_MERCHANT_SECRET: 's' }, deadlineMs: RUN_DEADLINE_MS },
    );
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    const failed = lines.findIndex((line) => line.startsWith('✗ createPaymentSession card-redirect 400: '));
    expect(failed, run.stdout).toBeGreaterThanOrEqual(0);
    expect(lines.slice(failed + 1, failed + 3)).toEqual([
      '  ↳ expiryAt: expiryAt must be in the future (server time is 2031-01-01T00:00:00Z)',
      '  ↳ amount.value: amount.value must be at least 10000',
    ]);
    const xml = readFileSync(junit, 'utf8');
    const failure = /<failure message="([^"]*)"[^>]*>([^<]*)<\/failure>/.exec(xml);
    expect(failure, xml).not.toBeNull();
    for (const detail of DETAILS) {
      expect(failure![1]).toContain(`error.details: ${detail.field}: ${detail.message}`);
      expect(failure![2]).toContain(`error.details: ${detail.field}: ${detail.message}`);
    }
  });
});
