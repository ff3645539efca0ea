/**
 * The findings of the sandbox's fault-and-bad-input probe (issue 25), one test each, over real sockets
 * on 127.0.0.1: a lost update by a slow page body, callbacks that followed redirects, bodies of any
 * size, state bounded by count only, control routes and the page open to any web page, bad input
 * accepted, a clock advance that broke every later answer, and a clock jump that ran one retry.
 * (Restart, SIGKILL and SIGTERM are in durability.test.ts, on real processes.)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from 'pivot-payments-contract/validators';
import { openRaw, parseAnswer } from '../http/raw.ts';
import { documentedRequest, startHarness, startReceiver, type Harness } from './harness.ts';

type Json = Record<string, any>;

let sandbox: Harness;
beforeAll(async () => {
  sandbox = await startHarness();
});
afterAll(async () => {
  await sandbox?.close();
});

const port = () => new URL(sandbox.url).port;
const now = () => sandbox.running.sandbox.clock.now();
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const isErrorResponse = (body: unknown) => validate('ErrorResponse', body, { mode: 'strict' }).valid;

/** The CSRF token of a session's payment page, as a browser's form would post it ('' when there is none). */
async function csrfOf(id: string): Promise<string> {
  const page = await (await fetch(`${sandbox.url}/_sandbox/pay/${id}`)).text();
  return /name="csrf" value="([^"]*)"/.exec(page)?.[1] ?? '';
}

async function create(name: string, changes: Json = {}): Promise<Json> {
  const answer = await sandbox.call('createPaymentSession', { body: documentedRequest(name, now(), changes) });
  expect(answer.status, answer.text).toBe(200);
  return answer.body.data;
}

async function deliveriesOf(sessionId: string): Promise<Json[]> {
  const list = (await (await fetch(`${sandbox.url}/_sandbox/callbacks?limit=1000`)).json()) as Json;
  return (list.deliveries as Json[]).filter((delivery) => delivery.paymentSessionId === sessionId);
}

/** A raw request with the given head; `body` is written as it is. */
async function raw(head: string, body = '', waitMs = 5_000) {
  const exchange = await openRaw(Number(port()), `${head}\r\n\r\n${body}`);
  const timer = setTimeout(() => exchange.socket.destroy(), waitMs);
  while (!parseAnswer(exchange.received()).status && !exchange.socket.destroyed) await sleep(10);
  const deadline = Date.now() + 500;
  while (Date.now() < deadline && !exchange.socket.destroyed) {
    const answer = parseAnswer(exchange.received());
    if (answer.headers['content-length'] !== undefined && answer.body.length >= Number(answer.headers['content-length'])) break;
    await sleep(10);
  }
  clearTimeout(timer);
  exchange.socket.destroy();
  return parseAnswer(exchange.received());
}

describe('no lost update', () => {
  it('a page POST whose body arrives 500 ms late, with a payment in between, cannot undo the payment (real socket)', async () => {
    const session = await create('va-redirect');
    const csrf = await csrfOf(session.id);
    const form = `action=cancel&csrf=${encodeURIComponent(csrf)}`;
    const exchange = await openRaw(
      Number(port()),
      `POST /_sandbox/pay/${session.id} HTTP/1.1\r\nHost: 127.0.0.1:${port()}\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\nConnection: close\r\n\r\n${form.slice(0, 8)}`,
    );
    await sleep(100); // the page has its request, not its body
    const paid = await sandbox.call('simulatePayment', { body: { paymentSessionId: session.id, chargeStatus: 'SUCCESS' } });
    expect(paid.status).toBe(200);
    await sleep(500);
    exchange.socket.write(form.slice(8));
    await exchange.closed;
    const answer = parseAnswer(exchange.received());
    // The customer's late "Cancel" meets a PAID session: refused, and the session stays PAID.
    expect(answer.status).toBe(422);
    expect(answer.body).toContain('PAID');
    expect((await sandbox.session(session.id)).status).toBe('PAID');
    await sandbox.running.sandbox.idle();
    expect((await deliveriesOf(session.id)).map((delivery) => delivery.event)).toEqual(['PAYMENT.PAID']);
  });
});

