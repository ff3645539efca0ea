/**
 * Everything the generators need besides the bundled document, read from disk here so that the
 * generators themselves stay pure: templates, runtime sources, the errata register.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { DEFAULT_CTX, type GenContext } from '../../generators/types.ts';
import { loadPublishedSources, loadRegister } from './errata-data.ts';

/** The package root (where package.json names this package), from source (scripts/lib) or the build (dist/scripts/lib). */
function packageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'pivot-payments-contract') return dir;
    if (dirname(dir) === dir) throw new Error(`no pivot-payments-contract package.json above ${start}`);
  }
}

export const REPO_ROOT = packageRoot(import.meta.dirname);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** Template and runtime sources keyed `validators/index.js.hbs`, `runtime/violations.js`. */
export function loadTemplates(root = REPO_ROOT): Record<string, string> {
  const templates = filesUnder(join(root, 'templates')).map((file) => [relative(join(root, 'templates'), file), file]);
  const runtime = filesUnder(join(root, 'generators', 'runtime')).map((file) => [
    `runtime/${relative(join(root, 'generators', 'runtime'), file)}`,
    file,
  ]);
  return Object.fromEntries(
    [...templates, ...runtime].sort(([a], [b]) => a!.localeCompare(b!)).map(([key, file]) => [key, readFileSync(file!, 'utf8')]),
  );
}

/**
 * The context for a spec directory. The errata register belongs to this repository's spec; a
 * consumer's own spec (with no `errata/` folder) simply gets no errata report.
 */
export function loadGenContext(specDir: string, root = REPO_ROOT): GenContext {
  let errata: GenContext['errata'];
  try {
    errata = { register: loadRegister(specDir), sources: loadPublishedSources(specDir) };
  } catch {
    errata = undefined;
  }
  // Relative to where the command runs (the consumer's repository root), so headers are the same on every machine.
  const source = relative(process.cwd(), join(specDir, 'openapi.yaml')).split('\\').join('/') || 'openapi.yaml';
  return { ...DEFAULT_CTX, source, templates: loadTemplates(root), ...(errata ? { errata } : {}) };
}
