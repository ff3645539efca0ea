/**
 * `pivot-contract report FILE.jsonl [--fixtures DIR]`: the proxy's summary from a saved report (each
 * violation and tolerated deviation again, then `N exchanges, M with violations` and the errata seen),
 * and with `--fixtures` the observed answers as candidate examples in the spec's layout
 * (`report/candidates.ts`). Exit 0 when no exchange has a violation, 1 when one has (or a line of the
 * file is not a record, or the file cannot be read), 2 on a usage error.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseCommand, type Io } from './cli/command.ts';
import { readReport } from './proxy/report-file.ts';
import { findingLines, Summary } from './proxy/summary.ts';
import { candidateExamples } from './report/candidates.ts';

const USAGE = `usage: pivot-contract report FILE.jsonl [--fixtures DIR]

  FILE.jsonl   a report written by \`pivot-contract proxy --report FILE.jsonl\`
  --fixtures   write each observed answer (and callback) as a candidate example under DIR, in the spec's
               layout: DIR/<operationId>/<status>/observed-<day>-<line>.yaml (callbacks under request/),
               marked with where and when it was observed (x-observed), for a maintainer to curate

Prints each violation ("✗ ") and tolerated deviation ("⚠ "), then "N exchanges, M with violations".
Exit 0: no violations; 1: violations, or the file cannot be read; 2: usage error.`;

export async function runReport(argv: string[], io: Io = console): Promise<number> {
  const parsed = parseCommand(argv, { fixtures: { type: 'string' } }, USAGE, io, {
    min: 1,
    max: 1,
    name: 'report file (FILE.jsonl)',
  });
  if (typeof parsed === 'number') return parsed;
  const file = parsed.positionals[0]!;
  let report: ReturnType<typeof readReport>;
  try {
    report = readReport(file);
  } catch (error) {
    io.error(`cannot read the report ${file}: ${(error as Error).message}`);
    return 1;
  }
  for (const { line, problem } of report.unreadable) io.error(`${file}:${line}: ${problem} (skipped)`);
  const summary = new Summary();
  for (const { record } of report.records) {
    for (const line of findingLines(record)) io.error(line);
    summary.add(record);
  }
  io.log(summary.line());
  if (parsed.values.fixtures !== undefined) {
    const folder = resolve(parsed.values.fixtures);
    const files = candidateExamples(report.records);
    try {
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(folder, path)), { recursive: true });
        writeFileSync(join(folder, path), text);
      }
    } catch (error) {
      io.error(`cannot write the candidate examples to ${folder}: ${(error as Error).message}`);
      return 1;
    }
    const count = Object.keys(files).length;
    io.log(`${count} candidate example${count === 1 ? '' : 's'} written to ${folder}`);
  }
  return summary.withViolations > 0 || report.unreadable.length > 0 ? 1 : 0;
}
