/**
 * `verify --flows` against real servers on free ports: the sandbox (every flow passes, callbacks
 * received and checked), the sandbox with its test-only faults (exactly the planted failures are
 * reported), the sandbox without its control routes (as Pivot's own sandbox is: the flows stop before
 * their hosted-page and clock steps, with one line each), and a provider that cannot reach the receiver.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPEC } from '../../generators/spec/package-root.ts';
import { jsonResponse, notFoundBody } from '../../scripts/http/errors.ts';
import { loadRoutes } from '../../scripts/http/routes.ts';
import { freePort, serveHandler, type ServedHandler } from '../../scripts/http/serve.ts';
import type { SandboxFaults } from '../../scripts/sandbox/faults.ts';
import { createSandbox, startSandbox, type RunningSandbox } from '../../scripts/sandbox/server.ts';
import { runVerify } from '../../scripts/verify.ts';
import { callbackProblems, type ReceivedCallback } from '../../scripts/verify/callbacks.ts';
import { FLOWS, needsControl } from '../../scripts/verify/flows.ts';
import { negativeRequests } from '../../scripts/verify/negative.ts';
import { firstDifference } from '../../scripts/verify/run-flows.ts';

const document = JSON.parse(readFileSync(DEFAULT_SPEC, 'utf8')) as Record<string, unknown>;
const CREDENTIALS = ['--merchant-id', 'sandbox-merchant', '--merchant-secret', 'sandbox-secret'];
const scratch = mkdtempSync(join(tmpdir(), 'pivot-flows-'));

async function verify(argv: string[], env: Record<string, string | undefined> = {}) {
  const lines: string[] = [];
  const errors: string[] = [];
  const code = await runVerify(argv, { log: (line) => lines.push(line), error: (line) => errors.push(line) }, env);
  return { code, lines, errors, last: lines.at(-1), failed: lines.filter((line) => line.startsWith('✗')) };
}

/** A sandbox whose callbacks go to a port verify's receiver will listen on. */
async function sandboxWithReceiverPort(faults?: SandboxFaults): Promise<{ running: RunningSandbox; port: number }> {
  const port = await freePort();
  const running = await startSandbox({ document, port: 0, callbackUrl: `http://127.0.0.1:${port}/`, faults });
  return { running, port };
}

