/**
 * Maintainer tool for the errata register.
 *
 *   tsx scripts/maintainer/errata.ts report   deviations of the published examples vs the register (new / stale)
 *   tsx scripts/maintainer/errata.ts curate   rewrite the curated Example Objects from published + register fixes
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
// `yaml`, not js-yaml: the register is written in the layout `yaml` gives it (flow sequences, quoting),
// and rewriting it with another emitter would reformat every entry.
import { stringify } from 'yaml';
import { listDeviations, curatedExamples } from '../../generators/spec/errata/deviations.ts';
import { SPEC_DIR, loadBundledSpec } from '../../generators/spec/pivot-contract.ts';
import { deviationKey } from '../../generators/spec/errata/published.ts';
import { loadRegister } from '../../generators/spec/errata/register.ts';

async function report(): Promise<number> {
  const spec = await loadBundledSpec();
  const found = listDeviations(SPEC_DIR, spec);
  const registered = new Set(loadRegister(SPEC_DIR).entries.map(deviationKey));
  const foundKeys = new Set(found.map(deviationKey));
  const unregistered = found.filter((deviation) => !registered.has(deviationKey(deviation)));
  const stale = [...registered].filter((key) => !foundKeys.has(key));
  for (const deviation of unregistered) console.log(`new    ${deviationKey(deviation)}  ${deviation.detail ?? ''}`);
  for (const key of stale) console.log(`stale  ${key}`);
  console.log(`${found.length} deviations, ${unregistered.length} unregistered, ${stale.length} stale`);
  return unregistered.length + stale.length === 0 ? 0 : 1;
}

function curate(): number {
  const written = curatedExamples(SPEC_DIR).map(({ file, example }) => {
    const path = join(SPEC_DIR, 'components', 'examples', file);
    mkdirSync(dirname(path), { recursive: true });
    const header = `# Curated from spec/errata/published/${example['x-published']} with the fixes in spec/errata/register.yaml.\n# Regenerate with \`npm run errata -- curate\`; edit the register, not this file.\n`;
    writeFileSync(path, header + stringify(example, { lineWidth: 0, aliasDuplicateObjects: false }));
    return path;
  });
  console.log(`${written.length} curated examples written`);
  return 0;
}

const command = process.argv[2];
process.exitCode = command === 'report' ? await report() : command === 'curate' ? curate() : 2;
if (process.exitCode === 2) console.error('usage: errata report | curate');
