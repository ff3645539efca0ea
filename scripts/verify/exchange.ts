/**
 * One HTTP exchange with the server under test, classified so that every way it can go wrong reads as
 * one line: the server answered (with its status, content type and text, parsed when it is JSON), did
 * not answer within the per-request timeout, was stopped by the run's deadline, cannot be reached at
 * all (nothing listens, the name does not resolve: every further request would fail the same way),
 * or broke off mid-exchange.
 */

export interface OutgoingRequest {
  method: string;
  /** Absolute URL. */
  url: string;
  headers: Headers;
  /** Sent as JSON when defined; a `URLSearchParams` is sent as a form (the sandbox's hosted page). */
  body?: unknown;
}

export interface Answer {
  kind: 'answer';
  status: number;
  headers: Headers;
  /** The media type without parameters, lower case; '' when the server sent none. */
  contentType: string;
  text: string;
  /** The parsed body, when the text is JSON. */
  json: { value: unknown } | undefined;
}

export type Outcome =
  | Answer
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'deadline' }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'failed'; reason: string };

export interface ExchangeOptions {
  timeoutMs: number;
  /** Aborts the exchange when the run's deadline passes. */
  deadline?: AbortSignal;
}

/** Connection errors that mean no request can get through: the run stops at once instead of repeating them. */
const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing listens on that port)',
  ENOTFOUND: 'host name not found (DNS)',
  EAI_AGAIN: 'host name lookup failed (DNS)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate chain is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate cannot be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not name this host',
};

type ErrorWithCause = Error & { code?: string; cause?: ErrorWithCause & { errors?: ErrorWithCause[] } };

/** The system error code behind a failed fetch (undici wraps it in `cause`, several addresses in `errors`). */
export function errorCode(error: unknown): string | undefined {
  const cause = (error as ErrorWithCause).cause;
  return cause?.code ?? cause?.errors?.find((inner) => inner.code)?.code ?? (error as ErrorWithCause).code;
}

function mediaType(headers: Headers): string {
  return headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
}

function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/** Sends one request and classifies what came back. Never throws. */
export async function exchange(request: OutgoingRequest, options: ExchangeOptions): Promise<Outcome> {
  if (options.deadline?.aborted) return { kind: 'deadline' };
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.deadline ? AbortSignal.any([timeout, options.deadline]) : timeout;
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body:
        request.body === undefined
          ? undefined
          : request.body instanceof URLSearchParams
            ? request.body
            : JSON.stringify(request.body),
      signal,
      redirect: 'manual',
    });
    // The signal bounds the body too: a server that sends headers and then stalls is a timeout as well.
    const text = await response.text();
    return {
      kind: 'answer',
      status: response.status,
      headers: response.headers,
      contentType: mediaType(response.headers),
      text,
      json: parseJson(text),
    };
  } catch (error) {
    if (options.deadline?.aborted) return { kind: 'deadline' };
    if (timeout.aborted) return { kind: 'timeout', timeoutMs: options.timeoutMs };
    const code = errorCode(error);
    if (code && UNREACHABLE[code]) return { kind: 'unreachable', reason: `${code}, ${UNREACHABLE[code]}` };
    const cause = (error as ErrorWithCause).cause;
    // fetch refuses some ports outright (https://fetch.spec.whatwg.org/#port-blocking): no request will pass.
    if (cause?.message === 'bad port') return { kind: 'unreachable', reason: 'fetch blocks this port (use another one)' };
    return { kind: 'failed', reason: code ?? cause?.message ?? (error as Error).message };
  }
}

/** A duration for people: `10 s`, `0.5 s`. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** Status, content type and the first 80 characters of the body, quoted: `500 text/html "<html>…"`. */
export function describeAnswer(answer: Answer): string {
  const excerpt = answer.text.length > 80 ? `${answer.text.slice(0, 80)}…` : answer.text;
  return `${answer.status} ${answer.contentType || 'no content-type'} ${JSON.stringify(excerpt)}`;
}

/**
 * The one readable line for an outcome that cannot be checked against the contract (no answer, a
 * server error, a body that is not JSON), or undefined for a JSON answer below 500.
 */
export function outcomeProblem(outcome: Outcome): string | undefined {
  switch (outcome.kind) {
    case 'timeout':
      return `no answer within ${seconds(outcome.timeoutMs)} (--timeout)`;
    case 'deadline':
      return 'stopped by the run deadline (--deadline)';
    case 'unreachable':
      return `cannot reach the server: ${outcome.reason}`;
    case 'failed':
      return `request failed: ${outcome.reason}`;
    case 'answer':
      if (outcome.status >= 500) return `server error: ${describeAnswer(outcome)}`;
      if (!outcome.json) return `answer is not JSON: ${describeAnswer(outcome)}`;
      return undefined;
  }
}

const POLL_INTERVAL_MS = 200;

/**
 * Polls `url` until the server gives any HTTP answer (a 404 counts: something is listening and
 * speaking HTTP), for at most `waitMs`. Resolves to undefined once it answers, or to the last reason
 * it did not.
 */
export async function waitForServer(url: string, waitMs: number): Promise<string | undefined> {
  const until = Date.now() + waitMs;
  let reason = 'no attempt made';
  for (;;) {
    const left = until - Date.now();
    if (left <= 0) return reason;
    const outcome = await exchange(
      { method: 'GET', url, headers: new Headers({ accept: 'application/json' }) },
      { timeoutMs: Math.min(left, 2_000) },
    );
    if (outcome.kind === 'answer') return undefined;
    reason =
      outcome.kind === 'timeout'
        ? 'connections are accepted but nothing answers'
        : outcome.kind === 'unreachable' || outcome.kind === 'failed'
          ? outcome.reason
          : outcome.kind;
    const pause = Math.min(POLL_INTERVAL_MS, until - Date.now());
    if (pause > 0) await new Promise((done) => setTimeout(done, pause));
  }
}
