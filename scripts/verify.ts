/**
 * `pivot-contract verify --base-url URL`: the provider-side contract test. Sends every documented
 * request example (or those chosen with `--operation` / `--example`) to a server — the mock, Pivot's
 * sandbox, or any implementation — and checks each answer against the contract:
 *
 * - the status is documented for the operation and is 2xx (every request example is valid);
 * - the body validates with the generated `validateResponse(operationId, status, body, { mode })`.
 *
 * What is sent: the operation's method and path from the bundled spec; path parameters from the paired
 * 200 response example (`id` ← `data.paymentSessionId ?? data.id`) or else the parameter's documented
 * example (`customerId`); `Content-Type: application/json` with a body; a fresh 32-character
 * alphanumeric `X-REQUEST-ID` for each request of an operation that takes one; the `--header`s (auth);
 * and `Prefer: example=<name>`, which picks the paired answer on the mock and is ignored elsewhere.
 * `getCustomer` has no body: it gets one GET per documented 200 example. Webhooks are skipped: they
 * are requests Pivot sends, not endpoints Pivot serves.
 *
 * Output: one line per example (`✓ createPaymentSession card-redirect 200`, `✗ … 200: /data/status is
 * required; …`), then `N passed, N failed` alone on the last line. Exit 0 when all pass, 1 on any
 * failure, 2 on usage errors. `--junit file.xml` also writes a JUnit report.
 */
import { randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { getFixture, getPairedResponse, listFixtures } from 'pivot-payments-contract/fixtures';
import { operations, validateResponse, type Mode, type OperationId } from 'pivot-payments-contract/validators';
import { parseCommand, type Io } from './lib/command.ts';
import { DEFAULT_SPEC, loadRoutes, type Route } from './mock.ts';

const USAGE = `usage: pivot-contract verify --base-url URL [--operation id]... [--example name]... [--mode strict|tolerant]
                              [--header 'K: V']... [--junit file.xml] [--timeout ms]

  --base-url   server to test (the mock, a sandbox, any implementation of the contract)
  --operation  only this operationId (repeatable)
  --example    only this example name (repeatable)
  --mode       strict (default: unknown response properties fail) or tolerant (they are accepted)
  --header     extra request header, e.g. 'Authorization: Bearer <token>' (repeatable)
  --junit      also write a JUnit XML report to this file
  --timeout    per-request timeout in milliseconds (default 30000)
  --spec       bundled OpenAPI document for methods and paths (default: this package's generated/openapi.json)`;

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh idempotency key: 32 alphanumeric characters (the contract allows 16–36). */
export function requestId(): string {
  let id = '';
  for (let index = 0; index < 32; index++) id += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return id;
}

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

export interface CaseResult {
  case: VerifyCase;
  status: number | undefined;
  ok: boolean;
  problems: string[];
  ms: number;
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

function fillPath(route: Route, paired: Json | undefined): string {
  return route.path.replace(/\{([^}]+)\}/g, (_, name: string) => pathValue(route, name, paired));
}

/** Every request to send, in catalog order. */
export function buildCases(routes: Route[]): VerifyCase[] {
  const byOperation = new Map(routes.map((route) => [route.operationId, route]));
  const cases: VerifyCase[] = [];
  const fixtures = listFixtures();
  for (const info of fixtures) {
    const route = byOperation.get(info.operationId);
    if (!route) continue; // webhooks: Pivot sends them
    const takesRequestId = route.parameters.some(
      (parameter) => parameter.in === 'header' && parameter.name.toLowerCase() === 'x-request-id',
    );
    if (info.kind === 'request' && route.hasBody) {
      let paired: Json | undefined;
      try {
        paired = getPairedResponse(info.operationId, info.name) as Json;
      } catch {
        paired = undefined;
      }
      cases.push({
        operationId: info.operationId,
        name: info.name,
        method: route.method,
        path: fillPath(route, paired),
        body: getFixture(info),
        requestId: takesRequestId,
      });
    } else if (info.kind === 'response' && !route.hasBody && info.status === '200') {
      const paired = getFixture(info) as Json;
      cases.push({
        operationId: info.operationId,
        name: info.name,
        method: route.method,
        path: fillPath(route, paired),
        body: undefined,
        requestId: takesRequestId,
      });
    }
  }
  return cases;
}

function parseHeader(text: string): [string, string] | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const name = text.slice(0, colon).trim();
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return undefined;
  return [name, text.slice(colon + 1).trim()];
}

async function runCase(
  baseUrl: string,
  verifyCase: VerifyCase,
  headers: Array<[string, string]>,
  mode: Mode,
  timeoutMs: number,
): Promise<CaseResult> {
  const started = performance.now();
  const sent = new Headers({ accept: 'application/json' });
  if (verifyCase.body !== undefined) sent.set('content-type', 'application/json');
  if (verifyCase.requestId) sent.set('x-request-id', requestId());
  for (const [name, value] of headers) sent.set(name, value);
  sent.set('prefer', `example=${verifyCase.name}`);
  const result = (status: number | undefined, problems: string[]): CaseResult => ({
    case: verifyCase,
    status,
    ok: problems.length === 0,
    problems,
    ms: performance.now() - started,
  });
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${baseUrl}${verifyCase.path}`, {
      method: verifyCase.method,
      headers: sent,
      body: verifyCase.body === undefined ? undefined : JSON.stringify(verifyCase.body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    text = await response.text();
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    return result(undefined, [`request failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`]);
  }
  const problems: string[] = [];
  const documented = Object.keys(operations[verifyCase.operationId as OperationId]?.responses ?? {});
  const status = response.status;
  if (!documented.includes(String(status)))
    problems.push(`status ${status} is not documented for ${verifyCase.operationId} (documented: ${documented.join(', ')})`);
  else if (status < 200 || status > 299) problems.push(`expected a 2xx answer to a valid request, got ${status}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    problems.push(
      `body is not JSON (content-type ${response.headers.get('content-type') ?? 'none'}): ${JSON.stringify(text.slice(0, 120))}`,
    );
    return result(status, problems);
  }
  if (status >= 300 && typeof (body as Json)?.code === 'string')
    problems.push(`answer: ${(body as Json).code}: ${String((body as Json).message ?? '')}`);
  if (documented.includes(String(status))) {
    const validation = validateResponse(verifyCase.operationId as OperationId, status, body, { mode });
    if (!validation.valid) problems.push(...validation.errors.map((violation) => violation.message));
  }
  return result(status, problems);
}

