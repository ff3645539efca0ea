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
import { parse } from 'yaml';
import { getFixture, getPairedResponse, listFixtures, type FixtureRef } from '../../generated/fixtures/index.js';
import { startMock, type MockServer } from '../../scripts/mock/server.ts';
import { jsonResponse, notFoundBody } from '../../scripts/http/errors.ts';
import { freePort, serveHandler } from '../../scripts/http/serve.ts';
import { createSandbox, SANDBOX_DEFAULTS, startSandbox } from '../../scripts/sandbox/server.ts';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';
import { NEGATIVE_CASES } from '../../scripts/verify/negative-cases.ts';
import { escapeXml, parseDuration, runVerify } from '../../scripts/verify.ts';

const AUTH = [
  '--header',
  'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.test.token',
  '--header',
  'X-MERCHANT-ID: merchant-123',
  '--header',
  'X-MERCHANT-SECRET: secret-456',
];

/** What verify must send: every request example of an endpoint (not a webhook), plus one GET per getCustomer 200 example. */
const WEBHOOKS = new Set(['paymentCallback', 'refundCallback']);
const EXPECTED = listFixtures().filter(
  (info) =>
    (info.kind === 'request' && !WEBHOOKS.has(info.operationId)) ||
    (info.operationId === 'getCustomer' && info.kind === 'response' && info.status === '200'),
).length;

async function verify(argv: string[], env: Record<string, string | undefined> = {}) {
  const lines: string[] = [];
  const errors: string[] = [];
  const code = await runVerify(argv, { log: (line) => lines.push(line), error: (line) => errors.push(line) }, env);
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

const NOT_FOUND = {
  code: 'not_found',
  message: 'nothing here',
  error: { type: 'GATEWAY_ERROR', source: 'UPSTREAM', trace_id: 'x' },
};

/** The operation a request is for, and the example its `Prefer` names. */
function routeOf(req: IncomingMessage): { operationId?: FixtureRef['operationId']; name?: string } {
  const operationId = ROUTES.find(([method, pattern]) => method === req.method && pattern.test(req.url ?? ''))?.[2];
  const name = /example=([\w-]+)/.exec(String(req.headers.prefer ?? ''))?.[1];
  return { operationId: operationId as FixtureRef['operationId'] | undefined, name };
}

/** The documented answer to a request: the paired response of the example its `Prefer` names. */
function documentedBody(req: IncomingMessage): any {
  const { operationId, name } = routeOf(req);
  if (!operationId || !name) return undefined;
  return operationId === 'getCustomer'
    ? getFixture({ operationId, kind: 'response', status: '200', name } as FixtureRef)
    : getPairedResponse(operationId, name);
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function wrongAnswer(req: IncomingMessage, res: ServerResponse) {
  req.resume();
  req.once('end', () => {
    const { operationId, name } = routeOf(req);
    const body = documentedBody(req);
    if (operationId === 'createPaymentSession' && name === 'card-redirect') delete body.data.status;
    if (operationId === 'createPaymentSession' && name === 'va-api') body.data.mode = 'IFRAME';
    sendJson(res, body ? 200 : 404, body ?? NOT_FOUND);
  });
}

const servers: Server[] = [];

/** A node:http server on 127.0.0.1 (a free port unless one is given), closed after the file's tests. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void, port = 0): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Answers after the whole request is read. */
function answer(status: number, contentType: string, text: string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.once('end', () => {
      res.writeHead(status, { 'content-type': contentType });
      res.end(text);
    });
  };
}

let mock: MockServer;
let wrongUrl: string;
const scratch = mkdtempSync(join(tmpdir(), 'pivot-verify-'));

beforeAll(async () => {
  wrongUrl = await serve(wrongAnswer);
  mock = await startMock({ port: 0 });
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections(); // the never-answering server keeps its sockets otherwise
    await new Promise<void>((done) => server.close(() => done()));
  }
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
    // The mock keeps no state: verify says so once, and sends the documented ids.
    expect(result.lines[0]).toMatch(
      /^○ http:\/\/127\.0\.0\.1:\d+ keeps no state \(it returned a customer for an id no one created .*\): the calls on a session are sent with the documented ids$/,
    );
    expect(result.lines).toHaveLength(EXPECTED + 2);
    for (const line of result.lines.slice(1, -1)) expect(line).toMatch(/^✓ \w+ [\w-]+ 200$/);
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
});

