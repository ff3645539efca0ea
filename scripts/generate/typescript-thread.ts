/**
 * The generators that load the TypeScript compiler (`loadsTypeScript`: types, models) run on a worker
 * thread. Loading TypeScript, openapi-typescript and json-schema-to-typescript is the largest fixed
 * cost of a run (about 0.6 s, most of a bare openapi-typescript run); started before the spec is read,
 * it happens on the second core while the main thread reads and checks the spec and renders the other
 * artifacts.
 *
 * One worker per process, kept between runs (the tests and the bench call generate many times) and
 * unref'ed while it has no job, so that it never keeps a process alive.
 */
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BundledSpec, FileMap, GenContext } from '../../generators/types.ts';

/** One generator's output, as the worker answers it. */
export interface ThreadResult {
  name: string;
  files: FileMap;
  ms: number;
}

/** What the main thread sends (`names` of generators to run) and what the worker answers. */
export interface ThreadJob {
  id: number;
  names: string[];
  spec: BundledSpec;
  ctx: GenContext;
}
export type ThreadAnswer = { id: number; results: ThreadResult[] } | { id: number; error: string };

const SELF = fileURLToPath(import.meta.url);
// Compiled (the CLI package) the worker is a .js file next to this one; in a checkout it is the .ts
// source, which a worker can only load after registering tsx (its hooks are not inherited by workers).
const ENTRY = join(dirname(SELF), `typescript-thread-worker${extname(SELF)}`);

/**
 * The process's Node options, less those a worker started from a file refuses (a program run as
 * `node --input-type=module -e …` has `--input-type` in its execArgv, which workers inherit).
 */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  return execArgv.filter(
    (arg, index) => !arg.startsWith('--input-type=') && arg !== '--input-type' && execArgv[index - 1] !== '--input-type',
  );
}

/** The options Node names in its refusal (`Initiated Worker with invalid execArgv flags: --a, --b=1`). */
export function refusedOptions(message: string): string[] {
  const listed = /invalid execArgv flags: (.+)$/.exec(message)?.[1];
  return listed ? listed.split(', ').map((flag) => flag.trim()) : [];
}

/**
 * A worker's Node options and limits: the process's options less those a worker refuses (V8's own and
 * per-process ones: `--max-old-space-size`, `--stack-size`, `--expose-gc`; Node names them when it
 * refuses), and the heap limit a `--max-old-space-size` set for the process, as the worker's own limit
 * (a large document is the reason to raise it).
 */
export function workerOptions(execArgv: readonly string[], refused: readonly string[]) {
  const heapLimit = refused.map((flag) => /^--max-old-space-size=(\d+)$/.exec(flag)?.[1]).find(Boolean);
  return {
    execArgv: execArgv.filter((arg) => !refused.includes(arg)),
    ...(heapLimit ? { resourceLimits: { maxOldGenerationSizeMb: Number(heapLimit) } } : {}),
  };
}

/** `create` with the process's Node options, or, if a worker refuses some of them, without those. */
function withNodeOptions(create: (options: { execArgv: string[] }) => Worker): Worker {
  const execArgv = workerExecArgv();
  try {
    return create({ execArgv });
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
    return create(workerOptions(execArgv, refusedOptions((error as Error).message)));
  }
}

function startWorker(): Worker {
  if (extname(ENTRY) !== '.ts') return withNodeOptions((options) => new Worker(ENTRY, options));
  // tsx/esm/api's ES module (require.resolve would give its CommonJS twin, which cannot register hooks).
  const tsx = join(dirname(createRequire(SELF).resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs');
  const boot = `const { register } = await import(${JSON.stringify(pathToFileURL(tsx).href)});
register();
await import(${JSON.stringify(pathToFileURL(ENTRY).href)});`;
  return withNodeOptions(
    (options) =>
      new Worker(`import(${JSON.stringify(`data:text/javascript,${encodeURIComponent(boot)}`)})`, { ...options, eval: true }),
  );
}

interface Pending {
  resolve(results: ThreadResult[]): void;
  reject(error: Error): void;
}

let shared: { worker: Worker; pending: Map<number, Pending> } | undefined;
let nextId = 1;

function failAll(pending: Map<number, Pending>, error: Error): void {
  for (const job of pending.values()) job.reject(error);
  pending.clear();
}

/** The process's worker, started (and so loading TypeScript) on the first call. */
function thread(): { worker: Worker; pending: Map<number, Pending> } {
  if (shared) return shared;
  const worker = startWorker();
  const pending = new Map<number, Pending>();
  const current = { worker, pending };
  worker.on('message', (answer: ThreadAnswer) => {
    const job = pending.get(answer.id);
    if (!job) return;
    pending.delete(answer.id);
    if (pending.size === 0) worker.unref();
    if ('error' in answer) job.reject(new Error(answer.error));
    else job.resolve(answer.results);
  });
  // A crashed worker fails its jobs; the next run starts a new one.
  const retire = (error: Error) => {
    if (shared === current) shared = undefined;
    failAll(pending, error);
  };
  worker.on('error', (error) => retire(new Error(`the TypeScript generator thread failed: ${error.message}`)));
  worker.on('exit', (code) => retire(new Error(`the TypeScript generator thread exited (code ${code})`)));
  // After the listeners: adding a 'message' listener refs the worker's port again (Node's
  // setupPortReferencing), and a warmed worker that never got a job would then hold the process open.
  worker.unref();
  shared = current;
  return current;
}

/** Starts the worker now, so that it loads TypeScript while the caller does other work. */
export function warmTypeScriptThread(): void {
  thread();
}

/** Stops the worker and fails every job it has; the next run starts a new one. */
export function stopTypeScriptThread(): void {
  const current = shared;
  if (!current) return;
  shared = undefined;
  failAll(current.pending, new Error('the TypeScript generator thread was stopped'));
  void current.worker.terminate();
}

/**
 * Runs the named `loadsTypeScript` generators on the worker; their results in the order of `names`.
 * When `signal` aborts (a run that failed does not wait for its job), this job fails, and the worker
 * stops if no other job is waiting for it: runs in one process (tests, the bench) share the worker, and
 * one run's failure must not fail the others.
 */
export function runOnTypeScriptThread(
  names: string[],
  spec: BundledSpec,
  ctx: GenContext,
  signal?: AbortSignal,
): Promise<ThreadResult[]> {
  const current = thread();
  const { worker, pending } = current;
  const id = nextId++;
  return new Promise<ThreadResult[]>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.ref();
    worker.postMessage({ id, names, spec, ctx } satisfies ThreadJob);
    signal?.addEventListener(
      'abort',
      () => {
        if (!pending.delete(id)) return;
        reject(new Error('the TypeScript generator job was dropped'));
        if (pending.size === 0 && shared === current) stopTypeScriptThread();
      },
      { once: true },
    );
  });
}
