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
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, request as httpRequest, Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { resolveLocal } from '../generators/lib/document.ts';
import { createAjv } from '../generators/lib/schema-set.ts';
import { REPO_ROOT } from './lib/gen-context.ts';
import { getFixture, listFixtures, type FixtureRef } from 'pivot-payments-contract/fixtures';
import { operations, validateRequest, type OperationId } from 'pivot-payments-contract/validators';
import { parseCommand, type Io } from './lib/command.ts';

export const PACKAGE_ROOT = REPO_ROOT;
export const DEFAULT_SPEC = resolve(PACKAGE_ROOT, 'generated', 'openapi.json');
const BODY_LIMIT = 1024 * 1024;

const USAGE = `usage: pivot-contract mock [--port 4010] [--host 127.0.0.1] [--spec generated/openapi.json]

  --port   port of the mock (default 4010; 0 picks a free one)
  --host   interface to listen on (default 127.0.0.1)
  --spec   bundled OpenAPI document (default: this package's generated/openapi.json)

Pick an answer with the Prefer header: "Prefer: example=card-redirect", "Prefer: code=401",
"Prefer: code=400, example=api-validation-error". Stop with Ctrl-C.`;

// ---------------------------------------------------------------------------------------------
// Routes, parameters and security, read from the bundled document
// ---------------------------------------------------------------------------------------------

type Json = Record<string, any>;

interface ParameterSpec {
  name: string;
  in: 'path' | 'header' | 'query' | 'cookie';
  required: boolean;
  example?: unknown;
  check: ValidateFunction;
}

/** One alternative of an operation's `security`: every scheme in it must be satisfied. */
type SecurityRequirement = Array<{ name: string; type: string; scheme?: string; in?: string; header?: string }>;

export interface Route {
  operationId: string;
  method: string;
  /** The spec's path template, `/v2/payments/{id}/confirm`. */
  path: string;
  pattern: RegExp;
  pathParams: string[];
  parameters: ParameterSpec[];
  security: SecurityRequirement[];
  hasBody: boolean;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every operation of `paths` (webhooks are requests Pivot sends, not endpoints), with what the front layer checks. */
export function loadRoutes(spec: Json): Route[] {
  const ajv = createAjv();
  const schemes = (spec.components?.securitySchemes ?? {}) as Record<string, Json>;
  const routes: Route[] = [];
  for (const [path, rawItem] of Object.entries((spec.paths ?? {}) as Record<string, unknown>)) {
    const item = resolveLocal<Json>(spec, rawItem);
    for (const method of HTTP_METHODS) {
      const operation = item[method] as Json | undefined;
      if (!operation?.operationId) continue;
      const byKey = new Map<string, Json>();
      for (const raw of [...(item.parameters ?? []), ...(operation.parameters ?? [])]) {
        const parameter = resolveLocal<Json>(spec, raw);
        byKey.set(`${parameter.in}:${String(parameter.name).toLowerCase()}`, parameter);
      }
      const parameters = [...byKey.values()].map((parameter) => ({
        name: parameter.name as string,
        in: parameter.in,
        required: parameter.in === 'path' || parameter.required === true,
        example: parameter.example ?? parameter.schema?.example,
        check: ajv.compile(resolveLocal<Json>(spec, parameter.schema ?? {})),
      }));
      const pathParams: string[] = [];
      const source = path
        .split(/(\{[^}]+\})/)
        .map((part) => {
          const name = /^\{([^}]+)\}$/.exec(part)?.[1];
          if (name === undefined) return escapeRegExp(part);
          pathParams.push(name);
          return '([^/]+)';
        })
        .join('');
      const requirements = (operation.security ?? spec.security ?? []) as Array<Record<string, string[]>>;
      const security = requirements.map((requirement) =>
        Object.keys(requirement).map((name) => {
          const scheme = schemes[name] ?? {};
          return { name, type: scheme.type, scheme: scheme.scheme, in: scheme.in, header: scheme.name };
        }),
      );
      routes.push({
        operationId: operation.operationId,
        method: method.toUpperCase(),
        path,
        pattern: new RegExp(`^${source}$`),
        pathParams,
        parameters,
        security,
        hasBody: operation.requestBody !== undefined,
      });
    }
  }
  return routes;
}

