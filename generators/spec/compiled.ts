/**
 * The component schemas compiled by Ajv, once per document and mode: the loader validates the
 * document's examples with these instances, and the validators generator turns the same compiled
 * functions into standalone code, so no schema is prepared or compiled twice in a run.
 */
import { _ } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { withoutUnusedBookkeeping } from './ajv-code.ts';
import { withoutCoveredLimits } from './depth.ts';
import { forget, memo } from './memo.ts';
import { createAjv, resourceId, tolerantResources, toSchemaResources, unknownFormats, type CheckLevel, type Mode, type SchemaLocations, type SchemaMap } from './schema-set.ts';

/** Strict resources are prepared once; the tolerant ones are derived from them. */
export function resources(schemas: SchemaMap, mode: Mode, locations?: SchemaLocations) {
  const strict = memo(schemas, 'resources:strict', () => toSchemaResources(schemas, 'strict', locations));
  return mode === 'strict' ? strict : memo(schemas, 'resources:tolerant', () => tolerantResources(strict));
}

/**
 * An Ajv instance holding every component schema for `mode`, set up for standalone code (the code
 * takes its formats from validators/formats.js, the module createAjv takes them from). Schemas are
 * compiled on first use and stay compiled. Formats the validators do not know accept any value.
 */
export function compiledSchemas(schemas: SchemaMap, mode: Mode, level: CheckLevel, locations?: SchemaLocations): Ajv2020 {
  return memo(schemas, ajvKey(mode, level), () => {
    // optimize: false skips Ajv's code-optimisation passes (name counting over the whole shared scope),
    // which grew faster than the schema count: validators ×50 took 40 s with them, 12.5 s without; the
    // code is 8 % larger and validates as fast (npm run bench, sections a and d).
    // process: the rewrites createAjv applies to each function (generators/spec/schema-set.ts) are for
    // validators that meet hostile data; these only check the document's own examples, and their
    // standalone code gets the rewrites when it is written (generators/validators.ts). Applying them here
    // too ran two regular expressions over every function twice (about 1 s on GitHub's document).
    // validateSchema: false: checkDocument has already checked every schema against the meta-schema
    // (generators/spec/checks.ts), and each instance would compile that meta-schema once more (about
    // 0.1 s) to check the same schemas again, prepared.
    const ajv = createAjv(
      {
        validateSchema: false,
        code: {
          esm: true,
          source: true,
          optimize: false,
          formats: _`require("./formats").formats`,
          process: (code: string) => code,
        },
      },
      level,
    );
    for (const name of unknownFormats(schemas).keys()) ajv.addFormat(name, true);
    const prepared = resources(schemas, mode, locations);
    withoutUnusedBookkeeping(ajv, prepared).addSchema(withoutCoveredLimits(prepared));
    return ajv;
  });
}

const ajvKey = (mode: Mode, level: CheckLevel) => `ajv:${mode}:${level}`;

/**
 * Lets go of a mode's Ajv instance once its standalone code is written: its compiled functions and
 * their sources are most of a run's memory (350 MB for the 4,550 schemas of the ×50 bench spec), and
 * the other mode is compiled next.
 */
export function releaseCompiledSchemas(schemas: SchemaMap, mode: Mode, level: CheckLevel): void {
  forget(schemas, ajvKey(mode, level));
}

/** Validates `data` against a component schema; Ajv's errors, empty when valid. */
export function validateWith(ajv: Ajv2020, name: string, mode: Mode, data: unknown) {
  const validate = ajv.getSchema(resourceId(name, mode));
  if (!validate) throw new Error(`unknown schema ${name}`);
  return validate(data) ? [] : (validate.errors ?? []);
}
