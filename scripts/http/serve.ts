/**
 * Serves a fetch handler on `node:http` through Hono's Node adapter, with the timeouts a local server
 * needs so one slow client cannot hold a connection open for ever.
 */
import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { jsonResponse, validationErrorBody } from './errors.ts';
import type { FetchHandler } from './core.ts';

/** Limits of every served contract server (README "Reliability"). */
export const SERVER_LIMITS = {
  /** Time to receive the request headers. */
  headersTimeoutMs: 10_000,
  /** Time to receive the whole request. */
  requestTimeoutMs: 30_000,
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: 5_000,
};

export interface ServedHandler {
  /** `http://127.0.0.1:4011` */
  url: string;
  port: number;
  server: Server;
  /** Stops accepting, ends open connections, resolves once closed. */
  close(): Promise<void>;
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

/** A raw HTTP/1.1 answer for what never reaches the handler (malformed request line, oversized headers). */
async function rawErrorAnswer(status: number, message: string): Promise<string> {
  const response = jsonResponse(status, validationErrorBody('createPaymentSession', [{ field: 'request', message }]));
  const body = await response.text();
  return `HTTP/1.1 ${status} Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

export async function serveHandler(
  handler: FetchHandler,
  options: { host?: string; port?: number } = {},
): Promise<ServedHandler> {
  const host = options.host ?? '127.0.0.1';
  const server = createAdaptorServer({ fetch: handler }) as Server;
  server.headersTimeout = SERVER_LIMITS.headersTimeoutMs;
  server.requestTimeout = SERVER_LIMITS.requestTimeoutMs;
  server.keepAliveTimeout = SERVER_LIMITS.keepAliveTimeoutMs;
  // Node answers a malformed request line or oversized headers with an empty 400 / 431: answer in the contract's shape.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || (error.code !== 'HPE_HEADER_OVERFLOW' && !error.code?.startsWith('HPE_'))) {
      socket.destroy();
      return;
    }
    const message = error.code === 'HPE_HEADER_OVERFLOW' ? 'request headers are too large' : 'malformed HTTP request';
    void rawErrorAnswer(400, message).then((text) => socket.end(text));
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
