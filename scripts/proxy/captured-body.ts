/**
 * The proxy's copy of a body, kept beside the bytes it passes on so that the exchange can be validated
 * once the answer has gone out. The copy is bounded (a body larger than the limit is passed on whole
 * but not validated), and decoded here (`Content-Encoding: gzip`, `deflate`, `br`): the bytes passed on
 * stay encoded, as the upstream sent them.
 */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/** Largest body the proxy copies and validates, before and after decoding (the contract servers' body limit). */
export const COPY_LIMIT = 1024 * 1024;

export interface CapturedBody {
  /** Bytes that passed, all of them counted. */
  size: number;
  /** The bytes, when there were at most the limit. */
  bytes?: Buffer;
}

/** A request or an answer as it passed. */
export interface CapturedMessage {
  /** End-to-end headers, names as sent, in order. */
  headers: Array<[string, string]>;
  body: CapturedBody;
}

/** A header of a captured message by name, any case (repeated ones joined with `, `); undefined when absent. */
export function headerOf(message: CapturedMessage, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const values = message.headers.filter(([candidate]) => candidate.toLowerCase() === wanted).map(([, value]) => value);
  return values.length === 0 ? undefined : values.join(', ');
}

/** Collects the chunks of a body as they pass, up to a limit. */
export class BodyCopy {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit = COPY_LIMIT) {}

  add(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size <= this.limit) this.chunks.push(chunk);
    else this.chunks.length = 0;
  }

  captured(): CapturedBody {
    return this.size <= this.limit ? { size: this.size, bytes: Buffer.concat(this.chunks) } : { size: this.size };
  }
}

const DECODERS: Record<string, (bytes: Buffer, options: { maxOutputLength: number }) => Buffer> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
};

/** The body's bytes with its `Content-Encoding` undone (codings applied in order, so undone in reverse). */
export function decodeBody(bytes: Buffer, contentEncoding: string | undefined): { bytes: Buffer } | { problem: string } {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  let decoded = bytes;
  for (const coding of codings.reverse()) {
    const decode = DECODERS[coding];
    if (!decode) return { problem: `not validated: Content-Encoding ${coding} is not one the proxy can read` };
    try {
      decoded = decode(decoded, { maxOutputLength: COPY_LIMIT });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return {
        problem:
          code === 'ERR_BUFFER_TOO_LARGE'
            ? `not validated: the body is larger than ${COPY_LIMIT} bytes once decoded`
            : `the body is not valid ${coding}: ${(error as Error).message}`,
      };
    }
  }
  return { bytes: decoded };
}

/** A body as the proxy read it: decoded text (parsed as JSON once, for every check and the report), or why it could not be read. */
export type ReadBody =
  | { kind: 'none' }
  | { kind: 'text'; text: string; json: { value: unknown } | { error: string } }
  | { kind: 'unread'; reason: string };

/** Reads a captured body as text (UTF-8), its `Content-Encoding` undone, and parses it as JSON. */
export function readBody(body: CapturedBody, contentEncoding: string | undefined): ReadBody {
  if (body.size === 0) return { kind: 'none' };
  if (body.bytes === undefined) return { kind: 'unread', reason: `not validated: the body is larger than ${COPY_LIMIT} bytes` };
  const decoded = decodeBody(body.bytes, contentEncoding);
  if ('problem' in decoded) return { kind: 'unread', reason: decoded.problem };
  const text = decoded.bytes.toString('utf8');
  return { kind: 'text', text, json: parseJson(text) };
}

/** The JSON value of a text, or the parser's complaint. */
export function parseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Both bodies of an exchange, read once for every check and for the report. */
export interface ReadExchange {
  request: ReadBody;
  response: ReadBody;
}

export function readExchange(exchange: { request: CapturedMessage; response: CapturedMessage }): ReadExchange {
  return {
    request: readBody(exchange.request.body, headerOf(exchange.request, 'content-encoding')),
    response: readBody(exchange.response.body, headerOf(exchange.response, 'content-encoding')),
  };
}

/** `JSON.parse` for a body already parsed: its value, or its parse error thrown again. */
export function parsed(json: { value: unknown } | { error: string }): () => unknown {
  return () => {
    if ('error' in json) throw new SyntaxError(json.error);
    return json.value;
  };
}
