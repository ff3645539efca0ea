#!/usr/bin/env node
/**
 * `pivot-contract <command>`: generate | mock | verify | diff. Each command lives in its own module;
 * this file only dispatches.
 */
import { runGenerate } from './generate.ts';
import { runMock } from './mock.ts';
import { runVerify } from './verify.ts';

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  generate: (argv) => runGenerate(argv),
  mock: (argv) => runMock(argv),
  verify: (argv) => runVerify(argv),
};

const USAGE = `usage: pivot-contract <command> [options]

commands:
  generate   render types, models, validators, fixtures and the bundled spec (--help for options)
  mock       serve the contract with Prism behind a validating front layer (--port, --host, --spec)
  verify     send every documented request to --base-url and check the answers against the contract`;

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
