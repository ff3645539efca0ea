/**
 * The errata register lists exactly the deviations of the published examples from the contract, and
 * its fixes turn each published example into the curated Example Object of the spec.
 */
import { describe, expect, it } from 'vitest';
import { listOperations, listSchemaExamples } from '../../generators/spec/operations.ts';
import { SPEC_DIR } from '../../generators/spec/pivot-contract.ts';
import { curatedExamples, listDeviations } from '../../generators/spec/errata/deviations.ts';
import { deviationKey, parseLeniently } from '../../generators/spec/errata/published.ts';
import { loadPublishedSources, loadRegister, publishedText } from '../../generators/spec/errata/register.ts';
import { bundledSpec } from '../helpers.ts';

const spec = await bundledSpec();
const register = loadRegister(SPEC_DIR);
const sources = loadPublishedSources(SPEC_DIR);

/** Multiset difference, so a deviation occurring twice needs two entries. */
function missingFrom(have: string[], want: string[]): string[] {
  const counts = new Map<string, number>();
  for (const key of have) counts.set(key, (counts.get(key) ?? 0) + 1);
  return want.filter((key) => {
    const left = counts.get(key) ?? 0;
    counts.set(key, left - 1);
    return left <= 0;
  });
}

describe('errata register', () => {
  const found = listDeviations(SPEC_DIR, spec).map(deviationKey);
  const registered = register.entries.map(deviationKey);

  it('registers every deviation of the published examples', () => {
    expect(missingFrom(registered, found)).toEqual([]);
  });
  it('has no entry for a deviation that no longer occurs', () => {
    expect(missingFrom(found, registered)).toEqual([]);
  });
  it('gives every entry a known decision, what the docs say, and a source page', () => {
    const files = new Set(sources.map((source) => source.file));
    for (const entry of register.entries) {
      expect(register.decisions[entry.decision], entry.decision).toBeDefined();
      expect(entry.docs.length).toBeGreaterThan(0);
      expect(files.has(entry.file), entry.file).toBe(true);
    }
  });
  it('uses every decision it defines (an entry names it, or tolerant mode applies it to live data)', () => {
    const used = new Set(register.entries.map((entry) => entry.decision));
    const unused = Object.entries(register.decisions).filter(([id, decision]) => !used.has(id) && !decision.tolerate);
    expect(unused.map(([id]) => id)).toEqual([]);
  });
  it('covers the documented inconsistencies it is meant to', () => {
    expect(Object.keys(register.decisions)).toEqual(
      expect.arrayContaining([
        'surname-spelling',
        'save-for-future-use-spelling',
        'example-comments',
        'missing-comma',
        'prose-in-code-block',
      ]),
    );
  });
});

describe('published examples', () => {
  it('include the 19 create requests, 17 create responses and the object pages', () => {
    const targets = sources.flatMap((source) => source.targets);
    const create = targets.filter((target) => 'operationId' in target && target.operationId === 'createPaymentSession');
    const fromCreatePage = sources
      .filter((source) => source.docsFile === 'create-payment-session.md')
      .flatMap((source) => source.targets);
    expect(fromCreatePage.filter((target) => 'in' in target && target.in === 'request')).toHaveLength(19);
    expect(fromCreatePage.filter((target) => 'in' in target && target.in === 'response')).toHaveLength(17);
    expect(create.length).toBeGreaterThan(36);
    expect(targets.filter((target) => 'schema' in target).map((target) => 'schema' in target && target.schema)).toEqual(
      expect.arrayContaining(['PaymentSession', 'Charge']),
    );
  });
  it('parse leniently into one document per target', () => {
    for (const source of sources) {
      expect(parseLeniently(publishedText(SPEC_DIR, source)).documents, source.file).toHaveLength(source.targets.length);
    }
  });
});

describe('curated examples', () => {
  const inSpec = new Map<string, unknown>();
  for (const operation of listOperations(spec)) {
    for (const example of operation.request?.examples ?? [])
      inSpec.set(`${operation.operationId}/request/${example.name}.yaml`, example.example.value);
    for (const [status, message] of Object.entries(operation.responses)) {
      for (const example of message.examples)
        inSpec.set(`${operation.operationId}/${status}/${example.name}.yaml`, example.example.value);
    }
  }
  for (const example of listSchemaExamples(spec)) inSpec.set(`${example.schema}/${example.name}.yaml`, example.example.value);

  it.each(curatedExamples(SPEC_DIR))(
    '$file equals its published example with the register fixes applied',
    ({ file, example }) => {
      expect(inSpec.has(file), `${file} is not referenced by the spec`).toBe(true);
      expect(inSpec.get(file)).toEqual(example.value);
    },
  );
});
