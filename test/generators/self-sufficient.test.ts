/**
 * What `generate` writes runs on its own: it imports only its own files, never a package (a pnpm
 * consumer, or a service with only the runtime package installed, has no `ajv` or `ajv-formats`).
 * Proven statically (every specifier in every emitted module) and by running a copy of the output in a
 * folder with no `node_modules` above it, where any bare import fails with ERR_MODULE_NOT_FOUND.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';

const GENERATED = join(REPO_ROOT, 'generated');

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(js|d\.ts)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Every module specifier: static imports and re-exports, dynamic `import()`, type-level `import('…')`. */
export function specifiers(code: string): string[] {
  const found = [
    ...code.matchAll(/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*(['"])([^'"]+)\1/gm),
    ...code.matchAll(/^\s*import\s*(['"])([^'"]+)\1/gm),
    ...code.matchAll(/\bimport\(\s*(['"])([^'"]+)\1\s*\)/g),
  ].map((match) => match[2]!);
  return [...new Set(found)].sort();
}

const work = mkdtempSync(join(tmpdir(), 'pivot-standalone-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('generated code is self-sufficient', () => {
  it('finds the specifiers it checks (the scanner is not blind)', () => {
    expect(
      specifiers(`import * as a from "ajv/dist/runtime/x.js";\nexport { b } from './b.js';\ntype T = import('ajv').E;`),
    ).toEqual(['./b.js', 'ajv', 'ajv/dist/runtime/x.js']);
    expect(specifiers(readFileSync(join(GENERATED, 'validators', 'strict.js'), 'utf8'))).toContain('./formats.js');
  });

  it.each(modules(GENERATED).map((file) => relative(GENERATED, file)))('%s imports only relative paths', (file) => {
    const bare = specifiers(readFileSync(join(GENERATED, file), 'utf8')).filter((specifier) => !specifier.startsWith('.'));
    expect(bare).toEqual([]);
  });

  it('runs from a folder with no node_modules above it', () => {
    cpSync(GENERATED, join(work, 'contract'), { recursive: true });
    const script = `
      const v = await import('./contract/validators/index.js');
      const f = await import('./contract/fixtures/index.js');
      await import('./contract/index.js');
      const long = v.validate('CreatePaymentSessionRequest', { statementDescriptor: '😀'.repeat(21) }, { mode: 'strict' });
      const email = v.validate('Customer', { email: 'not an email' });
      console.log(JSON.stringify({
        lengthChecked: long.errors.some((e) => e.path === '/statementDescriptor' && e.keyword === 'maxLength'),
        formatChecked: email.errors.some((e) => e.path === '/email' && e.keyword === 'format'),
        fixtures: f.listFixtures().length > 100,
      }));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: work, encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({ lengthChecked: true, formatChecked: true, fixtures: true });
  });
});