const flowsWithCallbacks = FLOWS.filter((flow) => flow.steps.some((step) => step.callbacks.length > 0));
const stepCount = FLOWS.reduce((sum, flow) => sum + flow.steps.length, 0);

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers) await close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('verify --flows against the sandbox', () => {
  let sandbox: { running: RunningSandbox; port: number };
  beforeAll(async () => {
    sandbox = await sandboxWithReceiverPort();
    closers.push(() => sandbox.running.close());
  });

  it('passes every flow, with its callbacks received and checked; JUnit has one testsuite per flow', async () => {
    const junit = join(scratch, 'flows.xml');
    const result = await verify([
      '--base-url',
      sandbox.running.url,
      '--flows',
      ...CREDENTIALS,
      '--callback-port',
      String(sandbox.port),
      '--junit',
      junit,
    ]);
    expect(result.errors).toEqual([]);
    expect(result.failed).toEqual([]);
    expect(result.code).toBe(0);
    // The token step, every step of every flow, and one callback check per flow that causes callbacks.
    expect(result.last).toBe(`${1 + stepCount + flowsWithCallbacks.length} passed, 0 failed`);
    expect(result.lines).toContain('✓ flow.card-redirect hosted page “pay” 303');
    expect(result.lines).toContain('✓ flow.card-redirect callbacks PAYMENT.PROCESSING → PAYMENT.PAID');
    expect(result.lines).toContain('✓ flow.va-static callbacks CHARGE.SUCCESS → CHARGE.SUCCESS');
    expect(result.lines).toContain('✓ flow.idempotency replay: same X-REQUEST-ID, another payload 409');
    expect(result.lines).toContain('✓ flow.expiry-by-clock simulate SUCCESS 422');
    for (const flow of flowsWithCallbacks)
      expect(result.lines.some((line) => line.startsWith(`✓ flow.${flow.name} callbacks `))).toBe(true);

    const xml = readFileSync(junit, 'utf8');
    for (const flow of FLOWS) {
      const suite = new RegExp(`<testsuite name="flow\\.${flow.name}" tests="(\\d+)" failures="0"`).exec(xml);
      expect(suite?.[1], flow.name).toBe(String(flow.steps.length + (flowsWithCallbacks.includes(flow) ? 1 : 0)));
    }
    // Every session verify created is its own: fresh keys and references on every create.
    const sessions = (
      await sandbox.running.sandbox.store.list<{ session: Record<string, any> }>('sessions', { limit: 100_000 })
    ).map((row) => row.value.session);
    expect(new Set(sessions.map((session) => session.clientReferenceId)).size).toBe(sessions.length);
  });

  it('passes again on the same server: no key or reference of the first run is reused', async () => {
    const result = await verify([
      '--base-url',
      sandbox.running.url,
      '--flow',
      'idempotency',
      '--flow',
      'va-single',
      ...CREDENTIALS,
    ]);
    expect(result.failed).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.lines).toContain(
      "callbacks are not checked: give --callback-port P and point the provider's callback URL at http://127.0.0.1:P/",
    );
  });

  it('fails the callbacks of a flow whose X-API-Key is not the configured one, without printing the key', async () => {
    const result = await verify([
      '--base-url',
      sandbox.running.url,
      '--flow',
      'va-single',
      ...CREDENTIALS,
      '--callback-port',
      String(sandbox.port),
      '--callback-api-key',
      'expected-another-key',
    ]);
    expect(result.code).toBe(1);
    expect(result.failed).toEqual([
      '✗ flow.va-single callbacks PAYMENT.PAID: PAYMENT.PAID callback: X-API-Key is not the configured key (--callback-api-key)',
    ]);
    expect(result.lines.join('\n')).not.toContain('sandbox-callback-key');
  });

  it('--negative: every invalid request gets its 4xx ErrorResponse from the sandbox', async () => {
    const result = await verify(['--base-url', sandbox.running.url, '--flow', 'va-single', ...CREDENTIALS, '--negative']);
    const negative = result.lines.filter((line) => /^[✓✗] negative\./.test(line));
    expect(negative).toHaveLength(negativeRequests(loadRoutes(document)).length);
    expect(negative.filter((line) => !/^✓ negative\.\w+ .* 4\d\d$/.test(line))).toEqual([]);
    expect(result.code).toBe(0);
  });
});

describe('verify --flows against the sandbox with planted faults', () => {
  it('reports exactly the planted failures: a skipped transition, a corrupt field, a dropped callback, a different replay', async () => {
    const { running, port } = await sandboxWithReceiverPort({
      corruptField: { operationId: 'createPaymentSession', field: 'status' },
      skipTransition: 'simulatePayment',
      dropCallback: 'CHARGE.SUCCESS',
      differentReplay: true,
    });
    closers.push(() => running.close());
    const result = await verify([
      '--base-url',
      running.url,
      '--flows',
      ...CREDENTIALS,
      '--callback-port',
      String(port),
      '--callback-timeout',
      '1',
    ]);
    expect(result.code).toBe(1);
    expect(result.failed).toHaveLength(4);
    // The first create of the run (card-redirect) answers a corrupt status; its page step is not sent.
    expect(result.failed[0]).toMatch(/^✗ flow\.card-redirect create card-redirect 200: \/data\/status must be string/);
    expect(result.lines).toContain('○ flow.card-redirect: the last step is not sent: it builds on the failed one');
    // The first simulation (va-single) answers 200 but the session did not move.
    expect(result.failed[1]).toMatch(
      /^✗ flow\.va-single simulate SUCCESS 200: after the step the session is REQUIRE_ACTION \(expected PAID\), its latest charge is WAITING_FOR_USER_ACTION \(expected SUCCESS\) \(GET \/_sandbox\/sessions\/[\w-]+\)$/,
    );
    // The first CHARGE.SUCCESS (va-static) never arrives.
    expect(result.failed[2]).toMatch(
      /^✗ flow\.va-static callbacks CHARGE\.SUCCESS → CHARGE\.SUCCESS: session [\w-]+: CHARGE\.SUCCESS did not arrive within 1 s \(--callback-timeout\)$/,
    );
    // The first replay is answered as a new create.
    expect(result.failed[3]).toMatch(
      /^✗ flow\.idempotency replay: same X-REQUEST-ID, same payload 200: the replay was answered differently from the first create: \/data\//,
    );
    // Two steps are not sent, and card-redirect and va-single stopped before any step that causes a callback.
    const results = 1 + stepCount - 2 + flowsWithCallbacks.length - 2;
    expect(result.last).toBe(`${results - 4} passed, 4 failed, 2 not sent`);
  });
});

