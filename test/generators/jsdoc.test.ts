/**
 * Every export of the generated declaration files has a JSDoc comment (one sentence: what it is or
 * returns), so that editors show it on hover.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';

const FILES = [
  'validators/index.d.ts',
  'validators/violations.d.ts',
  'validators/formats.d.ts',
  'validators/rules.d.ts',
  'fixtures/index.d.ts',
  'fixtures/catalog.d.ts',
];

/** The exported statements of a declaration file without a JSDoc comment, by name. */
function undocumented(text: string): string[] {
  const source = ts.createSourceFile('file.d.ts', text, ts.ScriptTarget.ES2022, true);
  const missing: string[] = [];
  for (const statement of source.statements) {
    const exported =
      ts.isExportDeclaration(statement) ||
      (ts.canHaveModifiers(statement) &&
        ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword));
    if (!exported) continue;
    const documented =
      ts.getJSDocCommentsAndTags(statement).length > 0 ||
      /\/\*\*[\s\S]*?\*\/\s*$/.test(text.slice(statement.getFullStart(), statement.getStart()));
    if (!documented) missing.push(statement.getText().split('\n')[0]!.slice(0, 80));
  }
  return missing;
}

describe('JSDoc on the generated declarations', () => {
  it.each(FILES)('%s documents every export', (file) => {
    expect(undocumented(readFileSync(join(REPO_ROOT, 'generated', file), 'utf8'))).toEqual([]);
  });

  it('notices an undocumented export (the check is not blind)', () => {
    expect(undocumented('/** Documented. */\nexport declare const a: 1;\nexport declare const b: 2;\n')).toEqual([
      'export declare const b: 2;',
    ]);
  });
});
