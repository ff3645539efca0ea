/**
 * `pivot-contract verify` as a provider-side contract test: against the mock everything passes;
 * against a deliberately wrong server it reports exactly the broken examples, with their paths.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFixture, getPairedResponse, listFixtures, type FixtureRef } from '../../generated/fixtures/index.js';
import { freePort, startMock, type MockServer } from '../../scripts/mock.ts';
import { escapeXml, runVerify } from '../../scripts/verify.ts';

const AUTH = [
  '--header',
  'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.test.token',
  '--header',
  'X-MERCHANT-ID: merchant-123',
  '--header',
  'X-MERCHANT-SECRET: secret-456',
];

/** What verify must send: every request example of an endpoint, plus one GET per getCustomer 200 example. */
const EXPECTED = listFixtures().filter(
  (info) =>
    (info.kind === 'request' && info.operationId !== 'paymentCallback') ||
    (info.operationId === 'getCustomer' && info.kind === 'response' && info.status === '200'),
).length;

async function verify(argv: string[]) {
  const lines: string[] = [];
  const errors: string[] = [];
  const code = await runVerify(argv, { log: (line) => lines.push(line), error: (line) => errors.push(line) });
  return { code, lines, errors, last: lines.at(-1) };
}

// A server that answers every documented request with its paired documented response, except two.
const ROUTES: Array<[string, RegExp, string]> = [
  ['POST', /^\/v2\/payments$/, 'createPaymentSession'],
  ['POST', /^\/v2\/payments\/simulations$/, 'simulatePayment'],
  ['POST', /^\/v2\/payments\/[^/]+\/confirm$/, 'confirmPaymentSession'],
  ['POST', /^\/v2\/payments\/[^/]+\/cancel$/, 'cancelPaymentSession'],
  ['POST', /^\/v2\/payments\/[^/]+\/capture$/, 'capturePaymentSession'],
  ['POST', /^\/v1\/access-token$/, 'createAccessToken'],
  ['GET', /^\/v1\/customers\/[^/]+$/, 'getCustomer'],
];

function wrongAnswer(req: IncomingMessage, res: ServerResponse) {
  req.resume();
  req.once('end', () => {
    const operationId = ROUTES.find(([method, pattern]) => method === req.method && pattern.test(req.url ?? ''))?.[2] as
      FixtureRef['operationId'] | undefined;
    const name = /example=([\w-]+)/.exec(String(req.headers.prefer ?? ''))?.[1];
    let body: any;
    if (operationId && name) {
      body =
        operationId === 'getCustomer'
          ? getFixture({ operationId, kind: 'response', status: '200', name } as FixtureRef)
          : getPairedResponse(operationId, name);
      if (operationId === 'createPaymentSession' && name === 'card-redirect') delete body.data.status;
      if (operationId === 'createPaymentSession' && name === 'va-api') body.data.mode = 'IFRAME';
    }
    const text = JSON.stringify(
      body ?? { code: 'not_found', message: 'nothing here', error: { type: 'GATEWAY_ERROR', source: 'UPSTREAM', trace_id: 'x' } },
    );
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(text);
  });
}

let mock: MockServer;
let wrong: Server;
let wrongUrl: string;
const scratch = mkdtempSync(join(tmpdir(), 'pivot-verify-'));

beforeAll(async () => {
  wrong = createServer(wrongAnswer);
  await new Promise<void>((done) => wrong.listen(0, '127.0.0.1', done));
  wrongUrl = `http://127.0.0.1:${(wrong.address() as AddressInfo).port}`;
  mock = await startMock({ port: 0 });
});

afterAll(async () => {
  await new Promise<void>((done) => (wrong ? wrong.close(() => done()) : done()));
  if (mock) {
    const pid = mock.prismPid;
    await mock.close();
    expect(() => process.kill(pid, 0)).toThrow();
  }
  rmSync(scratch, { recursive: true, force: true });
});

