/**
 * Validates one exchange with Pivot's API by its operation (matched on method and path with the
 * contract's routes, `http/routes.ts`): the merchant's request always strictly (credentials present
 * and well-formed, path and header parameters, the body with the generated `validateRequest`), and
 * Pivot's answer in the proxy's mode (`validateResponse`; tolerant: the deviations the errata register
 * tolerates are warnings naming their erratum, README "Tolerant mode"). Every answer the contract
 * documents is JSON in the `{ code, message, data }` envelope (API Information › Response). A request
 * to no documented operation is a violation of its own; the sandbox's control routes (`/_sandbox/…`)
 * are not Pivot's API and are passed on without a finding.
 */
import { validateRequest, validateResponse, type Mode, type OperationId } from 'pivot-payments-contract/validators';
import { parameterDetails, readJsonBody } from '../http/core.ts';
import { credentialsPresent, knownPath, matchRoute, SANDBOX_CONTROL_PREFIX, type Route } from '../http/routes.ts';
import { headerOf, parsed, type CapturedMessage, type ReadBody, type ReadExchange } from './captured-body.ts';
import { addResult, checkJsonContentType, emptyFindings, excerpt, type Findings } from './findings.ts';
import { originForm, type CapturedExchange } from './forward.ts';

/** The path of a request target, without its query (still percent-encoded). */
export function pathOf(target: string): string {
  return originForm(target).split('?')[0]!;
}

function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The message's headers as Fetch `Headers` (what the contract core's checks read). */
function fetchHeaders(message: CapturedMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of message.headers) {
    try {
      headers.append(name, value);
    } catch {
      // a value Fetch refuses (bytes above 0xFF) cannot be a well-formed credential or parameter either
    }
  }
  return headers;
}

/** What a route's security asks for, for a message: `Authorization: Bearer <token>`, `X-MERCHANT-ID and X-MERCHANT-SECRET`. */
function expectedCredentials(route: Route): { header: string; text: string } {
  const alternatives = route.security.map((requirement) =>
    requirement
      .map((scheme) =>
        scheme.type === 'http'
          ? `Authorization: ${scheme.scheme === 'bearer' ? 'Bearer <token>' : scheme.scheme}`
          : scheme.header,
      )
      .join(' and '),
  );
  const first = route.security[0]?.[0];
  return { header: first?.type === 'apiKey' && first.header ? first.header : 'Authorization', text: alternatives.join(', or ') };
}

/** The merchant's request, strictly: credentials, parameters, body. */
function checkRequest(
  findings: Findings,
  route: Route,
  params: Record<string, string>,
  exchange: CapturedExchange,
  body: ReadBody,
): void {
  const headers = fetchHeaders(exchange.request);
  if (!credentialsPresent(route, headers)) {
    const expected = expectedCredentials(route);
    findings.violations.push({
      where: 'request',
      path: expected.header,
      message: `${expected.header}: missing or malformed credentials (${route.operationId} needs ${expected.text})`,
    });
  }
  const decodedParams = Object.fromEntries(Object.entries(params).map(([name, value]) => [name, decoded(value)]));
  for (const detail of parameterDetails(route, headers, decodedParams))
    findings.violations.push({ where: 'request', path: detail.field, message: detail.message });
  if (!route.hasBody) return;
  if (body.kind === 'unread') {
    findings.notes.push(`request ${body.reason}`);
    return;
  }
  const read =
    body.kind === 'text' ? readJsonBody(headers.get('content-type'), body.text, parsed(body.json)) : readJsonBody(null, '');
  if ('problem' in read) {
    const path = read.problem.field === 'body' ? '' : read.problem.field;
    findings.violations.push({ where: 'request', path, message: read.problem.message });
    return;
  }
  addResult(findings, 'request', validateRequest(route.operationId as OperationId, read.body));
}

/** Pivot's answer, in `mode`: JSON, with the `Content-Type` saying so, and valid for the operation and status. */
function checkAnswer(findings: Findings, operationId: string, exchange: CapturedExchange, body: ReadBody, mode: Mode): void {
  if (body.kind === 'unread') {
    findings.notes.push(`response ${body.reason}`);
    return;
  }
  if (body.kind === 'none') {
    findings.violations.push({
      where: 'response',
      path: '',
      message: `the answer has no body (the contract's answers are JSON)`,
    });
    return;
  }
  checkJsonContentType(findings, 'response', headerOf(exchange.response, 'content-type'));
  if ('error' in body.json) {
    findings.violations.push({ where: 'response', path: '', message: `the answer is not JSON: ${excerpt(body.text)}` });
    return;
  }
  addResult(findings, 'response', validateResponse(operationId as OperationId, exchange.status, body.json.value, { mode }));
}

/** The findings of one exchange with the API (or with the sandbox standing in for it). */
export function validateExchange(exchange: CapturedExchange, read: ReadExchange, routes: Route[], mode: Mode): Findings {
  const path = pathOf(exchange.target);
  if (path === SANDBOX_CONTROL_PREFIX.slice(0, -1) || path.startsWith(SANDBOX_CONTROL_PREFIX)) {
    const findings = emptyFindings(null);
    findings.notes.push("the sandbox's control routes are not Pivot's API: passed on, not validated");
    return findings;
  }
  const matched = matchRoute(routes, exchange.method, path);
  if (!matched) {
    const findings = emptyFindings(null);
    const methods = [...new Set(knownPath(routes, path).map((route) => route.method))];
    findings.violations.push({
      where: 'request',
      path: '',
      message:
        methods.length > 0
          ? `no documented operation is ${exchange.method} ${path} (the contract has ${methods.join(', ')} there)`
          : `no documented operation is ${exchange.method} ${path}`,
    });
    return findings;
  }
  const { route, params } = matched;
  const findings = emptyFindings(route.operationId);
  checkRequest(findings, route, params, exchange, read.request);
  if (exchange.failure?.kind === 'client-gone') {
    findings.notes.push(`response not validated: ${exchange.failure.reason}`);
    return findings;
  }
  if (exchange.failure !== undefined) {
    const proxyAnswered = exchange.failure.kind === 'no-answer' ? ` (the proxy answered ${exchange.status})` : '';
    findings.violations.push({ where: 'response', path: '', message: `${exchange.failure.reason}${proxyAnswered}` });
    return findings;
  }
  checkAnswer(findings, route.operationId, exchange, read.response, mode);
  return findings;
}
