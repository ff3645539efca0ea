/**
 * Everything the generators need besides the bundled document, read from disk here so that the
 * generators themselves stay pure: templates, runtime sources, the errata register.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';
import { DEFAULT_CTX, type GenContext } from '../../generators/types.ts';
import { loadPublishedSources, loadRegister } from '../../generators/spec/errata/register.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

// Ajv's runtime helpers its standalone code may require (re2 is left out: it needs a native module).
const AJV_HELPERS = ['equal', 'parseJson', 'quote', 'timestamp', 'ucs2length', 'uri', 'validation_error'];

/**
 * One self-contained ES module of `entry` and what it imports from packages, so that the generated
 * validators import nothing outside their folder. Module paths esbuild writes into the bundle are cut
 * to the part after the last `node_modules/`, so the output is the same in every install layout.
 */
export async function bundleModule(entry: string): Promise<string> {
  const { outputFiles } = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    logLevel: 'silent',
    absWorkingDir: dirname(entry),
  });
  return outputFiles[0]!.text
    .replace(/"[^"\n]*node_modules\/([^"\n]+)"/g, '"$1"')
    .replace(/^(\s*\/\/ )\S*node_modules\//gm, '$1');
}

/**
 * The bundled runtime the generated validators import: `runtime/formats.js` and `runtime/ajv/<helper>.js`.
 * esbuild works in its own process, so these bundles are made while this one reads the spec.
 */
async function bundledRuntime(root: string): Promise<Record<string, string>> {
  const require = createRequire(join(root, 'package.json'));
  const entries: Array<[string, string]> = [
    ['runtime/formats.js', join(root, 'generators', 'runtime', 'formats.js')],
    ...AJV_HELPERS.map((name): [string, string] => [`runtime/ajv/${name}.js`, require.resolve(`ajv/dist/runtime/${name}.js`)]),
  ];
  return Object.fromEntries(await Promise.all(entries.map(async ([key, entry]) => [key, await bundleModule(entry)])));
}

/** Template and runtime sources keyed `validators/index.js.hbs`, `runtime/violations.js`. */
export async function loadTemplates(root = REPO_ROOT): Promise<Record<string, string>> {
  const bundles = bundledRuntime(root);
  const templates = filesUnder(join(root, 'templates')).map((file) => [relative(join(root, 'templates'), file), file]);
  const runtime = filesUnder(join(root, 'generators', 'runtime')).map((file) => [
    `runtime/${relative(join(root, 'generators', 'runtime'), file)}`,
    file,
  ]);
  const sources = Object.fromEntries([...templates, ...runtime].map(([key, file]) => [key!, readFileSync(file!, 'utf8')]));
  return Object.fromEntries(Object.entries({ ...sources, ...(await bundles) }).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The context for a spec file. The errata register belongs to this repository's spec (an `errata/`
 * folder next to it); a consumer's own spec without one simply gets no errata report.
 */
export async function loadGenContext(specFile: string, root = REPO_ROOT): Promise<GenContext> {
  const specDir = dirname(specFile);
  const templates = loadTemplates(root);
  let errata: GenContext['errata'];
  try {
    errata = { register: loadRegister(specDir), sources: loadPublishedSources(specDir) };
  } catch {
    errata = undefined;
  }
  // The file actually read, relative to where the command runs (the consumer's repository root), so
  // headers are the same on every machine.
  const source = relative(process.cwd(), specFile).split('\\').join('/');
  return { ...DEFAULT_CTX, source, templates: await templates, ...(errata ? { errata } : {}) };
}