describe('callbacks never follow a redirect', () => {
  let elsewhere: Server;
  const stolen: Array<{ method: string; apiKey: string | undefined }> = [];
  let elsewhereUrl = '';
  beforeAll(async () => {
    elsewhere = createServer((req, res) => {
      stolen.push({ method: req.method!, apiKey: req.headers['x-api-key'] as string | undefined });
      res.end('{}');
    });
    await new Promise<void>((done) => elsewhere.listen(0, '127.0.0.1', done));
    elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/steal`;
  });
  afterAll(() => new Promise<void>((done) => elsewhere.close(() => done())));

  for (const status of [301, 302, 307, 308]) {
    it(`a ${status} is a failed attempt, retried, and nothing (body, X-API-Key) reaches the Location`, async () => {
      const redirecting = createServer((_req, res) => {
        res.writeHead(status, { location: elsewhereUrl });
        res.end();
      });
      await new Promise<void>((done) => redirecting.listen(0, '127.0.0.1', done));
      const harness = await startHarness({
        callbackUrl: `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/callback`,
      });
      try {
        const body = documentedRequest('va-api', harness.running.sandbox.clock.now());
        const created = (await harness.call('createPaymentSession', { body })).body.data;
        await harness.call('simulatePayment', { body: { paymentSessionId: created.id, chargeStatus: 'SUCCESS' } });
        await harness.running.sandbox.idle();
        const list = (await (await fetch(`${harness.url}/_sandbox/callbacks`)).json()) as Json;
        const delivery = (list.deliveries as Json[]).find((candidate) => candidate.paymentSessionId === created.id)!;
        expect(delivery.state).toBe('retrying');
        expect(delivery.attempts).toHaveLength(1);
        expect(delivery.attempts[0]).toMatchObject({ status, error: `redirect to ${elsewhereUrl} not followed` });
        expect(delivery.nextAttemptAt).not.toBeNull();
        expect(stolen).toEqual([]);
      } finally {
        await harness.close();
        await new Promise<void>((done) => redirecting.close(() => done()));
      }
    });
  }
});

describe('bounded by bytes', () => {
  const hundredMb = 200 * 1024 * 1024;
  const routes = (id: string) => [
    { path: '/_sandbox/clock', type: 'application/json' },
    { path: '/_sandbox/reset', type: 'application/json' },
    { path: `/_sandbox/callbacks/${id}/resend`, type: 'application/json' },
    { path: `/_sandbox/pay/${id}`, type: 'application/x-www-form-urlencoded' },
    { path: '/v2/payments', type: 'application/json' },
  ];

  it('a 200 MB body to every route (control routes and the page included) is a 413 in the contract shape, before it is read', async () => {
    const session = await create('va-redirect');
    for (const { path, type } of routes(session.id)) {
      const exchange = await openRaw(
        Number(port()),
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port()}\r\nContent-Type: ${type}\r\n` +
          `Authorization: Bearer ${sandbox.token}\r\nContent-Length: ${hundredMb}\r\n\r\n`,
      );
      // Send in 1 MB pieces while no answer came, and give up after 16 MB: the answer must come first.
      const piece = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const started = Date.now();
      while (!parseAnswer(exchange.received()).status && sent < 16 * piece.length && Date.now() - started < 5_000) {
        if (!exchange.socket.destroyed) exchange.socket.write(piece);
        sent += piece.length;
        await sleep(20);
      }
      await Promise.race([exchange.closed, sleep(2_000)]);
      exchange.socket.destroy();
      const answer = parseAnswer(exchange.received());
      expect(answer.status, `${path} after ${sent} bytes sent`).toBe(413);
      expect(isErrorResponse(JSON.parse(answer.body)), answer.body).toBe(true);
      expect(sent, path).toBeLessThan(16 * piece.length);
    }
    expect((await sandbox.session(session.id)).status).toBe('REQUIRE_ACTION');
  });

  it('a chunked body without a length is cut off at the limit too', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const answer = await raw(
      `POST /_sandbox/clock HTTP/1.1\r\nHost: 127.0.0.1:${port()}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked`,
      `${chunk.length.toString(16)}\r\n${chunk}\r\n`,
    );
    expect(answer.status).toBe(413);
    expect(isErrorResponse(JSON.parse(answer.body))).toBe(true);
  });

  it('one session is bounded: a 1 MB metadata is a 413 in the contract shape, and nothing is stored', async () => {
    const before = (await (await fetch(`${sandbox.url}/_sandbox/sessions?limit=1`)).json()) as Json;
    const body = documentedRequest('va-api', now(), { metadata: { blob: 'x'.repeat(1000 * 1000) } });
    const answer = await fetch(`${sandbox.url}/v2/payments`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${sandbox.token}`,
        'x-request-id': `BIGMETADATA${Date.now()}`,
      },
      body: JSON.stringify(body),
    });
    expect(answer.status).toBe(413);
    expect(isErrorResponse(await answer.json())).toBe(true);
    const after = (await (await fetch(`${sandbox.url}/_sandbox/sessions?limit=1`)).json()) as Json;
    expect(after.sessions[0]?.id).toBe(before.sessions[0]?.id);
  });

  it('deliveries are capped whatever their state: retrying ones are evicted too, oldest first', async () => {
    const harness = await startHarness({ maxSessions: 5 }); // 20 deliveries kept
    harness.receiver.answers = [503];
    try {
      const ids: string[] = [];
      for (let index = 0; index < 30; index++) {
        const body = documentedRequest('va-api', harness.running.sandbox.clock.now());
        const created = (await harness.call('createPaymentSession', { body })).body.data;
        await harness.call('simulatePayment', { body: { paymentSessionId: created.id, chargeStatus: 'SUCCESS' } });
        ids.push(created.id);
      }
      await harness.running.sandbox.idle();
      const list = (await (await fetch(`${harness.url}/_sandbox/callbacks?limit=1000`)).json()) as Json;
      expect(list.deliveries).toHaveLength(20);
      expect(new Set((list.deliveries as Json[]).map((delivery) => delivery.state))).toEqual(new Set(['retrying']));
      expect((list.deliveries as Json[]).map((delivery) => delivery.paymentSessionId)).toEqual(ids.slice(10).reverse());
    } finally {
      await harness.close();
    }
  });

  it('GET /_sandbox/sessions and /_sandbox/callbacks come a page at a time, newest first', async () => {
    const harness = await startHarness();
    try {
      const ids: string[] = [];
      for (let index = 0; index < 5; index++) {
        const body = documentedRequest('va-api', harness.running.sandbox.clock.now());
        ids.push((await harness.call('createPaymentSession', { body })).body.data.id);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `${harness.url}/_sandbox/sessions?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await (await fetch(url)).json()) as Json;
        expect(page.sessions.length).toBeLessThanOrEqual(2);
        seen.push(...page.sessions.map((session: Json) => session.id));
        cursor = page.next;
      } while (cursor !== null);
      expect(seen).toEqual([...ids].reverse());
      for (const query of ['limit=0', 'limit=1001', 'limit=abc', 'cursor=-1'])
        for (const path of ['sessions', 'callbacks']) {
          const answer = await fetch(`${harness.url}/_sandbox/${path}?${query}`);
          expect(answer.status, `${path}?${query}`).toBe(400);
          expect(isErrorResponse(await answer.json())).toBe(true);
        }
      const callbacks = (await (await fetch(`${harness.url}/_sandbox/callbacks?limit=1`)).json()) as Json;
      expect(callbacks).toHaveProperty('next');
    } finally {
      await harness.close();
    }
  });
});

