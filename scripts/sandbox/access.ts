/**
 * Who may use the sandbox's own routes (`/_sandbox…`: the control routes, the dashboard and the hosted
 * page). They are for the machine's own user and the tests it runs, so nothing a web page elsewhere does
 * may reach them (decision `sandbox-same-origin`):
 *
 * - Host: only the name the sandbox listens on, a loopback name (`localhost`, `127.0.0.1`, `[::1]`) or
 *   the host of `--public-url`; any other (DNS rebinding: `attacker.example` resolving to 127.0.0.1) is a 421;
 * - the control token: with `--control-token`, every control route and the dashboard need
 *   `X-Sandbox-Token` (401 otherwise); the page does not (a customer's browser cannot send it);
 * - origin: a request whose `Origin` is not the sandbox's own, or whose `Sec-Fetch-Site` is `cross-site`,
 *   is a 403, except a browser navigating to the page (the merchant's site sends the customer there);
 *   Node and curl send neither header and pass;
 * - control POSTs take JSON only: another `Content-Type`, or a body without one, is a 415 (a form or
 *   `text/plain` is what a foreign page can send without asking);
 * - bodies are small: over `CONTROL_BODY_BYTES` a 413.
 *
 * The page's forms also carry a CSRF token (`page.ts`). Every refusal is in the contract's shape.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { bodyLimitOf, isJsonContentType } from '../http/core.ts';
import { isLoopback } from '../http/hosts.ts';
import { documentedError, jsonResponse, unauthorizedBody, validationErrorBody } from '../http/errors.ts';
import { CONTROL_BODY_BYTES } from './limits.ts';

export interface AccessOptions {
  /** Host names besides the loopback ones (the name listened on, the machine's addresses on a wildcard). */
  hosts: () => readonly string[];
  /** The sandbox's public URL (`--public-url`, else where it listens): its host and origin are its own. */
  publicUrl: () => string;
  /** `--control-token`: required as `X-Sandbox-Token` on every control route and the dashboard. */
  controlToken?: string;
}

const OPERATION = 'createPaymentSession';

const bareHost = (hostname: string) => hostname.replace(/^\[|\]$/g, '').toLowerCase();

function refused(status: 403 | 421, name: 'forbidden-access', message: string): Response {
  const body = documentedError(OPERATION, '403', name, { code: 'forbidden_access', message, type: 'API_ERROR' });
  return jsonResponse(status, { ...body, message });
}

function sameSecret(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether a request is a browser navigating to a page (a link, a redirect, the address bar). */
const isNavigation = (c: Context) =>
  (c.req.method === 'GET' || c.req.method === 'HEAD') && c.req.header('sec-fetch-mode') === 'navigate';

/** Why a request to a `/_sandbox` route is refused, as its answer, or undefined when it may go on. */
export function accessRefusal(c: Context, options: AccessOptions, kind: 'control' | 'page'): Response | undefined {
  const url = new URL(c.req.url);
  const host = bareHost(url.hostname);
  const publicUrl = new URL(options.publicUrl());
  const known =
    isLoopback(host) || host === bareHost(publicUrl.hostname) || options.hosts().some((name) => bareHost(name) === host);
  if (!known)
    return refused(
      421,
      'forbidden-access',
      `Host ${url.host} is not this sandbox (use ${publicUrl.host}, localhost or 127.0.0.1)`,
    );
  if (
    kind === 'control' &&
    options.controlToken !== undefined &&
    !sameSecret(c.req.header('x-sandbox-token'), options.controlToken)
  )
    return jsonResponse(
      401,
      unauthorizedBody(OPERATION, 'X-Sandbox-Token is missing or wrong: this sandbox was started with --control-token'),
    );
  const origin = c.req.header('origin');
  const own = origin === url.origin || origin === publicUrl.origin;
  if (origin !== undefined && !own && !isNavigation(c))
    return refused(403, 'forbidden-access', `Origin ${origin} may not use the sandbox's own routes (same origin only)`);
  if (c.req.header('sec-fetch-site') === 'cross-site' && !(kind === 'page' && isNavigation(c)))
    return refused(403, 'forbidden-access', "a cross-site request may not use the sandbox's own routes");
  if (kind === 'control' && c.req.method === 'POST') {
    const type = c.req.header('content-type');
    const hasBody = c.req.header('transfer-encoding') !== undefined || Number(c.req.header('content-length') ?? 0) > 0;
    if (type === undefined ? hasBody : !isJsonContentType(type))
      return jsonResponse(
        415,
        validationErrorBody(OPERATION, [
          { field: 'Content-Type', message: 'Content-Type must be application/json on a control route' },
        ]),
      );
  }
  return undefined;
}

/** Guards every `/_sandbox` route: the page (`/_sandbox/pay/…`) as a page, the rest as control routes. */
export function guardSandboxRoutes(app: Hono, options: AccessOptions): void {
  const limit = bodyLimitOf(CONTROL_BODY_BYTES);
  const guard: MiddlewareHandler = async (c, next) => {
    const kind = c.req.path.startsWith('/_sandbox/pay/') ? 'page' : 'control';
    const refusal = accessRefusal(c, options, kind);
    if (refusal) return refusal;
    return limit(c, next);
  };
  app.use('/_sandbox', guard);
  app.use('/_sandbox/*', guard);
}
