/**
 * The generators, in the order their output is listed. `pivot-contract generate --only a,b` picks by
 * name; the README of the output folder is always written.
 */
import { bundleGenerator } from './bundle.ts';
import { callbacksGenerator } from './callbacks.ts';
import { errataGenerator } from './errata-report.ts';
import { fixturesGenerator } from './fixtures.ts';
import { doNotEditNotice, finalNewline } from './emit/output.ts';
import { render } from './emit/templates.ts';
import { modelsGenerator } from './models.ts';
import { tsTypesGenerator } from './ts-types.ts';
import type { BundledSpec, FileMap, GenContext, Generator } from './types.ts';
import { validatorsGenerator } from './validators.ts';

export const GENERATORS: readonly Generator[] = [
  bundleGenerator,
  tsTypesGenerator,
  modelsGenerator,
  validatorsGenerator,
  fixturesGenerator,
  callbacksGenerator,
  errataGenerator,
];

const MODULES: Record<string, { module: string; files: string }> = {
  bundle: { module: 'bundle', files: '`openapi.json`, `openapi.yaml`' },
  types: { module: 'ts-types', files: '`openapi.d.ts`, `openapi.js`' },
  models: { module: 'models', files: '`models.d.ts`, `index.d.ts`, `index.js`' },
  validators: { module: 'validators', files: '`validators/`' },
  fixtures: { module: 'fixtures', files: '`fixtures/`' },
  callbacks: { module: 'callbacks', files: '`callbacks/`' },
  errata: { module: 'errata-report', files: '`ERRATA.md`' },
};

/** `README.md` of the output folder: what each file is and which generator writes it. */
export function generateOutputReadme(ctx: GenContext): FileMap {
  const generators = GENERATORS.map((generator) => ({ ...MODULES[generator.name]!, description: generator.description }));
  return {
    'README.md': finalNewline(
      render(ctx.templates, 'readme/README.md.hbs', { notice: doNotEditNotice(ctx, 'Output folder guide'), generators }),
    ),
  };
}

export function selectGenerators(only: readonly string[] | undefined): Generator[] {
  if (!only || only.length === 0) return [...GENERATORS];
  const unknown = only.filter((name) => !GENERATORS.some((generator) => generator.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown artifact ${unknown.join(', ')} (known: ${GENERATORS.map((generator) => generator.name).join(', ')})`,
    );
  }
  return GENERATORS.filter((generator) => only.includes(generator.name));
}

export type { BundledSpec, FileMap, GenContext, Generator };