/** Escapes text for XML content and attributes, dropping characters XML 1.0 cannot carry. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

export function junitReport(results: CaseResult[], baseUrl: string, mode: Mode): string {
  const failures = results.filter((item) => !item.ok).length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = results.reduce((sum, item) => sum + item.ms, 0);
  const cases = results.map((item) => {
    const name = `${item.case.name} ${item.status ?? '-'}`;
    const open = `    <testcase classname="${escapeXml(item.case.operationId)}" name="${escapeXml(name)}" time="${seconds(item.ms)}"`;
    if (item.ok) return `${open}/>`;
    const message = item.problems.join('; ');
    return `${open}>\n      <failure message="${escapeXml(message)}" type="ContractViolation">${escapeXml(
      `${item.case.method} ${baseUrl}${item.case.path} (Prefer: example=${item.case.name})\n${item.problems.join('\n')}`,
    )}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="pivot-contract verify" tests="${results.length}" failures="${failures}" errors="0" time="${seconds(total)}">`,
    `  <testsuite name="${escapeXml(`pivot-contract verify ${baseUrl} (${mode})`)}" tests="${results.length}" failures="${failures}" errors="0" skipped="0" time="${seconds(total)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export async function runVerify(argv: string[], io: Io = console): Promise<number> {
  const options = {
    'base-url': { type: 'string' },
    operation: { type: 'string', multiple: true },
    example: { type: 'string', multiple: true },
    mode: { type: 'string' },
    header: { type: 'string', multiple: true },
    junit: { type: 'string' },
    timeout: { type: 'string' },
    spec: { type: 'string' },
  } as const;
  const parsed = parseCommand(argv, options, USAGE, io);
  if (typeof parsed === 'number') return parsed;
  const args = parsed.values;
  const usage = (message: string) => {
    io.error(`${message}\n${USAGE}`);
    return 2;
  };
  if (!args['base-url']) return usage('--base-url is required');
  let baseUrl: string;
  try {
    const url = new URL(args['base-url']);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return usage(`--base-url must be an http(s) URL, not ${args['base-url']}`);
    baseUrl = url.href.replace(/\/+$/, '');
  } catch {
    return usage(`--base-url is not a URL: ${args['base-url']}`);
  }
  const mode = (args.mode ?? 'strict') as Mode;
  if (mode !== 'strict' && mode !== 'tolerant') return usage(`--mode must be strict or tolerant, not ${args.mode}`);
  const timeoutMs = args.timeout === undefined ? 30_000 : Number(args.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    return usage(`--timeout must be a positive number of milliseconds, not ${args.timeout}`);
  const headers: Array<[string, string]> = [];
  for (const text of args.header ?? []) {
    const parsed = parseHeader(text);
    if (!parsed) return usage(`--header must read 'Name: value', not ${JSON.stringify(text)}`);
    headers.push(parsed);
  }
  const spec = JSON.parse(readFileSync(resolve(args.spec ?? DEFAULT_SPEC), 'utf8')) as Json;
  const routes = loadRoutes(spec);
  const known = new Set(routes.map((route) => route.operationId));
  for (const operationId of args.operation ?? []) {
    if (!known.has(operationId)) {
      const webhook = operations[operationId as OperationId]?.webhook
        ? ' (a webhook: Pivot sends it, there is nothing to call)'
        : '';
      return usage(`unknown operation "${operationId}"${webhook}; operations: ${[...known].sort().join(', ')}`);
    }
  }
  let cases = buildCases(routes);
  if (args.operation?.length) cases = cases.filter((item) => args.operation!.includes(item.operationId));
  if (args.example?.length) {
    const names = new Set(cases.map((item) => item.name));
    const missing = args.example.filter((name) => !names.has(name));
    if (missing.length)
      return usage(
        `no request example named ${missing.map((name) => `"${name}"`).join(', ')}${args.operation?.length ? ` for ${args.operation.join(', ')}` : ''}`,
      );
    cases = cases.filter((item) => args.example!.includes(item.name));
  }

  const results: CaseResult[] = [];
  for (const verifyCase of cases) {
    const outcome = await runCase(baseUrl, verifyCase, headers, mode, timeoutMs);
    results.push(outcome);
    const label = `${verifyCase.operationId} ${verifyCase.name} ${outcome.status ?? '-'}`;
    io.log(outcome.ok ? `✓ ${label}` : `✗ ${label}: ${outcome.problems.join('; ')}`);
  }
  const failed = results.filter((item) => !item.ok).length;
  if (args.junit) {
    const file = resolve(args.junit);
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, junitReport(results, baseUrl, mode));
    } catch (error) {
      io.error(`could not write the JUnit report: ${(error as Error).message}`);
      io.log(`${results.length - failed} passed, ${failed} failed`);
      return 1;
    }
  }
  io.log(`${results.length - failed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}
