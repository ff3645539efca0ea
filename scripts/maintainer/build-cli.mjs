// Builds the CLI package in packages/cli from this repository: the compiled commands (tsc), the
// templates and runtime sources the generators read, and a copy of generated/ (the contract the
// commands serve and default to). The commands import the contract as `pivot-payments-contract/…`
// (in the checkout, the package refers to itself); in the build those imports are rewritten to the
// copy, so the CLI package depends on no unpublished package and always carries the contract it was
// built with. Run by `npm run build` (and so by `npm ci`'s prepare and by `npm pack`'s prepack).
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { exportedFile, PACKAGE_NAME } from './package-exports.mjs';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'packages', 'cli');
const copies = ['templates', 'generators/runtime', 'generated', 'README.md', 'LICENSE'];

for (const folder of ['dist', 'templates', 'generators', 'generated', 'README.md', 'LICENSE']) {
  rmSync(join(cli, folder), { recursive: true, force: true });
}
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
for (const path of copies) {
  mkdirSync(dirname(join(cli, path)), { recursive: true });
  cpSync(join(root, path), join(cli, path), { recursive: true });
}
// The compiled generators import their runtime sources (allowJs does not emit plain .js files).
cpSync(join(root, 'generators', 'runtime'), join(cli, 'dist', 'generators', 'runtime'), { recursive: true });
chmodSync(join(cli, 'dist', 'scripts', 'cli.js'), 0o755);

// `pivot-payments-contract/validators` → the file the runtime package's exports map it to, in the copy.
const SELF_IMPORT = new RegExp(`(from\\s*|import\\(\\s*)(['"])(${PACKAGE_NAME}(?:/[\\w./-]+)?)\\2`, 'g');
for (const entry of readdirSync(join(cli, 'dist'), { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
  const file = join(entry.parentPath, entry.name);
  const code = readFileSync(file, 'utf8');
  const rewritten = code.replace(SELF_IMPORT, (_match, prefix, quote, specifier) => {
    const path = relative(dirname(file), join(cli, exportedFile(specifier)))
      .split('\\')
      .join('/');
    return `${prefix}${quote}${path.startsWith('.') ? path : `./${path}`}${quote}`;
  });
  if (rewritten !== code) writeFileSync(file, rewritten);
}
