/**
 * The proxy: stands between a merchant's code and Pivot (staging, or the local sandbox) and sees, on
 * real traffic, where either leaves the contract (DESIGN.md "Observing real traffic: the proxy").
 *
 *   merchant ──▶ proxy (this server) ──▶ upstream (--upstream)         forward.ts: bytes unchanged
 *   Pivot    ──▶ proxy /_proxy/callbacks ──▶ merchant (--callback-to)  callbacks.ts
 *                  │ after each answer has gone out:
 *                  ▼
 *      validate-exchange.ts / callbacks.ts ─▶ ✗ / ⚠ lines, report-file.ts (redacted), summary.ts
 *
 * Validation runs after the answer has been passed on (on the next turn of the event loop), so it adds
 * nothing to the exchange's own latency (`npm run bench` measures the proxy's overhead).
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Mode } from 'pivot-payments-contract/validators';
import { DEFAULT_SPEC } from '../../generators/spec/package-root.ts';
import { badGatewayBody, internalErrorBody, notFoundBody } from '../http/errors.ts';
import { loadRoutes, matchRoute, type Route } from '../http/routes.ts';
import { isLoopback, SERVER_LIMITS, serveListener, type ServerLimits } from '../http/serve.ts';
import { upstreamAgents } from '../http/upstream.ts';
import {
  CALLBACK_PATH,
  callbackTarget,
  PROXY_PREFIX,
  validateCallback,
  webhookStatuses,
  type CallbackCheck,
} from './callbacks.ts';
import { readExchange, type ReadExchange } from './captured-body.ts';
import type { Findings } from './findings.ts';
import { passThrough, upstreamTarget, type CapturedExchange, type NoAnswer } from './forward.ts';
import { exchangeRecord, openReport, type ExchangeRecord, type ReportFile } from './report-file.ts';
import { exchangeLine, findingLines, Summary } from './summary.ts';
import { pathOf, validateExchange } from './validate-exchange.ts';

type Json = Record<string, any>;

/**
 * The proxy's connection limits: those of every served contract server, but a client socket may stay
 * quiet longer than Pivot's 60-second gateway timeout (its documented 408), so a slow answer is passed
 * on rather than cut off.
 */
export const PROXY_LIMITS: Partial<ServerLimits> = { idleTimeoutMs: 120_000 };

/** How long a stopping proxy lets exchanges in flight finish before it closes their connections. */
const DRAIN_MS = 5_000;

export interface ProxyOptions {
  /** Where requests go: `https://api-stg.pivot-payment.com`, `http://127.0.0.1:4011`. */
  upstream: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** How Pivot's answers and callbacks are validated (default tolerant); requests are always strict. */
  mode?: Mode;
  /** The JSON Lines report to append to, when given. */
  report?: string;
  /** The merchant's callback endpoint: with it, the proxy takes callbacks at `/_proxy/callbacks`. */
  callbackTo?: string;
  /** The callback API key genuine callbacks carry. */
  callbackApiKey?: string;
  /** The bundled OpenAPI document (default: this package's generated/openapi.json). */
  document?: Json;
  /** One line per exchange (stdout). */
  log?: (line: string) => void;
  /** The ✗ and ⚠ lines, and the proxy's own problems (stderr). */
  warn?: (line: string) => void;
  limits?: Partial<ServerLimits>;
}

export interface RunningProxy {
  url: string;
  summary: Summary;
  /** Resolves once every exchange so far has been validated and written. */
  idle(): Promise<void>;
  /** Stops taking requests, lets those in flight finish (bounded), writes the last records, closes the report. */
  close(): Promise<void>;
}

/**
 * What is wrong with a URL the proxy sends to (none: undefined): `http:` or `https:` with a host, no
 * credentials, no fragment; a query only where `query` allows it (the upstream's is each request's own).
 */
