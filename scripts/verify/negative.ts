/**
 * The negative suite (`verify --negative`): requests the contract forbids, each of which the server
 * must reject with a 4xx `ErrorResponse` — never accept (2xx) nor fail on (5xx):
 *
 * - every case of the contract's negative table (`scripts/verify/negative-cases.ts`) whose base is a
 *   request example of an endpoint: the example with its one rule broken;
 * - an invalid or missing `X-REQUEST-ID`, on every operation that takes one (idempotency page,
 *   Requirements: alphanumeric, 16–36 characters, mandatory);
 * - no credentials at all, on every operation the contract secures (authentication page).
 *
 * Table cases about responses, callbacks or bare objects are not requests a merchant sends, and are
 * left to the validators' own tests.
 */
import * as jsonPatch from 'fast-json-patch/index.mjs';
import type { Operation } from 'fast-json-patch';
import { getFixture } from 'pivot-payments-contract/fixtures';
import { operations, type Mode, type OperationId } from 'pivot-payments-contract/validators';
import { NEGATIVE_CASES, REQUEST_ID_VALUES } from './negative-cases.ts';
import type { Route } from '../http/routes.ts';
import { requestHeaders, type AuthContext } from './auth.ts';
import { judgeRejection } from './checks.ts';
import { buildCases, fillPath, pairedResponse, takesRequestId } from './examples.ts';
import { movedDates } from './dates.ts';
import { withFreshReference } from './keys.ts';
import type { Step } from './runner.ts';

/** One request to reject, before its keys and credentials are filled in (at send time). */
export interface NegativeRequest {
  operationId: string;
  /** The rule it breaks, as printed. */
  rule: string;
  method: string;
  path: string;
  /** The documented example it starts from (`undefined` for a bodiless operation). */
  body: unknown;
  /** Applied to the example (after its fresh `clientReferenceId`). */
  patch: Operation[];
  /** `fresh`: a fresh valid key; a string: that value; `omit`: no header; `none`: not an idempotent operation. */
  requestId: 'fresh' | 'omit' | 'none' | { value: string };
  /** Sent without any credentials. */
  anonymous: boolean;
}

function tableRequests(routes: Route[]): NegativeRequest[] {
  const byOperation = new Map(routes.map((route) => [route.operationId, route]));
  return NEGATIVE_CASES.flatMap((entry) => {
    const [operationId, slot, name] = entry.base.split('/') as [string, string, string];
    const route = byOperation.get(operationId);
    // Only the request bodies of endpoints: responses and bare objects are not something to send.
    if (entry.base.startsWith('schema:') || slot !== 'request' || !route) return [];
    if (operations[operationId as OperationId]?.request !== entry.schema) return [];
    return [
      {
        operationId,
        rule: entry.rule,
        method: route.method,
        path: fillPath(route, pairedResponse(operationId, name)),
        body: getFixture({ operationId: operationId as never, kind: 'request', name }),
        patch: entry.patch,
        requestId: takesRequestId(route) ? 'fresh' : 'none',
        anonymous: false,
      },
    ];
  });
}

/** Bad idempotency keys and missing credentials, each on the operation's first documented example. */
function headerRequests(routes: Route[]): NegativeRequest[] {
  const firstExample = new Map<string, ReturnType<typeof buildCases>[number]>();
  for (const item of buildCases(routes)) if (!firstExample.has(item.operationId)) firstExample.set(item.operationId, item);
  return routes.flatMap((route) => {
    const example = firstExample.get(route.operationId);
    if (!example) return [];
    const base = { operationId: route.operationId, method: route.method, path: example.path, body: example.body, patch: [] };
    const requests: NegativeRequest[] = [];
    if (takesRequestId(route)) {
      for (const [value, valid] of REQUEST_ID_VALUES)
        if (!valid)
          requests.push({
            ...base,
            rule: `X-REQUEST-ID ${JSON.stringify(value)} (alphanumeric, 16–36 characters)`,
            requestId: { value },
            anonymous: false,
          });
      requests.push({ ...base, rule: 'X-REQUEST-ID missing', requestId: 'omit', anonymous: false });
    }
    if (route.security.length > 0)
      requests.push({
        ...base,
        rule: 'no credentials',
        requestId: takesRequestId(route) ? 'fresh' : 'none',
        anonymous: true,
      });
    return requests;
  });
}

/** Every negative request, in table order then header cases, limited to `only` operations when given. */
export function negativeRequests(routes: Route[], only?: string[]): NegativeRequest[] {
  const all = [...tableRequests(routes), ...headerRequests(routes)];
  return only?.length ? all.filter((request) => only.includes(request.operationId)) : all;
}

/**
 * A negative request as a step, with fresh keys, the run's credentials and its dates moved to `nowMs`
 * (the server's time), so that the one rule it breaks is the only reason to reject it.
 */
export function negativeStep(request: NegativeRequest, auth: AuthContext, mode: Mode, nowMs: number): Step {
  const fresh = structuredClone(movedDates(withFreshReference(request.body), nowMs));
  const body = fresh === undefined ? undefined : jsonPatch.applyPatch(fresh, request.patch, true, false).newDocument;
  const headers = requestHeaders(request.operationId, auth, {
    hasBody: body !== undefined,
    requestId: request.requestId === 'fresh',
    anonymous: request.anonymous,
  });
  if (typeof request.requestId === 'object') headers.set('x-request-id', request.requestId.value);
  return {
    group: `negative.${request.operationId}`,
    name: `“${request.rule}”`,
    request: { method: request.method, path: request.path, headers, body },
    judge: judgeRejection(request.operationId, mode),
  };
}
