/**
 * `pivot-contract proxy`: stands between a merchant's code and Pivot's API (staging, or the local
 * sandbox), passes every exchange on unchanged and reports where either side leaves the contract
 * (`proxy/server.ts`). This module reads the flags and runs it until SIGINT or SIGTERM, then prints the
 * summary and exits 0.
 */
import { isAbsolute, resolve } from 'node:path';
import { parseCommand, usageError, type Io } from './cli/command.ts';
import { exposedHostWarning } from './http/serve.ts';
import { untilStopped } from './process/lifeline.ts';
import { CALLBACK_PATH } from './proxy/callbacks.ts';
import { startProxy, targetUrlProblem, type RunningProxy } from './proxy/server.ts';

const DEFAULT_PORT = 4012;

const USAGE = `usage: pivot-contract proxy --upstream URL [--port ${DEFAULT_PORT}] [--host 127.0.0.1] [--mode tolerant|strict]
                             [--report FILE.jsonl] [--callback-to URL] [--callback-api-key KEY]

  --upstream          where requests go: https://api-stg.pivot-payment.com, or the sandbox http://127.0.0.1:4011
  --port              port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host              interface to listen on (default 127.0.0.1; any other prints a warning)
  --mode              how Pivot's answers and callbacks are checked: tolerant (default: the deviations the
                      errata register documents are warnings) or strict; the merchant's requests are always strict
  --report            append one JSON line per exchange to this file (secrets redacted)
  --callback-to       the merchant's callback endpoint: callbacks POSTed to ${CALLBACK_PATH} are checked and passed on
  --callback-api-key  the callback API key genuine callbacks carry in X-API-Key (default $PIVOT_CALLBACK_API_KEY)

Every request and answer is passed on unchanged (redirects too). Each violation is one stderr line
beginning "✗ ", each tolerated deviation one beginning "⚠ ". Ctrl-C or SIGTERM prints
"N exchanges, M with violations" and exits 0. \`pivot-contract report FILE.jsonl\` summarises a saved report.`;

const FLAGS = {
  upstream: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  mode: { type: 'string' },
  report: { type: 'string' },
  'callback-to': { type: 'string' },
  'callback-api-key': { type: 'string' },
} as const;

export async function runProxy(argv: string[], io: Io = console, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommand(argv, FLAGS, USAGE, io);
  if (typeof parsed === 'number') return parsed;
  const args = parsed.values;
  if (args.upstream === undefined) return usageError(io, 'missing --upstream URL', USAGE);
  const upstreamIssue = targetUrlProblem(args.upstream, { query: false });
  if (upstreamIssue) return usageError(io, `--upstream ${upstreamIssue}, not ${JSON.stringify(args.upstream)}`, USAGE);
  const port = args.port === undefined ? DEFAULT_PORT : Number(args.port);
  if (!/^\d+$/.test(args.port ?? '0') || !Number.isInteger(port) || port > 65535)
    return usageError(io, `--port must be a port number (0-65535), not ${JSON.stringify(args.port)}`, USAGE);
  const mode = args.mode ?? 'tolerant';
  if (mode !== 'tolerant' && mode !== 'strict')
    return usageError(io, `--mode must be tolerant or strict, not ${JSON.stringify(args.mode)}`, USAGE);
  const callbackTo = args['callback-to'];
  const callbackIssue = callbackTo === undefined ? undefined : targetUrlProblem(callbackTo, { query: true });
  if (callbackIssue) return usageError(io, `--callback-to ${callbackIssue}, not ${JSON.stringify(callbackTo)}`, USAGE);
  const callbackApiKey = args['callback-api-key'] ?? (env.PIVOT_CALLBACK_API_KEY || undefined);
  if (callbackApiKey !== undefined && callbackTo === undefined)
    return usageError(io, '--callback-api-key checks callbacks: it needs --callback-to', USAGE);
  const host = args.host ?? '127.0.0.1';
  const report = args.report === undefined ? undefined : isAbsolute(args.report) ? args.report : resolve(args.report);

  const warning = exposedHostWarning(host, 'proxy');
  if (warning) io.error(warning);
  let proxy: RunningProxy;
  try {
    proxy = await startProxy({
      upstream: args.upstream,
      host,
      port,
      mode,
      report,
      callbackTo,
      callbackApiKey,
      log: (line) => io.log(line),
      warn: (line) => io.error(line),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.error(
      code === 'EADDRINUSE'
        ? `port ${port} on ${host} is already in use: choose another with --port`
        : report !== undefined && (error as NodeJS.ErrnoException).path === report
          ? `cannot open the report ${report}: ${(error as Error).message}`
          : `proxy failed to start: ${(error as Error).message}`,
    );
    return 1;
  }
  // Signals are handled before the line that says the proxy listens: whoever reads it may stop it at once.
  const stopped = untilStopped(() => io.error('the process that started the proxy has exited: stopping'));
  io.log(`pivot proxy listening on ${proxy.url} → ${args.upstream} (answers checked ${mode}, requests strict)`);
  if (callbackTo !== undefined)
    io.log(`callbacks: register ${proxy.url}${CALLBACK_PATH} at Pivot; they are passed on to ${callbackTo}`);
  if (report !== undefined) io.log(`report: ${report} (one JSON line per exchange, appended)`);
  await stopped;
  await proxy.close();
  io.log(proxy.summary.line());
  return 0;
}
