/**
 * `pivot-contract mock`: a local Pivot Payments v2 server made of two processes' worth of parts —
 *
 *   client ──▶ front layer (node:http, this module, on --host/--port) ──▶ Prism (child process, internal port)
 *
 * Prism (`@stoplight/prism-cli`, run as a real child process from its binary, single-process: `-m`
 * crashes on Node 20) serves the bundled spec and picks the documented answer: `Prefer: code=…,
 * example=…` is forwarded untouched.
 *
 * Why a front layer: Prism checks requests itself, but on an invalid request it answers either its own
 * generic `application/problem+json` body (not the contract's `ErrorResponse`) or — since the spec
 * documents a 400 — the spec's *static* 400 example, whose `error.details` always names `amount.value`
 * whatever was wrong. A static example cannot name the offending fields, and Prism has no option to
 * build the body from its validation errors. So the front layer answers everything the contract says
 * Pivot rejects, in the contract's shape, before Prism sees the request:
 *
 * - unknown route (or a method the path does not have) → 404 `not_found`;
 * - missing or malformed `Authorization: Bearer <token>` (for `createAccessToken`: missing
 *   `X-MERCHANT-ID` / `X-MERCHANT-SECRET`), from the operation's `security` → 401 `credentials_invalid`;
 * - request body (the generated `validateRequest`, always strict), `X-REQUEST-ID` and path parameters
 *   (`id` must be a UUID) → 400 `api_validation_error` with one `error.details[]` entry per violation.
 *   `field` is the violation's location in **dotted form**: `amount.value`,
 *   `orderInformation.productDetails[0].price` (the form Pivot's own error example uses); a header or
 *   path parameter by its name (`X-REQUEST-ID`, `id`); the body as a whole is `body`. `message` starts
 *   with that field (`amount.value must be > 0`).
 *
 * Every error body reuses the documented example of that status (`credentials-invalid`,
 * `api-validation-error`, `not-found`) with a fresh `trace_id`, so it validates as `ErrorResponse`.
 *
 * Valid requests go to Prism. With no `Prefer` header, the front layer chooses one: a body that
 * deep-equals a documented request example gets `Prefer: example=<that name>` (its paired response);
 * another `createPaymentSession` body gets the documented example nearest to it (same payment method
 * type, mode, payment type …); anything else gets Prism's default (the first 200 example). The chosen
 * name is echoed in the `X-Mock-Example` response header.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { REPO_ROOT } from './lib/gen-context.ts';
import { parseCommand, type Io } from './lib/command.ts';
import { dieWithParentArgs, watchAncestors } from './lib/lifeline.ts';
import { createContractApp, type ContractCall } from './http/core.ts';
import { badGatewayBody, jsonResponse, validationErrorBody } from './http/errors.ts';
import { nearestExample, requestExamples } from './http/examples.ts';
import { answerTables, checkPrefer } from './http/prefer.ts';
import { exposedHostWarning, freePort, isOrigin, serveHandler, type ServerLimits } from './http/serve.ts';

export const PACKAGE_ROOT = REPO_ROOT;
export const DEFAULT_SPEC = resolve(PACKAGE_ROOT, 'generated', 'openapi.json');

const USAGE = `usage: pivot-contract mock [--port 4010] [--host 127.0.0.1] [--spec generated/openapi.json] [--cors ORIGIN]

  --port   port of the mock (default 4010; 0 picks a free one)
  --host   interface to listen on (default 127.0.0.1; any other prints a warning)
  --spec   bundled OpenAPI document (default: this package's generated/openapi.json)
  --cors   the one browser origin allowed to call the mock, e.g. http://localhost:3000 (default: CORS off;
           credentials are never allowed)

Pick an answer with the Prefer header: "Prefer: example=card-redirect", "Prefer: code=401",
"Prefer: code=400, example=api-validation-error" (documented statuses and examples only). Stop with Ctrl-C.`;

type Json = Record<string, any>;

// ---------------------------------------------------------------------------------------------
// Prism child process
// ---------------------------------------------------------------------------------------------

/** The Prism CLI script of the installed `@stoplight/prism-cli`. */
export function prismBin(): string {
  const require = createRequire(import.meta.url);
  let manifestPath: string;
  try {
    manifestPath = require.resolve('@stoplight/prism-cli/package.json');
  } catch {
    throw new Error('@stoplight/prism-cli is not installed: npm install --save-dev @stoplight/prism-cli@5.14.2');
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin.prism!;
  return resolve(dirname(manifestPath), bin);
}

/** Resolves after `ms`; an `unref`'d timer does not keep the process alive on its own. */
function delay(ms: number, unref = false): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(done, ms);
    if (unref) timer.unref();
  });
}

/** Resolves once anything answers HTTP on host:port. */
function probe(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const req = httpRequest({ host, port, method: 'GET', path: '/', agent: false }, (res) => {
      res.resume();
      done(true);
    });
    req.once('error', () => done(false));
    req.setTimeout(2_000, () => req.destroy());
    req.end();
  });
}

