/**
 * One exchange through the proxy, passed on unchanged: the request's method, path and query, headers
 * (all but the hop-by-hop ones; `Host` names the upstream, as for any reverse proxy) and body bytes
 * go to the upstream as they arrive; its status, status text, headers (all but the hop-by-hop ones)
 * and body bytes come back as they arrive. A redirect is an answer like any other. Nothing waits for
 * validation: the bodies are copied on the way through (`captured-body.ts`) and validated after the
 * answer has gone out.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { endToEndHeaders, flatHeaders, headerPairs, sendUpstream, type UpstreamAgents } from '../http/upstream.ts';
import { BodyCopy, type CapturedMessage } from './captured-body.ts';

/** Besides the hop-by-hop headers, not passed on: `Host` (replaced) and `Expect` (the proxy has answered 100-continue itself). */
const NOT_FORWARDED: ReadonlySet<string> = new Set(['host', 'expect']);

/** What passed through the proxy in one exchange, for validation and the report. */
export interface CapturedExchange {
  /** When the request arrived. */
  at: Date;
  method: string;
  /** The request target as received (path and query). */
  target: string;
  /** Where it was passed on to. */
  url: string;
  request: CapturedMessage;
  /** The status passed back (the proxy's own 502 when the upstream gave no answer). */
  status: number;
  response: CapturedMessage;
  durationMs: number;
  /** Why the exchange did not complete, when it did not. */
  failure?: Failure;
}

/**
 * `no-answer`: the upstream could not be reached or closed without answering (the proxy answered 502);
 * `cut-off`: its answer broke off part-way; `client-gone`: the client left before the answer ended.
 */
export interface Failure {
  kind: 'no-answer' | 'cut-off' | 'client-gone';
  reason: string;
}

/** The answer the proxy gives itself when the upstream gives none. */
export type NoAnswer = (reason: string) => { status: number; contentType: string; body: string };

/** `/v2/payments?x=1`, also from an absolute-form target (`http://host/v2/payments?x=1`). */
export function originForm(target: string): string {
  if (target.startsWith('/')) return target;
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(.*)$/i.exec(target);
  const rest = match?.[1] ?? '';
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** Where a request goes: the upstream's origin, and its base path followed by the target's path and query as received. */
export interface UpstreamTarget {
  origin: URL;
  path: string;
  /** `https://api-stg.pivot-payment.com/v2/payments`, for the report. */
  href: string;
}

export function upstreamTarget(base: URL, target: string): UpstreamTarget {
  const path = `${base.pathname.replace(/\/+$/, '')}${originForm(target)}`;
  return { origin: new URL(base.origin), path, href: `${base.origin}${path}` };
}

/** The request's end-to-end headers for the upstream, `Host` set to its host in the place the client's stood. */
function forwardedHeaders(pairs: Array<[string, string]>, host: string): Array<[string, string]> {
  const index = pairs.findIndex(([name]) => name.toLowerCase() === 'host');
  const kept = endToEndHeaders(pairs, NOT_FORWARDED);
  const position = index < 0 ? 0 : pairs.slice(0, index).filter((pair) => kept.includes(pair)).length;
  kept.splice(position, 0, [index < 0 ? 'Host' : pairs[index]![0], host]);
  return kept;
}

/** Whether a request has a body to pass on (HTTP/1.1 framing: a length, or chunks). */
function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Passes one request to `target` and its answer back; resolves once the exchange is over, with what passed. */
export async function passThrough(
  request: IncomingMessage,
  response: ServerResponse,
  target: UpstreamTarget,
  options: { agents: UpstreamAgents; noAnswer: NoAnswer },
): Promise<CapturedExchange> {
  const at = new Date();
  const started = performance.now();
  const requestCopy = new BodyCopy();
  const received = headerPairs(request.rawHeaders);
  request.on('data', (chunk: Buffer) => requestCopy.add(chunk));
  const upstream = sendUpstream(target.origin, target.path, {
    method: request.method ?? 'GET',
    headers: forwardedHeaders(received, target.origin.host),
    body: hasBody(request) ? request : undefined,
    agents: options.agents,
  });
  // Which side broke off first, if one did: a client that goes away abandons the call upstream too.
  let first: 'client' | 'upstream' | undefined;
  response.once('close', () => {
    if (response.writableFinished) return;
    first ??= 'client';
    upstream.request.destroy();
  });
  if (!hasBody(request)) request.resume();
  const base = { at, method: request.method ?? 'GET', target: request.url ?? '/', url: target.href };
  const sent = endToEndHeaders(received);

  let answer: IncomingMessage;
  try {
    answer = await upstream.answer;
  } catch (error) {
    const failure: Failure =
      first === 'client'
        ? { kind: 'client-gone', reason: 'the client closed the connection before the answer' }
        : { kind: 'no-answer', reason: `no answer from ${target.origin.origin}: ${(error as Error).message}` };
    const own = options.noAnswer(failure.reason);
    const body = Buffer.from(own.body);
    if (!response.headersSent && !response.destroyed) {
      response.writeHead(own.status, { 'content-type': own.contentType, 'content-length': body.length });
      response.end(body);
    }
    return {
      ...base,
      request: { headers: sent, body: requestCopy.captured() },
      status: own.status,
      response: { headers: [['content-type', own.contentType]], body: { size: body.length, bytes: body } },
      durationMs: performance.now() - started,
      failure,
    };
  }

  const answerHeaders = endToEndHeaders(headerPairs(answer.rawHeaders));
  const status = answer.statusCode ?? 502;
  // The upstream's own `Date` (if any) is passed on; Node adds none of its own.
  response.sendDate = false;
  const responseCopy = new BodyCopy();
  answer.on('data', (chunk: Buffer) => responseCopy.add(chunk));
  answer.once('aborted', () => (first ??= 'upstream'));
  answer.once('error', () => (first ??= 'upstream'));
  let failure: Failure | undefined;
  try {
    response.writeHead(status, answer.statusMessage, flatHeaders(answerHeaders));
  } catch (error) {
    // Node refuses to write what it would not have parsed (a control character in a header value).
    first ??= 'upstream';
    answer.destroy(error as Error);
  }
  try {
    await pipeline(answer, response);
  } catch (error) {
    failure =
      first === 'upstream'
        ? { kind: 'cut-off', reason: `the answer from ${target.origin.origin} broke off: ${(error as Error).message}` }
        : { kind: 'client-gone', reason: 'the client closed the connection before the answer ended' };
    response.destroy();
  }
  return {
    ...base,
    request: { headers: sent, body: requestCopy.captured() },
    status,
    response: { headers: answerHeaders, body: responseCopy.captured() },
    durationMs: performance.now() - started,
    ...(failure === undefined ? {} : { failure }),
  };
}
