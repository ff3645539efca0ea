/**
 * `pivot-contract sandbox`: a local, stateful Pivot Payments v2 server (`sandbox/server.ts`). Every flag
 * has a `PIVOT_SANDBOX_*` environment variable; a flag wins over its variable.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCommand, type Io } from './cli/command.ts';
import { networkInterfaces, hostname } from 'node:os';
import { untilStopped } from './process/lifeline.ts';
import { exposedHostWarning, isLoopback, isOrigin } from './http/hosts.ts';
import { DEFAULT_SPEC } from '../generators/spec/package-root.ts';
import { SANDBOX_DEFAULTS, startSandbox, type RunningSandbox } from './sandbox/server.ts';
import { DEFAULT_STATE_MB } from './sandbox/limits.ts';
import type { StoreFactory } from './sandbox/store.ts';

const D = SANDBOX_DEFAULTS;

const USAGE = `usage: pivot-contract sandbox [--port ${D.port}] [--host ${D.host}] [--callback-url URL] [--callback-api-key KEY]
                               [--merchant-id ID] [--merchant-secret SECRET] [--seed TEXT] [--max-sessions N]
                               [--cors ORIGIN] [--data FILE | --store postgres://…] [--public-url URL]
                               [--control-token SECRET] [--max-state-mb N]

  --port              port to listen on (default ${D.port}; 0 picks a free one)       PIVOT_SANDBOX_PORT
  --host              interface to listen on (default ${D.host}); beyond loopback     PIVOT_SANDBOX_HOST
                      it needs --control-token
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
  --public-url        the origin the sandbox is reached at, for paymentUrl and the Host     PIVOT_SANDBOX_PUBLIC_URL
                      its pages answer (default: where it listens)
  --control-token     a secret every /_sandbox control route and the dashboard then require  PIVOT_SANDBOX_CONTROL_TOKEN
                      as X-Sandbox-Token (required with a --host beyond loopback)
  --max-state-mb      MiB of state kept (sessions, deliveries, keys, customers), the oldest  PIVOT_SANDBOX_MAX_STATE_MB
                      evicted first (default ${DEFAULT_STATE_MB})
  --store             keep the state in PostgreSQL (postgres://user:pass@host:5432/db), PIVOT_SANDBOX_STORE
                      shared by every instance started with the same URL: several instances
                      behind a load balancer behave as one sandbox (README "Running the
                      sandbox for a team"); the schema is created and migrated at start
  --spec              bundled OpenAPI document (default: this package's generated/openapi.json)

Open /_sandbox in a browser: the dashboard starts test payments, opens their hosted pages and acts on them.
Control routes (not Pivot's API; same origin only, JSON bodies, X-Sandbox-Token with --control-token):
POST /_sandbox/clock {"advanceSeconds": n}, GET /_sandbox/sessions/{id}, GET /_sandbox/sessions and
GET /_sandbox/callbacks (?limit=&cursor=, newest first), POST /_sandbox/sessions/{id}/pay|fail|expire|capture|cancel|review|refunds,
POST /_sandbox/callbacks/{id}/resend, POST /_sandbox/reset. Stop with Ctrl-C.`;

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
  'public-url': { type: 'string' },
  'control-token': { type: 'string' },
  'max-state-mb': { type: 'string' },
  store: { type: 'string' },
  spec: { type: 'string' },
} as const;

/** The names a client on another machine may use for this one, when listening on every interface. */
function reachableNames(host: string): string[] {
  if (!['0.0.0.0', '::', '[::]'].includes(host)) return [];
  const addresses = Object.values(networkInterfaces()).flatMap((entries) => (entries ?? []).map((entry) => entry.address));
  return [hostname(), ...addresses];
}

/** Errors of opening a store whose message is the whole story (it names the file or database and the problem). */
const STORE_ERRORS = new Set(['DataFileError', 'PostgresStoreError']);

/** The SQLite store of `--data`, opened when the sandbox starts. */
async function sqliteStoreFor(file: string): Promise<StoreFactory> {
  const { sqliteStore } = await import('./sandbox/store-sqlite.ts');
  return (limits) => sqliteStore(file, limits);
}

/** The PostgreSQL store of `--store`: connected and migrated before the sandbox starts. */
async function postgresStoreFor(url: string): Promise<StoreFactory> {
  const { connectPostgres, postgresStore } = await import('./sandbox/store-postgres.ts');
  const database = await connectPostgres(url);
  return (limits) => postgresStore(database, limits);
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
  const publicUrl = get('public-url');
  if (publicUrl !== undefined && !isOrigin(publicUrl)) {
    io.error(`--public-url must be an origin such as https://sandbox.example:8443, not ${JSON.stringify(publicUrl)}\n${USAGE}`);
    return 2;
  }
  const controlToken = get('control-token');
  if (controlToken !== undefined && controlToken.length < 16) {
    io.error(`--control-token must be at least 16 characters\n${USAGE}`);
    return 2;
  }
  if (!isLoopback(host) && controlToken === undefined) {
    io.error(
      `--host ${host} is reachable from other machines: the sandbox's control routes (reset, clock) and page would be\n` +
        `open to them. Give a secret with --control-token (callers send it as X-Sandbox-Token), or listen on ${D.host}.`,
    );
    return 2;
  }
  const maxStateMb = integer(get('max-state-mb'), DEFAULT_STATE_MB, 1, 1_048_576);
  if (maxStateMb === undefined) {
    io.error(`--max-state-mb must be a positive integer, not ${JSON.stringify(get('max-state-mb'))}\n${USAGE}`);
    return 2;
  }
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
  const storeUrl = get('store');
  if (storeUrl !== undefined && data !== undefined) {
    io.error(`--store and --data cannot be used together: the state lives in PostgreSQL or in a SQLite file\n${USAGE}`);
    return 2;
  }
  if (storeUrl !== undefined && !/^postgres(ql)?:\/\/./i.test(storeUrl)) {
    // The value is not echoed back: a URL of another database may carry a password.
    io.error(
      `--store takes a PostgreSQL URL (postgres://… or postgresql://…), such as postgres://user:password@localhost:5432/pivot\n${USAGE}`,
    );
    return 2;
  }
  let running: RunningSandbox;
  try {
    // Loaded only here: the database drivers are what the in-process sandbox (MSW) never needs.
    const store =
      storeUrl !== undefined
        ? await postgresStoreFor(storeUrl)
        : data !== undefined
          ? await sqliteStoreFor(resolve(data))
          : undefined;
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
      maxStateMb,
      cors,
      publicUrl,
      controlToken,
      hosts: reachableNames(host),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.error(
      code === 'EADDRINUSE'
        ? `port ${port} on ${host} is already in use: choose another with --port`
        : STORE_ERRORS.has((error as Error).name)
          ? (error as Error).message
          : `sandbox failed to start: ${(error as Error).message}`,
    );
    return 1;
  }
  // Signals are handled before the line that says the sandbox listens: whoever reads it may stop it at once.
  const stopped = untilStopped(() => io.error('the process that started the sandbox has exited: stopping'));
  io.log(`pivot sandbox listening on ${running.url}`);
  // The one URL a person needs: the dashboard starts a payment and opens its hosted page.
  io.log(`open ${running.url}/_sandbox in a browser to pay and follow test payments`);
  await stopped;
  await running.close();
  io.log('sandbox stopped');
  return 0;
}
