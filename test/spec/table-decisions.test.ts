/**
 * Every place the spec decides against or beyond a docs table is registered (spec/errata/register.yaml
 * `table:`), and every registered one is cited by an `x-decision` in the spec: a decision written
 * into a schema without its entry, or an entry whose decision is gone, fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SPEC_DIR } from '../../generators/spec/pivot-contract.ts';
import { loadRegister } from '../../generators/spec/errata/register.ts';

function citedDecisions(dir = join(SPEC_DIR, 'components', 'schemas')): Set<string> {
  const cited = new Set<string>();
  for (const file of readdirSync(dir)) {
    for (const match of readFileSync(join(dir, file), 'utf8').matchAll(/x-decision: ([a-z0-9-]+)/g)) cited.add(match[1]!);
  }
  return cited;
}

describe('table decisions', () => {
  const register = loadRegister(SPEC_DIR);
  const registered = Object.keys(register.table);
  it('every x-decision in the spec is registered', () => {
    expect([...citedDecisions()].filter((id) => !registered.includes(id))).toEqual([]);
  });
  it('every registered table decision is cited by an x-decision', () => {
    const cited = citedDecisions();
    expect(registered.filter((id) => !cited.has(id))).toEqual([]);
  });
  it('each names its page, section, field, what the docs say, what the spec does and why', () => {
    for (const [id, decision] of Object.entries(register.table)) {
      expect(decision.page, id).toMatch(/^https:\/\/pivot-payment\.gitbook\.io\/pivot-docs\//);
      for (const field of ['title', 'section', 'field', 'docs', 'spec', 'why'] as const) expect(decision[field], `${id}.${field}`).toBeTruthy();
    }
  });
});
