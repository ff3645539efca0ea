/** What every `pivot-contract` command shares: its output streams, its flag parsing and its usage errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closest, distance } from 'fastest-levenshtein';

export interface Io {
  log(line: string): void;
  error(line: string): void;
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ options: O & { help: { type: 'boolean'; short: 'h' } }; allowPositionals: true; strict: true }>
>;

/** The exit code of every usage error (wrong flag, stray word, bad value), as the BSD sysexits `EX_USAGE` tradition. */
export const USAGE_ERROR = 2;

/**
 * The known name nearest to `typed`, if it is close enough to be a typo: at most two edits or a third
 * of its letters, and fewer edits than `typed` has letters (so `chek` → `check`, `prot` → `port`,
 * `generat` → `generate`, but `x` suggests nothing).
 */
export function suggest(typed: string, known: readonly string[]): string | undefined {
  if (known.length === 0 || typed === '') return undefined;
  const nearest = closest(typed, [...known]);
  const edits = distance(typed, nearest);
  return edits <= Math.max(2, Math.floor(nearest.length / 3)) && edits < typed.length ? nearest : undefined;
}

/** `unknown X "typed"`, plus ` (did you mean "…"?)` when one known name is near. */
export function unknownName(kind: string, typed: string, known: readonly string[], prefix = ''): string {
  const near = suggest(typed, known);
  return `unknown ${kind} "${prefix}${typed}"${near ? ` (did you mean "${prefix}${near}"?)` : ''}`;
}

/** Reports a usage error on stderr (message, then the usage) and returns its exit code. */
export function usageError(io: Io, message: string, usage: string): number {
  io.error(`${message}\n\n${usage}`);
  return USAGE_ERROR;
}

/** Our words for what `parseArgs` rejects (its messages name internals such as "strict:false"). */
function describeParseError(error: Error & { code?: string }, argv: string[], options: Options): string {
  const flags = Object.keys(options);
  const unknown = /Unknown option '(-{1,2})([^']+)'/.exec(error.message);
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    const [, dashes, name] = unknown as unknown as [string, string, string];
    return unknownName('option', name.split('=')[0]!, dashes === '--' ? flags : [], dashes);
  }
  const valued = /Option '(?:-\w, )?--([^ ]+) <value>' argument missing/.exec(error.message);
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && valued) return `--${valued[1]} needs a value`;
  const flag = /Option '(?:-\w, )?--([^']+)' does not take an argument/.exec(error.message);
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) return `--${flag[1]} takes no value`;
  // Any other parseArgs refusal: name the argument rather than echoing Node's wording.
  return `cannot read the arguments ${JSON.stringify(argv.join(' '))}`;
}

export interface CommandSpec<O extends Options> {
  options: O;
  usage: string;
  /** How many positional arguments the command takes (default none): a stray word is a usage error. */
  positionals?: { min: number; max: number; name: string };
}

/**
 * Parses a command's flags (plus `--help`). Returns the parsed values, or the exit code to return
 * instead: 0 after printing the usage on stdout for `--help`, 2 after a usage error on stderr.
 */
export function parseCommand<const O extends Options>(
  argv: string[],
  options: O,
  usage: string,
  io: Io,
  positionals: CommandSpec<O>['positionals'] = { min: 0, max: 0, name: 'argument' },
): Parsed<O> | number {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }) as Parsed<O>;
  } catch (error) {
    return usageError(io, describeParseError(error as Error, argv, { ...options, help: { type: 'boolean' } }), usage);
  }
  if ((parsed.values as { help?: boolean }).help) {
    io.log(usage);
    return 0;
  }
  const count = parsed.positionals.length;
  if (count > positionals.max) {
    const stray = parsed.positionals[positionals.max]!;
    return usageError(io, `unexpected argument "${stray}"`, usage);
  }
  if (count < positionals.min) return usageError(io, `missing ${positionals.name}`, usage);
  return parsed;
}
