#!/usr/bin/env node
/**
 * `pivot-contract <command>`: generate | mock | verify | diff. Each command lives in its own module;
 * this file only dispatches.
 */
import { runGenerate } from './generate.ts';

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  generate: (argv) => runGenerate(argv),
};

const USAGE = `usage: pivot-contract <command> [options]

commands:
  generate   render types, models, validators, fixtures and the bundled spec (--help for options)`;

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