/** Answers like Pivot's docs say Pivot answers: the documented body, with what the errata register tolerates. */
function olderSpellings(req: IncomingMessage, res: ServerResponse) {
  req.resume();
  req.once('end', () => {
    const { operationId, name } = routeOf(req);
    const body = documentedBody(req);
    if (operationId === 'createPaymentSession' && name === 'card-redirect') body.data.addedLater = true;
    if (operationId === 'getCustomer')
      body.data.phoneNumber = { ...body.data.phoneNumber, number: `0${body.data.phoneNumber.number}` };
    sendJson(res, body ? 200 : 404, body ?? NOT_FOUND);
  });
}

describe('verify --mode tolerant and what Pivot is documented to send', () => {
  it('fails strict naming the erratum; passes tolerant, printing one warning per tolerated deviation', async () => {
    const url = await serve(olderSpellings);
    const strict = await verify(['--base-url', url, ...AUTH]);
    expect(strict.code).toBe(1);
    expect(strict.last).toBe(`${EXPECTED - 2} passed, 2 failed`);
    expect(strict.lines.filter((line) => line.startsWith('✗'))).toEqual([
      expect.stringMatching(/^✗ createPaymentSession card-redirect 200: .*addedLater.*erratum unknown-properties/),
      expect.stringMatching(/^✗ getCustomer with-stored-card 200: .*phoneNumber\/number.*erratum phone-trunk-prefix/),
    ]);
    const tolerant = await verify(['--base-url', url, ...AUTH, '--mode', 'tolerant']);
    expect(tolerant.code).toBe(0);
    expect(tolerant.last).toBe(`${EXPECTED} passed, 0 failed`);
    const warnings = tolerant.lines.flatMap((line) => line.split('\n')).filter((line) => line.startsWith('  ⚠ '));
    expect(warnings).toEqual([
      expect.stringMatching(/^ {2}⚠ \/data\/addedLater: .*erratum unknown-properties/),
      expect.stringMatching(/^ {2}⚠ \/data\/phoneNumber\/number: .*erratum phone-trunk-prefix/),
    ]);
  });
});

const HTML_500 = `<html><head><title>500 Internal Server Error</title></head><body>${'x'.repeat(100)}</body></html>`;

/** A server that issues its own token for the right merchant headers, and answers only that token. */
const ISSUED = 'eyJhbGciOiJIUzI1NiJ9.issued-by-the-fake.c2lnbmF0dXJl';
const GIVEN = 'given-on-the-command-line';
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: any;
}

function tokenServer(seen: Seen[]) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: text ? JSON.parse(text) : undefined });
      const { operationId } = routeOf(req);
      if (!operationId) return sendJson(res, 404, NOT_FOUND); // not the API (verify's probe of /_sandbox/clock)
      const unauthorized = () =>
        sendJson(
          res,
          401,
          getFixture({ operationId: operationId!, kind: 'response', status: '401', name: 'credentials-invalid' } as FixtureRef),
        );
      if (operationId === 'createAccessToken') {
        if (req.headers['x-merchant-id'] !== 'merchant-123' || req.headers['x-merchant-secret'] !== 'secret-456')
          return unauthorized();
        const body = documentedBody(req);
        body.data.accessToken = ISSUED;
        return sendJson(res, 200, body);
      }
      if (![`Bearer ${ISSUED}`, `Bearer ${GIVEN}`].includes(String(req.headers.authorization))) return unauthorized();
      const body = documentedBody(req);
      sendJson(res, body ? 200 : 404, body ?? NOT_FOUND);
    });
  };
}

