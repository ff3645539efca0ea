/**
 * What the sandbox tests share: a sandbox served on a free port, a client that validates every answer
 * strictly against the contract, and a local callback receiver that answers what a test tells it to.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { getFixture } from 'pivot-payments-contract/fixtures';
import { validate, validateResponse, type OperationId } from 'pivot-payments-contract/validators';
import { DEFAULT_SPEC } from '../../generators/spec/package-root.ts';
import { loadRoutes } from '../../scripts/http/routes.ts';
import { pageFormToken } from '../../scripts/sandbox/page.ts';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../scripts/sandbox/server.ts';

type Json = Record<string, any>;

export const document = JSON.parse(readFileSync(DEFAULT_SPEC, 'utf8')) as Json;
const routes = loadRoutes(document);

export interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: Json;
  /** Sandbox time when it arrived (ms), read from the sandbox clock. */
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** The statuses to answer, in order; the last one repeats. */
  answers: number[];
  close(): Promise<void>;
}

/** A callback endpoint on 127.0.0.1 that records each POST and answers `answers` in turn. */
export async function startReceiver(clock: () => number = Date.now): Promise<Receiver> {
  const received: Received[] = [];
  const receiver: Partial<Receiver> = { received, answers: [200] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')), at: clock() });
      const answers = receiver.answers!;
      const status = answers.length > 1 ? answers.shift()! : answers[0]!;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}/callback`;
  receiver.close = () =>
    new Promise<void>((done) => {
      server.close(() => done());
      server.closeAllConnections();
    });
  return receiver as Receiver;
}

export interface Answer {
  status: number;
  body: Json;
  text: string;
  headers: Headers;
}

export interface Harness {
  running: RunningSandbox;
  url: string;
  receiver: Receiver;
  token: string;
  /** Calls an operation with a valid token; the answer must validate strictly for its status. */
  call(
    operationId: OperationId,
    options?: { body?: unknown; id?: string; customerId?: string; headers?: Record<string, string> },
  ): Promise<Answer>;
  /** The session as the sandbox holds it (`GET /_sandbox/sessions/{id}`). */
  session(id: string): Promise<Json>;
  advance(seconds: number): Promise<void>;
  /** Waits (bounded) until the receiver has `count` callbacks of the session, then returns them. */
  callbacks(sessionId: string, count: number): Promise<Received[]>;
  /** POSTs JSON to a control route (`/_sandbox/…`), as the dashboard does. */
  control(path: string, body?: unknown): Promise<{ status: number; body: Json }>;
  /** Drives the hosted page as a browser's form would. */
  page(id: string, action: 'pay' | 'fail' | 'cancel', paymentMethod?: string): Promise<Response>;
  close(): Promise<void>;
}

/** Violations of an answer, as one readable line (empty when it validates strictly). */
export function contractProblems(operationId: OperationId, status: number, body: unknown): string {
  const result = validateResponse(operationId, status, body, { mode: 'strict' });
  return result.valid ? '' : result.errors.map((error) => error.message).join('; ');
}

/** Violations of a callback body: a REFUND.* one as `RefundCallback`, any other as `PaymentCallback` (strict). */
export function callbackProblems(body: unknown): string {
  const refund = String((body as Json | undefined)?.event ?? '').startsWith('REFUND.');
  const result = validate(refund ? 'RefundCallback' : 'PaymentCallback', body, { mode: 'strict' });
  return result.valid ? '' : result.errors.map((error) => error.message).join('; ');
}

export async function startHarness(options: Partial<SandboxOptions> = {}): Promise<Harness> {
  let now = () => Date.now();
  const receiver = await startReceiver(() => now());
  const running = await startSandbox({ document, callbackUrl: receiver.url, ...options });
  now = () => running.sandbox.clock.now();
  const url = running.url;

  async function send(
    operationId: OperationId,
    token: string | undefined,
    options: Parameters<Harness['call']>[1] = {},
  ): Promise<Answer> {
    const route = routes.find((candidate) => candidate.operationId === operationId)!;
    const path = route.path.replace('{id}', options.id ?? '').replace('{customerId}', options.customerId ?? '');
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    if (operationId === 'createPaymentSession') headers['x-request-id'] = freshRequestId();
    Object.assign(headers, options.headers ?? {});
    const response = await fetch(`${url}${path}`, {
      method: route.method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    const body = JSON.parse(text) as Json;
    const problems = contractProblems(operationId, response.status, body);
    if (problems) throw new Error(`${operationId} → ${response.status} breaks the contract: ${problems}\n${text.slice(0, 400)}`);
    return { status: response.status, body, text, headers: response.headers };
  }

  const issueToken = async () => {
    const answer = await send('createAccessToken', undefined, {
      body: { grantType: 'client_credentials' },
      headers: {
        'x-merchant-id': options.merchantId ?? 'sandbox-merchant',
        'x-merchant-secret': options.merchantSecret ?? 'sandbox-secret',
      },
    });
    return { token: answer.body.data.accessToken as string, issuedAt: now() };
  };
  let current = await issueToken();
  /** A token that is valid now: a merchant renews before the 900 s are up (Authentication › Tips). */
  const validToken = async () => {
    if (now() - current.issuedAt > 840_000) current = await issueToken();
    return current.token;
  };

  return {
    running,
    url,
    receiver,
    get token() {
      return current.token;
    },
    call: async (operationId, callOptions) => send(operationId, await validToken(), callOptions),
    async session(id) {
      const response = await fetch(`${url}/_sandbox/sessions/${id}`);
      const body = (await response.json()) as Json;
      const result = validate('PaymentSessionResponse', body, { mode: 'strict' });
      if (!result.valid)
        throw new Error(`/_sandbox/sessions/${id} breaks PaymentSessionResponse: ${JSON.stringify(result.errors)}`);
      return body.data;
    },
    async advance(seconds) {
      const response = await fetch(`${url}/_sandbox/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advanceSeconds: seconds }),
      });
      if (response.status !== 200) throw new Error(`clock: ${response.status} ${await response.text()}`);
    },
    async callbacks(sessionId, count) {
      const mine = () =>
        receiver.received.filter(
          (callback) => callback.body?.data?.id === sessionId || callback.body?.data?.paymentSessionId === sessionId,
        );
      const deadline = Date.now() + 5_000;
      while (mine().length < count && Date.now() < deadline) {
        await running.sandbox.idle();
        await new Promise((done) => setTimeout(done, 20));
      }
      for (const callback of receiver.received) {
        const problems = callbackProblems(callback.body);
        if (problems) throw new Error(`callback ${callback.body.event} breaks the contract: ${problems}`);
      }
      return mine();
    },
    async control(path, body = {}) {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Json };
    },
    async page(id, action, paymentMethod) {
      const csrf = pageFormToken(await (await fetch(`${url}/_sandbox/pay/${id}`)).text()) ?? '';
      return fetch(`${url}/_sandbox/pay/${id}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ action, csrf, ...(paymentMethod ? { paymentMethod } : {}) }).toString(),
      });
    },
    async close() {
      await running.close();
      await receiver.close();
    },
  };
}

let counter = 0;

/** 16–36 alphanumerics (Idempotency › Requirements), unique per call. */
export function freshRequestId(): string {
  counter += 1;
  return `T${Date.now().toString(36)}${counter.toString(36).padStart(6, '0')}${Math.random().toString(36).slice(2, 10)}`
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 36)
    .padEnd(16, '0');
}

/** A documented request with a fresh reference and, where it has one, an expiry an hour ahead of sandbox time. */
export function documentedRequest(name: string, now: number, changes: Json = {}): Json {
  const body = getFixture({ operationId: 'createPaymentSession', kind: 'request', name } as never) as Json;
  body.clientReferenceId = `ref${Math.random().toString(36).slice(2, 12)}`;
  if (body.expiryAt !== undefined) body.expiryAt = new Date(now + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  for (const options of Object.values((body.paymentMethodOptions ?? {}) as Json))
    if (options && typeof options === 'object' && 'expiryAt' in options) options.expiryAt = body.expiryAt;
  return { ...body, ...changes };
}
