/**
 * Passing a request on to another server, as the mock's front layer (to Prism) and the proxy (to Pivot
 * or the sandbox) both do. `node:http` rather than `fetch`: fetch follows redirects by default, decodes
 * `Content-Encoding` and re-frames the body, so what arrives would no longer be the bytes that were
 * sent. Here the body goes out and comes back as bytes, header names keep their case and order, and a
 * 3xx is an answer like any other (`node:http` never follows one).
 *
 * Hop-by-hop headers (RFC 9110 §7.6.1, and the older RFC 2616 §13.5.1 list that proxies still honour)
 * describe one connection, not the message: they are dropped in both directions, together with every
 * header the `Connection` header names.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

/** Node's `rawHeaders` (`[name, value, name, value, …]`) as pairs, names as sent. */
export function headerPairs(raw: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let index = 0; index + 1 < raw.length; index += 2) pairs.push([raw[index]!, raw[index + 1]!]);
  return pairs;
}

/** The header names a `Connection` header declares hop-by-hop (`Connection: close, X-Debug` → `x-debug`). */
function connectionNames(pairs: ReadonlyArray<[string, string]>): Set<string> {
  const names = new Set<string>();
  for (const [name, value] of pairs)
    if (name.toLowerCase() === 'connection')
      for (const token of value.split(',')) if (token.trim() !== '') names.add(token.trim().toLowerCase());
  return names;
}

/**
 * The end-to-end headers of a message, in order, names as sent: the hop-by-hop ones, those its
 * `Connection` header names and any in `alsoDrop` (lower case) are left out.
 */
export function endToEndHeaders(
  pairs: ReadonlyArray<[string, string]>,
  alsoDrop: ReadonlySet<string> = new Set(),
): Array<[string, string]> {
  const named = connectionNames(pairs);
  return pairs.filter(([name]) => {
    const lower = name.toLowerCase();
    return !HOP_BY_HOP.has(lower) && !named.has(lower) && !alsoDrop.has(lower);
  });
}

/** Pairs as the flat list `node:http` accepts for headers (it keeps their order and case). */
export function flatHeaders(pairs: ReadonlyArray<[string, string]>): string[] {
  return pairs.flat();
}

/** Keep-alive connection pools for the upstream calls of one server (destroy them when it closes). */
export interface UpstreamAgents {
  http: HttpAgent;
  https: HttpsAgent;
  destroy(): void;
}

export function upstreamAgents(): UpstreamAgents {
  const http = new HttpAgent({ keepAlive: true });
  const https = new HttpsAgent({ keepAlive: true });
  return {
    http,
    https,
    destroy: () => {
      http.destroy();
      https.destroy();
    },
  };
}

export interface UpstreamCall {
  method: string;
  /** Header pairs to send as they are (the caller sets `Host` and leaves out what must not go). */
  headers: ReadonlyArray<[string, string]>;
  /** Bytes, or a stream piped through as it arrives; none for a request without a body. */
  body?: Uint8Array | Readable;
  agents?: UpstreamAgents;
}

export interface UpstreamExchange {
  /** The request on its way out: destroy it to abandon the call. */
  request: ClientRequest;
  /** The answer's head; its body is the message stream itself. Rejects when no answer comes. */
  answer: Promise<IncomingMessage>;
}

/**
 * Sends one request to the server at `origin` (scheme, host, port); `path` is the request target, path
 * and query, sent byte for byte (a `URL` would fold `..` segments and re-encode).
 */
export function sendUpstream(origin: URL, path: string, call: UpstreamCall): UpstreamExchange {
  const secure = origin.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  const request = send({
    protocol: origin.protocol,
    hostname: origin.hostname.replace(/^\[|\]$/g, ''),
    port: origin.port || undefined,
    method: call.method,
    path,
    headers: flatHeaders(call.headers) as unknown as Record<string, string>,
    agent: call.agents ? (secure ? call.agents.https : call.agents.http) : undefined,
  });
  const answer = new Promise<IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
  });
  const body = call.body;
  if (body === undefined) request.end();
  else if (body instanceof Uint8Array) request.end(body);
  else pipeline(body, request).catch((error: Error) => request.destroy(error));
  return { request, answer };
}