describe('verify with merchant credentials (the access-token step)', () => {
  const CREDENTIALS = ['--merchant-id', 'merchant-123', '--merchant-secret', 'secret-456'];
  const ONE = ['--operation', 'createPaymentSession', '--example', 'card-redirect'];

  it('gets a token with the merchant headers first, then sends it as the bearer', async () => {
    const seen: Seen[] = [];
    const result = await verify(['--base-url', await serve(tokenServer(seen)), ...CREDENTIALS, ...ONE]);
    expect(result.lines).toEqual([
      '✓ createAccessToken client-credentials 200',
      '✓ createPaymentSession card-redirect 200',
      '2 passed, 0 failed',
    ]);
    expect(result.code).toBe(0);
    // Between the two, verify asks for the sandbox's clock (a 404 here: the dates follow the server's `Date`).
    expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST /v1/access-token',
      'GET /_sandbox/clock',
      'POST /v2/payments',
    ]);
    const [token, , create] = seen as [Seen, Seen, Seen];
    expect(token.headers).toMatchObject({ 'x-merchant-id': 'merchant-123', 'x-merchant-secret': 'secret-456' });
    expect(token.headers.authorization).toBeUndefined();
    expect(token.body).toEqual({ grantType: 'client_credentials' });
    expect(create.headers.authorization).toBe(`Bearer ${ISSUED}`);
    expect(create.headers['x-merchant-id']).toBeUndefined();
    expect(create.headers['x-merchant-secret']).toBeUndefined();
  });

  it('reads the credentials from PIVOT_MERCHANT_ID / PIVOT_MERCHANT_SECRET, for the whole catalog', async () => {
    const seen: Seen[] = [];
    const env = { PIVOT_MERCHANT_ID: 'merchant-123', PIVOT_MERCHANT_SECRET: 'secret-456' };
    const result = await verify(['--base-url', await serve(tokenServer(seen))], env);
    expect(result.errors).toEqual([]);
    expect(result.last).toBe(`${EXPECTED} passed, 0 failed`);
    expect(result.code).toBe(0);
    expect(result.lines[0]).toBe('✓ createAccessToken client-credentials 200');
    // The token step is the catalog's createAccessToken example: it is not sent twice.
    expect(seen.filter((request) => request.url === '/v1/access-token')).toHaveLength(1);
    const api = seen.slice(1).filter((request) => !request.url.startsWith('/_sandbox/'));
    expect(api.every((request) => request.headers.authorization === `Bearer ${ISSUED}`)).toBe(true);
  });

  it('flags take precedence over the environment', async () => {
    const seen: Seen[] = [];
    const env = { PIVOT_MERCHANT_ID: 'someone-else', PIVOT_MERCHANT_SECRET: 'wrong' };
    const result = await verify(['--base-url', await serve(tokenServer(seen)), ...CREDENTIALS, ...ONE], env);
    expect(result.code).toBe(0);
    expect(seen[0]!.headers['x-merchant-id']).toBe('merchant-123');
  });

  it('stops after a refused token step: the other steps would all get 401', async () => {
    const seen: Seen[] = [];
    const result = await verify([
      '--base-url',
      await serve(tokenServer(seen)),
      '--merchant-id',
      'merchant-123',
      '--merchant-secret',
      'not-the-secret',
      ...ONE,
    ]);
    expect(result.code).toBe(1);
    expect(result.lines).toHaveLength(3);
    expect(result.lines[0]).toMatch(
      /^✗ createAccessToken client-credentials 401: expected a 2xx answer to a valid request, got 401; answer: credentials_invalid: /,
    );
    expect(result.lines.slice(1)).toEqual([
      'no access token was issued: the other step needs one and was not sent',
      '0 passed, 1 failed, 1 not sent',
    ]);
    expect(seen).toHaveLength(1);
  });

  it('skips the token step when an Authorization header is given', async () => {
    const seen: Seen[] = [];
    const url = await serve(tokenServer(seen));
    const result = await verify(['--base-url', url, ...CREDENTIALS, '--header', `Authorization: Bearer ${GIVEN}`, ...ONE]);
    expect(result.lines).toEqual(['✓ createPaymentSession card-redirect 200', '1 passed, 0 failed']);
    expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual(['GET /_sandbox/clock', 'POST /v2/payments']);
    expect(seen[1]!.headers.authorization).toBe(`Bearer ${GIVEN}`);
  });

  it('sends the merchant headers with the catalog access-token example when no token step runs', async () => {
    const seen: Seen[] = [];
    const url = await serve(tokenServer(seen));
    const result = await verify([
      '--base-url',
      url,
      ...CREDENTIALS,
      '--header',
      `Authorization: Bearer ${GIVEN}`,
      '--operation',
      'createAccessToken',
    ]);
    expect(result.lines).toEqual(['✓ createAccessToken client-credentials 200', '1 passed, 0 failed']);
    expect(seen.find((request) => request.url === '/v1/access-token')!.headers).toMatchObject({
      'x-merchant-id': 'merchant-123',
      'x-merchant-secret': 'secret-456',
    });
  });

  it('gets its token from the mock and passes every example', async () => {
    const result = await verify(['--base-url', mock.url, ...CREDENTIALS]);
    expect(result.errors).toEqual([]);
    expect(result.lines[0]).toBe('✓ createAccessToken client-credentials 200');
    expect(result.last).toBe(`${EXPECTED} passed, 0 failed`);
    expect(result.code).toBe(0);
  });
});

