/**
 * What every served contract server answers before (or instead of) its handler: malformed request
 * lines, oversized headers, bad targets, unknown methods, CONNECT, slow clients, and CORS. Every answer
 * is a 4xx in the contract's ErrorResponse shape, never Node's empty 400 / 431 / 408 or a hang-up.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '../../generated/validators/index.js';
import { createContractApp } from '../../scripts/http/core.ts';
import { jsonResponse } from '../../scripts/http/errors.ts';
import { exposedHostWarning, isLoopback, SERVER_LIMITS } from '../../scripts/http/serve.ts';
import { startSandbox, type RunningSandbox } from '../../scripts/sandbox/server.ts';
import { openRaw, parseAnswer, rawRequest } from './raw.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const document = JSON.parse(readFileSync(join(ROOT, 'generated', 'openapi.json'), 'utf8'));
const SESSION_ID = '9a08c652-f59d-45ea-8828-4b616d80db57';

/** Short limits so the timeout tests run in a second, not in 30. */
const SHORT = { headersTimeoutMs: 400, requestTimeoutMs: 800, keepAliveTimeoutMs: 200, timeoutCheckIntervalMs: 50 };

let sandbox: RunningSandbox;
let short: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ document, port: 0 });
  short = await startSandbox({ document, port: 0, limits: SHORT });
});

afterAll(async () => {
  await sandbox?.close();
  await short?.close();
});

function expectContractError(answer: { status: number; body: string }, status: number, code: string) {
  expect(answer.status, answer.body).toBe(status);
  const body = JSON.parse(answer.body);
  expect(validate('ErrorResponse', body, { mode: 'strict' })).toEqual({ valid: true });
  expect(body.code).toBe(code);
}

const line = (target: string, method = 'GET', extra = '') =>
  `${method} ${target} HTTP/1.1\r\nHost: localhost\r\n${extra}Connection: close\r\n\r\n`;