describe('nothing let in from outside', () => {
  it('a foreign Origin cannot reset, move the clock or pay; Sec-Fetch-Site cross-site neither', async () => {
    // A sandbox of its own: where this fails, the reset would wipe everyone's tokens.
    const own = await startHarness();
    try {
      const body = documentedRequest('va-redirect', own.running.sandbox.clock.now());
      const session = (await own.call('createPaymentSession', { body })).body.data;
      const page = await (await fetch(`${own.url}/_sandbox/pay/${session.id}`)).text();
      const csrf = /name="csrf" value="([^"]*)"/.exec(page)?.[1] ?? '';
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const json = { 'content-type': 'application/json' };
      const attempts: Array<[string, RequestInit]> = [
        ['/_sandbox/reset', { method: 'POST', headers: { ...form, origin: 'http://evil.example' }, body: 'a=1' }],
        ['/_sandbox/reset', { method: 'POST', headers: { ...json, origin: 'http://evil.example' } }],
        [
          '/_sandbox/clock',
          { method: 'POST', headers: { ...json, 'sec-fetch-site': 'cross-site' }, body: '{"advanceSeconds":1}' },
        ],
        ['/_sandbox/sessions', { headers: { origin: 'http://localhost:3000' } }],
        [
          `/_sandbox/pay/${session.id}`,
          {
            method: 'POST',
            headers: { ...form, origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
            body: `action=pay&csrf=${csrf}`,
          },
        ],
      ];
      for (const [path, init] of attempts) {
        const answer = await fetch(`${own.url}${path}`, { redirect: 'manual', ...init });
        expect(answer.status, `${init.method ?? 'GET'} ${path}`).toBe(403);
        expect(isErrorResponse(await answer.json())).toBe(true);
      }
      expect((await own.session(session.id)).status).toBe('REQUIRE_ACTION');
    } finally {
      await own.close();
    }
  });

  it('control POSTs take JSON only: text/plain and forms are a 415; a Node client without Origin keeps working', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const answer = await fetch(`${sandbox.url}/_sandbox/clock`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: '{"advanceSeconds":1}',
      });
      expect(answer.status, type).toBe(415);
      expect(isErrorResponse(await answer.json())).toBe(true);
    }
    const json = await fetch(`${sandbox.url}/_sandbox/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"advanceSeconds":0}',
    });
    expect(json.status).toBe(200);
    // The sandbox's own origin, and localhost with the port, are its own.
    const own = await fetch(`${sandbox.url}/_sandbox/clock`, { headers: { origin: sandbox.url } });
    expect(own.status).toBe(200);
    for (const host of [`localhost:${port()}`, `127.0.0.1:${port()}`]) {
      const answer = await raw(`GET /_sandbox/clock HTTP/1.1\r\nHost: ${host}\r\nOrigin: http://${host}\r\nConnection: close`);
      expect(answer.status, host).toBe(200);
    }
  });

  it('the page needs its CSRF token: a form POST without it is a 403, the token of another session too', async () => {
    const session = await create('va-redirect');
    const other = await create('va-redirect');
    for (const body of ['action=pay', `action=pay&csrf=${await csrfOf(other.id)}`, 'action=pay&csrf=forged']) {
      const answer = await fetch(`${sandbox.url}/_sandbox/pay/${session.id}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      expect(answer.status, body).toBe(403);
      expect(isErrorResponse(await answer.json())).toBe(true);
    }
    expect((await sandbox.session(session.id)).status).toBe('REQUIRE_ACTION');
    const paid = await fetch(`${sandbox.url}/_sandbox/pay/${session.id}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `action=pay&paymentMethod=VIRTUAL_ACCOUNT&csrf=${await csrfOf(session.id)}`,
    });
    expect(paid.status).toBe(303);
  });

  it('a foreign Host (DNS rebinding) is a 421 on the control routes and the page; paymentUrl never comes from Host', async () => {
    const session = await create('va-redirect');
    for (const path of ['/_sandbox/sessions', `/_sandbox/pay/${session.id}`, '/_sandbox']) {
      const answer = await raw(`GET ${path} HTTP/1.1\r\nHost: attacker.example:${port()}\r\nConnection: close`);
      expect(answer.status, path).toBe(421);
      expect(isErrorResponse(JSON.parse(answer.body))).toBe(true);
    }
    const body = JSON.stringify(documentedRequest('card-redirect', now()));
    const created = await raw(
      `POST /v2/payments HTTP/1.1\r\nHost: attacker.example\r\nContent-Type: application/json\r\n` +
        `Authorization: Bearer ${sandbox.token}\r\nX-REQUEST-ID: HOSTHEADER${Date.now()}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close`,
      body,
    );
    expect(created.status).toBe(200);
    expect(JSON.parse(created.body).data.paymentUrl).toMatch(new RegExp(`^${sandbox.url}/_sandbox/pay/`));
  });

  it('a browser sent to the page by the merchant site (a cross-site navigation) still gets it', async () => {
    const session = await create('va-redirect');
    // Raw: fetch would send its own Sec-Fetch-Mode.
    const answer = await raw(
      `GET /_sandbox/pay/${session.id} HTTP/1.1\r\nHost: 127.0.0.1:${port()}\r\nSec-Fetch-Site: cross-site\r\n` +
        'Sec-Fetch-Mode: navigate\r\nSec-Fetch-Dest: document\r\nConnection: close',
    );
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toContain('text/html');
  });

  it('--public-url makes paymentUrl and is a Host of its own; --control-token guards every control route but not the page', async () => {
    const harness = await startHarness({ publicUrl: 'https://sandbox.example:8443', controlToken: 'a-control-token-of-16+' });
    try {
      const body = documentedRequest('va-redirect', harness.running.sandbox.clock.now());
      const created = (await harness.call('createPaymentSession', { body })).body.data;
      expect(created.paymentUrl).toBe(`https://sandbox.example:8443/_sandbox/pay/${created.id}`);
      const local = new URL(harness.url).port;
      for (const path of ['/_sandbox/clock', '/_sandbox', `/_sandbox/sessions/${created.id}`]) {
        expect((await fetch(`${harness.url}${path}`)).status, path).toBe(401);
        const wrong = await fetch(`${harness.url}${path}`, { headers: { 'x-sandbox-token': 'a-control-token-of-16-' } });
        expect(wrong.status, path).toBe(401);
        const right = await fetch(`${harness.url}${path}`, { headers: { 'x-sandbox-token': 'a-control-token-of-16+' } });
        expect(right.status, path).toBe(200);
      }
      const reset = await fetch(`${harness.url}/_sandbox/reset`, { method: 'POST' });
      expect(reset.status).toBe(401);
      expect((await fetch(`${harness.url}/_sandbox/pay/${created.id}`)).status).toBe(200);
      const viaPublicHost = await openRaw(
        Number(local),
        `GET /_sandbox/pay/${created.id} HTTP/1.1\r\nHost: sandbox.example:8443\r\nConnection: close\r\n\r\n`,
      );
      await viaPublicHost.closed;
      expect(parseAnswer(viaPublicHost.received()).status).toBe(200);
    } finally {
      await harness.close();
    }
  });
});

