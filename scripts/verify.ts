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
 * `--flows` (or `--flow NAME`) runs the lifecycle flows of `verify/flows.ts` instead of the examples,
 * on the same runner (`verify/run-flows.ts`); `--callback-port` receives the callbacks they cause
 * (`verify/callbacks.ts`).
 *
 * Output: one line per step (`✓ createPaymentSession card-redirect 200`, `✗ … 200: /data/status is
 * required; …`), then `N passed, N failed` alone on the last line. `--junit file.xml` also writes a
 * JUnit report, one testsuite per operation, flow or negative suite.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import type { Io } from './cli/command.ts';
import { ACCESS_TOKEN_OPERATION, issuedToken, needsTokenStep, type AuthContext } from './verify/auth.ts';
import { startReceiver, type CallbackReceiver } from './verify/callbacks.ts';
import { actsOnRunData } from './verify/targets.ts';
import { exampleStep, runExamples } from './verify/examples.ts';
import { seconds, waitForServer } from './verify/exchange.ts';
import { junitReport } from './verify/junit.ts';
import { negativeRequests, negativeStep } from './verify/negative.ts';
import { parseVerifyArgs } from './verify/options.ts';
import { probeServer, serverNow } from './verify/probe.ts';
import { runFlows } from './verify/run-flows.ts';
import { createRunner, EXIT, StopRun } from './verify/runner.ts';

export { escapeXml, junitReport } from './verify/junit.ts';
export { buildCases, exampleStep, type VerifyCase } from './verify/examples.ts';
export { requestId, clientReferenceId } from './verify/keys.ts';
export { parseDuration } from './verify/options.ts';

export async function runVerify(argv: string[], io: Io = console, env: Record<string, string | undefined> = process.env) {
  const options = parseVerifyArgs(argv, io, env);
  if (typeof options === 'number') return options;
  const { baseUrl, mode, allCases, routes, junit } = options;
  let cases = options.cases;

  if (options.waitMs !== undefined) {
    const reason = await waitForServer(baseUrl, options.waitMs);
    if (reason !== undefined) {
      io.error(`cannot reach ${baseUrl} within ${seconds(options.waitMs)} (--wait-for-server): ${reason}`);
      return EXIT.unreachable;
    }
  }

  let receiver: CallbackReceiver | undefined;
  if (options.callbacks) {
    try {
      receiver = await startReceiver(options.callbacks.port);
    } catch (error) {
      io.error(`cannot receive callbacks on 127.0.0.1:${options.callbacks.port} (--callback-port): ${(error as Error).message}`);
      return EXIT.usage;
    }
  }

  const auth: AuthContext = { extra: options.headers, merchant: options.merchant, token: undefined };
  const runner = createRunner({
    baseUrl,
    timeoutMs: options.timeoutMs,
    deadlineMs: options.deadlineMs,
    log: (line) => io.log(line),
  });
  // The access-token step comes first: every other call needs its token. It is the first documented
  // createAccessToken example, which the example suite then does not send a second time.
  const tokenCase = needsTokenStep(auth) ? allCases.find((item) => item.operationId === ACCESS_TOKEN_OPERATION) : undefined;
  if (tokenCase) cases = cases.filter((item) => item !== tokenCase);
  const flows = options.flows;
  const negative = options.negative ? negativeRequests(routes, options.operations) : [];
  const suite = flows ? flows.reduce((sum, flow) => sum + flow.steps.length, 0) : cases.length;
  let planned = (tokenCase ? 1 : 0) + suite + negative.length;
  try {
    if (tokenCase) {
      const { result, answer } = await runner.run(exampleStep(tokenCase, auth, mode, Date.now()));
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
    const server = await probeServer(runner, auth, flows !== undefined || cases.some((item) => actsOnRunData(item.operationId)));
    // Steps are built as they are sent, so each carries fresh keys, the issued token and the server's time.
    if (flows) {
      if (server.state === 'none') {
        io.error(
          `--flows needs a server that keeps state (the sandbox, or Pivot's): ${baseUrl} answers documented examples without keeping any, ${server.stateless}. Run the examples and --negative against it instead.`,
        );
        return EXIT.usage;
      }
      if (!server.control)
        io.log(
          `no sandbox control routes at ${baseUrl} (${server.controlMissing}): transitions are checked from the answers, and steps that need the hosted page or the clock are skipped`,
        );
      if (receiver) io.log(`receiving callbacks at ${receiver.url} (the provider's callback URL must point here)`);
      else if (flows.some((flow) => flow.steps.some((step) => step.callbacks.length > 0)))
        io.log("callbacks are not checked: give --callback-port P and point the provider's callback URL at http://127.0.0.1:P/");
      await runFlows(flows, {
        runner,
        auth,
        mode,
        routes,
        timeoutMs: options.timeoutMs,
        tokenCase: allCases.find((item) => item.operationId === ACCESS_TOKEN_OPERATION),
        server,
        callbacks: receiver && options.callbacks ? { receiver, check: { ...options.callbacks, mode } } : undefined,
        log: (line) => io.log(line),
      });
    } else {
      if (server.state === 'none')
        io.log(`○ ${baseUrl} keeps no state (${server.stateless}): the calls on a session are sent with the documented ids`);
      planned += await runExamples(cases, {
        runner,
        auth,
        mode,
        allCases,
        now: () => serverNow(runner, server),
        stateful: server.state === 'kept',
        log: (line) => io.log(line),
      });
    }
    const now = await serverNow(runner, server);
    for (const request of negative) await runner.run(negativeStep(request, auth, mode, now));
  } catch (error) {
    if (!(error instanceof StopRun)) throw error;
    if (error.exitCode === EXIT.unreachable) {
      io.error(error.message);
      return EXIT.unreachable;
    }
  } finally {
    runner.close();
    await receiver?.close();
  }
  return summary();

  function summary(): number {
    const results = runner.results;
    const failed = results.filter((item) => item.problems.length > 0).length;
    const skipped = results.filter((item) => item.skipped !== undefined).length;
    const notSent = planned - results.filter((item) => !item.check).length;
    const line =
      `${results.length - failed - skipped} passed, ${failed} failed` +
      `${skipped > 0 ? `, ${skipped} skipped` : ''}${notSent > 0 ? `, ${notSent} not sent` : ''}`;
    if (junit) {
      const file = resolve(junit);
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