describe('verify sends fresh keys', () => {
  const creates = (seen: Seen[]) => seen.filter((request) => request.method === 'POST' && request.url === '/v2/payments');

  it('gives every create its own X-REQUEST-ID and clientReferenceId, in one run and across runs', async () => {
    const seen: Seen[] = [];
    const url = await serve(tokenServer(seen));
    const argv = ['--base-url', url, '--header', `Authorization: Bearer ${GIVEN}`, '--operation', 'createPaymentSession'];
    const first = await verify(argv);
    const second = await verify(argv);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    const sent = creates(seen);
    const perRun = listFixtures().filter((info) => info.operationId === 'createPaymentSession' && info.kind === 'request').length;
    expect(sent).toHaveLength(2 * perRun);
    const requestIds = sent.map((request) => request.headers['x-request-id']);
    const references = sent.map((request) => request.body.clientReferenceId);
    for (const id of requestIds) expect(id).toMatch(/^[A-Za-z0-9]{16,36}$/);
    for (const reference of references) expect(reference).toMatch(/^[A-Za-z0-9]{1,100}$/);
    expect(new Set(requestIds).size).toBe(sent.length);
    expect(new Set(references).size).toBe(sent.length);
    // Nothing but the reference and the date differ from the documented example.
    const card = sent.find((request) => request.headers.prefer === 'example=card-redirect')!;
    const documented = getFixture({ operationId: 'createPaymentSession', kind: 'request', name: 'card-redirect' });
    expect(card.body).toEqual({ ...documented, clientReferenceId: card.body.clientReferenceId, expiryAt: card.body.expiryAt });
    expect(card.body.clientReferenceId).not.toBe(documented.clientReferenceId);
    // The documented expiryAt lay this far after the documented session's creation; so does the one sent, after now.
    const paired = getPairedResponse('createPaymentSession', 'card-redirect') as { data: { createdAt: string } };
    const lead = Date.parse(documented.expiryAt!) - Date.parse(paired.data.createdAt);
    expect(card.body.expiryAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Math.abs(Date.parse(card.body.expiryAt) - (Date.now() + lead))).toBeLessThan(60_000);
  });
});

