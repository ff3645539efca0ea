// Where an import of the runtime package (`pivot-payments-contract/fixtures`) lands: the file its
// exports map names, relative to the repository root (`generated/fixtures/index.js`). The two builds
// that point the CLI and the MSW bundle at the contract's files both ask here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
export const { name: PACKAGE_NAME, exports: EXPORTS } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** `pivot-payments-contract/validators` → `generated/validators/index.js`; throws for what is not exported. */
export function exportedFile(specifier) {
  const subpath = specifier.slice(PACKAGE_NAME.length);
  const entry = EXPORTS[`.${subpath}`];
  const file = typeof entry === 'string' ? entry : entry?.default;
  if (!specifier.startsWith(PACKAGE_NAME) || !file) throw new Error(`${specifier} is not exported by ${PACKAGE_NAME}`);
  return file.replace(/^\.\//, '');
}
