#!/usr/bin/env node
/**
 * `pivot-contract <command>`: generate | mock | sandbox | verify | diff. Each command lives in its own module;
 * this file only dispatches.
 */
// Commands load lazily: `generate` must not need the mock's dependencies, and startup stays short.
const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  generate: async (argv) => (await import('./generate.ts')).runGenerate(argv),
  mock: async (argv) => (await import('./mock.ts')).runMock(argv),
  sandbox: async (argv) => (await import('./sandbox.ts')).runSandbox(argv),
  verify: async (argv) => (await import('./verify.ts')).runVerify(argv),
  diff: async (argv) => (await import('./diff.ts')).runDiff(argv),
};

const USAGE = `usage: pivot-contract <command> [options]

commands:
  generate   render types, models, validators, fixtures and the bundled spec (--help for options)
  mock       serve the contract with Prism behind a validating front layer (--port, --host, --spec)
  sandbox    a local, stateful Pivot server: lifecycles, idempotency, callbacks, a payment page
  verify     send every documented request to --base-url and check the answers against the contract
  diff       classify the changes between two specs as breaking or not (exit 1 on breaking)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) {
    console.error(`unknown command "${command}"\n${USAGE}`);
    return 2;
  }
  return run(rest);
}

process.exitCode = await main(process.argv.slice(2));
