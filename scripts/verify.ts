/**
 * `pivot-contract verify --base-url URL`: the provider-side contract test. Sends every documented
 * request example (or those chosen with `--operation` / `--example`) to a server — the mock, Pivot's
 * sandbox, or any implementation — and checks each answer against the contract:
 *
 * - the status is documented for the operation and is 2xx (every request example is valid);
 * - the body validates with the generated `validateResponse(operationId, status, body, { mode })`.
 *
 * What is sent: the operation's method and path from the bundled spec (`examples.ts`); a fresh
 * `X-REQUEST-ID` and, on creates, a fresh `clientReferenceId` for every request, so a real server never
 * answers a replay (`keys.ts`); the `--header`s; the credentials (`auth.ts`): with `--merchant-id` /
 * `--merchant-secret` the run starts with `createAccessToken` and sends the issued token as
 * `Authorization: Bearer …`, unless an `Authorization` `--header` is given; and `Prefer:
 * example=<name>`, which picks the paired answer on the mock and is ignored elsewhere.
 * `--negative` adds the contract's table of invalid requests, each of which must be rejected with a 4xx
 * `ErrorResponse` (`negative.ts`).
 *
 * The runner (`runner.ts`, `exchange.ts`) bounds every request (`--timeout`) and the whole run
 * (`--deadline`), stops at once with one line when the server cannot be reached, and turns HTML,
 * non-JSON, 5xx answers and hangs into one readable failure line each.
 *
 * Output: one line per step (`✓ createPaymentSession card-redirect 200`, `✗ … 200: /data/status is
 * required; …`), then `N passed, N failed` alone on the last line. `--junit file.xml` also writes a
 * JUnit report.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { operations, type Mode, type OperationId } from 'pivot-payments-contract/validators';
import { parseCommand, type Io } from './lib/command.ts';
import { DEFAULT_SPEC, loadRoutes } from './mock.ts';
import {
  ACCESS_TOKEN_OPERATION,
  issuedToken,
  needsTokenStep,
  requestHeaders,
  resolveCredentials,
  type AuthContext,
} from './verify/auth.ts';
import { judgeSuccess } from './verify/checks.ts';
import { buildCases, type VerifyCase } from './verify/examples.ts';
import { seconds, waitForServer } from './verify/exchange.ts';
import { junitReport } from './verify/junit.ts';
import { withFreshReference } from './verify/keys.ts';
import { negativeRequests, negativeStep } from './verify/negative.ts';
import { createRunner, EXIT, StopRun, type Step } from './verify/runner.ts';

export { escapeXml, junitReport } from './verify/junit.ts';
export { buildCases, type VerifyCase } from './verify/examples.ts';
export { requestId, clientReferenceId } from './verify/keys.ts';

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_DEADLINE_MS = 50_000;
const MAX_DURATION_MS = 3_600_000;

const USAGE = `usage: pivot-contract verify --base-url URL [--operation id]... [--example name]... [--mode strict|tolerant]
                              [--merchant-id ID --merchant-secret SECRET] [--header 'K: V']... [--negative]
                              [--timeout 10] [--deadline 50] [--wait-for-server SECONDS] [--junit file.xml]

  --base-url         server to test (the mock, a sandbox, any implementation of the contract)
  --operation        only this operationId (repeatable)
  --example          only this example name (repeatable)
  --mode             strict (default: unknown response properties fail) or tolerant (they are accepted)
  --merchant-id      merchant credentials (default: $PIVOT_MERCHANT_ID, $PIVOT_MERCHANT_SECRET): the run starts
  --merchant-secret  with createAccessToken (X-MERCHANT-ID / X-MERCHANT-SECRET) and sends the issued token as
                     'Authorization: Bearer …', unless an Authorization --header is given
  --header           extra request header, e.g. 'Authorization: Bearer <token>' (repeatable)
  --negative         also send the contract's invalid requests (and a bad X-REQUEST-ID, no credentials):
                     each must get a 4xx ErrorResponse, never a 2xx or 5xx
  --timeout          seconds to wait for each answer (default ${DEFAULT_TIMEOUT_MS / 1000}; '500ms' also works)
  --deadline         seconds for the whole run, after --wait-for-server (default ${DEFAULT_DEADLINE_MS / 1000}): what
                     is not answered by then fails, what is not sent yet is counted as not sent
  --wait-for-server  first poll --base-url for up to this many seconds until it gives any HTTP answer
                     (for 'pivot-contract mock &' followed by verify in CI)
  --junit            also write a JUnit XML report to this file
  --spec             bundled OpenAPI document for methods and paths (default: this package's generated/openapi.json)

Every create gets a fresh X-REQUEST-ID and clientReferenceId. Exit codes: 0 every step passed,
1 contract failures (or the deadline passed), 2 usage error, 3 cannot reach the server (one line).`;

/** Seconds (`10`, `0.5`, `10s`) or milliseconds (`500ms`) → milliseconds; undefined when not a positive duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?|\.\d+)(ms|s)?$/.exec(text.trim());
  if (!match) return undefined;
  const ms = match[2] === 'ms' ? Number(match[1]) : Number(match[1]) * 1000;
  return ms > 0 && Number.isFinite(ms) ? Math.round(ms) : undefined;
}

function parseHeader(text: string): [string, string] | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const name = text.slice(0, colon).trim();
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return undefined;
  return [name, text.slice(colon + 1).trim()];
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
  };
}

type Json = Record<string, any>;

export async function runVerify(argv: string[], io: Io = console, env: Record<string, string | undefined> = process.env) {
  const options = {
    'base-url': { type: 'string' },
    operation: { type: 'string', multiple: true },
    example: { type: 'string', multiple: true },
    mode: { type: 'string' },
    header: { type: 'string', multiple: true },
    'merchant-id': { type: 'string' },
    'merchant-secret': { type: 'string' },
    negative: { type: 'boolean' },
    junit: { type: 'string' },
    timeout: { type: 'string' },
    deadline: { type: 'string' },
    'wait-for-server': { type: 'string' },
    spec: { type: 'string' },
  } as const;
  const parsed = parseCommand(argv, options, USAGE, io);
  if (typeof parsed === 'number') return parsed;
  const args = parsed.values;
  const usage = (message: string) => {
    io.error(`${message}\n${USAGE}`);
    return EXIT.usage;
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
  const durations: Record<'timeout' | 'deadline' | 'wait-for-server', number | undefined> = {
    timeout: DEFAULT_TIMEOUT_MS,
    deadline: DEFAULT_DEADLINE_MS,
    'wait-for-server': undefined,
  };
  for (const name of ['timeout', 'deadline', 'wait-for-server'] as const) {
    const text = args[name];
    if (text === undefined) continue;
    durations[name] = parseDuration(text);
    if (durations[name] === undefined)
      return usage(`--${name} must be a positive number of seconds (or '500ms'), not ${JSON.stringify(text)}`);
    // Catches the 0.1.0 habit of milliseconds (`--timeout 30000` would now be 8 hours).
    if (durations[name]! > MAX_DURATION_MS)
      return usage(`--${name} ${text} is more than an hour: durations are in seconds (write '${text}ms' for milliseconds)`);
  }
  const timeoutMs = durations.timeout!;
  const deadlineMs = durations.deadline!;
  const headers: Array<[string, string]> = [];
  for (const text of args.header ?? []) {
    const header = parseHeader(text);
    if (!header) return usage(`--header must read 'Name: value', not ${JSON.stringify(text)}`);
    headers.push(header);
  }
  const merchant = resolveCredentials(args, env);
  if (typeof merchant === 'string') return usage(merchant);
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
  const allCases = buildCases(routes);
  let cases = allCases;
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

  if (durations['wait-for-server'] !== undefined) {
    const reason = await waitForServer(baseUrl, durations['wait-for-server']);
    if (reason !== undefined) {
      io.error(`cannot reach ${baseUrl} within ${seconds(durations['wait-for-server'])} (--wait-for-server): ${reason}`);
      return EXIT.unreachable;
    }
  }

  const auth: AuthContext = { extra: headers, merchant, token: undefined };
  const runner = createRunner({ baseUrl, timeoutMs, deadlineMs, log: (line) => io.log(line) });
  // The access-token step comes first: every other call needs its token. It is the first documented
  // createAccessToken example, which the example suite then does not send a second time.
  const tokenCase = needsTokenStep(auth) ? allCases.find((item) => item.operationId === ACCESS_TOKEN_OPERATION) : undefined;
  if (tokenCase) cases = cases.filter((item) => item !== tokenCase);
  const negative = args.negative ? negativeRequests(routes, args.operation) : [];
  const planned = (tokenCase ? 1 : 0) + cases.length + negative.length;
  try {
    if (tokenCase) {
      const { result, answer } = await runner.run(exampleStep(tokenCase, auth, mode));
      auth.token = result.problems.length === 0 && answer?.json ? issuedToken(answer.json.value) : undefined;
      if (auth.token === undefined) {
        const others = planned - 1;
        if (others > 0)
          io.log(
            `no access token was issued: ${others === 1 ? 'the other step needs one and was' : `the other ${others} steps need one and were`} not sent`,
          );
        return summary();
      }
    }
    // Steps are built as they are sent, so each carries fresh keys and the issued token.
    for (const verifyCase of cases) await runner.run(exampleStep(verifyCase, auth, mode));
    for (const request of negative) await runner.run(negativeStep(request, auth, mode));
  } catch (error) {
    if (!(error instanceof StopRun)) throw error;
    if (error.exitCode === EXIT.unreachable) {
      io.error(error.message);
      return EXIT.unreachable;
    }
  } finally {
    runner.close();
  }
  return summary();

  function summary(): number {
    const results = runner.results;
    const failed = results.filter((item) => item.problems.length > 0).length;
    const notSent = planned - results.length;
    const line = `${results.length - failed} passed, ${failed} failed${notSent > 0 ? `, ${notSent} not sent` : ''}`;
    if (args.junit) {
      const file = resolve(args.junit);
      try {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, junitReport(results, baseUrl, mode));
      } catch (error) {
        io.error(`could not write the JUnit report: ${(error as Error).message}`);
        io.log(line);
        return EXIT.failed;
      }
    }
    io.log(line);
    return failed > 0 || notSent > 0 ? EXIT.failed : EXIT.passed;
  }
}
