/**
 * The proxy's pure parts, table by table, with the cases that must not match next to those that must:
 * redaction, decoding a copied body, where a request goes, hop-by-hop headers, the summary line.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { endToEndHeaders } from '../../scripts/http/upstream.ts';
import { BodyCopy, decodeBody, readBody } from '../../scripts/proxy/captured-body.ts';
import { callbackTarget } from '../../scripts/proxy/callbacks.ts';
import { originForm, upstreamTarget } from '../../scripts/proxy/forward.ts';
import { redactHeaders, redactJson, redactText, TEXT_LIMIT } from '../../scripts/proxy/redact.ts';
import { targetUrlProblem } from '../../scripts/proxy/server.ts';
import { Summary } from '../../scripts/proxy/summary.ts';

describe('redactJson', () => {
  it.each([
    {
      name: 'card number and cvc',
      given: { card: { number: '4111', cvc: '123', expMonth: 1 } },
      want: { card: { number: '[redacted]', cvc: '[redacted]', expMonth: 1 } },
    },
    { name: 'encryptedCard anywhere', given: { a: [{ encryptedCard: 'x' }] }, want: { a: [{ encryptedCard: '[redacted]' }] } },
    {
      name: 'accessToken anywhere',
      given: { data: { accessToken: 'jwt', expiresIn: '900' } },
      want: { data: { accessToken: '[redacted]', expiresIn: '900' } },
    },
    { name: 'a cvc outside a card', given: { cvc: 1 }, want: { cvc: '[redacted]' } },
    { name: 'not a phone number', given: { phoneNumber: { number: '8123' } }, want: { phoneNumber: { number: '8123' } } },
    {
      name: 'not a number outside a card',
      given: { number: '4111', card: { inner: { number: '1' } } },
      want: { number: '4111', card: { inner: { number: '1' } } },
    },
    { name: 'not a lookalike name', given: { accessTokenType: 'x', CVC: '1' }, want: { accessTokenType: 'x', CVC: '1' } },
    { name: 'scalars and null', given: null, want: null },
  ])('$name', ({ given, want }) => {
    const copy = structuredClone(given);
    expect(redactJson(given)).toEqual(want);
    expect(given).toEqual(copy); // the value passed in is not changed
  });

  it('keeps a "__proto__" key a plain property', () => {
    const redacted = redactJson(JSON.parse('{"__proto__":{"cvc":"1"}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
    expect(JSON.stringify(redacted)).toBe('{"__proto__":{"cvc":"[redacted]"}}');
  });
});

describe('redactHeaders', () => {
  it('redacts Authorization, X-MERCHANT-SECRET and X-API-Key in any case, and keeps repeated headers', () => {
    expect(
      redactHeaders([
        ['Authorization', 'Bearer t'],
        ['x-merchant-secret', 's'],
        ['X-Api-Key', 'k'],
        ['X-MERCHANT-ID', 'merchant'],
        ['Set-Cookie', 'a=1'],
        ['set-cookie', 'b=2'],
      ]),
    ).toEqual({
      authorization: '[redacted]',
      'x-merchant-secret': '[redacted]',
      'x-api-key': '[redacted]',
      'x-merchant-id': 'merchant',
      'set-cookie': ['a=1', 'b=2'],
    });
  });
});

describe('redactText', () => {
  it.each([
    { given: '{"number": "4111", "cvc":123,}', want: '{"number": "[redacted]", "cvc":"[redacted]",}' },
    { given: '{"accessToken":"a\\"b", "x": 1', want: '{"accessToken":"[redacted]", "x": 1' },
    { given: 'number=4111&cvc=1&action=pay', want: 'number=[redacted]&cvc=[redacted]&action=pay' },
    { given: '<html>phone number 0812</html>', want: '<html>phone number 0812</html>' },
  ])('$given', ({ given, want }) => expect(redactText(given)).toBe(want));

  it(`cuts a long text to ${TEXT_LIMIT} characters and says how long it was`, () => {
    const text = redactText('x'.repeat(TEXT_LIMIT + 10));
    expect(text).toBe(`${'x'.repeat(TEXT_LIMIT)}… (${TEXT_LIMIT + 10} characters)`);
  });
});

describe('copied bodies', () => {
  const json = Buffer.from('{"a":1}');
  it.each([
    ['gzip', gzipSync(json)],
    ['x-gzip', gzipSync(json)],
    ['deflate', deflateSync(json)],
    ['br', brotliCompressSync(json)],
    ['gzip, br', brotliCompressSync(gzipSync(json))],
    [undefined, json],
    ['identity', json],
  ])('decodes Content-Encoding %s', (encoding, bytes) => {
    expect(decodeBody(bytes, encoding)).toEqual({ bytes: json });
  });

  it('names what it cannot decode', () => {
    expect(decodeBody(json, 'zstd')).toEqual({ problem: 'not validated: Content-Encoding zstd is not one the proxy can read' });
    expect(decodeBody(json, 'gzip')).toMatchObject({ problem: expect.stringMatching(/^the body is not valid gzip/) });
    expect(decodeBody(gzipSync(Buffer.alloc(2 * 1024 * 1024)), 'gzip')).toEqual({
      problem: 'not validated: the body is larger than 1048576 bytes once decoded',
    });
  });

  it('keeps at most the limit, and counts every byte', () => {
    const copy = new BodyCopy(4);
    copy.add(Buffer.from('ab'));
    copy.add(Buffer.from('cd'));
    expect(copy.captured()).toEqual({ size: 4, bytes: Buffer.from('abcd') });
    copy.add(Buffer.from('e'));
    expect(copy.captured()).toEqual({ size: 5 });
    expect(readBody(copy.captured(), undefined)).toEqual({
      kind: 'unread',
      reason: 'not validated: the body is larger than 1048576 bytes',
    });
    expect(readBody({ size: 0, bytes: Buffer.alloc(0) }, undefined)).toEqual({ kind: 'none' });
  });
});

describe('where a request goes', () => {
  it.each([
    ['https://api-stg.pivot-payment.com', '/v2/payments?x=1', 'https://api-stg.pivot-payment.com/v2/payments?x=1'],
    ['http://127.0.0.1:4011/', '/v2/payments', 'http://127.0.0.1:4011/v2/payments'],
    ['http://gateway.test/pivot/', '/v2/payments/a%2Fb/confirm', 'http://gateway.test/pivot/v2/payments/a%2Fb/confirm'],
    ['http://gateway.test', '/a/../b', 'http://gateway.test/a/../b'],
    ['http://gateway.test', 'http://elsewhere.test/v2/payments?q', 'http://gateway.test/v2/payments?q'],
  ])('%s + %s → %s (path bytes kept)', (base, target, href) => {
    expect(upstreamTarget(new URL(base), target).href).toBe(href);
  });

  it('reads an absolute-form target as its path', () => {
    expect(originForm('http://host:1')).toBe('/');
    expect(originForm('/x?y')).toBe('/x?y');
  });

  it.each([
    ['http://shop.test/pivot/callbacks', '/_proxy/callbacks', 'http://shop.test/pivot/callbacks'],
    ['http://shop.test/cb?shop=1', '/_proxy/callbacks?attempt=2', 'http://shop.test/cb?shop=1&attempt=2'],
    ['http://shop.test', '/_proxy/callbacks', 'http://shop.test/'],
  ])('a callback to %s (arriving as %s) goes to %s', (to, target, href) => {
    expect(callbackTarget(new URL(to), target).href).toBe(href);
  });

  it.each([
    ['https://api-stg.pivot-payment.com', false, undefined],
    ['http://127.0.0.1:4011/base', false, undefined],
    ['api-stg.pivot-payment.com', false, 'must be an absolute URL such as https://api-stg.pivot-payment.com'],
    ['ws://x.test', false, 'must be http: or https:, not ws:'],
    ['http://x.test/?a=1', false, 'must not have a query (each request brings its own)'],
    ['http://x.test/?a=1', true, undefined],
    ['http://x.test/#f', true, 'must not have a fragment'],
    ['http://user:pw@x.test', false, 'must not carry credentials'],
  ])('%s (query allowed: %s) → %s', (url, query, problem) => {
    expect(targetUrlProblem(url, { query })).toBe(problem);
  });
});

describe('hop-by-hop headers', () => {
  it('drops the listed ones and those the Connection header names, keeping order and case', () => {
    expect(
      endToEndHeaders([
        ['Host', 'h'],
        ['Connection', 'close, X-Private'],
        ['X-Private', '1'],
        ['TE', 'trailers'],
        ['Transfer-Encoding', 'chunked'],
        ['Upgrade', 'websocket'],
        ['Proxy-Authorization', 'Basic x'],
        ['Keep-Alive', 'timeout=5'],
        ['X-Public', '2'],
        ['Content-Length', '3'],
      ]),
    ).toEqual([
      ['Host', 'h'],
      ['X-Public', '2'],
      ['Content-Length', '3'],
    ]);
  });
});

describe('the summary line', () => {
  it('counts exchanges, those with violations, and each erratum seen (warnings and strict violations)', () => {
    const summary = new Summary();
    expect(summary.line()).toBe('0 exchanges, 0 with violations');
    summary.add({ violations: [], warnings: [] });
    expect(summary.line()).toBe('1 exchange, 0 with violations');
    summary.add({
      violations: [{ where: 'response', path: '/a', message: 'x', erratum: 'surname-spelling' }],
      warnings: [{ where: 'response', path: '/b', message: 'y', erratum: 'phone-trunk-prefix' }],
    });
    summary.add({
      violations: [{ where: 'request', path: '/c', message: 'z' }],
      warnings: [{ where: 'response', path: '/b', message: 'y', erratum: 'phone-trunk-prefix' }],
    });
    expect(summary.line()).toBe('3 exchanges, 2 with violations; errata: phone-trunk-prefix 2, surname-spelling 1');
  });
});