describe('bad input', () => {
  it('redirectUrl must be http(s): javascript: and vbscript: are a 400 on the field', async () => {
    for (const url of ['javascript:alert(document.cookie)', 'vbscript:msgbox(1)', 'data:text/html,<script>alert(1)</script>']) {
      const body = documentedRequest('card-redirect', now(), { redirectUrl: { successReturnUrl: url } });
      const answer = await sandbox.call('createPaymentSession', { body });
      expect(answer.status, url).toBe(400);
      expect(answer.body.error.details.map((detail: Json) => detail.field)).toContain('redirectUrl.successReturnUrl');
    }
  });

  it("the page's payment method must be one the contract knows; a session without one is not moved", async () => {
    const session = await create('payment-ui');
    for (const method of ['<script>alert(1)</script>', 'BITCOIN', 'card']) {
      const answer = await fetch(`${sandbox.url}/_sandbox/pay/${session.id}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ action: 'pay', paymentMethod: method, csrf: await csrfOf(session.id) }).toString(),
      });
      expect(answer.status, method).toBe(400);
      expect(await answer.text()).not.toContain('<script>');
    }
    const untouched = await sandbox.session(session.id);
    expect(untouched.status).toBe('REQUIRE_PAYMENT_METHOD');
    expect(untouched.paymentMethod).toBeNull();
  });

  it('advanceSeconds 1e13 is a 400, and the sandbox answers as before afterwards', async () => {
    // A sandbox of its own: where this fails, its clock is broken for good.
    const own = await startHarness();
    try {
      for (const advanceSeconds of [1e13, 1e300, 400_000_000]) {
        const answer = await fetch(`${own.url}/_sandbox/clock`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ advanceSeconds }),
        });
        expect(answer.status, String(advanceSeconds)).toBe(400);
        expect(isErrorResponse(await answer.json())).toBe(true);
      }
      const body = documentedRequest('va-api', own.running.sandbox.clock.now());
      const session = (await own.call('createPaymentSession', { body })).body.data;
      const simulated = await own.call('simulatePayment', { body: { paymentSessionId: session.id, chargeStatus: 'SUCCESS' } });
      expect(simulated.status).toBe(200);
      expect((await (await fetch(`${own.url}/_sandbox/clock`)).json()) as Json).toHaveProperty('now');
    } finally {
      await own.close();
    }
  });

  it('the Authorization scheme is matched as the docs write it: "bearer" or "BEARER" is a 401', async () => {
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const answer = await fetch(`${sandbox.url}/v2/payments/00000000-0000-4000-8000-000000000000/cancel`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `${scheme} ${sandbox.token}` },
        body: JSON.stringify({ cancellationReason: 'VOID_SESSION' }),
      });
      expect(answer.status, scheme).toBe(scheme === 'Bearer' ? 404 : 401);
    }
  });
});

describe('the clock and the callbacks', () => {
  it('a 200,000 s jump runs every attempt that became due, in order, on the documented schedule', async () => {
    const receiver = await startReceiver();
    receiver.answers = [503];
    const harness = await startHarness({ callbackUrl: receiver.url });
    try {
      const body = documentedRequest('va-api', harness.running.sandbox.clock.now());
      const created = (await harness.call('createPaymentSession', { body })).body.data;
      await harness.call('simulatePayment', { body: { paymentSessionId: created.id, chargeStatus: 'SUCCESS' } });
      await harness.running.sandbox.idle();
      await harness.advance(200_000);
      const deadline = Date.now() + 10_000;
      while (receiver.received.length < 7 && Date.now() < deadline) await sleep(20);
      await harness.running.sandbox.idle();
      const list = (await (await fetch(`${harness.url}/_sandbox/callbacks`)).json()) as Json;
      const delivery = (list.deliveries as Json[]).find((candidate) => candidate.paymentSessionId === created.id)!;
      expect(delivery.attempts.map((attempt: Json) => attempt.offsetSeconds)).toEqual([0, 300, 1200, 4800, 15600, 37200, 80400]);
      expect(delivery.attempts.map((attempt: Json) => attempt.status)).toEqual([503, 503, 503, 503, 503, 503, 503]);
      expect(delivery.state).toBe('manual_retry');
      expect(receiver.received).toHaveLength(7);
    } finally {
      await harness.close();
      await receiver.close();
    }
  });

  it('a receiver that never answers does not hold up the clock route or the API, and gets a few attempts at a time', async () => {
    let open = 0;
    let most = 0;
    const hung = createServer((req) => {
      open += 1;
      most = Math.max(most, open);
      req.socket.once('close', () => (open -= 1));
    }); // never answers
    await new Promise<void>((done) => hung.listen(0, '127.0.0.1', done));
    const harness = await startHarness({ callbackUrl: `http://127.0.0.1:${(hung.address() as AddressInfo).port}/` });
    try {
      for (let index = 0; index < 8; index++) {
        const body = documentedRequest('va-api', harness.running.sandbox.clock.now());
        const created = (await harness.call('createPaymentSession', { body })).body.data;
        await harness.call('simulatePayment', { body: { paymentSessionId: created.id, chargeStatus: 'SUCCESS' } });
      }
      while (open === 0) await sleep(10);
      // Attempts are hanging (for 10 s each): the clock, a create and the lists answer meanwhile.
      await harness.advance(1);
      const body = documentedRequest('va-api', harness.running.sandbox.clock.now());
      expect((await harness.call('createPaymentSession', { body })).status).toBe(200);
      expect((await fetch(`${harness.url}/_sandbox/callbacks`)).status).toBe(200);
      expect(open).toBeGreaterThan(0);
      // Eight deliveries due, a small bound in flight at once.
      expect(most).toBeLessThanOrEqual(4);
    } finally {
      await harness.close();
      hung.closeAllConnections();
      await new Promise<void>((done) => hung.close(() => done()));
    }
  });
});