describe('verify --negative', () => {
  const CREDENTIALS = ['--merchant-id', 'merchant-123', '--merchant-secret', 'secret-456'];
  /** The table's cases that are requests to an endpoint (not responses, callbacks or bare objects). */
  const REQUEST_CASES = NEGATIVE_CASES.filter(
    (entry) => /^\w+\/request\//.test(entry.base) && !entry.base.startsWith('paymentCallback/'),
  );
  const negativeLines = (lines: string[]) => lines.filter((line) => / negative\./.test(line));

  it('gets a 4xx ErrorResponse from the mock for every invalid request', async () => {
    const junit = join(scratch, 'negative.xml');
    const result = await verify(['--base-url', mock.url, ...CREDENTIALS, '--negative', '--junit', junit]);
    expect(result.errors).toEqual([]);
    const lines = negativeLines(result.lines);
    expect(lines.filter((line) => !line.startsWith('✓'))).toEqual([]);
    for (const line of lines) expect(line).toMatch(/ 4\d\d$/);
    for (const entry of REQUEST_CASES) {
      const operationId = entry.base.split('/')[0];
      expect(lines).toContain(`✓ negative.${operationId} “${entry.rule}” 400`);
    }
    expect(lines).toEqual(
      expect.arrayContaining([
        '✓ negative.createPaymentSession “X-REQUEST-ID "aaaaaaaaaaaaaaa" (alphanumeric, 16–36 characters)” 400',
        '✓ negative.createPaymentSession “X-REQUEST-ID "0123456789abcdef-" (alphanumeric, 16–36 characters)” 400',
        '✓ negative.createPaymentSession “X-REQUEST-ID missing” 400',
        '✓ negative.createPaymentSession “no credentials” 401',
        '✓ negative.getCustomer “no credentials” 401',
        '✓ negative.createAccessToken “no credentials” 401',
      ]),
    );
    // Every secured operation gets its "no credentials" case; the mock's seven operations are all secured.
    expect(lines.filter((line) => line.includes('“no credentials”'))).toHaveLength(7);
    expect(result.last).toBe(`${EXPECTED + lines.length} passed, 0 failed`);
    expect(result.code).toBe(0);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('classname="negative.createPaymentSession" name="“clientReferenceId at most 100 characters” 400"');
  });

  it('is limited by --operation', async () => {
    const result = await verify(['--base-url', mock.url, ...CREDENTIALS, '--negative', '--operation', 'cancelPaymentSession']);
    expect(result.lines).toEqual([
      '✓ createAccessToken client-credentials 200',
      expect.stringMatching(/^○ .* keeps no state .*: the calls on a session are sent with the documented ids$/),
      '✓ cancelPaymentSession requested-by-customer 200',
      '✓ negative.cancelPaymentSession “merchants cancel only with merchant reasons” 400',
      '✓ negative.cancelPaymentSession “cancellationReason is required” 400',
      '✓ negative.cancelPaymentSession “no credentials” 401',
      '5 passed, 0 failed',
    ]);
  });

  it('fails every invalid request a server accepts', async () => {
    const accepting = await serve(
      answer(200, 'application/json', JSON.stringify(getPairedResponse('cancelPaymentSession', 'requested-by-customer'))),
    );
    const result = await verify(['--base-url', accepting, '--negative', '--operation', 'cancelPaymentSession']);
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([
      expect.stringMatching(/^○ .* keeps no state .*: the calls on a session are sent with the documented ids$/),
      '✓ cancelPaymentSession requested-by-customer 200',
      '✗ negative.cancelPaymentSession “merchants cancel only with merchant reasons” 200: expected a 4xx rejection, got 200',
      '✗ negative.cancelPaymentSession “cancellationReason is required” 200: expected a 4xx rejection, got 200',
      '✗ negative.cancelPaymentSession “no credentials” 200: expected a 4xx rejection, got 200',
      '1 passed, 3 failed',
    ]);
  });

  it('fails a rejection that is not an ErrorResponse, or a 5xx', async () => {
    let calls = 0;
    const server = await serve((req, res) => {
      req.resume();
      req.once('end', () => {
        // verify's probes: no sandbox clock; any customer is the documented one (a server that keeps no state).
        if (req.method === 'GET')
          return req.url!.startsWith('/v1/customers/')
            ? sendJson(
                res,
                200,
                getFixture({ operationId: 'getCustomer', kind: 'response', status: '200', name: 'with-stored-card' }),
              )
            : sendJson(res, 404, NOT_FOUND);
        calls += 1;
        if (calls === 1) return sendJson(res, 200, getPairedResponse('cancelPaymentSession', 'requested-by-customer'));
        if (calls === 2) return sendJson(res, 400, { error: 'bad request' });
        if (calls === 3) return sendJson(res, 500, NOT_FOUND);
        sendJson(
          res,
          401,
          getFixture({ operationId: 'cancelPaymentSession', kind: 'response', status: '401', name: 'credentials-invalid' }),
        );
      });
    });
    const result = await verify(['--base-url', server, '--negative', '--operation', 'cancelPaymentSession']);
    expect(result.code).toBe(1);
    expect(result.lines[2]).toMatch(
      /^✗ negative\.cancelPaymentSession “merchants cancel only with merchant reasons” 400: not an ErrorResponse: .*code/,
    );
    expect(result.lines[3]).toMatch(
      /^✗ negative\.cancelPaymentSession “cancellationReason is required” 500: server error: 500 application\/json /,
    );
    expect(result.lines[4]).toBe('✓ negative.cancelPaymentSession “no credentials” 401');
    expect(result.last).toBe('2 passed, 2 failed');
  });
});

