/**
 * A runtime (non-standalone) Ajv validator over a bundled document's component schemas, and their
 * cross-field rules: what the conformance tests compare the generated standalone validators with.
 */
import type { ErrorObject } from 'ajv';
import { deeperThan, MAX_DEPTH } from '../runtime/violations.js';
import { withoutUnusedBookkeeping } from './ajv-code.ts';
import { withoutCoveredLimits } from './depth.ts';
import type { BundledSpec } from './document.ts';
import { collectRules, createAjv, resourceId, toSchemaResources, type Mode, type SchemaMap } from './schema-set.ts';

/** The cross-field rules of the bundled component schemas (see `collectRules`). */
export function contractRules(spec: BundledSpec) {
  return collectRules((spec.components?.schemas ?? {}) as SchemaMap);
}

/**
 * A runtime (non-standalone) validator over the bundled component schemas. Like the generated ones, it
 * rejects data nested deeper than MAX_DEPTH with one `maxDepth` error instead of recursing into it.
 */
export function runtimeValidator(spec: BundledSpec, mode: Mode = 'strict') {
  const resources = toSchemaResources((spec.components?.schemas ?? {}) as SchemaMap, mode);
  const ajv = withoutUnusedBookkeeping(createAjv(), resources);
  ajv.addSchema(withoutCoveredLimits(resources));
  return (schema: string, data: unknown): ErrorObject[] => {
    const validate = ajv.getSchema(resourceId(schema, mode));
    if (!validate) throw new Error(`unknown schema ${schema}`);
    const deep = deeperThan(data);
    if (deep !== undefined)
      return [
        {
          keyword: 'maxDepth',
          instancePath: deep,
          schemaPath: '#',
          params: { limit: MAX_DEPTH },
          message: `is nested more than ${MAX_DEPTH} levels deep`,
        },
      ];
    validate(data);
    return validate.errors ?? [];
  };
}
