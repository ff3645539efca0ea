/**
 * What the proxy tests share: the built `pivot-contract` bin run as a child process with a deadline
 * (as a user runs it), a fake upstream (a `node:http` server that records every request byte for byte
 * and answers what a test tells it to), and a raw HTTP client that sees the bytes on the wire.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'packages', 'cli', 'bin', 'pivot-contract.js');

if (!existsSync(join(ROOT, 'packages', 'cli', 'dist', 'scripts', 'proxy.js')))
  throw new Error('packages/cli is not built (with the proxy): run `npm run build` (npm ci runs it)');

export interface Command {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Sends a signal and waits (bounded) for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** Kills (SIGKILL, by pid) every command a test left running. */
export function killLeftovers(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  running.clear();
}

function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

/** Runs `pivot-contract <args>` from the built bin. */
export function runBin(args: string[], env: Record<string, string> = {}): Command {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<number | null>((done) =>
    child.once('exit', (code) => {
      running.delete(child);
      done(code);
    }),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    stop: (signal = 'SIGTERM') => {
      child.kill(signal);
      return deadline(exited, 15_000, `pivot-contract ${args[0]} after ${signal}`);
    },
  };
}

/** Runs a command to its end (bounded), for the short ones (`report`, usage errors, `verify`). */
export async function runToEnd(args: string[], ms = 60_000, env: Record<string, string> = {}) {
  const command = runBin(args, env);
  const code = await deadline(command.exited, ms, `pivot-contract ${args.join(' ')}`).catch((error: Error) => {
    command.child.kill('SIGKILL');
    throw new Error(`${error.message}\nstdout:\n${command.stdout()}\nstderr:\n${command.stderr()}`);
  });
  return { code, stdout: command.stdout(), stderr: command.stderr() };
}

/** Waits (bounded) until a long-running command prints `<what> listening on http://…`, and returns that URL. */
export async function listening(command: Command, ms = 30_000): Promise<string> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const match = /listening on (http:\/\/[^\s,]+)/.exec(command.stdout());
    if (match) return match[1]!;
    if (command.child.exitCode !== null) break;
    await new Promise((done) => setTimeout(done, 25));
  }
  command.child.kill('SIGKILL');
  throw new Error(`did not start listening:\nstdout:\n${command.stdout()}\nstderr:\n${command.stderr()}`);
}

/** `pivot-contract proxy …` started and listening. */
export async function startProxyBin(args: string[], env: Record<string, string> = {}): Promise<Command & { url: string }> {
  const command = runBin(['proxy', '--port', '0', ...args], env);
  return { ...command, url: await listening(command) };
}

/** The complete lines of a command's stderr that begin with a mark (`✗`, `⚠`). */
export function marked(command: Pick<Command, 'stderr'>, mark: string): string[] {
  return completeLines(command.stderr()).filter((line) => line.startsWith(`${mark} `));
}

/** The lines of an output that have ended (a line still being written is left out). */
export function completeLines(output: string): string[] {
  return output.split('\n').slice(0, -1);
}

/** Waits (bounded) until `check` holds; the proxy validates after each answer, so its lines come just after. */
export async function eventually(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

export interface Received {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
}

export type Answer = (request: Received, response: ServerResponse) => void;

export interface FakeServer {
  url: string;
  port: number;
  received: Received[];
  /** How the next requests are answered (default: 200 `{}`). */
  answer: Answer;
  close(): Promise<void>;
}

/** A server on 127.0.0.1 that records every request as it came and answers with `answer`. */
export async function startFake(): Promise<FakeServer> {
  const fake: Partial<FakeServer> = { received: [] };
  fake.answer = (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{}');
  };
  const server: Server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received = {
        method: request.method!,
        url: request.url!,
        rawHeaders: request.rawHeaders,
        body: Buffer.concat(chunks),
      };
      fake.received!.push(received);
      fake.answer!(received, response);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  fake.port = port;
  fake.url = `http://127.0.0.1:${port}`;
  fake.close = () =>
    new Promise<void>((done) => {
      server.close(() => done());
      server.closeAllConnections();
    });
  return fake as FakeServer;
}

export interface RawAnswer {
  status: number;
  statusMessage: string;
  rawHeaders: string[];
  body: Buffer;
}

/** One request with exactly these headers (a flat list keeps case, order and repeats) and body bytes; no redirect followed. */
export function rawRequest(
  base: string,
  options: { method: string; path: string; headers?: string[] | OutgoingHttpHeaders; body?: Buffer | string },
): Promise<RawAnswer> {
  const url = new URL(base);
  return deadline(
    new Promise<RawAnswer>((resolve, reject) => {
      const request = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          method: options.method,
          path: options.path,
          headers: options.headers as OutgoingHttpHeaders,
          agent: false,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode!,
              statusMessage: response.statusMessage!,
              rawHeaders: response.rawHeaders,
              body: Buffer.concat(chunks),
            }),
          );
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(options.body);
    }),
    15_000,
    `${options.method} ${options.path}`,
  );
}

/** Header pairs of a raw list, without the ones named (lower case). */
export function pairsWithout(raw: string[], names: string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let index = 0; index + 1 < raw.length; index += 2)
    if (!names.includes(raw[index]!.toLowerCase())) pairs.push([raw[index]!, raw[index + 1]!]);
  return pairs;
}

/** A JSON answer written by a fake. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return (_request, response) => {
    const text = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    response.end(text);
  };
}
