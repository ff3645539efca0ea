/**
 * `pivot-contract generate`: load the spec, render every artifact in memory, then either report
 * drift (`--check`, writes nothing) or replace the output directory atomically.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { GENERATORS, generateOutputReadme, selectGenerators } from '../generators/index.ts';
import type { BundledSpec, FileMap } from '../generators/types.ts';
import { sortFiles } from '../generators/emit/output.ts';
import { loadGenContext } from './generate/context.ts';
import { REPO_ROOT } from '../generators/spec/package-root.ts';
import { loadSpec } from '../generators/spec/load.ts';
import { SpecError } from '../generators/spec/spec-error.ts';
import { runOnTypeScriptThread, warmTypeScriptThread, type ThreadResult } from './generate/typescript-thread.ts';
import { parseCommand, unknownName, usageError, type Io } from './cli/command.ts';
import { drift, isClean, MANIFEST, planOutput } from './generate/manifest.ts';
import { displayPath, OutputRefused } from './generate/output-errors.ts';
import { assertUsableFolder, lockOutputFolder, prepareOutputFolder } from './generate/output-folder.ts';
import { replaceTree } from './generate/swap.ts';

export type { Io } from './cli/command.ts';

/** What `--only` accepts: the parser checks against this list and the usage prints it. */
const ARTIFACT_NAMES = GENERATORS.map((generator) => generator.name);

const USAGE = `usage: pivot-contract generate [--out <dir>] [--spec <file>] [--only <artifact,…>] [--check] [--force]
                                [--allow-remote-refs] [--strict-examples]

  --out    output directory (default: generated/ of this package). generate owns only the files listed
           in its ${MANIFEST}; it refuses a non-empty folder without one (exit 2)
  --spec   spec root (default: this package's spec/openapi.yaml, or its bundled generated/openapi.json)
  --only   comma-separated artifacts: ${ARTIFACT_NAMES.join(', ')}
  --check  render in memory and exit 1 listing stale files; write nothing
  --force  write into a non-empty folder that has no manifest (its other files are kept)
  --allow-remote-refs  follow http(s) $refs (by default only files inside the spec's folder are read)
  --strict-examples    a documented example its own schema rejects is an error (with --spec it is a
                       warning, and the example is left out of the fixtures; this package's spec/ is always strict)`;

/** The spec a fresh install generates from: the split spec in a checkout, the bundle in the package. */
export function defaultSpec(root = REPO_ROOT): string {
  const split = resolve(root, 'spec', 'openapi.yaml');
  return existsSync(split) ? split : resolve(root, 'generated', 'openapi.json');
}

/**
 * On a terminal, a transient "rendering <artifact>…" line while a generator runs (the slow ones take
 * seconds on a large document); elsewhere (CI logs, tests) nothing, so the output stays one line per
 * artifact.
 */
function progressLine(io: Io): { show(text: string): void; clear(): void } {
  const tty = io === console && process.stdout.isTTY === true;
  return {
    show: (text) => void (tty && process.stdout.write(`\r${text}\x1b[K`)),
    clear: () => void (tty && process.stdout.write('\r\x1b[K')),
  };
}

/** True when `folder` sits inside a `node_modules` folder (this package installed as a dependency). */
export function insideNodeModules(folder: string): boolean {
  return folder.split(/[\\/]/).includes('node_modules');
}

function owns(outputs: string[]): (path: string) => boolean {
  return (path) =>
    path === 'README.md' || outputs.some((output) => (output.endsWith('/') ? path.startsWith(output) : path === output));
}