/** The route and its path parameters (still percent-encoded), or undefined for an unknown route. */
export function matchRoute(
  routes: Route[],
  method: string,
  pathname: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    const params: Record<string, string> = {};
    route.pathParams.forEach((name, index) => (params[name] = match[index + 1] ?? ''));
    return { route, params };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Checks: auth, parameters, body → the contract's ErrorResponse
// ---------------------------------------------------------------------------------------------

export interface Detail {
  field: string;
  message: string;
}

/** `/orderInformation/productDetails/0/price` → `orderInformation.productDetails[0].price`; `` → `body`. */
export function pointerToField(pointer: string): string {
  if (pointer === '' || pointer === '/') return 'body';
  let field = '';
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    field += /^\d+$/.test(segment) ? `[${segment}]` : field === '' ? segment : `.${segment}`;
  }
  return field;
}

/** One `{ field, message }` per violation of the generated request validator. */
export function bodyDetails(operationId: string, body: unknown): Detail[] {
  const result = validateRequest(operationId as OperationId, body);
  if (result.valid) return [];
  return result.errors.map((violation) => {
    const field = pointerToField(violation.path);
    const prefix = violation.path || '/';
    const rest = violation.message.startsWith(prefix) ? violation.message.slice(prefix.length).trimStart() : violation.message;
    return { field, message: `${field} ${rest}` };
  });
}

const BEARER = /^bearer +[A-Za-z0-9\-._~+/]+=*$/i;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** True when one alternative of the route's security is fully present and well-formed. */
export function authorized(route: Route, req: IncomingMessage): boolean {
  if (route.security.length === 0) return true;
  return route.security.some((requirement) =>
    requirement.every((scheme) => {
      if (scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'bearer')
        return BEARER.test(header(req, 'authorization')?.trim() ?? '');
      if (scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'basic')
        return /^basic +\S+$/i.test(header(req, 'authorization')?.trim() ?? '');
      if (scheme.type === 'apiKey' && scheme.in === 'header' && scheme.header)
        return (header(req, scheme.header)?.trim() ?? '') !== '';
      return true; // schemes the mock cannot check (oauth2, cookies…) are not enforced
    }),
  );
}

function parameterDetails(route: Route, req: IncomingMessage, params: Record<string, string>): Detail[] {
  const details: Detail[] = [];
  for (const parameter of route.parameters) {
    let value: string | undefined;
    if (parameter.in === 'path') {
      try {
        value = decodeURIComponent(params[parameter.name] ?? '');
      } catch {
        details.push({ field: parameter.name, message: `${parameter.name} is not valid percent-encoding` });
        continue;
      }
    } else if (parameter.in === 'header') value = header(req, parameter.name);
    else continue; // the contract has no query or cookie parameters
    if (value === undefined || value === '') {
      if (parameter.required) details.push({ field: parameter.name, message: `${parameter.name} is required` });
      continue;
    }
    if (!parameter.check(value)) {
      for (const error of parameter.check.errors ?? [])
        details.push({ field: parameter.name, message: `${parameter.name} ${error.message}` });
    }
  }
  return details;
}

function traceId(): string {
  return randomBytes(16).toString('hex');
}

/** The documented error example of a status (fresh trace id), or a minimal body in the same shape. */
function documentedError(
  operationId: string | undefined,
  status: string,
  name: string,
  fallback: { code: string; message: string; type: string },
): Json {
  let body: Json | undefined;
  try {
    body = getFixture({
      operationId: (operationId ?? 'createPaymentSession') as FixtureRef['operationId'],
      kind: 'response',
      status,
      name,
    }) as Json;
  } catch {
    body = undefined;
  }
  body ??= { code: fallback.code, message: fallback.message, error: { type: fallback.type, source: 'UPSTREAM', trace_id: '' } };
  return { ...body, error: { ...body.error, trace_id: traceId() } };
}

export function unauthorizedBody(operationId: string): Json {
  return documentedError(operationId, '401', 'credentials-invalid', {
    code: 'credentials_invalid',
    message: 'Access token is invalid, please verify that the authentication is provided and valid',
    type: 'API_ERROR',
  });
}

export function validationErrorBody(operationId: string, details: Detail[]): Json {
  const body = documentedError(operationId, '400', 'api-validation-error', {
    code: 'api_validation_error',
    message: 'The request was invalid, or an error occurred in downstream provider',
    type: 'API_ERROR',
  });
  return { ...body, error: { ...body.error, details } };
}

