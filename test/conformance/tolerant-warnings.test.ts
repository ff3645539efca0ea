/**
 * Tolerant mode = strict + what Pivot is documented to send. Each published example of data Pivot
 * produces (responses, callbacks, object pages) that deviates from the contract, taken verbatim (JSON
 * syntax repaired only): tolerant → valid, with warnings naming exactly the register decisions of its
 * deviations; strict → invalid, each violation naming its erratum. The tolerated set comes from the
 * register (`tolerate:` on a decision), never from a list kept here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';
import { fixtures } from '../../generated/fixtures/index.js';
import { tolerances } from '../../generated/validators/tolerances.js';
import { tolerantSchemaNames, validate, validateResponse, type SchemaName } from '../../generated/validators/index.js';
import { targetSchema } from '../../generators/spec/operations.ts';
import { SPEC_DIR } from '../../generators/spec/pivot-contract.ts';
import { parseLeniently, targetValue } from '../../generators/spec/errata/published.ts';
import { load as parseYaml } from 'js-yaml';
import { loadPublishedSources, loadRegister, publishedText } from '../../generators/spec/errata/register.ts';
import { bundledSpec } from '../helpers.ts';

const spec = await bundledSpec();
/** spec/errata/published/index.yaml: the sources, and what became of each docs page. */
const loadPublishedIndex = () =>
  parseYaml(readFileSync(join(SPEC_DIR, 'errata', 'published', 'index.yaml'), 'utf8')) as { pages?: unknown[] };
const register = loadRegister(SPEC_DIR);
const tolerated = new Set(
  Object.entries(register.decisions)
    .filter(([, decision]) => decision.tolerate)
    .map(([id]) => id),
);

interface Case {
  label: string;
  schema: SchemaName;
  value: unknown;
  errata: string[];
}

/** Every published Pivot-produced example with schema deviations, all of them tolerated decisions. */
function deviatingProviderExamples(): Case[] {
  return loadPublishedSources(SPEC_DIR).flatMap((source) => {
    const { documents } = parseLeniently(publishedText(SPEC_DIR, source));
    return documents.flatMap((document, index) => {
      const target = source.targets[index]!;
      const schema = targetSchema(spec, target) as SchemaName;
      if (!(tolerantSchemaNames as readonly string[]).includes(schema)) return [];
      const entries = register.entries.filter(
        (entry) => entry.file === source.file && entry.document === index && entry.kind === 'schema',
      );
      if (entries.length === 0) return [];
      const errata = [...new Set(entries.map((entry) => entry.decision))].sort();
      return [
        { label: `${source.file}#${index} (${errata.join(', ')})`, schema, value: targetValue(document.value, target), errata },
      ];
    });
  });
}

/** Every published example of data Pivot produces (responses, callbacks, object pages), deviating or not. */
function providerExamples(): Array<Case & { pointers: string[]; text: string }> {
  return loadPublishedSources(SPEC_DIR).flatMap((source) => {
    const text = publishedText(SPEC_DIR, source);
    const { documents } = parseLeniently(text);
    return documents.flatMap((document, index) => {
      const target = source.targets[index]!;
      const schema = targetSchema(spec, target) as SchemaName;
      if (!(tolerantSchemaNames as readonly string[]).includes(schema)) return [];
      const prefix = 'schema' in target ? (target.pointer ?? '') : '';
      const entries = register.entries.filter(
        (entry) => entry.file === source.file && entry.document === index && entry.kind === 'schema',
      );
      return [
        {
          label: `${source.file}#${index}`,
          schema,
          value: targetValue(document.value, target),
          errata: [...new Set(entries.map((entry) => entry.decision))].sort(),
          // Where each registered deviation is, in the validated value.
          pointers: entries.map((entry) => entry.pointer.slice(prefix.length)).sort(),
          text,
        },
      ];
    });
  });
}

const all = deviatingProviderExamples();
const cases = all.filter((item) => item.errata.every((id) => tolerated.has(id)));
// Deviations the register records but does not tolerate (a docs placeholder, not data Pivot sends).
const untolerated = all.filter((item) => !item.errata.every((id) => tolerated.has(id)));

describe('tolerant mode on the published provider-output examples', () => {
  it('finds the deviating examples, every one of them a tolerated decision', () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
    for (const { label, errata } of cases)
      expect(
        errata.filter((id) => !tolerated.has(id)),
        label,
      ).toEqual([]);
  });

  it.each(cases.map((item) => [item.label, item]))('%s: tolerant → valid, one warning per erratum', (_label, item) => {
    const { schema, value, errata } = item as Case;
    const result = validate(schema, value, { mode: 'tolerant' });
    expect(result.valid).toBe(true);
    expect([...new Set(result.warnings?.map((warning) => warning.erratum))].sort()).toEqual(errata);
    for (const warning of result.warnings ?? []) expect(warning.message).toContain(`erratum ${warning.erratum}`);
  });

  it.each(cases.map((item) => [item.label, item]))('%s: strict → invalid, naming the erratum', (_label, item) => {
    const { schema, value, errata } = item as Case;
    const result = validate(schema, value, { mode: 'strict' });
    expect(result.valid).toBe(false);
    if (!result.valid) expect([...new Set(result.errors.map((error) => error.erratum).filter(Boolean))].sort()).toEqual(errata);
  });
});

