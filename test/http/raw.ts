/** Raw HTTP/1.1 over a socket, for requests `fetch` refuses to send (bad request lines, slow bodies…). */
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  /** 0 when the server closed without answering. */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The answer as received. */
  text: string;
}

/** Parses the first HTTP/1.1 answer in `text` (Content-Length or chunked framing). */
export function parseAnswer(text: string): RawAnswer {
  const end = text.indexOf('\r\n\r\n');
  if (!text.startsWith('HTTP/1.') || end < 0) return { status: 0, headers: {}, body: '', text };
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = text.slice(end + 4);
  if (headers['transfer-encoding'] === 'chunked') {
    let decoded = '';
    let rest = body;
    for (;;) {
      const lineEnd = rest.indexOf('\r\n');
      const size = parseInt(rest.slice(0, lineEnd), 16);
      if (!(size > 0)) break;
      decoded += rest.slice(lineEnd + 2, lineEnd + 2 + size);
      rest = rest.slice(lineEnd + 2 + size + 2);
    }
    body = decoded;
  } else if (headers['content-length'] !== undefined) {
    body = body.slice(0, Number(headers['content-length']));
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body, text };
}

export interface RawExchange {
  socket: Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves when the server has closed the connection. */
  closed: Promise<void>;
}

/** Opens a connection to host:port and writes `text` (if any); the caller may write more. */
export function openRaw(port: number, text?: string | Buffer, host = '127.0.0.1'): Promise<RawExchange> {
  return new Promise((done, fail) => {
    let received = '';
    const socket = connect(port, host, () => {
      if (text !== undefined) socket.write(text);
      done({ socket, received: () => received, closed });
    });
    const closed = new Promise<void>((close) => socket.once('close', () => close()));
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', () => {}); // a reset after the answer is expected
    socket.once('error', fail);
  });
}

/** Sends `text`, half-closes nothing, waits for the server to close (or `waitMs`), returns the answer. */
export async function rawRequest(port: number, text: string | Buffer, waitMs = 5_000): Promise<RawAnswer> {
  const exchange = await openRaw(port, text);
  const timer = setTimeout(() => exchange.socket.destroy(), waitMs);
  await exchange.closed;
  clearTimeout(timer);
  return parseAnswer(exchange.received());
}