export function notFoundBody(): Json {
  return documentedError(undefined, '404', 'not-found', {
    code: 'not_found',
    message: 'The requested URL does not exist',
    type: 'GATEWAY_ERROR',
  });
}

function badGatewayBody(operationId: string, reason: string): Json {
  const body = documentedError(operationId, '502', 'bad-gateway', {
    code: 'bad_gateway',
    message: 'Bad gateway',
    type: 'GATEWAY_ERROR',
  });
  return { ...body, message: `${body.message} (mock: Prism unreachable: ${reason})` };
}

// ---------------------------------------------------------------------------------------------
// Default answer: which documented example a request without `Prefer` gets
// ---------------------------------------------------------------------------------------------

interface RequestExample {
  name: string;
  body: unknown;
}

/** Fields that decide which kind of session a createPaymentSession request asks for, with their defaults. */
const SHAPE: Array<{ get: (body: Json) => unknown; weight: number }> = [
  { get: (body) => body.paymentMethod?.type, weight: 8 },
  { get: (body) => body.mode ?? 'REDIRECT', weight: 4 },
  { get: (body) => body.paymentType ?? 'SINGLE', weight: 4 },
  { get: (body) => body.recurringId !== undefined, weight: 2 },
  { get: (body) => body.paymentMethod?.card?.token !== undefined, weight: 1 },
  { get: (body) => body.paymentMethod?.card?.encryptedCard !== undefined, weight: 1 },
  { get: (body) => body.saveForFutureUse === true, weight: 1 },
  { get: (body) => body.autoConfirm ?? false, weight: 1 },
];

function requestExamples(): Map<string, RequestExample[]> {
  const byOperation = new Map<string, RequestExample[]>();
  for (const info of listFixtures()) {
    if (info.kind !== 'request') continue;
    const list = byOperation.get(info.operationId) ?? [];
    list.push({ name: info.name, body: getFixture(info) });
    byOperation.set(info.operationId, list);
  }
  return byOperation;
}

