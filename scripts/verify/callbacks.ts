/**
 * `verify --callback-port P`: a receiver for the provider's payment callbacks during a flow run, and the
 * check of what a flow received.
 *
 * Pivot posts the `paymentCallback` body to the merchant's callback URL with the `X-API-Key` header the
 * merchant configured, and expects HTTP 200 (Payment Callback › Header Request; Payment Notify: "return
 * only HTTP Response 200"). The receiver answers 200 to every POST on any path, and keeps what arrived.
 * Sources: https://pivot-payment.gitbook.io/pivot-docs/api-references/api-lists/payments/payment-callback,
 * https://pivot-payment.gitbook.io/pivot-docs/payments/after-the-payment/payment-notify
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validate, type Mode } from 'pivot-payments-contract/validators';
import { seconds } from './exchange.ts';

type Json = Record<string, any>;

/** Bodies above this are not callbacks; the receiver cuts them off rather than buffer them. */
const MAX_BODY_BYTES = 1_000_000;

export interface ReceivedCallback {
  headers: IncomingHttpHeaders;
  /** The parsed body, or the text when it is not JSON. */
  body: unknown;
  json: boolean;
}

export interface CallbackReceiver {
  /** `http://127.0.0.1:P/`: the URL to give the provider (the sandbox's `--callback-url`). */
  url: string;
  received: ReceivedCallback[];
  /**
   * Resolves once `enough()` holds, checked on every arrival, or when `timeoutMs` or the run's deadline
   * passes (whichever comes first); never rejects.
   */
  waitFor(enough: () => boolean, timeoutMs: number, deadline: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:port (0 picks a free port). Rejects when the port cannot be used. */
export async function startReceiver(port: number): Promise<CallbackReceiver> {
  const received: ReceivedCallback[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      let json = false;
      try {
        body = JSON.parse(text);
        json = true;
      } catch {
        // kept as text: the check reports it as not JSON
      }
      if (req.method === 'POST') received.push({ headers: req.headers, body, json });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
      for (const wake of [...waiters]) wake();
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', fail);
      done();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/`,
    received,
    waitFor(enough, timeoutMs, deadline) {
      return new Promise<void>((done) => {
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
          deadline.removeEventListener('abort', finish);
          done();
        };
        const check = () => {
          if (enough()) finish();
        };
        const timer = setTimeout(finish, timeoutMs);
        deadline.addEventListener('abort', finish);
        waiters.add(check);
        if (deadline.aborted) finish();
        else check();
      });
    },
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

/** One callback a flow's steps should cause: this event, for this session. */
export interface ExpectedCallback {
  sessionId: string;
  event: string;
}

function sessionOf(callback: ReceivedCallback): string | undefined {
  const id = (callback.body as Json | null)?.data?.id;
  return typeof id === 'string' ? id : undefined;
}

/** The callbacks received so far for the given sessions, in arrival order. */
export function callbacksFor(receiver: CallbackReceiver, sessionIds: Set<string>): ReceivedCallback[] {
  return receiver.received.filter((callback) => {
    const id = sessionOf(callback);
    return id !== undefined && sessionIds.has(id);
  });
}

/** Whether every expected callback has arrived (counted per session). */
export function allArrived(receiver: CallbackReceiver, expected: ExpectedCallback[]): boolean {
  const sessions = new Set(expected.map((item) => item.sessionId));
  const got = callbacksFor(receiver, sessions);
  return [...sessions].every(
    (id) =>
      got.filter((callback) => sessionOf(callback) === id).length >= expected.filter((item) => item.sessionId === id).length,
  );
}

export interface CallbackCheck {
  apiKey: string;
  mode: Mode;
  timeoutMs: number;
  /** Accept more events after the expected ones (a flow that stopped early may have caused them). */
  allowMore?: boolean;
}

/**
 * The problems of what arrived for a flow: every body must validate as `PaymentCallback` (in `mode`) and
 * carry the configured `X-API-Key`; per session, the events must be the expected ones, in order.
 */
export function callbackProblems(received: ReceivedCallback[], expected: ExpectedCallback[], check: CallbackCheck): string[] {
  const problems: string[] = [];
  for (const callback of received) {
    const event = String((callback.body as Json | null)?.event ?? '?');
    if (!callback.json) {
      problems.push(`a callback body is not JSON: ${JSON.stringify(String(callback.body).slice(0, 80))}`);
      continue;
    }
    const validation = validate('PaymentCallback', callback.body, { mode: check.mode });
    if (!validation.valid) problems.push(...validation.errors.map((violation) => `${event} callback: ${violation.message}`));
    // The key is a secret: say that it differs, never what it is (CI logs are read widely).
    const key = callback.headers['x-api-key'];
    if (key !== check.apiKey)
      problems.push(
        `${event} callback: X-API-Key is ${key === undefined ? 'missing' : 'not the configured key'} (--callback-api-key)`,
      );
  }
  const sessions = [...new Set(expected.map((item) => item.sessionId))];
  for (const id of sessions) {
    const want = expected.filter((item) => item.sessionId === id).map((item) => item.event);
    const got = received
      .filter((callback) => sessionOf(callback) === id)
      .map((callback) => String((callback.body as Json).event));
    if (want.join() === (check.allowMore ? got.slice(0, want.length) : got).join()) continue;
    const onlyLate = got.length < want.length && want.slice(0, got.length).join() === got.join();
    problems.push(
      onlyLate
        ? `session ${id}: ${want.slice(got.length).join(', ')} did not arrive within ${seconds(check.timeoutMs)} (--callback-timeout)`
        : `session ${id}: expected ${want.join(' → ')}, received ${got.join(' → ') || 'nothing'}`,
    );
  }
  return problems;
}