interface PrismProcess {
  child: ChildProcess;
  port: number;
  exited: Promise<void>;
  output(): string;
}

async function startPrism(spec: string, startupTimeoutMs: number): Promise<PrismProcess> {
  const bin = prismBin();
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    // detached: Prism gets its own process group, which `stopPrism` signals as a whole. The parent guard
    // ends Prism when this process is gone, even after a SIGKILL that gives it no chance to stop Prism.
    const child = spawn(
      process.execPath,
      [...dieWithParentArgs(), bin, 'mock', spec, '-h', '127.0.0.1', '-p', String(port), '-v', 'warn', '--cors', 'false'],
      {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      },
    );
    const lines: string[] = [];
    const keep = (chunk: Buffer) => {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (lines.length > 40) lines.splice(0, lines.length - 40);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let exitCode: number | null | undefined;
    const exited = new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', (code) => {
        exitCode = code;
        done();
      });
      child.once('error', (error) => {
        lines.push(String(error));
        exitCode = -1;
        done();
      });
    });
    const prism: PrismProcess = { child, port, exited, output: () => lines.join('\n') };
    const deadline = Date.now() + startupTimeoutMs;
    while (exitCode === undefined && Date.now() < deadline) {
      if (await probe('127.0.0.1', port)) return prism;
      await Promise.race([delay(100), exited]);
    }
    if (exitCode === undefined) {
      await stopPrism(prism);
      throw new Error(`Prism did not answer within ${startupTimeoutMs} ms:\n${prism.output()}`);
    }
    lastError = new Error(`Prism exited (code ${exitCode}) before listening:\n${prism.output()}`);
    if (!/EADDRINUSE/.test(prism.output())) break; // another process took the port: try another one
  }
  throw lastError!;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

async function stopPrism(prism: PrismProcess): Promise<void> {
  const pid = prism.child.pid;
  if (pid === undefined || prism.child.exitCode !== null || prism.child.signalCode !== null) return;
  signalGroup(pid, 'SIGTERM');
  const killed = await Promise.race([prism.exited.then(() => true), delay(5_000, true).then(() => false)]);
  if (!killed) {
    signalGroup(pid, 'SIGKILL');
    await prism.exited;
  }
}

// ---------------------------------------------------------------------------------------------
// Front layer: the shared contract core, with a backend that forwards to Prism
// ---------------------------------------------------------------------------------------------

export interface MockOptions {
  /** Port of the front layer; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  spec?: string;
  /** Called with one line per request (`POST /v2/payments → 200`), when given. */
  log?: (line: string) => void;
  /** Upper bound on Prism's start-up before giving up (not a measurement). Default 120 s. */
  startupTimeoutMs?: number;
  /** The one browser origin allowed to call the mock (CORS off without it; never with credentials). */
  cors?: string;
  /** Overrides of the front layer's SERVER_LIMITS (tests use short timeouts). */
  limits?: Partial<ServerLimits>;
}

export interface MockServer {
  /** Base URL of the front layer, `http://127.0.0.1:4010`. */
  url: string;
  /** Pid of the Prism child process (its process group id too). */
  prismPid: number;
  /** Port Prism listens on, on 127.0.0.1. */
  prismPort: number;
  /** Resolves when Prism exits on its own (a crash); the front layer then answers 502. */
  prismExited: Promise<void>;
  /** Closes the front server and stops Prism; resolves once Prism has exited. */
  close(): Promise<void>;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];
/** Headers not copied to Prism (the body is re-sent with its own length) … */
const NOT_FORWARDED = new Set([...HOP_BY_HOP, 'host', 'content-length']);
/** … and not copied back (fetch has already decoded the body, so its framing headers no longer apply). */
const NOT_RETURNED = new Set([...HOP_BY_HOP, 'content-length', 'content-encoding']);

/**
 * Forwards a checked call to Prism with the `Prefer` the front layer settled on. `Accept` and
 * `Content-Type` are the contract's own (`application/json`): the body has been parsed and validated as
 * JSON already, and Prism would answer another `Accept` with its `problem+json` 406.
 */