/** The example name the front layer asks Prism for when the client sent no `Prefer`, if any. */
export function defaultExample(examples: RequestExample[] | undefined, operationId: string, body: unknown): string | undefined {
  if (!examples?.length) return undefined;
  const exact = examples.find((example) => isDeepStrictEqual(example.body, body));
  if (exact) return exact.name;
  if (operationId !== 'createPaymentSession' || typeof body !== 'object' || body === null) return undefined;
  let best: { name: string; score: number } | undefined;
  for (const example of examples) {
    const score = SHAPE.reduce(
      (sum, { get, weight }) => sum + (isDeepStrictEqual(get(example.body as Json), get(body as Json)) ? weight : 0),
      0,
    );
    if (!best || score > best.score) best = { name: example.name, score };
  }
  return best?.name;
}

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

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it). */
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
    // detached: Prism gets its own process group, which `stopPrism` signals as a whole.
    const child = spawn(process.execPath, [bin, 'mock', spec, '-h', '127.0.0.1', '-p', String(port), '-v', 'warn'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
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
// Front layer
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
/** … and not copied back (Prism's body is piped unchanged, so its content-length stays). */
const NOT_RETURNED = new Set(HOP_BY_HOP);

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((done, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) tooLarge = true;
      else chunks.push(chunk);
    });
    req.once('end', () => done(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function isJsonContentType(value: string | undefined): boolean {
  const type = value?.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type);
}

/** Starts Prism on a free internal port and the front layer on host:port; resolves once both answer. */
export async function startMock(options: MockOptions = {}): Promise<MockServer> {
  const host = options.host ?? '127.0.0.1';
  const spec = resolve(options.spec ?? DEFAULT_SPEC);
  const document = JSON.parse(readFileSync(spec, 'utf8')) as Json;
  const routes = loadRoutes(document);
  const examples = requestExamples();
  const log = options.log;
  const prism = await startPrism(spec, options.startupTimeoutMs ?? 120_000);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });

  const proxy = (req: IncomingMessage, res: ServerResponse, body: Buffer, operationId: string, chosen: string | undefined) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers))
      if (value !== undefined && !NOT_FORWARDED.has(name)) headers[name] = value;
    if (chosen !== undefined) headers.prefer = `example=${chosen}`;
    if (body.length > 0) headers['content-length'] = String(body.length);
    const upstream = httpRequest(
      { host: '127.0.0.1', port: prism.port, method: req.method, path: req.url, headers, agent },
      (answer) => {
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers))
          if (value !== undefined && !NOT_RETURNED.has(name)) out[name] = value;
        if (chosen !== undefined) out['x-mock-example'] = chosen;
        res.writeHead(answer.statusCode ?? 502, out);
        answer.pipe(res);
        log?.(`${req.method} ${req.url} → ${answer.statusCode}${chosen ? ` (example ${chosen})` : ''}`);
      },
    );
    upstream.once('error', (error) => {
      if (!res.headersSent) sendJson(res, 502, badGatewayBody(operationId, error.message));
      else res.destroy(error);
    });
    upstream.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    const pathname = new URL(req.url ?? '/', 'http://mock').pathname;
    if (method === 'OPTIONS') {
      // CORS pre-flight: Prism answers it (it runs with --cors).
      proxy(req, res, body === 'too-large' ? Buffer.alloc(0) : body, 'createPaymentSession', undefined);
      return;
    }
    const found = matchRoute(routes, method, pathname);
    const reject = (status: number, payload: Json, extra?: Record<string, string>) => {
      sendJson(res, status, payload, extra);
      log?.(`${method} ${req.url} → ${status} ${payload.code}`);
    };
    if (!found) return reject(404, notFoundBody());
    const { route, params } = found;
    if (!authorized(route, req)) {
      const bearer = route.security.some((requirement) =>
        requirement.some((scheme) => scheme.scheme?.toLowerCase() === 'bearer'),
      );
      return reject(401, unauthorizedBody(route.operationId), bearer ? { 'www-authenticate': 'Bearer' } : {});
    }
    const details = parameterDetails(route, req, params);
    let parsed: unknown;
    const schema = operations[route.operationId as OperationId]?.request;
    if (route.hasBody && schema) {
      if (body === 'too-large') details.push({ field: 'body', message: `body must NOT be larger than ${BODY_LIMIT} bytes` });
      else if (body.length === 0) details.push({ field: 'body', message: 'body is required' });
      else if (!isJsonContentType(header(req, 'content-type')))
        details.push({ field: 'Content-Type', message: 'Content-Type must be application/json' });
      else {
        try {
          parsed = JSON.parse(body.toString('utf8'));
          details.push(...bodyDetails(route.operationId, parsed));
        } catch (error) {
          details.push({ field: 'body', message: `body is not valid JSON (${(error as Error).message})` });
        }
      }
    }
    if (details.length > 0) return reject(400, validationErrorBody(route.operationId, details));
    const chosen =
      header(req, 'prefer') === undefined
        ? defaultExample(examples.get(route.operationId), route.operationId, parsed)
        : undefined;
    proxy(req, res, body === 'too-large' ? Buffer.alloc(0) : body, route.operationId, chosen);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent)
        sendJson(
          res,
          500,
          documentedError(undefined, '500', 'internal-error', {
            code: 'internal_error',
            message: error.message,
            type: 'GATEWAY_ERROR',
          }),
        );
      else res.destroy(error);
    });
  });
  try {
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', fail);
        done();
      });
    });
  } catch (error) {
    await stopPrism(prism);
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      agent.destroy();
      await Promise.all([closed, stopPrism(prism)]);
    })());

  return {
    url: `http://${urlHost}:${port}`,
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
  const parsed = parseCommand(argv, { port: { type: 'string' }, host: { type: 'string' }, spec: { type: 'string' } }, USAGE, io);
  if (typeof parsed === 'number') return parsed;
  const args = parsed.values;
  const port = args.port === undefined ? 4010 : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.error(`--port must be a port number, not ${JSON.stringify(args.port)}\n${USAGE}`);
    return 2;
  }
  let mock: MockServer;
  try {
    mock = await startMock({
      port,
      host: args.host ?? '127.0.0.1',
      spec: args.spec ?? DEFAULT_SPEC,
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
  const outcome = await new Promise<number>((done) => {
    stop = (signal) => {
      stopping = true;
      io.log(`${signal}: stopping the mock`);
      done(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    void mock.prismExited.then(() => {
      if (stopping) return;
      stopping = true;
      io.error('Prism exited unexpectedly: stopping the mock');
      done(1);
    });
  });
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  await mock.close();
  io.log('mock stopped');
  return outcome;
}
