/**
 * Where this code's package is on disk: the checkout of this repository, or the installed CLI package.
 * Kept in a module of its own so that `pivot-contract --version` loads nothing else.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const RUNTIME_PACKAGE = 'pivot-payments-contract';
const CLI_PACKAGE = 'pivot-payments-contract-cli';

function packageName(dir: string): string | undefined {
  const manifest = join(dir, 'package.json');
  return existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name : undefined;
}

/**
 * Where templates, runtime sources and the default spec are: the checkout of this repository when the
 * code runs inside one (from source, scripts/lib, or from the build in packages/cli/dist), else the
 * installed CLI package (`node_modules/pivot-payments-contract-cli`).
 */
export function packageRoot(start: string): string {
  let cli: string | undefined;
  for (let dir = start; ; dir = dirname(dir)) {
    const name = packageName(dir);
    if (name === RUNTIME_PACKAGE && existsSync(join(dir, 'spec', 'openapi.yaml'))) return dir;
    if (name === CLI_PACKAGE) cli ??= dir;
    if (dirname(dir) === dir) {
      if (cli) return cli;
      throw new Error(`no ${CLI_PACKAGE} package.json above ${start}`);
    }
  }
}

export const REPO_ROOT = packageRoot(import.meta.dirname);

/** The bundled contract every server serves unless told otherwise (`--spec`). */
export const DEFAULT_SPEC = join(REPO_ROOT, 'generated', 'openapi.json');