describe('verify --flows against a server without the control routes (as Pivot’s sandbox)', () => {
  let served: ServedHandler;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    const sandbox = createSandbox({ document, callbackUrl: `http://127.0.0.1:${port}/` });
    served = await serveHandler((request) =>
      new URL(request.url).pathname.startsWith('/_sandbox')
        ? Promise.resolve(jsonResponse(404, notFoundBody()))
        : sandbox.fetch(request),
    );
    closers.push(async () => {
      await served.close();
      await sandbox.idle();
    });
  });

  it('runs each flow up to its first hosted-page or clock step, says so in one line, and checks transitions from the answers', async () => {
    const junit = join(scratch, 'no-control.xml');
    const result = await verify([
      '--base-url',
      served.url,
      '--flows',
      ...CREDENTIALS,
      '--callback-port',
      String(port),
      '--junit',
      junit,
    ]);
    expect(result.failed).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.lines[1]).toMatch(/^no sandbox control routes at http:\/\/127\.0\.0\.1:\d+ \(GET \/_sandbox\/clock → 404\)/);
    const partial = FLOWS.filter((flow) => flow.steps.some(needsControl));
    const skipLines = result.lines.filter((line) => line.startsWith('○ '));
    expect(skipLines).toHaveLength(partial.length);
    expect(skipLines).toContain(
      `○ flow.card-manual-capture: the last 3 steps, from hosted page “pay” on, skipped: they need the sandbox's control routes (/_sandbox), which ${served.url} does not have`,
    );
    expect(skipLines).toContain(
      `○ flow.card-redirect: hosted page “pay” skipped: it needs the sandbox's control routes (/_sandbox), which ${served.url} does not have`,
    );
    const skipped = partial.reduce((sum, flow) => sum + flow.steps.length - flow.steps.findIndex(needsControl), 0);
    expect(result.last).toMatch(new RegExp(`^\\d+ passed, 0 failed, ${skipped} skipped$`));
    // Flows without the page or the clock still have their callbacks checked.
    expect(result.lines).toContain('✓ flow.va-single callbacks PAYMENT.PAID');
    expect(readFileSync(junit, 'utf8')).toContain('<skipped message="needs the sandbox control routes (/_sandbox)"/>');
  });
});

describe('verify --flows when the provider cannot reach the receiver', () => {
  it('says so in one line for the first flow and does not wait again', async () => {
    const running = await startSandbox({ document, port: 0 }); // no --callback-url
    closers.push(() => running.close());
    const result = await verify([
      '--base-url',
      running.url,
      '--flow',
      'va-single',
      '--flow',
      'qr-single',
      ...CREDENTIALS,
      '--callback-port',
      '0',
      '--callback-timeout',
      '0.3',
    ]);
    expect(result.code).toBe(1);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]).toMatch(
      /^✗ flow\.va-single callbacks PAYMENT\.PAID: no callback arrived at http:\/\/127\.0\.0\.1:\d+\/ within 0\.3 s \(--callback-timeout\): the provider may not reach the receiver/,
    );
    expect(result.lines).toContainEqual(
      expect.stringMatching(/^○ flow\.qr-single callbacks PAYMENT\.PAID: not checked, no callback has reached/),
    );
    expect(result.last).toBe('5 passed, 1 failed, 1 skipped');
  });
});

