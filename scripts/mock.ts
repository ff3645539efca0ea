/**
 * `pivot-contract mock`: Prism behind a front layer that answers what the contract rejects in the
 * contract's shape (scripts/mock/server.ts); this module reads the flags and runs it until stopped.
 */
import { parseCommand, type Io } from './cli/command.ts';
import { DEFAULT_SPEC } from '../generators/spec/package-root.ts';
import { exposedHostWarning, isOrigin } from './http/serve.ts';
import { startMock, type MockServer } from './mock/server.ts';
import { untilStopped } from './process/lifeline.ts';

const USAGE = `usage: pivot-contract mock [--port 4010] [--host 127.0.0.1] [--spec generated/openapi.json] [--cors ORIGIN]

  --port   port of the mock (default 4010; 0 picks a free one)
  --host   interface to listen on (default 127.0.0.1; any other prints a warning)
  --spec   bundled OpenAPI document (default: this package's generated/openapi.json)
  --cors   the one browser origin allowed to call the mock, e.g. http://localhost:3000 (default: CORS off;
           credentials are never allowed)

Pick an answer with the Prefer header: "Prefer: example=card-redirect", "Prefer: code=401",
"Prefer: code=400, example=api-validation-error" (documented statuses and examples only). Stop with Ctrl-C.`;

export async function runMock(argv: string[], io: Io = console): Promise<number> {
  const parsed = parseCommand(
    argv,
    { port: { type: 'string' }, host: { type: 'string' }, spec: { type: 'string' }, cors: { type: 'string' } },
    USAGE,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const args = parsed.values;
  const port = args.port === undefined ? 4010 : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.error(`--port must be a port number, not ${JSON.stringify(args.port)}\n${USAGE}`);
    return 2;
  }
  if (args.cors !== undefined && !isOrigin(args.cors)) {
    io.error(`--cors must be an origin such as http://localhost:3000, not ${JSON.stringify(args.cors)}\n${USAGE}`);
    return 2;
  }
  const host = args.host ?? '127.0.0.1';
  const warning = exposedHostWarning(host, 'mock');
  if (warning) io.error(warning);
  let mock: MockServer;
  try {
    mock = await startMock({
      port,
      host,
      spec: args.spec ?? DEFAULT_SPEC,
      cors: args.cors,
      log: (line) => io.log(line),
    });
  } catch (error) {
    io.error(`mock failed to start: ${(error as Error).message}`);
    return 1;
  }
  // Signals are handled before the line that says the mock listens: whoever reads it may stop it at once.
  const stopped = untilStopped(() => io.error('the process that started the mock has exited: stopping'), mock.prismExited);
  io.log(`Pivot Payments v2 mock listening on ${mock.url} (Prism pid ${mock.prismPid})`);
  io.log(
    'Pick an answer with the Prefer header: "Prefer: example=card-redirect", "Prefer: code=401" or "Prefer: code=400, example=api-validation-error".',
  );
  io.log(
    "Invalid requests get the contract's ErrorResponse (400 api_validation_error, 401 credentials_invalid, 404 not_found). Ctrl-C stops.",
  );
  const reason = await stopped;
  if (reason === 'ended') io.error('Prism exited unexpectedly: stopping the mock');
  else if (reason !== 'orphaned') io.log(`${reason}: stopping the mock`);
  await mock.close();
  io.log('mock stopped');
  return reason === 'ended' ? 1 : 0;
}
