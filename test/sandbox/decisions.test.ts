/**
 * Every behaviour decision of the sandbox is registered with the errata (spec/errata/register.yaml
 * `behaviour:`, rendered in generated/ERRATA.md), and every registered one is cited by the code that
 * applies it: a rule added without a register entry, or an entry whose rule is gone, fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SPEC_DIR } from '../../generators/spec/pivot-contract.ts';
import { loadRegister } from '../../generators/spec/errata/register.ts';

const SANDBOX_DIR = join(import.meta.dirname, '..', '..', 'scripts', 'sandbox');

function citedDecisions(): Set<string> {
  const cited = new Set<string>();
  for (const file of readdirSync(SANDBOX_DIR).filter((name) => name.endsWith('.ts'))) {
    for (const match of readFileSync(join(SANDBOX_DIR, file), 'utf8').matchAll(/decision `([a-z0-9-]+)`/g)) cited.add(match[1]!);
  }
  return cited;
}

describe('sandbox behaviour decisions', () => {
  const register = loadRegister(SPEC_DIR);
  const registered = Object.keys(register.behaviour);

  it('cites only registered decisions', () => {
    expect([...citedDecisions()].filter((id) => !registered.includes(id))).toEqual([]);
  });
  it('cites every registered decision', () => {
    const cited = citedDecisions();
    expect(registered.filter((id) => !cited.has(id))).toEqual([]);
  });
  it('gives each one a page, a section, what the docs say, what the sandbox does and why', () => {
    expect(registered.length).toBeGreaterThan(10);
    for (const [id, decision] of Object.entries(register.behaviour)) {
      expect(decision.page, id).toMatch(/^https:\/\/pivot-payment\.gitbook\.io\/pivot-docs\//);
      for (const field of ['title', 'section', 'docs', 'sandbox', 'why'] as const)
        expect(decision[field], `${id}.${field}`).toBeTruthy();
    }
  });
  it('are rendered in ERRATA.md', () => {
    const report = readFileSync(join(SPEC_DIR, '..', 'generated', 'ERRATA.md'), 'utf8');
    for (const id of registered) expect(report).toContain(`(\`${id}\`)`);
  });
});
