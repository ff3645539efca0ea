/**
 * What a consumer's bundler keeps of the generated validators: esbuild, minified, ES module output,
 * the way a front end or a serverless function bundles the package. Used by `npm run bench` (section
 * (g)) and by test/generators/tree-shaking.test.ts.
 */
import { buildSync } from 'esbuild';

export interface BundleFigures {
  /** Minified output bytes. */
  bytes: number;
  /** The input files that contributed to the output, relative to `folder`. */
  inputs: string[];
}

/** Bundles `code` (an ES module importing from `folder`, e.g. `export { isPaymentSession } from './validators/index.js'`). */
export function bundle(code: string, folder: string): BundleFigures {
  const result = buildSync({
    stdin: { contents: code, resolveDir: folder, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    metafile: true,
    outfile: 'bundle.js',
    absWorkingDir: folder,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0]!;
  return {
    bytes: result.outputFiles[0]!.contents.byteLength,
    inputs: Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path)
      .sort(),
  };
}

/** One guard alone vs the whole `validators` entry, from a generated folder. */
export function guardVsEntry(generated: string, guard = 'isPaymentSession'): { guard: BundleFigures; entry: BundleFigures } {
  return {
    guard: bundle(`export { ${guard} } from './validators/index.js';`, generated),
    entry: bundle(`export * from './validators/index.js';`, generated),
  };
}
