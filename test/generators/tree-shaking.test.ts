/**
 * A bundler keeps only what a consumer uses: one guard bundles its own schema's validator (and the
 * validators it refers to), never the tolerant module or the other schemas. Measured by bundling the
 * committed generated/ with esbuild (sizes compared with each other, not with a timer).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { treeShakable } from '../../generators/validators.ts';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';
import { bundle, guardVsEntry } from '../../scripts/maintainer/bundle-size.ts';

const GENERATED = join(REPO_ROOT, 'generated');

describe('tree-shaking of the generated validators', () => {
  const { guard, entry } = guardVsEntry(GENERATED);

  it('bundles isPaymentSession alone in at most 25 % of the whole validators entry', () => {
    expect(guard.bytes / entry.bytes).toBeLessThanOrEqual(0.25);
  });

  it('leaves the tolerant validators, the rule table and the fixtures out of one guard', () => {
    expect(guard.inputs).toContain('validators/strict.js');
    expect(guard.inputs).not.toContain('validators/tolerant.js');
    expect(guard.inputs).not.toContain('validators/rules.js');
    expect(entry.inputs).toContain('validators/tolerant.js');
  });

  it('keeps the tolerant validators where `validate` (which can run them) is used', () => {
    expect(bundle(`export { validate } from './validators/index.js';`, GENERATED).inputs).toContain('validators/tolerant.js');
  });

  it('declares the runtime package free of side effects', () => {
    expect(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).sideEffects).toBe(false);
  });
});

describe('treeShakable', () => {
  const ajvLike =
    'function validate1(data){const evaluated0 = validate1.evaluated;return true;}validate1.evaluated = {"props":true};' +
    'function validate2(data){return validate1(data);}validate2.evaluated = {"props":false};' +
    'const func3 = interopDefault(runtime0);';

  it('moves an `evaluated` assignment into the function that reads it on entry', () => {
    const code = treeShakable(ajvLike);
    expect(code).toContain('const evaluated0 = (validate1.evaluated ??= {"props":true});');
    expect(code).not.toContain('validate1.evaluated = {');
  });

  it('keeps the assignment of a function that does not read it on entry', () => {
    expect(treeShakable(ajvLike)).toContain('}validate2.evaluated = {"props":false};');
  });

  it('marks helper lookups pure', () => {
    expect(treeShakable(ajvLike)).toContain('const func3 = /* @__PURE__ */ interopDefault(runtime0);');
  });

  // The contract's schemas use no `unevaluatedProperties`, so its module has no `evaluated` at all
  // (generators/spec/ajv-code.ts); test/generators/validator-code.test.ts checks a module that has.
  it('leaves the generated strict module with no top-level `evaluated` assignment', () => {
    const strict = readFileSync(join(GENERATED, 'validators', 'strict.js'), 'utf8');
    expect(strict).not.toMatch(/\}validate\d+\.evaluated = /);
  });
});

describe('tree-shaking of the generated fixtures', () => {
  it('leaves the validators out of a bundle of getFixture, and keeps them for buildFixture', () => {
    expect(bundle(`export { getFixture } from './fixtures/index.js';`, GENERATED).inputs).not.toContain('validators/strict.js');
    expect(bundle(`export { buildFixture } from './fixtures/index.js';`, GENERATED).inputs).toContain('validators/strict.js');
  });
});
