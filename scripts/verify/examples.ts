/**
 * The per-example suite: every documented request example (and one GET per documented `getCustomer`
 * 200 example), in catalog order, each sent with `Prefer: example=<name>` (which picks the paired
 * answer on the mock and is ignored elsewhere). Path parameters come from the paired 200 response
 * (`id` ← `data.paymentSessionId ?? data.id`) or else the parameter's documented example. Webhooks are
 * skipped: they are requests Pivot sends, not endpoints Pivot serves.
 */
import { getFixture, getPairedResponse, listFixtures } from 'pivot-payments-contract/fixtures';
import type { Mode } from 'pivot-payments-contract/validators';
import type { Route } from '../http/routes.ts';
import { requestHeaders, type AuthContext } from './auth.ts';
import { judgeSuccess, toleratedWarnings } from './checks.ts';
import { withFreshReference } from './keys.ts';
import type { Step } from './runner.ts';

export interface VerifyCase {
  operationId: string;
  /** The example name: the request example, or (bodiless operations) the 200 response example. */
  name: string;
  method: string;
  /** Path with its parameters filled in. */
  path: string;
  body: unknown;
  /** Whether the operation takes an X-REQUEST-ID header. */
  requestId: boolean;
}

type Json = Record<string, any>;

function pathValue(route: Route, name: string, paired: Json | undefined): string {
  const data = paired?.data as Json | undefined;
  const fromResponse = name === 'id' ? (data?.paymentSessionId ?? data?.id) : data?.[name];
  const parameter = route.parameters.find((candidate) => candidate.in === 'path' && candidate.name === name);
  const value = typeof fromResponse === 'string' ? fromResponse : parameter?.example;
  if (value === undefined) throw new Error(`${route.operationId}: no value for path parameter "${name}"`);
  return encodeURIComponent(String(value));
}

/** The route's path with its parameters taken from a (paired) response example. */
export function fillPath(route: Route, paired: Json | undefined): string {
  return route.path.replace(/\{([^}]+)\}/g, (_, name: string) => pathValue(route, name, paired));
}

export function takesRequestId(route: Route): boolean {
  return route.parameters.some((parameter) => parameter.in === 'header' && parameter.name.toLowerCase() === 'x-request-id');
}

/** The paired response of a request example, when it has one. */
export function pairedResponse(operationId: string, name: string): Json | undefined {
  try {
    return getPairedResponse(operationId as never, name) as Json;
  } catch {
    return undefined;
  }
}

/** Every request to send, in catalog order. */
export function buildCases(routes: Route[]): VerifyCase[] {
  const byOperation = new Map(routes.map((route) => [route.operationId, route]));
  const cases: VerifyCase[] = [];
  for (const info of listFixtures()) {
    const route = byOperation.get(info.operationId);
    if (!route) continue; // webhooks: Pivot sends them
    if (info.kind === 'request' && route.hasBody) {
      cases.push({
        operationId: info.operationId,
        name: info.name,
        method: route.method,
        path: fillPath(route, pairedResponse(info.operationId, info.name)),
        body: getFixture(info),
        requestId: takesRequestId(route),
      });
    } else if (info.kind === 'response' && !route.hasBody && info.status === '200') {
      cases.push({
        operationId: info.operationId,
        name: info.name,
        method: route.method,
        path: fillPath(route, getFixture(info) as Json),
        body: undefined,
        requestId: takesRequestId(route),
      });
    }
  }
  return cases;
}

/** A documented example as a step: the example's body (creates with a fresh reference) and `Prefer`. */
export function exampleStep(verifyCase: VerifyCase, auth: AuthContext, mode: Mode): Step {
  const body = withFreshReference(verifyCase.body);
  return {
    group: verifyCase.operationId,
    name: verifyCase.name,
    request: {
      method: verifyCase.method,
      path: verifyCase.path,
      body,
      headers: requestHeaders(verifyCase.operationId, auth, {
        hasBody: body !== undefined,
        requestId: verifyCase.requestId,
        prefer: `example=${verifyCase.name}`,
      }),
    },
    judge: judgeSuccess(verifyCase.operationId, mode),
    warn: toleratedWarnings(verifyCase.operationId, mode),
  };
}