describe('verify --flows usage', () => {
  it('--list prints every flow, marking those that need the control routes', async () => {
    const result = await verify(['--list']);
    expect(result.code).toBe(0);
    for (const flow of FLOWS) expect(result.lines.some((line) => line.startsWith(`${flow.name} `))).toBe(true);
    expect(result.lines.find((line) => line.startsWith('card-redirect '))).toContain('[sandbox]');
    expect(result.lines.find((line) => line.startsWith('va-single '))).not.toContain('[sandbox]');
  });

  it.each([
    ['an unknown flow', ['--flow', 'card-iframe']],
    ['--flows with --example', ['--flows', '--example', 'va-api']],
    ['--callback-port without --flows', ['--callback-port', '4012']],
    ['a callback port that is not a port', ['--flows', '--callback-port', 'x']],
    ['--callback-timeout without --callback-port', ['--flows', '--callback-timeout', '5']],
  ])('%s → exit 2', async (_, argv) => {
    const result = await verify(['--base-url', 'http://127.0.0.1:1', ...argv]);
    expect(result.code).toBe(2);
    expect(result.lines).toEqual([]);
    expect(result.errors.join('\n')).toContain('usage: pivot-contract verify');
  });
});

describe('the callback check', () => {
  const callback = (event: string, id: string, key = 'k'): ReceivedCallback => ({
    headers: { 'x-api-key': key },
    body: { event, data: { id } },
    json: true,
  });
  const check = { apiKey: 'k', mode: 'tolerant' as const, timeoutMs: 1000 };
  const expected = [
    { sessionId: 's', event: 'PAYMENT.PROCESSING' },
    { sessionId: 's', event: 'PAYMENT.PAID' },
  ];
  const orderProblems = (received: ReceivedCallback[]) =>
    callbackProblems(received, expected, check).filter((problem) => problem.startsWith('session'));

  it('passes the expected events in order, and fails another order, a missing one and an extra one', () => {
    expect(orderProblems([callback('PAYMENT.PROCESSING', 's'), callback('PAYMENT.PAID', 's')])).toEqual([]);
    expect(orderProblems([callback('PAYMENT.PAID', 's'), callback('PAYMENT.PROCESSING', 's')])).toEqual([
      'session s: expected PAYMENT.PROCESSING → PAYMENT.PAID, received PAYMENT.PAID → PAYMENT.PROCESSING',
    ]);
    expect(orderProblems([callback('PAYMENT.PROCESSING', 's')])).toEqual([
      'session s: PAYMENT.PAID did not arrive within 1 s (--callback-timeout)',
    ]);
    const extra = [callback('PAYMENT.PROCESSING', 's'), callback('PAYMENT.PAID', 's'), callback('PAYMENT.CANCELLED', 's')];
    expect(orderProblems(extra)).toHaveLength(1);
    expect(callbackProblems(extra, expected, { ...check, allowMore: true }).filter((p) => p.startsWith('session'))).toEqual([]);
  });

  it('fails a body that is not a PaymentCallback, and a missing X-API-Key', () => {
    const problems = callbackProblems(
      [{ headers: {}, body: { event: 'PAYMENT.PAID', data: { id: 's' } }, json: true }],
      [{ sessionId: 's', event: 'PAYMENT.PAID' }],
      check,
    );
    expect(problems.some((problem) => problem.startsWith('PAYMENT.PAID callback: /data'))).toBe(true);
    expect(problems).toContain('PAYMENT.PAID callback: X-API-Key is missing (--callback-api-key)');
  });

  it('names the first difference of two answers', () => {
    expect(firstDifference({ data: { id: 'a', n: 1 } }, { data: { id: 'a', n: 1 } })).toBeUndefined();
    expect(firstDifference({ data: { id: 'a' } }, { data: { id: 'b' } })).toBe('/data/id: "a" ≠ "b"');
    expect(firstDifference({ data: {} }, { data: { extra: true } })).toBe('/data/extra: absent ≠ true');
  });
});
