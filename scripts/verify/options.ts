/**
 * `pivot-contract verify`'s flags: parsed, checked (every mistake is a usage error, exit 2, before
 * anything is sent) and resolved into what the run needs.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { operations, type Mode, type OperationId } from 'pivot-payments-contract/validators';
import { parseCommand, type Io } from '../cli/command.ts';
import { DEFAULT_SPEC } from '../../generators/spec/package-root.ts';
import { loadRoutes, type Route } from '../http/routes.ts';
import { resolveCredentials, type Credentials } from './auth.ts';
import { buildCases, type VerifyCase } from './examples.ts';
import { listFlows, selectFlows, type Flow } from './flows.ts';
import { EXIT } from './runner.ts';

export interface VerifyOptions {
  baseUrl: string;
  mode: Mode;
  timeoutMs: number;
  deadlineMs: number;
  /** `--wait-for-server`, when given. */
  waitMs: number | undefined;
  headers: Array<[string, string]>;
  merchant: Credentials | undefined;
  negative: boolean;
  junit: string | undefined;
  /** `--operation`s, when given. */
  operations: string[] | undefined;
  routes: Route[];
  /** Every documented example case, and those `--operation` / `--example` select. */
  allCases: VerifyCase[];
  cases: VerifyCase[];
  /** `--flows` / `--flow`: the flows to run instead of the examples. */
  flows: Flow[] | undefined;
  /** `--callback-port` and what the callback check needs, when given. */
  callbacks: { port: number; timeoutMs: number; apiKey: string } | undefined;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_DEADLINE_MS = 50_000;
const MAX_DURATION_MS = 3_600_000;
const DEFAULT_CALLBACK_TIMEOUT_MS = 5_000;
/** The sandbox's default `--callback-api-key` (scripts/sandbox/server.ts SANDBOX_DEFAULTS). */
const DEFAULT_CALLBACK_API_KEY = 'sandbox-callback-key';

export const USAGE = `usage: pivot-contract verify --base-url URL [--operation id]... [--example name]... [--mode strict|tolerant]
                              [--flows | --flow NAME...] [--callback-port P [--callback-timeout 5] [--callback-api-key KEY]]
                              [--merchant-id ID --merchant-secret SECRET] [--header 'K: V']... [--negative]
                              [--timeout 10] [--deadline 50] [--wait-for-server SECONDS] [--junit file.xml]
       pivot-contract verify --list

  --base-url         server to test (the mock, a sandbox, any implementation of the contract)
  --operation        only this operationId (repeatable)
  --example          only this example name (repeatable)
  --flows            run the lifecycle flows instead of the examples: create with fresh keys, then confirm /
                     simulate / capture / cancel the session the server returned, checking each status, body
                     and documented transition, idempotent replays and callbacks. Steps that need the sandbox's
                     control routes (/_sandbox: hosted page, clock) are skipped elsewhere, with one line
  --flow             only this flow (repeatable; implies --flows); --list prints them
  --callback-port    receive callbacks on http://127.0.0.1:P/ during the flows (start the sandbox with
                     --callback-url http://127.0.0.1:P/): each flow waits for the callbacks its steps cause,
                     checks each body (PaymentCallback), its X-API-Key and their order
  --callback-timeout seconds each flow waits for its callbacks (default ${DEFAULT_CALLBACK_TIMEOUT_MS / 1000})
  --callback-api-key the X-API-Key callbacks must carry (default: $PIVOT_CALLBACK_API_KEY, else the
                     sandbox's ${DEFAULT_CALLBACK_API_KEY})
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
  --list             print the flows and exit

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

type Json = Record<string, any>;

/** The run's options, or the exit code to return (0 after `--help`, 2 after a usage error). */
export function parseVerifyArgs(argv: string[], io: Io, env: Record<string, string | undefined>): VerifyOptions | number {
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
    flows: { type: 'boolean' },
    flow: { type: 'string', multiple: true },
    list: { type: 'boolean' },
    'callback-port': { type: 'string' },
    'callback-timeout': { type: 'string' },
    'callback-api-key': { type: 'string' },
  } as const;
  const parsed = parseCommand(argv, options, USAGE, io);
  if (typeof parsed === 'number') return parsed;
  const args = parsed.values;
  const usage = (message: string) => {
    io.error(`${message}\n${USAGE}`);
    return EXIT.usage;
  };
  if (args.list) {
    for (const line of listFlows()) io.log(line);
    return EXIT.passed;
  }
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
  const durations: Record<'timeout' | 'deadline' | 'wait-for-server' | 'callback-timeout', number | undefined> = {
    timeout: DEFAULT_TIMEOUT_MS,
    deadline: DEFAULT_DEADLINE_MS,
    'wait-for-server': undefined,
    'callback-timeout': DEFAULT_CALLBACK_TIMEOUT_MS,
  };
  for (const name of ['timeout', 'deadline', 'wait-for-server', 'callback-timeout'] as const) {
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
  const wantsFlows = args.flows === true || (args.flow?.length ?? 0) > 0;
  let flows: Flow[] | undefined;
  if (wantsFlows) {
    if (args.operation?.length || args.example?.length)
      return usage('--operation and --example choose examples; with --flows choose flows with --flow');
    const selected = selectFlows(args.flow);
    if (typeof selected === 'string') return usage(selected);
    flows = selected;
  }
  let callbacks: VerifyOptions['callbacks'];
  if (args['callback-port'] !== undefined) {
    const port = Number(args['callback-port']);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      return usage(`--callback-port must be a port number (0-65535), not ${JSON.stringify(args['callback-port'])}`);
    if (!flows) return usage('--callback-port needs --flows (the examples cause no callbacks to wait for)');
    callbacks = {
      port,
      timeoutMs: durations['callback-timeout']!,
      apiKey: args['callback-api-key'] ?? env.PIVOT_CALLBACK_API_KEY ?? DEFAULT_CALLBACK_API_KEY,
    };
  } else if (args['callback-timeout'] !== undefined || args['callback-api-key'] !== undefined) {
    return usage('--callback-timeout and --callback-api-key apply to the receiver: give --callback-port too');
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

  return {
    baseUrl,
    mode,
    timeoutMs,
    deadlineMs,
    waitMs: durations['wait-for-server'],
    headers,
    merchant,
    negative: args.negative ?? false,
    junit: args.junit,
    operations: args.operation,
    routes,
    allCases,
    cases,
    flows,
    callbacks,
  };
}
