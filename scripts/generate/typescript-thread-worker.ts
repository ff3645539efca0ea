/**
 * The worker of scripts/generate/typescript-thread.ts: runs the generators that load the TypeScript
 * compiler. The packages they load on first use are loaded here at once, so that this happens while
 * the main thread is still reading the spec.
 */
import { parentPort } from 'node:worker_threads';
import { requireTypeScriptPackage } from '../../generators/emit/output.ts';
import { modelsGenerator } from '../../generators/models.ts';
import { tsTypesGenerator } from '../../generators/ts-types.ts';
import type { Generator } from '../../generators/types.ts';
import type { ThreadAnswer, ThreadJob, ThreadResult } from './typescript-thread.ts';

requireTypeScriptPackage('openapi-typescript');
requireTypeScriptPackage('json-schema-to-typescript');
requireTypeScriptPackage('typescript');

// Imported one by one (not generators/index.ts) so that this thread loads only what they need.
const TYPESCRIPT_GENERATORS: readonly Generator[] = [tsTypesGenerator, modelsGenerator];

async function run({ names, spec, ctx }: ThreadJob): Promise<ThreadResult[]> {
  const results: ThreadResult[] = [];
  for (const name of names) {
    const generator = TYPESCRIPT_GENERATORS.find((candidate) => candidate.name === name);
    if (!generator) throw new Error(`no TypeScript generator named ${name}`);
    const started = performance.now();
    const files = await generator.generate(spec, ctx);
    results.push({ name, files, ms: performance.now() - started });
  }
  return results;
}

parentPort!.on('message', (job: ThreadJob) => {
  run(job).then(
    (results) => parentPort!.postMessage({ id: job.id, results } satisfies ThreadAnswer),
    (error: Error) => parentPort!.postMessage({ id: job.id, error: error.message } satisfies ThreadAnswer),
  );
});
