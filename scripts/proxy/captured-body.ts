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

/** A body as the proxy read it: decoded text, or why it could not be read. */
export type ReadBody = { kind: 'none' } | { kind: 'text'; text: string } | { kind: 'unread'; reason: string };

/** Reads a captured body as text (UTF-8), its `Content-Encoding` undone. */
export function readBody(body: CapturedBody, contentEncoding: string | undefined): ReadBody {
  if (body.size === 0) return { kind: 'none' };
  if (body.bytes === undefined) return { kind: 'unread', reason: `not validated: the body is larger than ${COPY_LIMIT} bytes` };
  const decoded = decodeBody(body.bytes, contentEncoding);
  if ('problem' in decoded) return { kind: 'unread', reason: decoded.problem };
  return { kind: 'text', text: decoded.bytes.toString('utf8') };
}

/** The JSON value of a text, or undefined when it is not JSON. */
export function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}
