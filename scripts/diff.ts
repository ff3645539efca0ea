/**
 * `pivot-contract diff <old-spec> <new-spec> [--json]`: classify every change between two versions
 * of the contract as breaking or not for merchants (rules in lib/spec-diff.ts).
 * Exit codes: 0 no breaking change, 1 at least one breaking change, 2 usage or load error.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseCommand, type Io } from './cli/command.ts';
import { bundleSpec } from '../generators/spec/load.ts';
import { formatChange, summarize } from './diff/changes.ts';
import { diffSpecs } from './diff/spec-diff.ts';

const USAGE = `usage: pivot-contract diff <old-spec> <new-spec> [--json]

  <old-spec>, <new-spec>  OpenAPI 3.1 documents (YAML or JSON; split specs are bundled)
  --json                  print {"changes": [...], "summary": {...}} instead of one line per change

exit code: 0 no breaking change, 1 breaking changes, 2 usage or load error`;

class LoadError extends Error {}

/** Bundles a (possibly split) spec; `$ref`s stay local and are followed by the differ. */
export async function loadForDiff(file: string): Promise<unknown> {
  const path = resolve(file);
  if (!existsSync(path)) throw new LoadError(`cannot load ${file}: no such file`);
  let document: unknown;
  try {
    // Confined like generate: $refs stay inside the spec's folder, YAML aliases are bounded.
    document = await bundleSpec(path);
  } catch (error) {
    throw new LoadError(`cannot load ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  const version = (document as { openapi?: unknown } | null)?.openapi;
  if (typeof version !== 'string' || !version.startsWith('3.')) {
    throw new LoadError(`cannot load ${file}: not an OpenAPI 3.x document (no "openapi: 3.x" field)`);
  }
  return document;
}

export async function runDiff(argv: string[], io: Io = console): Promise<number> {
  const parsed = parseCommand(argv, { json: { type: 'boolean' } }, USAGE, io, {
    min: 0,
    max: Number.POSITIVE_INFINITY,
    name: 'spec files',
  });
  if (typeof parsed === 'number') return parsed;
  const [oldFile, newFile, ...extra] = parsed.positionals;
  if (!oldFile || !newFile || extra.length > 0) {
    io.error(`expected exactly two spec files, got ${parsed.positionals.length}\n${USAGE}`);
    return 2;
  }
  let documents: [unknown, unknown];
  try {
    documents = [await loadForDiff(oldFile), await loadForDiff(newFile)];
  } catch (error) {
    if (!(error instanceof LoadError)) throw error;
    io.error(error.message);
    return 2;
  }
  const changes = diffSpecs(...documents);
  const summary = summarize(changes);
  if (parsed.values.json) {
    io.log(JSON.stringify({ changes, summary: { breaking: summary.breaking, nonBreaking: summary.nonBreaking } }, null, 2));
  } else {
    for (const change of changes) io.log(formatChange(change));
    io.log(summary.line);
  }
  return summary.breaking > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await runDiff(process.argv.slice(2));
}