export async function runGenerate(argv: string[], io: Io = console): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      out: { type: 'string' },
      spec: { type: 'string' },
      only: { type: 'string' },
      check: { type: 'boolean' },
      force: { type: 'boolean' },
      'allow-remote-refs': { type: 'boolean' },
      'strict-examples': { type: 'boolean' },
    },
    USAGE,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const args = parsed.values;
  const only = args.only
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknownArtifact = only?.find((name) => !ARTIFACT_NAMES.includes(name));
  if (unknownArtifact !== undefined) {
    return usageError(
      io,
      `${unknownName('artifact', unknownArtifact, ARTIFACT_NAMES)}; known: ${ARTIFACT_NAMES.join(', ')}`,
      USAGE,
    );
  }
  // Installed as a dependency, the default output is inside node_modules: never write there.
  if (args.out === undefined && !args.check && insideNodeModules(REPO_ROOT)) {
    return usageError(
      io,
      'generate needs --out <folder> when run from an installed package (it never writes inside node_modules)',
      USAGE,
    );
  }
  const specRoot = resolve(args.spec ?? defaultSpec());
  const outDir = resolve(args.out ?? resolve(REPO_ROOT, 'generated'));
  const where = displayPath(outDir);
  let release = () => {};
  let threadBusy = false;
  const dropThreadJob = new AbortController();
  try {
    // Before the (slow) render, so that a wrong --out fails at once.
    if (args.check) assertUsableFolder(outDir);
    else {
      assertUsableFolder(outDir);
      // One writer per output folder, taken before cleaning up: a second run fails at once, naming the holder.
      release = lockOutputFolder(outDir);
      const leftovers = prepareOutputFolder(outDir, { force: args.force });
      if (leftovers.length > 0) io.log(`cleaned up after an interrupted run: ${leftovers.join(', ')}`);
    }
    const generators = selectGenerators(only);
    const threaded = generators.filter((generator) => generator.loadsTypeScript);
    // Started first: the worker loads TypeScript while this thread reads the spec.
    if (threaded.length > 0) warmTypeScriptThread();
    // This package's own spec is held to the house rules; any other document only to OpenAPI's.
    const checks = args.spec === undefined || specRoot === defaultSpec() ? 'contract' : 'document';
    const context = loadGenContext(specRoot).then((base) => ({ ...base, checks }) as const);
    context.catch(() => {}); // awaited after the spec is read; a spec error comes first
    let fromThread: Promise<ThreadResult[]> = Promise.resolve([]);
    // The worker gets the document as soon as it is bundled, while this thread validates and checks it
    // (the slow part); if those fail, the worker's job is dropped (see `finally`).
    const startThread = async (bundled: BundledSpec) => {
      if (threaded.length === 0) return;
      const names = threaded.map((generator) => generator.name);
      threadBusy = true;
      fromThread = runOnTypeScriptThread(names, bundled, await context, dropThreadJob.signal);
      // Awaited after the main thread's generators; until then a failure is not unhandled.
      fromThread.then(
        () => (threadBusy = false),
        () => (threadBusy = false),
      );
    };
    const spec = await loadSpec(specRoot, {
      allowRemoteRefs: args['allow-remote-refs'],
      strictExamples: args['strict-examples'],
      checks,
      onWarning: (line) => io.error(`warning: ${line}`),
      onBundled: startThread,
    });
    const ctx = await context;
    const rendered: FileMap = { ...generateOutputReadme(ctx) };
    const report = ({ name, files, ms }: ThreadResult) => {
      Object.assign(rendered, files);
      io.log(
        `${name.padEnd(11)} ${String(Object.keys(files).length).padStart(3)} files ${Math.round(ms).toString().padStart(6)} ms`,
      );
    };
    const progress = progressLine(io);
    for (const generator of generators.filter((candidate) => !candidate.loadsTypeScript)) {
      const started = performance.now();
      progress.show(`rendering ${generator.name}…`);
      const files = await generator.generate(spec, ctx);
      progress.clear();
      report({ name: generator.name, files, ms: performance.now() - started });
    }
    if (threaded.length > 0) {
      progress.show(`rendering ${threaded.map((generator) => generator.name).join(', ')}…`);
      const results = await fromThread;
      progress.clear();
      results.forEach(report);
    }
    // A full run answers for every file of the manifest (stale ones go); `--only` for its artifacts' files.
    const claims = args.only ? owns(generators.flatMap((generator) => generator.outputs)) : () => true;
    const plan = planOutput(outDir, sortFiles(rendered), claims);
    if (args.check) {
      const change = drift(outDir, plan);
      if (isClean(change)) {
        io.log(`${where} is up to date`);
        return 0;
      }
      for (const path of change.added) io.error(`stale: ${where}/${path} (missing)`);
      for (const path of change.changed) io.error(`stale: ${where}/${path} (differs)`);
      for (const path of change.removed) io.error(`stale: ${where}/${path} (no longer generated)`);
      io.error(`${where} is stale: run \`npm run generate\``);
      return 1;
    }
    replaceTree(outDir, plan);
    io.log(`wrote ${Object.keys(plan.files).length} files to ${where}`);
    return 0;
  } catch (error) {
    if (error instanceof OutputRefused) {
      io.error(error.message);
      return 2;
    }
    if (error instanceof SpecError) {
      io.error(`spec error: ${error.message}`);
      return 1;
    }
    io.error(`generate failed: ${(error as Error).message}`);
    return 1;
  } finally {
    release();
    // A run that failed while the worker was rendering does not wait for it (nor stops other runs' jobs).
    if (threadBusy) dropThreadJob.abort();
  }
}