describe('verify as a robust runner', () => {
  const CARD = ['--example', 'card-redirect'];

  it('gives a request that gets no answer one line, after --timeout', async () => {
    const hanging = await serve((req) => req.resume());
    const result = await verify(['--base-url', hanging, ...CARD, '--timeout', '0.2']);
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([
      '✗ createPaymentSession card-redirect -: no answer within 0.2 s (--timeout)',
      '0 passed, 1 failed',
    ]);
  });

  it('ends the whole run at --deadline against a server that never answers', async () => {
    const hanging = await serve((req) => req.resume());
    const result = await verify(['--base-url', hanging, '--timeout', '20', '--deadline', '0.3']);
    expect(result.code).toBe(1);
    expect(result.errors).toEqual([]);
    expect(result.lines).toEqual([
      // The first request (the probe of the sandbox's clock) used up the deadline; creates go first.
      '✗ createAccessToken client-credentials -: stopped by the run deadline (--deadline)',
      `0 passed, 1 failed, ${EXPECTED - 1} not sent`,
    ]);
  });

  it('stops at once with one line and exit 3 when nothing listens', async () => {
    const port = await freePort();
    const result = await verify(['--base-url', `http://127.0.0.1:${port}`]);
    expect(result.code).toBe(3);
    expect(result.lines).toEqual([]);
    expect(result.errors).toEqual([
      `cannot reach http://127.0.0.1:${port}: ECONNREFUSED, connection refused (nothing listens on that port)`,
    ]);
  });

  it('stops with exit 3 when the host name does not resolve', async () => {
    const result = await verify(['--base-url', 'http://pivot-verify-test.invalid']);
    expect(result.code).toBe(3);
    expect(result.lines).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^cannot reach http:\/\/pivot-verify-test\.invalid: (ENOTFOUND|EAI_AGAIN), /);
  });

  it.each([
    ['an HTML 500', answer(500, 'text/html', HTML_500), `500: server error: 500 text/html "${HTML_500.slice(0, 80)}…"`],
    [
      'a JSON 503',
      answer(503, 'application/json', '{"code":"service_unavailable"}'),
      '503: server error: 503 application/json "{\\"code\\":\\"service_unavailable\\"}"',
    ],
    [
      'an HTML 200',
      answer(200, 'text/html; charset=utf-8', '<!doctype html><p>Hi</p>'),
      '200: answer is not JSON: 200 text/html "<!doctype html><p>Hi</p>"',
    ],
    ['plain text', answer(200, 'text/plain', 'OK'), '200: answer is not JSON: 200 text/plain "OK"'],
    [
      'broken JSON',
      answer(200, 'application/json', '{"code":"00",'),
      '200: answer is not JSON: 200 application/json "{\\"code\\":\\"00\\","',
    ],
    ['an empty 401', answer(401, '', ''), '401: answer is not JSON: 401 no content-type ""'],
  ])('gives %s one readable line', async (_, handler, line) => {
    const result = await verify(['--base-url', await serve(handler), ...CARD]);
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([`✗ createPaymentSession card-redirect ${line}`, '0 passed, 1 failed']);
  });

  it('waits for a server that starts late (--wait-for-server)', async () => {
    const port = await freePort();
    const run = verify(['--base-url', `http://127.0.0.1:${port}`, ...AUTH, ...CARD, '--wait-for-server', '60']);
    // Starts once verify has had time to be refused a few times; the run must wait, not fail.
    await new Promise((done) => setTimeout(done, 500));
    await serve(wrongAnswer, port);
    const result = await run;
    expect(result.errors).toEqual([]);
    expect(result.lines).toEqual(['✗ createPaymentSession card-redirect 200: /data/status is required', '0 passed, 1 failed']);
  });

  it('gives up waiting with one line and exit 3', async () => {
    const port = await freePort();
    const result = await verify(['--base-url', `http://127.0.0.1:${port}`, '--wait-for-server', '0.3']);
    expect(result.code).toBe(3);
    expect(result.lines).toEqual([]);
    expect(result.errors).toEqual([
      `cannot reach http://127.0.0.1:${port} within 0.3 s (--wait-for-server): ECONNREFUSED, connection refused (nothing listens on that port)`,
    ]);
  });

  it('does not count a server that accepts connections but never answers as up', async () => {
    const hanging = await serve((req) => req.resume());
    const result = await verify(['--base-url', hanging, '--wait-for-server', '0.3']);
    expect(result.code).toBe(3);
    expect(result.errors).toEqual([
      `cannot reach ${hanging} within 0.3 s (--wait-for-server): connections are accepted but nothing answers`,
    ]);
  });
});