export function targetUrlProblem(text: string, options: { query: boolean }): string | undefined {
  if (!URL.canParse(text)) return 'must be an absolute URL such as https://api-stg.pivot-payment.com';
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be http: or https:, not ${url.protocol}`;
  if (url.hash !== '') return 'must not have a fragment';
  if (!options.query && url.search !== '') return 'must not have a query (each request brings its own)';
  if (url.username !== '' || url.password !== '') return 'must not carry credentials';
  return undefined;
}

/** Whether two URLs name the same listening server (`localhost` and `127.0.0.1` alike). */
function sameServer(a: URL, b: URL): boolean {
  const port = (url: URL) => url.port || (url.protocol === 'https:' ? '443' : '80');
  const host = (url: URL) => (isLoopback(url.hostname) ? 'loopback' : url.hostname.toLowerCase());
  return port(a) === port(b) && host(a) === host(b);
}

function jsonNoAnswer(operationId: string): NoAnswer {
  return (reason) => ({
    status: 502,
    contentType: 'application/json',
    body: JSON.stringify(badGatewayBody(operationId, `proxy: ${reason}`)),
  });
}

function notFound(response: ServerResponse, message: string): void {
  const body = JSON.stringify({ ...notFoundBody(), message });
  response.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const upstream = new URL(options.upstream);
  const callbackTo = options.callbackTo === undefined ? undefined : new URL(options.callbackTo);
  const document = options.document ?? (JSON.parse(readFileSync(DEFAULT_SPEC, 'utf8')) as Json);
  const routes: Route[] = loadRoutes(document);
  const mode: Mode = options.mode ?? 'tolerant';
  const callbackCheck: CallbackCheck = { mode, apiKey: options.callbackApiKey, statuses: webhookStatuses(document) };
  const log = options.log ?? (() => {});
  const warn = options.warn ?? (() => {});
  const report: ReportFile | undefined = options.report === undefined ? undefined : openReport(options.report, warn);
  const agents = upstreamAgents();
  const summary = new Summary();
  const inFlight = new Set<Promise<void>>();

  /** Validates, prints, writes and counts one finished exchange, on the next turn of the event loop. */
  const observe = (
    exchange: CapturedExchange,
    kind: ExchangeRecord['kind'],
    check: (exchange: CapturedExchange, read: ReadExchange) => Findings,
  ) =>
    new Promise<void>((done) =>
      setImmediate(() => {
        try {
          const read = readExchange(exchange);
          const record = exchangeRecord(exchange, read, check(exchange, read), kind);
          log(exchangeLine(record));
          for (const line of findingLines(record)) warn(line);
          report?.write(record);
          summary.add(record);
        } catch (error) {
          warn(`cannot check ${exchange.method} ${exchange.target}: ${(error as Error).message}`);
        }
        done();
      }),
    );

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const target = request.url ?? '/';
    const path = pathOf(target);
    if (path.startsWith(PROXY_PREFIX)) {
      if (path !== CALLBACK_PATH || request.method !== 'POST') {
        request.resume();
        return notFound(response, `the proxy takes callbacks with POST ${CALLBACK_PATH}; nothing else under ${PROXY_PREFIX}`);
      }
      if (callbackTo === undefined) {
        request.resume();
        warn(`✗ POST ${CALLBACK_PATH} 404 request a callback arrived, but the proxy was started without --callback-to`);
        return notFound(response, 'the proxy was started without --callback-to: it has nowhere to pass callbacks on');
      }
      const exchange = await passThrough(request, response, callbackTarget(callbackTo, target), {
        agents,
        noAnswer: jsonNoAnswer('paymentCallback'),
      });
      return observe(exchange, 'callback', (passed, read) => validateCallback(passed, read, callbackCheck));
    }
    const operationId = matchRoute(routes, request.method ?? 'GET', path)?.route.operationId ?? 'createPaymentSession';
    const exchange = await passThrough(request, response, upstreamTarget(upstream, target), {
      agents,
      noAnswer: jsonNoAnswer(operationId),
    });
    return observe(exchange, 'api', (passed, read) => validateExchange(passed, read, routes, mode));
  };

  const served = await serveListener(
    (request, response) => {
      const work = handle(request, response).catch((error: Error) => {
        warn(`proxy error on ${request.method} ${request.url}: ${error.message}`);
        if (response.headersSent) {
          response.destroy();
          return;
        }
        const body = JSON.stringify(internalErrorBody(`proxy: ${error.message}`));
        response.writeHead(500, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        response.end(body);
      });
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    },
    {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      limits: { ...SERVER_LIMITS, ...PROXY_LIMITS, ...options.limits },
    },
  ).catch((error: unknown) => {
    agents.destroy();
    report?.close();
    throw error;
  });
  // A proxy in front of itself would pass each request back to itself for ever.
  for (const target of [upstream, callbackTo])
    if (target !== undefined && sameServer(target, new URL(served.url))) {
      await served.close();
      agents.destroy();
      report?.close();
      throw new Error(`${target.origin} is the proxy itself (it listens on ${served.url})`);
    }

  const idle = async () => {
    while (inFlight.size > 0) await Promise.all([...inFlight]);
  };
  let closing: Promise<void> | undefined;
  return {
    url: served.url,
    summary,
    idle,
    close: () =>
      (closing ??= (async () => {
        served.server.close();
        served.server.closeIdleConnections();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([idle(), new Promise<void>((done) => (timer = setTimeout(done, DRAIN_MS)))]);
        clearTimeout(timer);
        await served.close();
        await idle();
        agents.destroy();
        report?.close();
      })()),
  };
}
