/** What every `pivot-contract` command shares: its output streams and its flag parsing. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface Io {
  log(line: string): void;
  error(line: string): void;
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ options: O & { help: { type: 'boolean'; short: 'h' } }; allowPositionals: true; strict: true }>
>;

/**
 * Parses a command's flags (plus `--help`). Returns the parsed values, or the exit code to return
 * instead: 0 after printing the usage for `--help`, 2 after a usage error.
 */
export function parseCommand<const O extends Options>(argv: string[], options: O, usage: string, io: Io): Parsed<O> | number {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }) as Parsed<O>;
  } catch (error) {
    io.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if ((parsed.values as { help?: boolean }).help) {
    io.log(usage);
    return 0;
  }
  return parsed;
}