describe('requests Node or the adapter reject → a 4xx in the contract shape', () => {
  it.each([
    ['a request line that is not HTTP', 'GARBAGE\r\n\r\n', 400, 'api_validation_error'],
    ['a method Node does not parse', line('/v2/payments', 'BREW'), 400, 'api_validation_error'],
    ['a target without a leading slash', line('x'), 400, 'api_validation_error'],
    ['OPTIONS *', line('*', 'OPTIONS'), 400, 'api_validation_error'],
    ['no Host header (HTTP/1.1)', 'GET /v2/payments HTTP/1.1\r\nConnection: close\r\n\r\n', 400, 'api_validation_error'],
    ['no Host header (HTTP/1.0)', 'GET /v2/payments HTTP/1.0\r\n\r\n', 400, 'api_validation_error'],
    ['a Host with a space', 'GET / HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n', 400, 'api_validation_error'],
    [
      'a Content-Length that is not a number',
      line('/v2/payments', 'POST', 'Content-Length: abc\r\n'),
      400,
      'api_validation_error',
    ],
    ['a broken chunk', line('/v2/payments', 'POST', 'Transfer-Encoding: chunked\r\n') + 'zz\r\n', 400, 'api_validation_error'],
    [
      'headers over the limit',
      `GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(SERVER_LIMITS.maxHeaderBytes + 1)}\r\n\r\n`,
      431,
      'api_validation_error',
    ],
    ['an Expect other than 100-continue', line('/v2/payments', 'GET', 'Expect: teapot\r\n'), 417, 'api_validation_error'],
    ['CONNECT', 'CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n', 404, 'not_found'],
    ['a method Hono has no route for', line('/v2/payments', 'PROPFIND'), 404, 'not_found'],
    ['a double slash', line('//x'), 404, 'not_found'],
    [
      'a bad percent-escape in a path parameter',
      line('/v2/payments/%zz/cancel', 'POST', 'Content-Length: 0\r\n'),
      401,
      'credentials_invalid',
    ],
    ['an absolute-form target', line('http://evil.example/v2/payments'), 404, 'not_found'],
    ['a dot-segment target', line('/v2/../v1/customers/x'), 401, 'credentials_invalid'],
  ] as const)('%s', async (_, text, status, code) => {
    expectContractError(await rawRequest(sandbox.port, text), status, code);
  });

  it('a bad percent-escape in an authorised call names the path parameter', async () => {
    // The sandbox checks its tokens, so a made-up one is a 401 before the path: use an issued one.
    const token = await fetch(`${sandbox.url}/v1/access-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-merchant-id': 'sandbox-merchant', 'x-merchant-secret': 'sandbox-secret' },
      body: '{"grantType":"client_credentials"}',
    }).then(async (response) => ((await response.json()) as any).data.accessToken as string);
    const answer = await rawRequest(
      sandbox.port,
      line(
        '/v2/payments/%zz/cancel',
        'POST',
        `Authorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n`,
      ) + '{}',
    );
    expectContractError(answer, 400, 'api_validation_error');
    expect(JSON.parse(answer.body).error.details.map((detail: { field: string }) => detail.field)).toContain('id');
  });

  it('a valid request on the same server is still a 2xx (the cases above are not everything failing)', async () => {
    const answer = await rawRequest(
      sandbox.port,
      line(
        '/v1/access-token',
        'POST',
        'X-MERCHANT-ID: sandbox-merchant\r\nX-MERCHANT-SECRET: sandbox-secret\r\nContent-Type: application/json\r\nContent-Length: 34\r\n',
      ) + '{"grantType":"client_credentials"}',
    );
    expect(answer.status).toBe(200);
  });

  it('OPTIONS on a known path is 204 with Allow; on an unknown one the contract 404', async () => {
    const known = await rawRequest(sandbox.port, line(`/v2/payments/${SESSION_ID}/cancel`, 'OPTIONS'));
    expect(known.status).toBe(204);
    expect(known.headers.allow).toBe('POST');
    expect(known.body).toBe('');
    expectContractError(await rawRequest(sandbox.port, line('/v2/refunds', 'OPTIONS')), 404, 'not_found');
  });
});

describe('in process', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'a method named %s (fetch allows it; the router threw) → 404 not_found',
    async (method) => {
      const answer = await sandbox.sandbox.fetch(new Request('http://localhost/v1/access-token', { method }));
      expectContractError({ status: answer.status, body: await answer.text() }, 404, 'not_found');
    },
  );
});

describe('timeouts (short limits injected for the test)', () => {
  it('a body sent one byte at a time is cut off with a 408 before it is complete', async () => {
    const length = 200;
    const exchange = await openRaw(
      short.port,
      `POST /v1/access-token HTTP/1.1\r\nHost: localhost\r\nX-MERCHANT-ID: a\r\nX-MERCHANT-SECRET: b\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`,
    );
    let sent = 0;
    let open = true;
    void exchange.closed.then(() => (open = false));
    while (open && sent < length) {
      exchange.socket.write(' ');
      sent += 1;
      await new Promise((done) => setTimeout(done, 50));
    }
    await exchange.closed;
    expect(sent).toBeLessThan(length);
    expectContractError(parseAnswer(exchange.received()), 408, 'api_validation_error');
  });

  it('headers sent one byte at a time are cut off with a 408', async () => {
    const header = `GET /v2/payments HTTP/1.1\r\nHost: localhost\r\nX-Slow: ${'a'.repeat(200)}`;
    const exchange = await openRaw(short.port);
    let sent = 0;
    let open = true;
    void exchange.closed.then(() => (open = false));
    while (open && sent < header.length) {
      exchange.socket.write(header[sent]!);
      sent += 1;
      await new Promise((done) => setTimeout(done, 20));
    }
    await exchange.closed;
    expect(sent).toBeLessThan(header.length);
    expectContractError(parseAnswer(exchange.received()), 408, 'api_validation_error');
  });

  it('a connection that never sends a byte is closed', async () => {
    const exchange = await openRaw(short.port);
    await exchange.closed;
    expect(exchange.socket.destroyed).toBe(true);
  });

  it('an idle keep-alive connection is closed after its answer', async () => {
    const exchange = await openRaw(short.port, 'GET /v2/refunds HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await exchange.closed;
    expectContractError(parseAnswer(exchange.received()), 404, 'not_found');
  });

  it('without the short limits the same server keeps a slow body waiting (the limits make the difference)', async () => {
    const exchange = await openRaw(
      sandbox.port,
      `POST /v1/access-token HTTP/1.1\r\nHost: localhost\r\nX-MERCHANT-ID: a\r\nX-MERCHANT-SECRET: b\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n`,
    );
    for (let sent = 0; sent < 5; sent++) {
      exchange.socket.write(' ');
      await new Promise((done) => setTimeout(done, 50));
    }
    expect(exchange.socket.destroyed).toBe(false);
    expect(exchange.received()).toBe('');
    exchange.socket.destroy();
  });
});

describe('CORS', () => {
  const app = (cors?: string) =>
    createContractApp({ document, cors, backend: { answer: () => jsonResponse(200, { code: 'success' }) } });
  const preflight = (origin: string) =>
    new Request('http://localhost/v2/payments', {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, x-request-id',
      },
    });

  it('is off by default: no Access-Control-* header for any origin', async () => {
    const answer = await app().fetch(preflight('https://shop.example'));
    expect([...answer.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
    const simple = await app().fetch(new Request('http://localhost/v2/refunds', { headers: { origin: 'https://shop.example' } }));
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('--cors <origin> allows that origin only, never with credentials', async () => {
    const allowed = await app('https://shop.example').fetch(preflight('https://shop.example'));
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('x-request-id');
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();

    const other = await app('https://shop.example').fetch(preflight('https://evil.example'));
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('access-control-allow-credentials')).toBeNull();

    const simple = await app('https://shop.example').fetch(
      new Request('http://localhost/v2/refunds', { headers: { origin: 'https://shop.example' } }),
    );
    expect(simple.status).toBe(404);
    expect(simple.headers.get('access-control-allow-origin')).toBe('https://shop.example');
  });
});

describe('host warning', () => {
  it.each(['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3'])('%s is loopback: no warning', (host) => {
    expect(isLoopback(host)).toBe(true);
    expect(exposedHostWarning(host, 'mock')).toBeUndefined();
  });
  it.each(['0.0.0.0', '::', '192.168.1.10', 'example.com'])('%s is not: a warning', (host) => {
    expect(exposedHostWarning(host, 'mock')).toMatch(/^warning: listening on .*, not loopback/);
  });
});
