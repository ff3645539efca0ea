/**
 * `pivot-contract proxy` as a user runs it (the built bin, a child process, free ports, deadlines) in
 * front of a fake upstream that records every byte it receives: exchanges pass through unchanged (a
 * redirect too), off-contract answers and merchant requests are reported at their paths and passed on
 * as they were, tolerated deviations are warnings (violations in --mode strict), secrets never reach
 * the report, callbacks are checked and passed on, and SIGTERM prints the summary and exits 0.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { getFixture } from 'pivot-payments-contract/fixtures';
import { validate } from 'pivot-payments-contract/validators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/http/serve.ts';
import {
  completeLines,
  eventually,
  marked,
  json,
  killLeftovers,
  pairsWithout,
  rawRequest,
  runToEnd,
  startFake,
  startProxyBin,
  type Command,
  type FakeServer,
} from './harness.ts';

type Json = Record<string, any>;

const scratch = mkdtempSync(join(tmpdir(), 'pivot-proxy-'));
afterAll(() => {
  killLeftovers();
  rmSync(scratch, { recursive: true, force: true });
});

const SESSION_ID = '9a08c652-f59d-45ea-8828-4b616d80db57';
const BEARER = 'Bearer eyJhbGciOiJIUzI1NiJ9.test.token';
const createRequest = () => getFixture({ operationId: 'createPaymentSession', kind: 'request', name: 'card-redirect' }) as Json;
const createAnswer = () =>
  getFixture({ operationId: 'createPaymentSession', kind: 'response', status: '200', name: 'card-redirect' }) as Json;
const customerAnswer = () =>
  getFixture({ operationId: 'getCustomer', kind: 'response', status: '200', name: 'with-stored-card' }) as Json;
const paidCallback = () => getFixture({ operationId: 'paymentCallback', kind: 'request', name: 'payment-paid' }) as Json;

function records(file: string): Json[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Json);
}

async function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  return rawRequest(base, {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers },
    body: text,
  });
}

const createHeaders = { authorization: BEARER, 'x-request-id': '01JD8ZQ4Y7K3M2N5P6R8S9T0VW' };

describe('pass-through', () => {
  let upstream: FakeServer;
  let proxy: Command & { url: string };
  beforeAll(async () => {
    upstream = await startFake();
    proxy = await startProxyBin(['--upstream', upstream.url]);
  });
  afterAll(async () => {
    await proxy?.stop();
    await upstream?.close();
  });

  it('passes method, path, query, headers (but hop-by-hop) and body bytes on, and the answer back, byte for byte', async () => {
    const body = Buffer.concat([Buffer.from('{"clientReferenceId":"é'), Buffer.from([0xff, 0x00]), Buffer.from('"}')]);
    const compressed = gzipSync(Buffer.from(JSON.stringify(createAnswer())));
    upstream.answer = (_request, response) => {
      response.sendDate = false;
      response.writeHead(201, 'Created Somewhere', [
        'Content-Type',
        'application/json',
        'Content-Encoding',
        'gzip',
        'X-Trace',
        'one',
        'x-trace',
        'two',
        'Set-Cookie',
        'a=1',
        'Set-Cookie',
        'b=2',
        'Content-Length',
        String(compressed.length),
      ]);
      response.end(compressed);
    };
    const headers = [
      'Host',
      'merchant.local',
      'X-Request-ID',
      '01JD8ZQ4Y7K3M2N5P6R8S9T0VW',
      'Authorization',
      BEARER,
      'x-mixed-Case',
      'a',
      'X-MIXED-CASE',
      'b',
      'Connection',
      'keep-alive, X-Hop',
      'X-Hop',
      'only for this connection',
      'Keep-Alive',
      'timeout=5',
      'Content-Type',
      'application/json',
      'Content-Length',
      String(body.length),
    ];
    const answer = await rawRequest(proxy.url, { method: 'POST', path: '/v2/payments?b=%2F&a=1&a=2', headers, body });

    const received = upstream.received.at(-1)!;
    expect(received.method).toBe('POST');
    expect(received.url).toBe('/v2/payments?b=%2F&a=1&a=2');
    expect(received.body.equals(body)).toBe(true);
    const dropped = ['connection', 'x-hop', 'keep-alive'];
    expect(pairsWithout(received.rawHeaders, dropped)).toEqual([
      ['Host', `127.0.0.1:${upstream.port}`],
      ['X-Request-ID', '01JD8ZQ4Y7K3M2N5P6R8S9T0VW'],
      ['Authorization', BEARER],
      ['x-mixed-Case', 'a'],
      ['X-MIXED-CASE', 'b'],
      ['Content-Type', 'application/json'],
      ['Content-Length', String(body.length)],
    ]);
    expect(received.rawHeaders.map((name) => name.toLowerCase())).not.toContain('x-hop');

    expect(answer.status).toBe(201);
    expect(answer.statusMessage).toBe('Created Somewhere');
    expect(answer.body.equals(compressed)).toBe(true); // still gzip: not decoded, not re-framed
    expect(pairsWithout(answer.rawHeaders, ['connection', 'keep-alive'])).toEqual([
      ['Content-Type', 'application/json'],
      ['Content-Encoding', 'gzip'],
      ['X-Trace', 'one'],
      ['x-trace', 'two'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
      ['Content-Length', String(compressed.length)],
    ]);
    // No Date of the proxy's own: this answer came without one.
    expect(answer.rawHeaders.map((name) => name.toLowerCase())).not.toContain('date');
    // The request body was not JSON: a violation of the request, reported, and forwarded all the same.
    await eventually(() => proxy.stderr().includes('✗ createPaymentSession 201 request'), 'the request violation line');
  });

  it('passes a 303 with Location on and does not follow it', async () => {
    const before = upstream.received.length;
    upstream.answer = (_request, response) => {
      response.writeHead(303, { location: `${upstream.url}/somewhere-else` });
      response.end();
    };
    const answer = await rawRequest(proxy.url, { method: 'GET', path: '/_sandbox/pay/abc' });
    expect(answer.status).toBe(303);
    expect(pairsWithout(answer.rawHeaders, ['connection', 'keep-alive', 'date', 'transfer-encoding'])).toEqual([
      ['location', `${upstream.url}/somewhere-else`],
    ]);
    await new Promise((done) => setTimeout(done, 200));
    expect(upstream.received.slice(before).map((request) => request.url)).toEqual(['/_sandbox/pay/abc']);
  });

  it('passes a body over the 1 MiB copy limit on whole, chunked both ways, and notes it was not validated', async () => {
    const big = Buffer.from(JSON.stringify({ ...createAnswer(), padding: 'x'.repeat(2 * 1024 * 1024) }));
    upstream.answer = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }); // no length: chunked
      for (let offset = 0; offset < big.length; offset += 64 * 1024) response.write(big.subarray(offset, offset + 64 * 1024));
      response.end();
    };
    const request = JSON.stringify(createRequest());
    const answer = await rawRequest(proxy.url, {
      method: 'POST',
      path: '/v2/payments',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...createHeaders },
      body: request,
    });
    expect(answer.body.equals(big)).toBe(true);
    expect(upstream.received.at(-1)!.body.toString('utf8')).toBe(request);
    await eventually(() => proxy.stdout().includes(`POST /v2/payments 200 createPaymentSession`), 'the exchange line');
    // The request was validated (it is small); the answer was not, and is no violation.
    expect(proxy.stderr()).not.toMatch(/✗ createPaymentSession 200 response/);
  });

  it('reports an answer that breaks off part-way (the client gets the broken answer too)', async () => {
    upstream.answer = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write('{"code":"00","mess');
      setTimeout(() => response.socket?.destroy(), 50);
    };
    await expect(post(proxy.url, '/v2/payments', createRequest(), createHeaders)).rejects.toThrow();
    await eventually(() => proxy.stderr().includes('broke off'), 'the broke-off line');
    expect(proxy.stderr()).toMatch(/^✗ createPaymentSession 200 response the answer from http:\/\/127\.0\.0\.1:\d+ broke off: /m);
  });

  it('answers 502 in the contract shape, and reports it, when the upstream cannot be reached', async () => {
    const gone = await startFake();
    await gone.close();
    const orphan = await startProxyBin(['--upstream', gone.url]);
    const answer = await post(orphan.url, '/v2/payments', createRequest(), createHeaders);
    expect(answer.status).toBe(502);
    const body = JSON.parse(answer.body.toString('utf8')) as Json;
    expect(body.code).toBe('bad_gateway');
    expect(body.message).toContain('ECONNREFUSED');
    await eventually(
      () => /✗ createPaymentSession 502 response no answer from http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/.test(orphan.stderr()),
      '502 line',
    );
    expect(await orphan.stop()).toBe(0);
  });
});

describe('validation by operation, in tolerant and strict mode', () => {
  let upstream: FakeServer;
  beforeAll(async () => {
    upstream = await startFake();
  });
  afterAll(async () => upstream?.close());

  it('reports an off-contract answer at its path and passes it on unchanged', async () => {
    const report = join(scratch, 'off-contract.jsonl');
    const proxy = await startProxyBin(['--upstream', upstream.url, '--report', report]);
    const answerBody = createAnswer();
    answerBody.data.status = 'SHIPPED';
    const text = `${JSON.stringify(answerBody, null, 1)}\n`; // its own formatting, to see it is not re-serialised
    upstream.answer = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      response.end(text);
    };
    const answer = await post(proxy.url, '/v2/payments', createRequest(), createHeaders);
    expect(answer.status).toBe(200);
    expect(answer.body.toString('utf8')).toBe(text);
    await eventually(
      () =>
        marked(proxy, '✗').includes(
          '✗ createPaymentSession 200 response /data/status must be equal to one of the allowed values',
        ),
      'the ✗ line',
    );
    expect(await proxy.stop()).toBe(0);
    const [record] = records(report);
    expect(record).toMatchObject({
      kind: 'api',
      operationId: 'createPaymentSession',
      method: 'POST',
      path: '/v2/payments',
      url: `${upstream.url}/v2/payments`,
      status: 200,
      warnings: [],
    });
    expect(record!.violations).toContainEqual(expect.objectContaining({ where: 'response', path: '/data/status' }));
    expect(record!.violations.every((violation: Json) => violation.where === 'response')).toBe(true);
    expect(record!.response.body.data.status).toBe('SHIPPED');
    expect(typeof record!.durationMs).toBe('number');
    expect(Date.parse(record!.at)).not.toBeNaN();
    expect(proxy.stdout().trim().split('\n').at(-1)).toBe('1 exchange, 1 with violations');
  });

  it('a documented answer of a documented request: no ✗, no ⚠', async () => {
    const proxy = await startProxyBin(['--upstream', upstream.url]);
    upstream.answer = json(200, createAnswer());
    await post(proxy.url, '/v2/payments', createRequest(), createHeaders);
    await eventually(() => proxy.stdout().includes('POST /v2/payments 200 createPaymentSession'), 'the exchange line');
    expect(await proxy.stop()).toBe(0);
    expect(proxy.stderr()).toBe('');
    expect(proxy.stdout().trim().split('\n').at(-1)).toBe('1 exchange, 0 with violations');
  });

  it('reports a tolerated deviation as a warning naming its erratum (tolerant, the default) …', async () => {
    const proxy = await startProxyBin(['--upstream', upstream.url]);
    const answerBody = customerAnswer();
    answerBody.data.phoneNumber.number = `0${answerBody.data.phoneNumber.number}`;
    upstream.answer = json(200, answerBody);
    const answer = await rawRequest(proxy.url, {
      method: 'GET',
      path: `/v1/customers/${SESSION_ID}`,
      headers: { authorization: BEARER },
    });
    expect(JSON.parse(answer.body.toString('utf8'))).toEqual(answerBody);
    await eventually(() => marked(proxy, '⚠').length > 0, 'the ⚠ line');
    expect(completeLines(proxy.stderr())).toEqual([
      '⚠ getCustomer 200 response /data/phoneNumber/number: Phone number with the trunk prefix 0 (tolerated: erratum phone-trunk-prefix)',
    ]);
    expect(await proxy.stop()).toBe(0);
    expect(proxy.stdout().trim().split('\n').at(-1)).toBe('1 exchange, 0 with violations; errata: phone-trunk-prefix 1');
  });

  it('… and as a violation in --mode strict', async () => {
    const proxy = await startProxyBin(['--upstream', upstream.url, '--mode', 'strict']);
    const answerBody = customerAnswer();
    answerBody.data.phoneNumber.number = `0${answerBody.data.phoneNumber.number}`;
    upstream.answer = json(200, answerBody);
    await rawRequest(proxy.url, { method: 'GET', path: `/v1/customers/${SESSION_ID}`, headers: { authorization: BEARER } });
    await eventually(() => marked(proxy, '✗').length > 0, 'the ✗ line');
    expect(proxy.stderr()).toMatch(/^✗ getCustomer 200 response \/data\/phoneNumber\/number must match pattern/m);
    expect(proxy.stderr()).not.toContain('⚠');
    expect(await proxy.stop()).toBe(0);
    expect(proxy.stdout().trim().split('\n').at(-1)).toBe('1 exchange, 1 with violations; errata: phone-trunk-prefix 1');
  });

  it("forwards a merchant's invalid request unchanged and reports each violation (requests are always strict)", async () => {
    const report = join(scratch, 'merchant.jsonl');
    const proxy = await startProxyBin(['--upstream', upstream.url, '--report', report, '--mode', 'tolerant']);
    upstream.answer = json(200, createAnswer());
    const body = { ...createRequest(), statementDescriptor: 'Far Too Long For Pivot Descriptor', sureName: 'x' };
    const before = upstream.received.length;
    await post(proxy.url, '/v2/payments', body, { authorization: BEARER, 'x-request-id': 'short' });
    expect(upstream.received.length).toBe(before + 1);
    expect(JSON.parse(upstream.received.at(-1)!.body.toString('utf8'))).toEqual(body);
    await eventually(() => marked(proxy, '✗').length >= 3, 'three ✗ lines');
    const lines = completeLines(proxy.stderr());
    expect(lines).toContain('✗ createPaymentSession 200 request /statementDescriptor must NOT have more than 20 characters');
    expect(lines.some((line) => line.startsWith('✗ createPaymentSession 200 request /sureName'))).toBe(true);
    expect(lines.some((line) => line.startsWith('✗ createPaymentSession 200 request X-REQUEST-ID'))).toBe(true);
    expect(await proxy.stop()).toBe(0);
    const [record] = records(report);
    expect(record!.violations.map((violation: Json) => `${violation.where} ${violation.path}`).sort()).toEqual([
      'request /statementDescriptor',
      'request /sureName',
      'request X-REQUEST-ID',
    ]);
  });

  it('reports a request to no documented operation as such, and missing credentials', async () => {
    const proxy = await startProxyBin(['--upstream', upstream.url]);
    upstream.answer = json(404, {
      code: 'not_found',
      message: 'nope',
      error: { type: 'GATEWAY_ERROR', source: 'UPSTREAM', trace_id: 'x' },
    });
    await rawRequest(proxy.url, { method: 'GET', path: '/v2/refunds?limit=1' });
    await rawRequest(proxy.url, { method: 'DELETE', path: '/v2/payments' });
    upstream.answer = json(200, createAnswer());
    await post(proxy.url, '/v2/payments', createRequest(), { 'x-request-id': '01JD8ZQ4Y7K3M2N5P6R8S9T0VW' });
    await eventually(() => marked(proxy, '✗').length >= 3, 'three ✗ lines');
    expect(completeLines(proxy.stderr())).toEqual([
      '✗ GET /v2/refunds 404 request no documented operation is GET /v2/refunds',
      '✗ DELETE /v2/payments 404 request no documented operation is DELETE /v2/payments (the contract has POST there)',
      '✗ createPaymentSession 200 request Authorization: missing or malformed credentials (createPaymentSession needs Authorization: Bearer <token>)',
    ]);
    expect(await proxy.stop()).toBe(0);
    expect(proxy.stdout().trim().split('\n').at(-1)).toBe('3 exchanges, 3 with violations');
  });
});

describe('secrets', () => {
  const SECRETS = {
    bearer: 'SECRET-TOKEN-4242',
    merchantSecret: 'MERCHANT-SECRET-4343',
    cardNumber: '4000000000001091',
    cvc: 'CVC-SECRET-4747',
    encryptedCard: 'ENCRYPTED-CARD-4444',
    accessToken: 'ACCESS-TOKEN-4545',
    callbackKey: 'CALLBACK-KEY-4646',
  };

  it('never reach the report file (nor the terminal): each becomes "[redacted]"', async () => {
    const upstream = await startFake();
    const merchant = await startFake();
    const report = join(scratch, 'secrets.jsonl');
    const proxy = await startProxyBin([
      '--upstream',
      upstream.url,
      '--report',
      report,
      '--callback-to',
      `${merchant.url}/pivot/callbacks`,
      '--callback-api-key',
      SECRETS.callbackKey,
    ]);
    upstream.answer = json(200, {
      code: '00',
      message: 'Success',
      data: { accessToken: SECRETS.accessToken, expiresIn: '900', tokenType: 'Bearer' },
    });
    await post(
      proxy.url,
      '/v1/access-token',
      { grantType: 'client_credentials' },
      { 'x-merchant-id': 'm', 'X-MERCHANT-SECRET': SECRETS.merchantSecret },
    );
    const card = createRequest();
    card.paymentMethod = {
      type: 'CARD',
      card: { number: SECRETS.cardNumber, expMonth: '12', expYear: '2030', cvc: SECRETS.cvc },
    };
    upstream.answer = json(200, createAnswer());
    await post(proxy.url, '/v2/payments', card, {
      authorization: `Bearer ${SECRETS.bearer}`,
      'x-request-id': '01JD8ZQ4Y7K3M2N5P6R8S9T0VW',
    });
    const encrypted = createRequest();
    encrypted.paymentMethod = { type: 'CARD', card: { encryptedCard: SECRETS.encryptedCard } };
    await post(proxy.url, '/v2/payments', encrypted, {
      authorization: `Bearer ${SECRETS.bearer}`,
      'x-request-id': '01JD8ZQ4Y7K3M2N5P6R8S9T0VX',
    });
    // Not JSON at all: the text is redacted too.
    await rawRequest(proxy.url, {
      method: 'POST',
      path: '/v2/payments',
      headers: { 'content-type': 'text/plain', authorization: `bearer ${SECRETS.bearer}` },
      body: `{"number": "${SECRETS.cardNumber}", "cvc": ${SECRETS.cvc},}`,
    });
    await post(proxy.url, '/_proxy/callbacks', paidCallback(), { 'X-API-Key': SECRETS.callbackKey });
    await eventually(() => (proxy.stdout().match(/ ms$/gm) ?? []).length >= 5, 'five exchanges');
    expect(await proxy.stop()).toBe(0);

    const text = readFileSync(report, 'utf8');
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(text, name).not.toContain(secret);
      expect(proxy.stdout() + proxy.stderr(), name).not.toContain(secret);
    }
    const [token, cardCreate, encryptedCreate, notJson, callback] = records(report);
    expect(token!.request.headers['x-merchant-secret']).toBe('[redacted]');
    expect(token!.response.body.data.accessToken).toBe('[redacted]');
    expect(cardCreate!.request.headers.authorization).toBe('[redacted]');
    expect(cardCreate!.request.body.paymentMethod.card).toEqual({
      number: '[redacted]',
      expMonth: '12',
      expYear: '2030',
      cvc: '[redacted]',
    });
    // A phone number is not card data.
    expect(cardCreate!.request.body.customer.phoneNumber.number).toBe(createRequest().customer.phoneNumber.number);
    expect(encryptedCreate!.request.body.paymentMethod.card.encryptedCard).toBe('[redacted]');
    expect(notJson!.request.text).toBe('{"number": "[redacted]", "cvc": "[redacted]",}');
    expect(callback!.request.headers['x-api-key']).toBe('[redacted]');
    // What the upstream and the merchant received was not redacted.
    expect(upstream.received.some((request) => request.body.includes(SECRETS.cardNumber))).toBe(true);
    expect(merchant.received[0]!.rawHeaders).toContain(SECRETS.callbackKey);
    await upstream.close();
    await merchant.close();
  });
});

describe('callbacks (POST /_proxy/callbacks with --callback-to)', () => {
  let upstream: FakeServer;
  let merchant: FakeServer;
  let proxy: Command & { url: string };
  const report = join(scratch, 'callbacks.jsonl');
  const KEY = 'the-callback-key';
  beforeAll(async () => {
    upstream = await startFake();
    merchant = await startFake();
    proxy = await startProxyBin([
      '--upstream',
      upstream.url,
      '--report',
      report,
      '--callback-to',
      `${merchant.url}/pivot/callbacks?shop=1`,
      '--callback-api-key',
      KEY,
    ]);
  });
  afterAll(async () => {
    await proxy?.stop();
    await upstream?.close();
    await merchant?.close();
  });
  const errorLines = () => completeLines(proxy.stderr());

  it("validates a callback, passes it on unchanged and returns the merchant's answer", async () => {
    merchant.answer = (_request, response) => {
      response.writeHead(200, 'Thanks', { 'content-type': 'text/plain', 'x-merchant': 'yes' });
      response.end('received');
    };
    const text = JSON.stringify(paidCallback(), null, 2);
    const answer = await rawRequest(proxy.url, {
      method: 'POST',
      path: '/_proxy/callbacks',
      headers: ['Content-Type', 'application/json', 'X-API-Key', KEY, 'Content-Length', String(Buffer.byteLength(text))],
      body: text,
    });
    expect(answer.status).toBe(200);
    expect(answer.statusMessage).toBe('Thanks');
    expect(answer.body.toString('utf8')).toBe('received');
    expect(answer.rawHeaders).toContain('x-merchant');
    const received = merchant.received.at(-1)!;
    expect(received.method).toBe('POST');
    expect(received.url).toBe('/pivot/callbacks?shop=1');
    expect(received.body.toString('utf8')).toBe(text);
    expect(pairsWithout(received.rawHeaders, ['connection'])).toEqual([
      ['Host', `127.0.0.1:${merchant.port}`],
      ['Content-Type', 'application/json'],
      ['X-API-Key', KEY],
      ['Content-Length', String(Buffer.byteLength(text))],
    ]);
    await eventually(() => proxy.stdout().includes('POST /_proxy/callbacks 200 paymentCallback'), 'the exchange line');
    expect(errorLines()).toEqual([]);
  });

  it('reports an invalid callback body by its event, and a wrong key the merchant accepted', async () => {
    merchant.answer = json(200, {});
    const body = paidCallback();
    body.data.status = 'DONE';
    await post(proxy.url, '/_proxy/callbacks', body, { 'X-API-Key': 'not-the-key' });
    // The merchant's side is checked last: once its line is there, the exchange's lines all are.
    await eventually(() => errorLines().some((line) => line.startsWith('✗ paymentCallback 200 response')), 'the response line');
    const lines = errorLines();
    expect(lines).toContain('✗ paymentCallback 200 request X-API-Key: not the callback API key given with --callback-api-key');
    expect(lines.some((line) => line.startsWith('✗ paymentCallback 200 request /data/status'))).toBe(true);
    expect(lines).toContain(
      '✗ paymentCallback 200 response the merchant accepted (200) a callback without the callback API key: check X-API-Key before trusting a callback',
    );
    expect(lines.join('\n')).not.toContain('not-the-key');
  });

  it('tells a refund callback from a payment callback by its event', async () => {
    const before = errorLines().length;
    merchant.answer = json(200, {});
    const refund = getFixture({ operationId: 'refundCallback', kind: 'request', name: 'refund-success' }) as Json;
    await post(proxy.url, '/_proxy/callbacks', refund, { 'X-API-Key': KEY });
    await eventually(() => proxy.stdout().includes('POST /_proxy/callbacks 200 refundCallback'), 'the refund exchange line');
    // A refund body sent as a payment event is checked as a payment callback: one ✗ per violation of it.
    const mislabelled = { ...refund, event: 'PAYMENT.PAID' };
    const expected = validate('PaymentCallback', mislabelled, { mode: 'tolerant' });
    expect(expected.valid).toBe(false);
    const count = expected.valid ? 0 : expected.errors.length;
    await post(proxy.url, '/_proxy/callbacks', mislabelled, { 'X-API-Key': KEY });
    await eventually(() => errorLines().length >= before + count, `${count} ✗ lines`);
    const lines = errorLines().slice(before);
    expect(lines).toHaveLength(count);
    expect(lines.every((line) => line.startsWith('✗ paymentCallback 200 request /'))).toBe(true);
    expect(lines).toContain('✗ paymentCallback 200 request /data/status must be equal to one of the allowed values');
  });

  it('reports an unknown event, and a merchant that fails a valid callback', async () => {
    const before = errorLines().length;
    merchant.answer = json(400, { message: 'rejected' });
    await post(proxy.url, '/_proxy/callbacks', { ...paidCallback(), event: 'PAYMENT.EXPLODED' }, { 'X-API-Key': KEY });
    merchant.answer = json(500, { message: 'bug' });
    await post(proxy.url, '/_proxy/callbacks', paidCallback(), { 'X-API-Key': KEY });
    await eventually(() => errorLines().length >= before + 2, 'two more ✗ lines');
    expect(errorLines().slice(before)).toEqual([
      '✗ POST /_proxy/callbacks 400 request /event "PAYMENT.EXPLODED" is no documented callback event (CHARGE.SUCCESS, PAYMENT.CANCELLED, PAYMENT.PAID, PAYMENT.PROCESSING, REFUND.CANCELLED, REFUND.FAILED, REFUND.PENDING, REFUND.SUCCESS, REFUND.WAITING_BANK_TRANSFER)',
      '✗ paymentCallback 500 response the merchant answered 500 to a valid callback (documented: 200; Pivot retries on 5xx, 408 and 429)',
    ]);
    const saved = records(report);
    expect(saved.every((record) => record.kind === 'callback' && record.url === `${merchant.url}/pivot/callbacks?shop=1`)).toBe(
      true,
    );
  });

  it('answers 404 for anything else under /_proxy/, without passing it on', async () => {
    const before = upstream.received.length + merchant.received.length;
    const answer = await rawRequest(proxy.url, { method: 'GET', path: '/_proxy/callbacks' });
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body.toString('utf8')).code).toBe('not_found');
    expect(upstream.received.length + merchant.received.length).toBe(before);
  });
});

describe('the summary on SIGTERM and SIGINT', () => {
  it('prints "N exchanges, M with violations" as its last line and exits 0', async () => {
    const upstream = await startFake();
    const proxy = await startProxyBin(['--upstream', upstream.url]);
    upstream.answer = json(200, createAnswer());
    await post(proxy.url, '/v2/payments', createRequest(), createHeaders);
    await post(proxy.url, '/v2/payments', { ...createRequest(), amount: { value: -1, currency: 'IDR' } }, createHeaders);
    await rawRequest(proxy.url, { method: 'GET', path: '/nowhere' });
    await eventually(() => (proxy.stdout().match(/ ms$/gm) ?? []).length >= 3, 'three exchanges');
    expect(await proxy.stop('SIGTERM')).toBe(0);
    expect(proxy.stdout().trim().split('\n').at(-1)).toBe('3 exchanges, 2 with violations');
    const idle = await startProxyBin(['--upstream', upstream.url]);
    expect(await idle.stop('SIGINT')).toBe(0);
    expect(idle.stdout().trim().split('\n').at(-1)).toBe('0 exchanges, 0 with violations');
    await upstream.close();
  });
});

describe('flags', () => {
  it.each([
    [[], 'missing --upstream URL'],
    [['--upstream', 'api-stg.pivot-payment.com'], '--upstream must be an absolute URL'],
    [['--upstream', 'ftp://example.com'], '--upstream must be http: or https:'],
    [['--upstream', 'http://127.0.0.1:1', '--mode', 'lenient'], '--mode must be tolerant or strict'],
    [['--upstream', 'http://127.0.0.1:1', '--port', 'x'], '--port must be a port number'],
    [
      ['--upstream', 'http://127.0.0.1:1', '--callback-api-key', 'k'],
      '--callback-api-key checks callbacks: it needs --callback-to',
    ],
    [['--upstream', 'http://127.0.0.1:1', '--upstrem', 'x'], 'unknown option "--upstrem" (did you mean "--upstream"?)'],
  ])('proxy %j is a usage error (exit 2)', async (args, message) => {
    const run = await runToEnd(['proxy', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('usage: pivot-contract proxy');
    expect(run.stdout).toBe('');
  });

  it('a report that cannot be opened is one line and exit 1', async () => {
    const run = await runToEnd([
      'proxy',
      '--upstream',
      'http://127.0.0.1:1',
      '--port',
      '0',
      '--report',
      join(scratch, 'no', 'such', 'dir.jsonl'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^cannot open the report .*dir\.jsonl: ENOENT/);
  });

  it('an upstream that is the proxy itself is one line and exit 1 (no loop)', async () => {
    const port = await freePort();
    const run = await runToEnd(['proxy', '--port', String(port), '--upstream', `http://localhost:${port}`]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `proxy failed to start: http://localhost:${port} is the proxy itself (it listens on http://127.0.0.1:${port})`,
    );
  });

  it('--help prints the usage on stdout', async () => {
    const run = await runToEnd(['proxy', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: pivot-contract proxy --upstream URL/);
  });
});

describe('an https upstream (as Pivot staging is)', () => {
  // A self-signed certificate for 127.0.0.1 (test/fixtures/tls, made with `openssl req -x509 … -days 36500
  // -addext subjectAltName=IP:127.0.0.1`): the proxy trusts it only when told to, as Node does.
  const TLS = join(import.meta.dirname, '..', 'fixtures', 'tls');

  it('passes exchanges on over TLS, and verifies the certificate (502 and a ✗ line when it cannot)', async () => {
    const server = createHttpsServer(
      { key: readFileSync(join(TLS, 'key.pem')), cert: readFileSync(join(TLS, 'cert.pem')) },
      (request, response) => {
        request.resume();
        request.on('end', () => json(200, createAnswer())({} as never, response));
      },
    );
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const upstream = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const report = join(scratch, 'tls.jsonl');
    const trusting = await startProxyBin(['--upstream', upstream, '--report', report], {
      NODE_EXTRA_CA_CERTS: join(TLS, 'cert.pem'),
    });
    const answer = await post(trusting.url, '/v2/payments', createRequest(), createHeaders);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString('utf8'))).toEqual(createAnswer());
    await eventually(() => trusting.stdout().includes('POST /v2/payments 200 createPaymentSession'), 'the exchange line');
    expect(await trusting.stop()).toBe(0);
    expect(trusting.stderr()).toBe('');
    expect(records(report)[0]!.url).toBe(`${upstream}/v2/payments`);

    const wary = await startProxyBin(['--upstream', upstream]);
    const refused = await post(wary.url, '/v2/payments', createRequest(), createHeaders);
    expect(refused.status).toBe(502);
    await eventually(
      () => marked(wary, '✗').some((line) => line.startsWith('✗ createPaymentSession 502 response no answer from')),
      'the 502 line',
    );
    expect(wary.stderr()).toMatch(/self[- ]signed certificate/);
    expect(await wary.stop()).toBe(0);
    await new Promise<void>((done) => server.close(() => done()));
  });
});