describe('verify against the mock', () => {
  it('passes every example (strict)', async () => {
    const junit = join(scratch, 'mock.xml');
    const result = await verify(['--base-url', mock.url, ...AUTH, '--junit', junit]);
    expect(result.errors).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.last).toBe(`${EXPECTED} passed, 0 failed`);
    expect(result.lines).toHaveLength(EXPECTED + 1);
    for (const line of result.lines.slice(0, -1)) expect(line).toMatch(/^✓ \w+ [\w-]+ 200$/);
    expect(result.lines).toContain('✓ createPaymentSession card-redirect 200');
    expect(result.lines).toContain('✓ getCustomer with-stored-card 200');
    expect(result.lines.some((line) => line.includes('paymentCallback'))).toBe(false);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain(`tests="${EXPECTED}" failures="0"`);
    expect(xml.match(/<testcase /g)).toHaveLength(EXPECTED);
  });

  it('passes in tolerant mode, filtered by operation and example', async () => {
    const result = await verify([
      '--base-url',
      `${mock.url}/`,
      ...AUTH,
      '--mode',
      'tolerant',
      '--operation',
      'createPaymentSession',
      '--example',
      'card-redirect',
      '--example',
      'qr-static',
    ]);
    expect(result.code).toBe(0);
    expect(result.lines).toEqual([
      '✓ createPaymentSession card-redirect 200',
      '✓ createPaymentSession qr-static 200',
      '2 passed, 0 failed',
    ]);
  });

  it('fails every example without credentials: the mock answers 401', async () => {
    const result = await verify(['--base-url', mock.url, '--operation', 'getCustomer']);
    expect(result.code).toBe(1);
    expect(result.lines[0]).toMatch(
      /^✗ getCustomer with-stored-card 401: expected a 2xx answer to a valid request, got 401; answer: credentials_invalid/,
    );
    expect(result.last).toBe('0 passed, 1 failed');
  });
});

describe('verify against a wrong server', () => {
  it('reports exactly the dropped required field and the bad enum', async () => {
    const junit = join(scratch, 'reports', 'wrong.xml');
    const result = await verify(['--base-url', wrongUrl, ...AUTH, '--junit', junit]);
    expect(result.code).toBe(1);
    expect(result.last).toBe(`${EXPECTED - 2} passed, 2 failed`);
    const failures = result.lines.filter((line) => line.startsWith('✗'));
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatch(/^✗ createPaymentSession card-redirect 200: /);
    expect(failures[0]).toContain('/data/status is required');
    expect(failures[1]).toMatch(/^✗ createPaymentSession va-api 200: /);
    expect(failures[1]).toContain('/data/mode must be equal to one of the allowed values');

    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(xml).toContain(`tests="${EXPECTED}" failures="2"`);
    expect(xml.match(/<testcase /g)).toHaveLength(EXPECTED);
    const failed = [...xml.matchAll(/<testcase classname="([^"]+)" name="([^"]+)"[^>]*>\s*<failure message="([^"]*)"/g)];
    expect(failed.map((match) => `${match[1]} ${match[2]}`)).toEqual([
      'createPaymentSession card-redirect 200',
      'createPaymentSession va-api 200',
    ]);
    expect(failed[0]![3]).toContain('/data/status is required');
    expect(failed[1]![3]).toContain('/data/mode must be equal to one of the allowed values');
  });

  it('reports an unreachable server as a failure, not a crash', async () => {
    const port = await freePort();
    const result = await verify(['--base-url', `http://127.0.0.1:${port}`, '--example', 'card-redirect']);
    expect(result.code).toBe(1);
    expect(result.lines[0]).toMatch(/^✗ createPaymentSession card-redirect -: request failed: ECONNREFUSED/);
    expect(result.last).toBe('0 passed, 1 failed');
  });
});

describe('verify usage', () => {
  it.each([
    ['no --base-url', []],
    ['a base URL that is not a URL', ['--base-url', 'localhost']],
    ['an unknown mode', ['--base-url', 'http://127.0.0.1:1', '--mode', 'lax']],
    ['an unknown operation', ['--base-url', 'http://127.0.0.1:1', '--operation', 'refundPayment']],
    ['a webhook', ['--base-url', 'http://127.0.0.1:1', '--operation', 'paymentCallback']],
    ['an unknown example', ['--base-url', 'http://127.0.0.1:1', '--example', 'card-iframe']],
    ['a header without a colon', ['--base-url', 'http://127.0.0.1:1', '--header', 'Authorization Bearer x']],
    ['an unknown option', ['--base-url', 'http://127.0.0.1:1', '--verbose']],
  ])('%s → exit 2', async (_, argv) => {
    const result = await verify(argv);
    expect(result.code).toBe(2);
    expect(result.lines).toEqual([]);
    expect(result.errors.join('\n')).toContain('usage: pivot-contract verify');
  });

  it('escapes XML', () => {
    expect(escapeXml(`<a href="x">'&'</a>\u0001`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;\uFFFD');
  });
});