/** Splits a shell command line into words: quotes, and `$NAME` / `${NAME}` expanded outside single quotes. */
function shellWords(line: string, env: Record<string, string>): string[] {
  const words: string[] = [];
  const pattern = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\s+)|([^\s'"]+)/g;
  const expand = (text: string) => text.replace(/\$\{?(\w+)\}?/g, (_, name: string) => env[name] ?? '');
  let word: string | undefined;
  for (const [, single, double, space, bare] of line.matchAll(pattern)) {
    if (space !== undefined) {
      if (word !== undefined) words.push(word);
      word = undefined;
      continue;
    }
    word = (word ?? '') + (single ?? expand((double ?? bare)!.replace(/\\(.)/g, '$1')));
  }
  if (word !== undefined) words.push(word);
  return words;
}

describe("the README's CI recipe", () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const workflow = /```yaml\n(# \.github\/workflows\/contract\.yml[^]*?)```/.exec(readme)?.[1];
  const steps = parse(workflow ?? '') as Array<{ run: string; env?: Record<string, string> }>;
  const script = /"contract:test": ("(?:[^"\\]|\\.)*")/.exec(readme)?.[1];

  it('starts the mock in the background, then runs contract:test against its port', () => {
    expect(workflow).toBeDefined();
    const mockStep = steps.findIndex((step) => /^npx pivot-contract mock --port \d+ &$/.test(step.run));
    const testStep = steps.findIndex((step) => step.run.startsWith('npm run contract:test'));
    expect(mockStep).toBeGreaterThanOrEqual(0);
    expect(testStep).toBeGreaterThan(mockStep);
    const port = /--port (\d+)/.exec(steps[mockStep]!.run)![1];
    expect(steps[testStep]!.env?.PIVOT_BASE_URL).toBe(`http://127.0.0.1:${port}`);
    expect(JSON.parse(script!)).toContain('--wait-for-server');
  });

  it("passes against the mock as written (its port swapped for the test mock's)", async () => {
    const step = steps.find((candidate) => candidate.run.startsWith('npm run contract:test'))!;
    const env = { ...step.env!, PIVOT_BASE_URL: mock.url };
    const [binary, command, ...argv] = shellWords(JSON.parse(script!) as string, env);
    expect([binary, command]).toEqual(['pivot-contract', 'verify']);
    const junit = argv.indexOf('--junit');
    if (junit >= 0) argv[junit + 1] = join(scratch, 'readme', argv[junit + 1]!);
    const result = await verify(argv, env);
    expect(result.errors).toEqual([]);
    expect(result.lines[0]).toBe('✓ createAccessToken client-credentials 200');
    expect(result.lines.filter((line) => line.startsWith('✗'))).toEqual([]);
    expect(result.last).toMatch(/^\d+ passed, 0 failed$/);
    expect(result.code).toBe(0);
  });
});

