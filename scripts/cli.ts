#!/usr/bin/env node
/**
 * `pivot-contract <command>`: generate | mock | sandbox | verify | diff | proxy | report. Each command lives in its own module;
 * this file only dispatches.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unknownName, USAGE_ERROR } from './cli/command.ts';
import { tuneForOneShot } from './cli/one-shot.ts';
import { REPO_ROOT } from '../generators/spec/package-root.ts';

// Commands load lazily: `generate` must not need the mock's dependencies, and startup stays short.
const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  generate: async (argv) => {
    tuneForOneShot();
    return (await import('./generate.ts')).runGenerate(argv);
  },
  mock: async (argv) => (await import('./mock.ts')).runMock(argv),
  sandbox: async (argv) => (await import('./sandbox.ts')).runSandbox(argv),
  verify: async (argv) => (await import('./verify.ts')).runVerify(argv),
  diff: async (argv) => (await import('./diff.ts')).runDiff(argv),
  proxy: async (argv) => (await import('./proxy.ts')).runProxy(argv),
  report: async (argv) => (await import('./report.ts')).runReport(argv),
};

const USAGE = `usage: pivot-contract <command> [options]
       pivot-contract help <command> | --help | --version

commands:
  generate   render types, models, validators, fixtures and the bundled spec (--help for options)
  mock       serve the contract with Prism behind a validating front layer (--port, --host, --spec)
  sandbox    a local, stateful Pivot server: lifecycles, idempotency, callbacks, a payment page
  verify     send every documented request to --base-url and check the answers against the contract
  diff       classify the changes between two specs as breaking or not (exit 1 on breaking)
  proxy      stand between your code and Pivot (or the sandbox): pass traffic on unchanged, report contract violations
  report     summarise a saved proxy report; --fixtures writes the observed answers as candidate examples`;

/** The CLI package's version (in a checkout, the repository's: the two packages are versioned together). */
function packageVersion(): string {
  try {
    const parsed = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: string };
    return parsed.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `help <command>` is `<command> --help`; bare `help` is the overview. */
function helpTarget(rest: string[]): string[] | undefined {
  const [topic, ...extra] = rest;
  if (topic === undefined) return undefined;
  return [topic, '--help', ...extra];
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (command === '--version' || command === '-v') {
    console.log(packageVersion());
    return 0;
  }
  if (command === undefined) {
    console.error(`missing command\n\n${USAGE}`);
    return USAGE_ERROR;
  }
  if (command === 'help') {
    const target = helpTarget(rest);
    if (target === undefined) {
      console.log(USAGE);
      return 0;
    }
    if (target.length > 2) {
      console.error(`unexpected argument "${target[2]}"\n\n${USAGE}`);
      return USAGE_ERROR;
    }
    return main(target);
  }
  const run = COMMANDS[command];
  if (!run) {
    console.error(`${unknownName('command', command, [...Object.keys(COMMANDS), 'help'])}\n\n${USAGE}`);
    return USAGE_ERROR;
  }
  return run(rest);
}

process.exitCode = await main(process.argv.slice(2));
