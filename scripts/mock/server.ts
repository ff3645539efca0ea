/**
 * The mock: a local Pivot Payments v2 server made of two processes' worth of parts —
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
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { resolve } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { createContractApp, type ContractCall } from '../http/core.ts';
import { badGatewayBody, jsonResponse, validationErrorBody } from '../http/errors.ts';
import { nearestExample, requestExamples } from '../http/examples.ts';
import { answerTables, checkPrefer } from '../http/prefer.ts';
import { DEFAULT_SPEC } from '../../generators/spec/package-root.ts';
import { serveHandler, type ServerLimits } from '../http/serve.ts';
import { endToEndHeaders, headerPairs, sendUpstream, upstreamAgents, type UpstreamAgents } from '../http/upstream.ts';
import { startPrism, stopPrism } from './prism.ts';

type Json = Record<string, any>;

export interface MockOptions {
  /** Port of the front layer; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** The bundled OpenAPI document Prism serves (default: this package's generated/openapi.json). */
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

/** Besides the hop-by-hop ones, headers not copied to Prism: the body is re-sent with its own length, `Host` is
 * Prism's, and `Prefer`, `Accept` and `Content-Type` are the front layer's (below). */
const NOT_FORWARDED = new Set(['host', 'content-length', 'prefer', 'accept', 'content-type']);
/** … and not copied back: the `Response` frames the body itself. */
const NOT_RETURNED = new Set(['content-length']);

/**
 * Forwards a checked call to Prism with the `Prefer` the front layer settled on. `Accept` and
 * `Content-Type` are the contract's own (`application/json`): the body has been parsed and validated as
 * JSON already, and Prism would answer another `Accept` with its `problem+json` 406.
 */
async function forwardToPrism(
  prism: { url: URL; agents: UpstreamAgents },
  call: ContractCall,
  prefer: { header?: string; chosen?: string },
): Promise<Response> {
  const headers = endToEndHeaders([...call.headers], NOT_FORWARDED);
  headers.push(['host', prism.url.host], ['accept', 'application/json']);
  if (call.route.hasBody) headers.push(['content-type', 'application/json']);
  if (prefer.chosen !== undefined) headers.push(['prefer', `example=${prefer.chosen}`]);
  else if (prefer.header !== undefined) headers.push(['prefer', prefer.header]);
  const url = new URL(call.request.url);
  let answer: IncomingMessage;
  let bytes: Buffer;
  try {
    answer = await sendUpstream(prism.url, `${url.pathname}${url.search}`, {
      method: call.route.method,
      headers,
      body: call.route.hasBody && call.rawBody.length > 0 ? Buffer.from(call.rawBody) : undefined,
      agents: prism.agents,
    }).answer;
    bytes = await buffer(answer);
  } catch (error) {
    return jsonResponse(502, badGatewayBody(call.operationId, `mock: Prism unreachable: ${(error as Error).message}`));
  }
  // Every checked call has a documented answer, so Prism's own problem+json is the mock's fault, not the client's.
  if (answer.headers['content-type']?.startsWith('application/problem+json')) {
    let problem: { title?: string; detail?: string } = {};
    try {
      problem = JSON.parse(bytes.toString('utf8')) as typeof problem;
    } catch {
      // an unreadable problem is still Prism's problem: the 502 below says so without its details
    }
    return jsonResponse(
      502,
      badGatewayBody(
        call.operationId,
        `mock: Prism answered ${answer.statusCode} ${problem.title ?? ''}: ${problem.detail ?? ''}`.trim(),
      ),
    );
  }
  const out = new Headers();
  for (const [name, value] of endToEndHeaders(headerPairs(answer.rawHeaders), NOT_RETURNED)) {
    // CORS is the front layer's alone (off unless --cors): Prism's own reflects any Origin.
    if (!name.toLowerCase().startsWith('access-control-')) out.append(name, value);
  }
  if (prefer.chosen !== undefined) out.set('x-mock-example', prefer.chosen);
  return new Response(bytes, { status: answer.statusCode, headers: out });
}

/** Starts Prism on a free internal port and the front layer on host:port; resolves once both answer. */
export async function startMock(options: MockOptions = {}): Promise<MockServer> {
  const spec = resolve(options.spec ?? DEFAULT_SPEC);
  const document = JSON.parse(readFileSync(spec, 'utf8')) as Json;
  const examples = requestExamples();
  const prism = await startPrism(spec, options.startupTimeoutMs ?? 120_000);
  const upstream = { url: new URL(`http://127.0.0.1:${prism.port}`), agents: upstreamAgents() };
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
        return forwardToPrism(upstream, call, { header: choice.forward, chosen });
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
    upstream.agents.destroy();
    await stopPrism(prism);
    throw error;
  }
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= Promise.all([served.close(), stopPrism(prism)]).then(() => upstream.agents.destroy()));
  return {
    url: served.url,
    prismPid: prism.child.pid!,
    prismPort: prism.port,
    prismExited: prism.exited,
    close,
  };
}