async function forwardToPrism(
  prismUrl: string,
  call: ContractCall,
  prefer: { header?: string; chosen?: string },
): Promise<Response> {
  const headers = new Headers();
  call.headers.forEach((value, name) => {
    if (!NOT_FORWARDED.has(name)) headers.set(name, value);
  });
  headers.delete('prefer');
  headers.set('accept', 'application/json');
  if (call.route.hasBody) headers.set('content-type', 'application/json');
  if (prefer.chosen !== undefined) headers.set('prefer', `example=${prefer.chosen}`);
  else if (prefer.header !== undefined) headers.set('prefer', prefer.header);
  const url = new URL(call.request.url);
  let answer: Response;
  try {
    answer = await fetch(`${prismUrl}${url.pathname}${url.search}`, {
      method: call.route.method,
      headers,
      body: call.route.hasBody && call.rawBody.length > 0 ? call.rawBody : undefined,
    });
  } catch (error) {
    const reason = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    return jsonResponse(502, badGatewayBody(call.operationId, `mock: Prism unreachable: ${reason}`));
  }
  // Every checked call has a documented answer, so Prism's own problem+json is the mock's fault, not the client's.
  if (answer.headers.get('content-type')?.startsWith('application/problem+json')) {
    const problem = (await answer.json().catch(() => ({}))) as { title?: string; detail?: string };
    return jsonResponse(
      502,
      badGatewayBody(
        call.operationId,
        `mock: Prism answered ${answer.status} ${problem.title ?? ''}: ${problem.detail ?? ''}`.trim(),
      ),
    );
  }
  const out = new Headers();
  answer.headers.forEach((value, name) => {
    // CORS is the front layer's alone (off unless --cors): Prism's own reflects any Origin.
    if (!NOT_RETURNED.has(name) && !name.startsWith('access-control-')) out.set(name, value);
  });
  if (prefer.chosen !== undefined) out.set('x-mock-example', prefer.chosen);
  return new Response(await answer.arrayBuffer(), { status: answer.status, headers: out });
}

/** Starts Prism on a free internal port and the front layer on host:port; resolves once both answer. */
export async function startMock(options: MockOptions = {}): Promise<MockServer> {
  const spec = resolve(options.spec ?? DEFAULT_SPEC);
  const document = JSON.parse(readFileSync(spec, 'utf8')) as Json;
  const examples = requestExamples();
  const prism = await startPrism(spec, options.startupTimeoutMs ?? 120_000);
  const prismUrl = `http://127.0.0.1:${prism.port}`;
  const answers = answerTables(document);
  const app = createContractApp({
    document,
    log: options.log,
    cors: options.cors,
    backend: {
      answer: (call) => {
        const header = call.headers.get('prefer');
        const { details, choice } = checkPrefer(header ?? '', answers.get(call.operationId) ?? new Map());
        if (details.length > 0) return jsonResponse(400, validationErrorBody(call.operationId, details));
        const chosen =
          choice.forward === undefined ? nearestExample(examples.get(call.operationId), call.operationId, call.body) : undefined;
        return forwardToPrism(prismUrl, call, { header: choice.forward, chosen });
      },
    },
  });
  let served;
  try {
    served = await serveHandler(app.fetch, {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      limits: options.limits,
    });
  } catch (error) {
    await stopPrism(prism);
    throw error;
  }
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= Promise.all([served.close(), stopPrism(prism)]).then(() => undefined));
  return {
    url: served.url,
    prismPid: prism.child.pid!,
    prismPort: prism.port,
    prismExited: prism.exited,
    close,
  };
}

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

export async function runMock(argv: string[], io: Io = console): Promise<number> {
  const parsed = parseCommand(
    argv,
    { port: { type: 'string' }, host: { type: 'string' }, spec: { type: 'string' }, cors: { type: 'string' } },
    USAGE,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const args = parsed.values;
  const port = args.port === undefined ? 4010 : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.error(`--port must be a port number, not ${JSON.stringify(args.port)}\n${USAGE}`);
    return 2;
  }
  if (args.cors !== undefined && !isOrigin(args.cors)) {
    io.error(`--cors must be an origin such as http://localhost:3000, not ${JSON.stringify(args.cors)}\n${USAGE}`);
    return 2;
  }
  const host = args.host ?? '127.0.0.1';
  const warning = exposedHostWarning(host, 'mock');
  if (warning) io.error(warning);
  let mock: MockServer;
  try {
    mock = await startMock({
      port,
      host,
      spec: args.spec ?? DEFAULT_SPEC,
      cors: args.cors,
      log: (line) => io.log(line),
    });
  } catch (error) {
    io.error(`mock failed to start: ${(error as Error).message}`);
    return 1;
  }
  io.log(`Pivot Payments v2 mock listening on ${mock.url} (Prism pid ${mock.prismPid})`);
  io.log(
    'Pick an answer with the Prefer header: "Prefer: example=card-redirect", "Prefer: code=401" or "Prefer: code=400, example=api-validation-error".',
  );
  io.log(
    "Invalid requests get the contract's ErrorResponse (400 api_validation_error, 401 credentials_invalid, 404 not_found). Ctrl-C stops.",
  );
  let stopping = false;
  let stop: (signal: NodeJS.Signals) => void = () => {};
  let unwatch = () => {};
  const outcome = await new Promise<number>((done) => {
    stop = (signal) => {
      stopping = true;
      io.log(`${signal}: stopping the mock`);
      done(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    unwatch = watchAncestors(() => {
      if (stopping) return;
      stopping = true;
      io.error('the process that started the mock has exited: stopping');
      done(0);
    });
    void mock.prismExited.then(() => {
      if (stopping) return;
      stopping = true;
      io.error('Prism exited unexpectedly: stopping the mock');
      done(1);
    });
  });
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  unwatch();
  await mock.close();
  io.log('mock stopped');
  return outcome;
}
