/**
 * `ERRATA.md`: the errata register as a readable report, grouped by documentation page and section.
 * Only produced for a spec that has a register (this repository's; not a consumer's own spec).
 */
import { doNotEditNotice, finalNewline } from './emit/output.ts';
import { render } from './emit/templates.ts';
import type { Tolerance } from './spec/errata/register.ts';
import type { BundledSpec, FileMap, GenContext, Generator } from './types.ts';

/** Table cells may not contain pipes or newlines. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replace(/\s*\n\s*/g, ' ');
}

function groupBy<T>(items: T[], key: (item: T) => string): Array<[string, T[]]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item);
    groups.set(name, [...(groups.get(name) ?? []), item]);
  }
  return [...groups.entries()];
}

const FIXES: Record<Tolerance['fix'], (tolerance: Tolerance) => string> = {
  accept: () => 'accepted as it is',
  'upper-case': () => 'read in upper case',
  replace: (tolerance) => `\`${tolerance.from}\` read as \`${tolerance.to}\``,
  'strip-trunk-zero': () => 'read without the leading 0',
  rename: (tolerance) => `read as \`${tolerance.to}\``,
  'set-sibling': (tolerance) => `read with \`${tolerance.property}\` \`${tolerance.to}\``,
  'drop-sibling': (tolerance) => `read without \`${tolerance.property}\``,
};

/** E.g. "`pattern` fails at `**\/phoneNumber/number`: read without the leading 0". */
function describeTolerance(tolerance: Tolerance): string {
  const where = [
    tolerance.keyword ? `\`${tolerance.keyword}\` fails` : 'a rule fails',
    tolerance.rule ? `(rule \`${tolerance.rule}\`)` : '',
    tolerance.path ? `at \`${tolerance.path}\`` : 'anywhere',
  ]
    .filter(Boolean)
    .join(' ');
  return `${where}: ${FIXES[tolerance.fix](tolerance)}`;
}

export function generateErrataReport(_spec: BundledSpec, ctx: GenContext): FileMap {
  if (!ctx.errata) return {};
  const { register, sources } = ctx.errata;
  const sourceOf = new Map(sources.map((source) => [source.file, source]));
  const rows = register.entries.map((entry) => {
    const source = sourceOf.get(entry.file);
    if (!source) throw new Error(`errata entry names an unknown published example: ${entry.file}`);
    const decision = register.decisions[entry.decision];
    if (!decision) throw new Error(`errata entry ${entry.file} ${entry.pointer} names an unknown decision: ${entry.decision}`);
    const example = entry.document > 0 ? ` (document ${entry.document + 1})` : '';
    return {
      page: source.page,
      section: `${source.section}${example}`,
      pointer: entry.pointer || '/',
      docs: cell(entry.docs),
      decision: cell(decision.title),
    };
  });
  const pages = groupBy(rows, (row) => row.page).map(([page, pageRows]) => ({
    page,
    sections: groupBy(pageRows, (row) => row.section).map(([section, entries]) => ({ section, entries })),
  }));
  const decisions = Object.entries(register.decisions).map(([id, decision]) => ({
    id,
    ...decision,
    count: register.entries.filter((entry) => entry.decision === id).length,
    // What tolerant mode accepts under this decision, in words.
    tolerated: (decision.tolerate ?? []).map(describeTolerance).join('; '),
  }));
  const behaviour = Object.entries(register.behaviour ?? {}).map(([id, decision]) => ({ id, ...decision }));
  const table = Object.entries(register.table ?? {}).map(([id, decision]) => ({ id, ...decision }));
  const markdown = render(ctx.templates, 'errata/ERRATA.md.hbs', {
    behaviourCount: behaviour.length,
    tableCount: table.length,
    table,
    behaviour,
    notice: doNotEditNotice(ctx, 'Errata report'),
    entryCount: rows.length,
    pageCount: pages.length,
    decisionCount: decisions.length,
    toleratedCount: decisions.filter((decision) => decision.tolerated !== '').length,
    decisions,
    pages,
  });
  return { 'ERRATA.md': finalNewline(markdown.replace(/\n{3,}/g, '\n\n')) };
}

export const errataGenerator: Generator = {
  name: 'errata',
  description: 'ERRATA.md: where the published examples deviate from the contract, by page',
  outputs: ['ERRATA.md'],
  generate: generateErrataReport,
};
