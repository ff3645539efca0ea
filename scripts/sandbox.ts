/**
 * `pivot-contract sandbox`: a local, stateful Pivot Payments v2 server (`sandbox/server.ts`). Every flag
 * has a `PIVOT_SANDBOX_*` environment variable; a flag wins over its variable.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCommand, type Io } from './cli/command.ts';
import { watchAncestors } from './process/lifeline.ts';
import { exposedHostWarning, isOrigin } from './http/serve.ts';
import { DEFAULT_SPEC } from '../generators/spec/package-root.ts';
import { SANDBOX_DEFAULTS, startSandbox, type RunningSandbox } from './sandbox/server.ts';
import type { StoreFactory } from './sandbox/store.ts';

const D = SANDBOX_DEFAULTS;

const USAGE = `usage: pivot-contract sandbox [--port ${D.port}] [--host ${D.host}] [--callback-url URL] [--callback-api-key KEY]
                               [--merchant-id ID] [--merchant-secret SECRET] [--seed TEXT] [--max-sessions N]
                               [--cors ORIGIN] [--data FILE]

  --port              port to listen on (default ${D.port}; 0 picks a free one)       PIVOT_SANDBOX_PORT
  --host              interface to listen on (default ${D.host})                   PIVOT_SANDBOX_HOST
  --callback-url      where payment callbacks are POSTed (default: none, recorded only) PIVOT_SANDBOX_CALLBACK_URL
  --callback-api-key  the X-API-Key sent with each callback (default ${D.callbackApiKey}) PIVOT_SANDBOX_CALLBACK_API_KEY
  --merchant-id       X-MERCHANT-ID accepted by POST /v1/access-token (default ${D.merchantId}) PIVOT_SANDBOX_MERCHANT_ID
  --merchant-secret   X-MERCHANT-SECRET accepted with it (default ${D.merchantSecret})  PIVOT_SANDBOX_MERCHANT_SECRET
  --seed              make ids reproducible (same seed, same ids)                     PIVOT_SANDBOX_SEED
  --max-sessions      sessions kept, the oldest evicted first (default ${D.maxSessions})  PIVOT_SANDBOX_MAX_SESSIONS
  --cors              the one browser origin allowed to call the sandbox (default: CORS off;  PIVOT_SANDBOX_CORS
                      credentials are never allowed)
  --data              keep every piece of state in this SQLite file (created if missing);   PIVOT_SANDBOX_DATA
                      a restart continues where it stopped (default: in memory, lost on exit)
  --spec              bundled OpenAPI document (default: this package's generated/openapi.json)

Open /_sandbox in a browser: the dashboard starts test payments, opens their hosted pages and acts on them.
Control routes (not Pivot's API): POST /_sandbox/clock {"advanceSeconds": n}, GET /_sandbox/sessions/{id},
POST /_sandbox/sessions/{id}/pay|fail|expire|capture|cancel|review|refunds, GET /_sandbox/callbacks,
POST /_sandbox/callbacks/{id}/resend, POST /_sandbox/reset.
Stop with Ctrl-C.`;

const FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'callback-url': { type: 'string' },
  'callback-api-key': { type: 'string' },
  'merchant-id': { type: 'string' },
  'merchant-secret': { type: 'string' },
  seed: { type: 'string' },
  'max-sessions': { type: 'string' },
  cors: { type: 'string' },
  data: { type: 'string' },
  spec: { type: 'string' },
} as const;

/** The SQLite store of `--data`, opened when the sandbox starts. */
async function sqliteStoreFor(file: string): Promise<StoreFactory> {
  const { sqliteStore } = await import('./sandbox/store-sqlite.ts');
  return (limits) => sqliteStore(file, limits);
}

/** A flag's value, else its `PIVOT_SANDBOX_<NAME>` variable. */
function setting(values: Record<string, unknown>, name: keyof typeof FLAGS, env: NodeJS.ProcessEnv): string | undefined {
  const flag = values[name];
  if (typeof flag === 'string') return flag;
  const variable = env[`PIVOT_SANDBOX_${name.toUpperCase().replaceAll('-', '_')}`];
  return variable === '' ? undefined : variable;
}

function integer(text: string | undefined, fallback: number, min: number, max: number): number | undefined {
  if (text === undefined) return fallback;
  const value = Number(text);
  return Number.isInteger(value) && value >= min && value <= max ? value : undefined;
}

export async function runSandbox(argv: string[], io: Io = console, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommand(argv, FLAGS, USAGE, io);
  if (typeof parsed === 'number') return parsed;
  const get = (name: keyof typeof FLAGS) => setting(parsed.values, name, env);
  const port = integer(get('port'), D.port, 0, 65535);
  if (port === undefined) {
    io.error(`--port must be a port number (0-65535), not ${JSON.stringify(get('port'))}\n${USAGE}`);
    return 2;
  }
  const maxSessions = integer(get('max-sessions'), D.maxSessions, 1, 10_000_000);
  if (maxSessions === undefined) {
    io.error(`--max-sessions must be a positive integer, not ${JSON.stringify(get('max-sessions'))}\n${USAGE}`);
    return 2;
  }
  const callbackUrl = get('callback-url');
  if (callbackUrl !== undefined && !URL.canParse(callbackUrl)) {
    io.error(`--callback-url must be an absolute URL, not ${JSON.stringify(callbackUrl)}\n${USAGE}`);
    return 2;
  }
  const cors = get('cors');
  if (cors !== undefined && !isOrigin(cors)) {
    io.error(`--cors must be an origin such as http://localhost:3000, not ${JSON.stringify(cors)}\n${USAGE}`);
    return 2;
  }
  const host = get('host') ?? D.host;
  let document: Record<string, unknown>;
  const spec = resolve(get('spec') ?? DEFAULT_SPEC);
  try {
    document = JSON.parse(readFileSync(spec, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    io.error(`cannot read the bundled spec ${spec}: ${(error as Error).message}`);
    return 2;
  }
  const warning = exposedHostWarning(host, 'sandbox');
  if (warning) io.error(warning);
  const data = get('data');
  let running: RunningSandbox;
  try {
    // Loaded only here: the SQLite driver is a native module the in-process sandbox (MSW) never needs.
    const store = data === undefined ? undefined : await sqliteStoreFor(resolve(data));
    running = await startSandbox({
      store,
      document,
      host,
      port,
      callbackUrl,
      callbackApiKey: get('callback-api-key'),
      merchantId: get('merchant-id'),
      merchantSecret: get('merchant-secret'),
      seed: get('seed'),
      maxSessions,
      cors,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.error(
      code === 'EADDRINUSE'
        ? `port ${port} on ${host} is already in use: choose another with --port`
        : (error as Error).name === 'DataFileError'
          ? (error as Error).message
          : `sandbox failed to start: ${(error as Error).message}`,
    );
    return 1;
  }
  io.log(`pivot sandbox listening on ${running.url}`);
  // The one URL a person needs: the dashboard starts a payment and opens its hosted page.
  io.log(`open ${running.url}/_sandbox in a browser to pay and follow test payments`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      unwatch();
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const unwatch = watchAncestors(() => {
      io.error('the process that started the sandbox has exited: stopping');
      stop();
    });
  });
  await running.close();
  io.log('sandbox stopped');
  return 0;
}