describe("the README's CI recipes for the flows", () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = /^## Contract tests in CI\n([^]*?)^## /m.exec(readme)?.[1] ?? '';
  const document = JSON.parse(readFileSync(join(REPO_ROOT, 'generated', 'openapi.json'), 'utf8'));
  type Step = { run: string; env?: Record<string, string> };
  const workflow = (name: string) =>
    parse(new RegExp(`\`\`\`yaml\n(# \\.github/workflows/${name}\\.yml[^]*?)\`\`\``).exec(section)?.[1] ?? '[]') as Step[];
  const verifyStep = (steps: Step[]) => steps.find((step) => step.run.startsWith('npx pivot-contract verify'))!;
  /** The verify step's arguments, with `--name`'s value replaced. */
  const withValue = (argv: string[], name: string, value: string) =>
    argv.map((word, index) => (argv[index - 1] === name ? value : word));

  it('are in the "Contract tests in CI" section, with the mock recipe', () => {
    expect(section).toContain('# .github/workflows/contract.yml');
    expect(workflow('contract-flows').length).toBeGreaterThan(0);
    expect(workflow('contract-pivot').length).toBeGreaterThan(0);
  });

  it('against the sandbox: its --callback-url names the receiver verify starts, and the run passes as written', async () => {
    const steps = workflow('contract-flows');
    const sandboxStep = steps.findIndex((step) => /^npx pivot-contract sandbox .* &$/.test(step.run));
    const step = verifyStep(steps);
    expect(steps.indexOf(step)).toBeGreaterThan(sandboxStep);
    expect(sandboxStep).toBeGreaterThanOrEqual(0);
    const sandboxArgs = shellWords(steps[sandboxStep]!.run.replace(/&$/, ''), {});
    const [npx, binary, command, ...argv] = shellWords(step.run, step.env ?? {});
    expect([npx, binary, command]).toEqual(['npx', 'pivot-contract', 'verify']);
    expect(argv).toContain('--flows');
    const value = (words: string[], name: string) => words[words.indexOf(name) + 1]!;
    expect(new URL(value(argv, '--base-url')).port).toBe(value(sandboxArgs, '--port'));
    expect(value(sandboxArgs, '--callback-url')).toBe(`http://127.0.0.1:${value(argv, '--callback-port')}/`);

    // The README's commands with the ports swapped for free ones.
    const port = await freePort();
    const running = await startSandbox({ document, port: 0, callbackUrl: `http://127.0.0.1:${port}/` });
    try {
      let args = withValue(withValue(argv, '--base-url', running.url), '--callback-port', String(port));
      args = withValue(args, '--junit', join(scratch, 'readme', value(argv, '--junit')));
      const result = await verify(args, step.env);
      expect(result.errors).toEqual([]);
      expect(result.lines.filter((line) => line.startsWith('✗'))).toEqual([]);
      expect(result.lines).toContain('✓ flow.card-redirect callbacks PAYMENT.PROCESSING → PAYMENT.PAID');
      expect(result.lines.some((line) => line.startsWith('✓ negative.'))).toBe(true);
      expect(result.code).toBe(0);
    } finally {
      await running.close();
    }
  });

  it("against Pivot's sandbox: the spec's sandbox URL, credentials from secrets; as written it passes on a server without control routes", async () => {
    const step = verifyStep(workflow('contract-pivot'));
    const [, , , ...argv] = shellWords(step.run, {});
    const sandboxServer = document.servers.find((server: { description: string }) => server.description.startsWith('Sandbox'));
    expect(argv[argv.indexOf('--base-url') + 1]).toBe(sandboxServer.url);
    expect(argv).toContain('--flows');
    expect(step.env).toEqual({
      PIVOT_MERCHANT_ID: '${{ secrets.PIVOT_MERCHANT_ID }}',
      PIVOT_MERCHANT_SECRET: '${{ secrets.PIVOT_MERCHANT_SECRET }}',
    });

    // Pivot's sandbox has no /_sandbox routes: the local sandbox without them stands in for it.
    const sandbox = createSandbox({ document });
    const served = await serveHandler((request) =>
      new URL(request.url).pathname.startsWith('/_sandbox')
        ? Promise.resolve(jsonResponse(404, notFoundBody()))
        : sandbox.fetch(request),
    );
    try {
      let args = withValue(argv, '--base-url', served.url);
      args = withValue(args, '--junit', join(scratch, 'readme', 'pivot.xml'));
      const result = await verify(args, {
        PIVOT_MERCHANT_ID: SANDBOX_DEFAULTS.merchantId,
        PIVOT_MERCHANT_SECRET: SANDBOX_DEFAULTS.merchantSecret,
      });
      expect(result.errors).toEqual([]);
      expect(result.lines.filter((line) => line.startsWith('✗'))).toEqual([]);
      expect(result.lines.some((line) => / skipped: (it|they) needs? the sandbox's control routes/.test(line))).toBe(true);
      expect(result.last).toMatch(/^\d+ passed, 0 failed, \d+ skipped$/);
      expect(result.code).toBe(0);
    } finally {
      await served.close();
      await sandbox.idle();
    }
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
    ['a zero timeout', ['--base-url', 'http://127.0.0.1:1', '--timeout', '0']],
    ['a timeout that is not a number', ['--base-url', 'http://127.0.0.1:1', '--timeout', 'soon']],
    ['a timeout in milliseconds, the 0.1.0 way', ['--base-url', 'http://127.0.0.1:1', '--timeout', '30000']],
    ['a negative deadline', ['--base-url', 'http://127.0.0.1:1', '--deadline', '-5']],
    ['a wait that is not a number', ['--base-url', 'http://127.0.0.1:1', '--wait-for-server', 'x']],
    ['a merchant id without its secret', ['--base-url', 'http://127.0.0.1:1', '--merchant-id', 'm']],
  ])('%s → exit 2', async (_, argv) => {
    const result = await verify(argv);
    expect(result.code).toBe(2);
    expect(result.lines).toEqual([]);
    expect(result.errors.join('\n')).toContain('usage: pivot-contract verify');
  });

  it('prints the exit codes and defaults with --help', async () => {
    const result = await verify(['--help']);
    expect(result.code).toBe(0);
    const help = result.lines.join('\n');
    expect(help).toMatch(/0 every step passed,\s+1 contract failures .*2 usage error, 3 cannot reach the server/s);
    expect(help).toContain('(default 10;');
    expect(help).toContain('(default 50)');
  });

  it.each([
    ['10', 10_000],
    ['0.5', 500],
    ['.25', 250],
    ['10s', 10_000],
    ['500ms', 500],
    ['0', undefined],
    ['-1', undefined],
    ['10m', undefined],
    ['', undefined],
  ])('parses the duration %j as %j ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('escapes XML', () => {
    expect(escapeXml(`<a href="x">'&'</a>\u0001`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;\uFFFD');
  });
});
