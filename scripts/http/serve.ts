/**
 * Serves a fetch handler on `node:http` through Hono's Node adapter, with the limits a local server needs
 * so one slow or malformed client cannot hold a connection open for ever, and with every answer, even
 * the ones Node or the adapter produce before the handler runs, in the contract's `ErrorResponse` shape.
 */
import { getRequestListener } from '@hono/node-server';
import { createServer, STATUS_CODES, type RequestListener, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { internalErrorBody, jsonResponse, notFoundBody, validationErrorBody } from './errors.ts';
import type { FetchHandler } from './core.ts';

/** Limits of every served contract server (README "Reliability"). */
export const SERVER_LIMITS = {
  /** Time to receive the request line and headers, from the first byte (or the connection). */
  headersTimeoutMs: 10_000,
  /** Time to receive the whole request, body included: a 1-byte-per-second body is cut off with a 408. */
  requestTimeoutMs: 30_000,
  /** An idle keep-alive connection (between requests) is closed after this. */
  keepAliveTimeoutMs: 5_000,
  /** A socket with no traffic either way (a client that stops reading an answer) is closed after this. */
  idleTimeoutMs: 30_000,
  /** How often Node checks the header and request timeouts (its default, 30 s, would double them). */
  timeoutCheckIntervalMs: 1_000,
  /** Largest request line plus headers, in bytes (Node's default); more is a 431. */
  maxHeaderBytes: 16 * 1024,
};

export type ServerLimits = typeof SERVER_LIMITS;

export interface ServedHandler {
  /** `http://127.0.0.1:4011` */
  url: string;
  port: number;
  server: Server;
  /** Stops accepting, ends open connections, resolves once closed. */
  close(): Promise<void>;
}

export interface ServeOptions {
  host?: string;
  port?: number;
  /** Overrides of SERVER_LIMITS (tests use short timeouts). */
  limits?: Partial<ServerLimits>;
}

/** A port that was free a moment ago on the host (the OS picks it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createNetServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

// Host names and origins live in hosts.ts (the in-process sandbox needs them without node:http).
export { exposedHostWarning, isLoopback, isOrigin } from './hosts.ts';

/** A whole HTTP/1.1 answer, written straight to a socket, for what never reaches the fetch handler. */
function rawAnswer(status: number, body: unknown): string {
  const text = JSON.stringify(body);
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\ncontent-type: application/json\r\n` +
    `content-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`
  );
}

const requestProblem = (message: string) => validationErrorBody('createPaymentSession', [{ field: 'request', message }]);

/** What Node's parser or its timers rejected, as status and contract body (Node's own answers have no body). */
export function clientErrorAnswer(code: string | undefined, limits: ServerLimits): { status: number; body: unknown } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        body: requestProblem(`request line and headers must NOT be larger than ${limits.maxHeaderBytes} bytes`),
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        body: requestProblem(
          `request not received in time (headers within ${limits.headersTimeoutMs} ms, all within ${limits.requestTimeoutMs} ms)`,
        ),
      };
    default:
      return { status: 400, body: requestProblem('malformed HTTP request') };
  }
}

/** The fetch handler behind Node, with the adapter's own rejections (bad Host, bad target) in the contract's shape. */
function nodeListener(handler: FetchHandler) {
  return getRequestListener(handler, {
    errorHandler: (error) =>
      error instanceof Error && error.name === 'RequestError'
        ? jsonResponse(400, requestProblem(`bad request target or Host header (${error.message})`))
        : jsonResponse(500, internalErrorBody(`internal error: ${error instanceof Error ? error.message : String(error)}`)),
  });
}

export async function serveHandler(handler: FetchHandler, options: ServeOptions = {}): Promise<ServedHandler> {
  return serveListener(nodeListener(handler), options);
}

/**
 * Serves a `node:http` request listener with the same limits and contract-shaped rejections, for a
 * server that must handle bytes itself rather than through a fetch `Request` (the proxy).
 */
export async function serveListener(listener: RequestListener, options: ServeOptions = {}): Promise<ServedHandler> {
  const host = options.host ?? '127.0.0.1';
  const limits: ServerLimits = { ...SERVER_LIMITS, ...options.limits };
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.timeoutCheckIntervalMs,
      maxHeaderSize: limits.maxHeaderBytes,
      // Node answers a missing Host with an empty 400 itself; the adapter's check answers in the contract's shape.
      requireHostHeader: false,
    },
    listener,
  );
  server.timeout = limits.idleTimeoutMs;
  server.on('timeout', (socket: Socket) => socket.destroy());
  // Node answers a malformed request line, oversized headers or a timeout with an empty 400 / 431 / 408:
  // the same statuses here, with the contract's body. Nothing is written once an answer has started.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !inFlight?.headersSent) {
      const { status, body } = clientErrorAnswer(error.code, limits);
      socket.end(rawAnswer(status, body));
    }
    socket.destroy();
  });
  // An `Expect` other than 100-continue: Node's empty 417 otherwise.
  server.on('checkExpectation', (request, response) => {
    const body = JSON.stringify(requestProblem(`Expect: ${request.headers.expect} is not supported (only 100-continue)`));
    response.writeHead(417, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    });
    response.end(body);
  });
  // CONNECT is a proxy's method, not Pivot's: the contract's 404 rather than Node's silent hang-up.
  server.on('connect', (_request, socket: Duplex) => {
    socket.end(rawAnswer(404, notFoundBody()));
    socket.destroy();
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', fail);
      done();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    server,
    close: () =>
      (closing ??= new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      })),
  };
}