describe('tolerant mode on every published example of data Pivot produces, both doc trees', () => {
  const provider = providerExamples();
  // A docs placeholder (the error object's "human-readable code") is not data Pivot sends.
  const pivotData = provider.filter((item) => item.errata.every((id) => tolerated.has(id)));
  const docsPages = (loadPublishedIndex().pages ?? []) as Array<{
    docsFile: string;
    extracted?: string[];
    notExtracted?: string;
  }>;

  it("extracts the older tree's objects too, and gives every docs page an extracted example or a reason", () => {
    expect(provider.length).toBeGreaterThanOrEqual(30);
    const older = loadPublishedSources(SPEC_DIR).filter((source) => source.docsFile.startsWith('excerpts/payments-v.2__'));
    expect(older.map((source) => source.file)).toEqual(
      expect.arrayContaining([
        'Customer.customer-object-older.txt',
        'Charge.charge-object-older.txt',
        'CardCharge.card-charge-object.txt',
      ]),
    );
    expect(docsPages.length).toBeGreaterThanOrEqual(50);
    for (const page of docsPages) expect(Boolean(page.extracted?.length) || Boolean(page.notExtracted), page.docsFile).toBe(true);
  });

  it.each(pivotData.map((item) => [item.label, item] as const))(
    '%s: tolerant → valid, one warning per deviation',
    (_label, item) => {
      const result = validate(item.schema, item.value, { mode: 'tolerant' });
      expect(result.valid, JSON.stringify(result)).toBe(true);
      // One warning per deviation, at a place the register records it (a rule broken at two places, such
      // as the object page's encryptionKey, is one deviation), and one for each decision of the example.
      const warnings = result.warnings ?? [];
      const paths = warnings.map((warning) => warning.path);
      expect(new Set(paths).size).toBe(paths.length);
      for (const path of paths) expect(item.pointers).toContain(path);
      expect([...new Set(warnings.map((warning) => warning.erratum))].sort()).toEqual(item.errata);
    },
  );

  it("keeps the README's table of tolerated deviations true: one row per tolerated decision, each of what it says Pivot sends accepted with its warning", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const table = /\| erratum \| what Pivot sends \| read as \|\n\s*\|[-| ]+\|\n((?:[ \t]*\|.*\|\n)+)/.exec(readme)?.[1];
    expect(table, 'the tolerated table in README.md').toBeDefined();
    const rows = table!
      .trim()
      .split('\n')
      .map((line) =>
        line
          .split('|')
          .map((cell) => cell.trim())
          .slice(1, -1),
      );
    expect(new Set(rows.map(([erratum]) => erratum!.replaceAll('`', '')))).toEqual(tolerated);
    for (const [erratumCell, sends] of rows) {
      const erratum = erratumCell!.replaceAll('`', '');
      // The values the row names (not dotted field paths), each in a published example tolerated with its warning.
      const values = [...sends!.matchAll(/`([^`]+)`/g)]
        .map((match) => match[1]!.replace(/…$/, ''))
        .filter((value) => !value.includes('.'));
      for (const value of values) {
        const shown = pivotData.filter((item) => item.errata.includes(erratum) && item.text.includes(value));
        expect(
          shown.length,
          `${erratum}: no published Pivot example with ${value} that tolerant mode accepts with its warning`,
        ).toBeGreaterThan(0);
        for (const item of shown)
          expect(
            validate(item.schema, item.value, { mode: 'tolerant' }).warnings?.some((warning) => warning.erratum === erratum),
          ).toBe(true);
      }
    }
  });
});

describe('tolerance is not blanket', () => {
  const session = fixtures.createPaymentSession.responses['200']['card-redirect'];

  it('still rejects a deviation the register does not record', () => {
    const wrong = { ...session, data: { ...session.data, status: 'paid' } };
    const result = validateResponse('createPaymentSession', 200, wrong, { mode: 'tolerant' });
    expect(result.valid).toBe(false);
    if (!result.valid) expect(result.errors.map((error) => error.path)).toContain('/data/status');
  });

  it('warns about an unknown property (and stays valid), naming the decision', () => {
    const added = { ...session, data: { ...session.data, addedLater: 1 } };
    const result = validateResponse('createPaymentSession', 200, added, { mode: 'tolerant' });
    expect(result).toEqual({
      valid: true,
      warnings: [
        { path: '/data/addedLater', erratum: 'unknown-properties', message: expect.stringContaining('/data/addedLater') },
      ],
    });
  });

  it('gives a conforming answer no warnings, and requests stay strict', () => {
    expect(validateResponse('createPaymentSession', 200, session, { mode: 'tolerant' })).toEqual({ valid: true });
    const request = { ...fixtures.createPaymentSession.request['card-redirect'], addedLater: 1 };
    expect(validate('CreatePaymentSessionRequest', request, { mode: 'tolerant' }).valid).toBe(false);
  });

  it('does not change the data it was given', () => {
    const lower = structuredClone(session) as unknown as { data: Record<string, unknown> };
    lower.data.sureName = 'x';
    const before = JSON.stringify(lower);
    validateResponse('createPaymentSession', 200, lower, { mode: 'tolerant' });
    expect(JSON.stringify(lower)).toBe(before);
  });

  it('marks in generated/ERRATA.md each decision tolerant mode accepts, and no other', () => {
    const report = readFileSync(join(REPO_ROOT, 'generated', 'ERRATA.md'), 'utf8');
    const marked = [
      ...report.matchAll(/Tolerant mode accepts it\*\* \(in data Pivot produces, with a warning naming `([a-z0-9-]+)`\)/g),
    ];
    expect(new Set(marked.map((match) => match[1]))).toEqual(tolerated);
  });

  it('derives every tolerance from a register decision', () => {
    expect(new Set(tolerances.map((tolerance) => tolerance.erratum))).toEqual(tolerated);
  });
});
