/**
 * MSW request handlers for Pivot's API, for front-end and unit tests without a server process:
 * - `handlers()`: the contract core with the documented examples as answers (what the mock serves,
 *   without Prism): the same 400 / 401 / 404 in the contract's shape, the same `Prefer` choices;
 * - `sandboxHandlers()`: the sandbox in process (lifecycles, idempotency, the clock), `.sandbox` on the
 *   returned list drives it.
 * Both are one MSW handler per operation and a last catch-all under the base URL, delegating to the
 * core's fetch handler (one implementation: scripts/http/core.ts); `server.use(...)` overrides one
 * operation as usual.
 * @see https://mswjs.io/docs/api/http
 */
import { createRequire } from 'node:module';
import { http, type HttpHandler } from 'msw';
import { createContractApp, type FetchHandler } from '../http/core.ts';
import { fixtureBackend } from '../http/fixture-backend.ts';
import { loadRoutes } from '../http/routes.ts';
import { createSandbox, type Sandbox, type SandboxOptions } from '../sandbox/server.ts';

type Json = Record<string, any>;

// Read through the package's exports (not bundled into the published module: one copy of the contract).
const document = createRequire(import.meta.url)('pivot-payments-contract/openapi.json') as Json;

/** Pivot's sandbox host, the base URL the handlers answer when none is given. */
export const PIVOT_SANDBOX_URL = 'https://api-stg.pivot-payment.com';

export interface HandlerOptions {
  /** Where the code under test sends its requests (default Pivot's sandbox host). */
  baseUrl?: string;
}

/** `/v2/payments/{id}/confirm` → `/v2/payments/:id/confirm` (MSW's path syntax). */
function mswPath(template: string): string {
  return template.replace(/\{([^}]+)\}/g, ':$1');
}

/** One handler per operation of the document, each answering through `fetchHandler`. */
export function handlersFor(fetchHandler: FetchHandler, spec: Json, baseUrl = PIVOT_SANDBOX_URL): HttpHandler[] {
  const base = baseUrl.replace(/\/+$/, '');
  const operations = loadRoutes(spec).map((route) => {
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    return http[method](`${base}${mswPath(route.path)}`, ({ request }) => fetchHandler(request));
  });
  // Last, so `server.use` and the operations come first: any other path or method under the base URL
  // gets the core's answer (the contract's 404 not_found, a 204 to OPTIONS), as from the mock.
  return [...operations, http.all(`${base}/*`, ({ request }) => fetchHandler(request))];
}

/** Handlers that answer every operation with its documented examples and the contract's errors. */
export function handlers(options: HandlerOptions = {}): HttpHandler[] {
  const app = createContractApp({ document: document as Json, backend: fixtureBackend(document as Json) });
  return handlersFor(app.fetch, document as Json, options.baseUrl);
}

export type SandboxHandlers = HttpHandler[] & { sandbox: Sandbox };

/** Handlers backed by an in-process sandbox: whole lifecycles, idempotency, callbacks on its clock. */
export function sandboxHandlers(options: HandlerOptions & Partial<Omit<SandboxOptions, 'document'>> = {}): SandboxHandlers {
  const { baseUrl, ...sandboxOptions } = options;
  const base = (baseUrl ?? PIVOT_SANDBOX_URL).replace(/\/+$/, '');
  // The base URL is the sandbox's own: its paymentUrl, and the Host its /_sandbox routes answer.
  const sandbox = createSandbox({ ...sandboxOptions, publicUrl: base, document: document as Json });
  // The sandbox's own routes too: the hosted payment page and the /_sandbox control routes (clock, callbacks).
  const control = http.all(`${base}/_sandbox/*`, ({ request }) => sandbox.fetch(request));
  return Object.assign([...handlersFor(sandbox.fetch, document as Json, baseUrl), control], { sandbox });
}
