/**
 * The contract over HTTP: one fetch-style handler, `(Request) => Promise<Response>`, shared by every
 * server that answers Pivot requests (DESIGN.md "The contract over HTTP"):
 *
 *   Request ─▶ route (operationId, path params) ─▶ auth ─▶ validate ─▶ backend ─▶ Response
 *                │ unknown: 404 not_found          │ 401    │ 400 api_validation_error, one detail per violation
 *
 * - route: the spec's paths, registered on a Hono router; an unknown path or method → 404 `not_found`;
 * - auth: the operation's `security` must be present and well-formed (`Authorization: Bearer …`, for
 *   `createAccessToken` the `X-MERCHANT-ID` / `X-MERCHANT-SECRET` headers) → else 401 `credentials_invalid`;
 *   a backend may also reject credentials that are well-formed but not valid (the sandbox's tokens);
 * - validate: path and header parameters, `Content-Type`, JSON and the generated (strict) request
 *   validator → 400 `api_validation_error` with one `error.details[]` entry per violation; a body over
 *   the limit → 413 in the same shape;
 * - backend: the mock's (forward to Prism with the chosen example) or the sandbox's (state machine).
 *
 * Hono does the plumbing (routing, body limit, not-found and error hooks); it has no Node-only types, so
 * the same handler runs behind `node:http` (`serve.ts`), inside MSW and in a unit test without a socket.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { operations, type OperationId } from 'pivot-payments-contract/validators';
import {
  bodyDetails,
  internalErrorBody,
  jsonResponse,
  notFoundBody,
  unauthorizedBody,
  validationErrorBody,
  type Detail,
} from './errors.ts';
import { credentialsPresent, knownPath, loadRoutes, usesBearer, type Route } from './routes.ts';

type Json = Record<string, any>;

export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** A request that passed routing, auth and validation, as a backend receives it. */
export interface ContractCall {
  route: Route;
  operationId: string;
  /** Path parameters, percent-decoded. */
  params: Record<string, string>;
  headers: Headers;
  /** The parsed JSON body (undefined for an operation without one). */
  body: unknown;
  /** The body as received, for byte-level comparisons (idempotency). */
  rawBody: string;
  request: Request;
}

export interface ContractBackend {
  /**
   * Whether well-formed credentials are also valid: true, or the message of the 401. Default: accepted
   * (the mock cannot know which tokens Pivot issued).
   */
  authenticate?(call: ContractCall): true | string | Promise<true | string>;
  answer(call: ContractCall): Response | Promise<Response>;
}

export interface ContractAppOptions {
  /** The bundled OpenAPI document. */
  document: Json;
  backend: ContractBackend;
  /** Largest request body accepted, in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Registers a server's own routes before the contract's (the sandbox's `/_sandbox/…`). */
  extend?: (app: Hono) => void;
  /** Called with one line per answered request (`POST /v2/payments → 200`). */
  log?: (line: string) => void;
  /**
   * The one browser origin allowed to call this server (`https://shop.example`); CORS is off without it.
   * Credentials are never allowed (`Access-Control-Allow-Credentials` is not sent), and no other origin
   * is echoed back.
   */
  cors?: string;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * A middleware refusing a request body over `limit` bytes with 413 in the contract's shape (every route:
 * the contract's, and a server's own such as the sandbox's `/_sandbox/…`). A declared Content-Length is
 * checked from the header, and the answer closes the connection, so a 200 MB upload is refused without
 * being read; only a chunked body (no length) goes through Hono's streaming limit. (Touching the body
 * stream on every request would build a full WHATWG Request in the Node adapter and cost a third of a
 * request's time.)
 */
export function bodyLimitOf(limit: number, operationId = 'createPaymentSession'): MiddlewareHandler {
  const tooLarge = () =>
    jsonResponse(
      413,
      validationErrorBody(operationId, [{ field: 'body', message: `body must NOT be larger than ${limit} bytes` }]),
      { connection: 'close' },
    );
  const streaming = bodyLimit({ maxSize: limit, onError: tooLarge });
  return async (c, next) => {
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number(length) > limit) return tooLarge();
      return next();
    }
    if (c.req.header('transfer-encoding') === undefined) return next(); // no body
    return streaming(c, next);
  };
}

/** `/v2/payments/{id}/confirm` → `/v2/payments/:id/confirm` (Hono's path syntax). */
export function honoPath(template: string): string {
  return template.replace(/\{([^}]+)\}/g, ':$1');
}

export function isJsonContentType(value: string | null | undefined): boolean {
  const type = value?.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type);
}

/** Path and header parameters that break the contract (path `id` must be a UUID, `X-REQUEST-ID` 16–36 alphanumerics…). */
export function parameterDetails(route: Route, headers: Headers, params: Record<string, string>): Detail[] {
  const details: Detail[] = [];
  for (const parameter of route.parameters) {
    let value: string | undefined;
    if (parameter.in === 'path') value = params[parameter.name];
    else if (parameter.in === 'header') value = headers.get(parameter.name) ?? undefined;
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

/**
 * A request body read as JSON, or the one problem that stops it being read (none, not JSON, wrong
 * `Content-Type`). `parse` is `JSON.parse` unless the caller has parsed the text already.
 */
export function readJsonBody(
  contentType: string | null,
  text: string,
  parse: (text: string) => unknown = JSON.parse,
): { problem: Detail } | { body: unknown } {
  if (text.length === 0) return { problem: { field: 'body', message: 'body is required' } };
  if (!isJsonContentType(contentType))
    return { problem: { field: 'Content-Type', message: 'Content-Type must be application/json' } };
  try {
    return { body: parse(text) };
  } catch (error) {
    return { problem: { field: 'body', message: `body is not valid JSON (${(error as Error).message})` } };
  }
}

/** What is wrong with the body of a call to this route: one detail per violation, none when valid. */
export function requestBodyDetails(
  route: Route,
  contentType: string | null,
  text: string,
): { details: Detail[]; body?: unknown } {
  const schema = operations[route.operationId as OperationId]?.request;
  if (!route.hasBody || !schema) return { details: [] };
  const read = readJsonBody(contentType, text);
  if ('problem' in read) return { details: [read.problem] };
  return { details: bodyDetails(route.operationId, read.body), body: read.body };
}

/** The Hono app of a contract server; `app.fetch` is its fetch handler. */
export function createContractApp(options: ContractAppOptions): Hono {
  const routes = loadRoutes(options.document);
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = new Hono();

  if (options.log) {
    const log = options.log;
    app.use(async (c, next) => {
      await next();
      const example = c.res.headers.get('x-mock-example');
      log(`${c.req.method} ${new URL(c.req.url).pathname} → ${c.res.status}${example ? ` (example ${example})` : ''}`);
    });
  }
  if (options.cors !== undefined) app.use(corsFor(options.cors, routes));
  options.extend?.(app);

  for (const route of routes) {
    const handle = async (c: Context): Promise<Response> => {
      const request = c.req.raw;
      const headers = request.headers;
      if (!credentialsPresent(route, headers)) return unauthorized(route);
      const params = c.req.param() as Record<string, string>;
      const text = route.hasBody ? await request.text() : '';
      const details = parameterDetails(route, headers, params);
      const checked = requestBodyDetails(route, headers.get('content-type'), text);
      details.push(...checked.details);
      const call: ContractCall = {
        route,
        operationId: route.operationId,
        params,
        headers,
        body: checked.body,
        rawBody: text,
        request,
      };
      // Credentials before the body: a client with a bad token learns nothing about its payload.
      const accepted = (await options.backend.authenticate?.(call)) ?? true;
      if (accepted !== true) return unauthorized(route, accepted);
      if (details.length > 0) return jsonResponse(400, validationErrorBody(route.operationId, details));
      return options.backend.answer(call);
    };
    app.on(route.method, honoPath(route.path), bodyLimitOf(limit, route.operationId), handle);
  }

  // A pre-flight or an OPTIONS probe: which methods the path has; no CORS unless a server adds it.
  app.options('*', (c) => {
    const matching = knownPath(routes, new URL(c.req.url).pathname);
    if (matching.length === 0) return jsonResponse(404, notFoundBody());
    return new Response(null, {
      status: 204,
      headers: { allow: [...new Set(matching.map((route) => route.method))].join(', ') },
    });
  });
  app.notFound(() => jsonResponse(404, notFoundBody()));
  app.onError((error) => jsonResponse(500, internalErrorBody(`internal error: ${error.message}`)));
  // Hono's router keys its tables by method in plain objects: a method named `constructor` or
  // `__proto__` (fetch allows any token, and MSW passes it on) throws inside the router, before any
  // hook. No contract route has such a method, so it is the contract's 404.
  const dispatch = app.fetch;
  app.fetch = (request, ...rest) =>
    Object.hasOwn(Object.prototype, request.method) ? jsonResponse(404, notFoundBody()) : dispatch(request, ...rest);
  return app;
}

/** Headers a browser client of the contract sends: auth, `Prefer`, and every header parameter of the spec. */
function corsFor(origin: string, routes: Route[]) {
  const headers = new Set(['authorization', 'content-type', 'prefer']);
  for (const route of routes)
    for (const parameter of route.parameters) if (parameter.in === 'header') headers.add(parameter.name.toLowerCase());
  for (const route of routes)
    for (const requirement of route.security)
      for (const scheme of requirement) if (scheme.in === 'header' && scheme.header) headers.add(scheme.header.toLowerCase());
  return cors({
    origin,
    allowMethods: [...new Set(['GET', 'HEAD', ...routes.map((route) => route.method)])],
    allowHeaders: [...headers],
    exposeHeaders: ['x-mock-example', 'www-authenticate'],
    maxAge: 600,
    credentials: false,
  });
}

function unauthorized(route: Route, message?: string): Response {
  return jsonResponse(
    401,
    unauthorizedBody(route.operationId, message),
    usesBearer(route) ? { 'www-authenticate': 'Bearer' } : {},
  );
}
