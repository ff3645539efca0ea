/**
 * A named TypeScript type for every component schema (`PaymentSession`, `Charge`,
 * `CreatePaymentSessionRequest`, …) from json-schema-to-typescript, for code that wants plain model
 * names instead of `components['schemas']['X']`. Type-level tests keep the two in agreement.
 * @see https://github.com/bcherny/json-schema-to-typescript#options
 */
import { compile } from 'json-schema-to-typescript';
import { codeHeader, formatCode } from './lib/output.ts';
import { toSchemaSet, type SchemaMap } from './lib/schema-set.ts';
import type { BundledSpec, FileMap, GenContext, Generator } from './types.ts';

const ROOT_NAME = 'PivotContractSchemas';

/** A schema that only states a cross-field rule: it has no type of its own. */
function isRuleOnly(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && 'x-rule' in schema;
}

/**
 * What JSTT should see of a schema: cross-field rules (`x-rule` blocks, which TypeScript cannot
 * express) are dropped, and a `$ref` loses its sibling annotations, which JSTT would otherwise turn
 * into a duplicate type (`PositiveAmount1`).
 */
function typeView(node: unknown, ruleOnly: Set<string>): unknown {
  if (Array.isArray(node)) return node.map((item) => typeView(item, ruleOnly));
  if (node === null || typeof node !== 'object') return node;
  const record = node as Record<string, unknown>;
  if (typeof record.$ref === 'string') return { $ref: record.$ref };
  const view: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === 'allOf' && Array.isArray(value)) {
      const kept = value.filter((item) => !isRuleOnly(item) && !ruleOnly.has(String((item as { $ref?: string }).$ref)));
      if (kept.length > 0) view.allOf = typeView(kept, ruleOnly);
    } else {
      view[key] = typeView(value, ruleOnly);
    }
  }
  return view;
}

/** Component schemas as JSTT should compile them, titled by component name (the name users import). */
function modelSchemas(schemas: SchemaMap): SchemaMap {
  const ruleOnly = new Set(
    Object.entries(schemas)
      .filter(([, schema]) => isRuleOnly(schema))
      .map(([name]) => `#/components/schemas/${name}`),
  );
  return Object.fromEntries(
    Object.entries(schemas)
      .filter(([, schema]) => !isRuleOnly(schema))
      .map(([name, schema]) => [name, { ...(typeView(schema, ruleOnly) as object), title: name }]),
  );
}

const DEFINITION_NOTE = /^\s*\* (This interface was referenced by `|via the `definition` )/;
const BLANK_COMMENT_LINE = /^\s*\*\s*$/;
const COMMENT_END = /^\s*\*\/\s*$/;

/**
 * JSTT notes which root referenced each definition; with a synthetic root that is noise. Drops the
 * notes, the blank comment lines they leave before the comment's end, and comments left empty.
 */
function dropDefinitionNotes(code: string): string {
  const kept: string[] = [];
  for (const line of code.split('\n')) {
    if (DEFINITION_NOTE.test(line)) continue;
    if (COMMENT_END.test(line)) {
      while (kept.length > 0 && BLANK_COMMENT_LINE.test(kept.at(-1)!)) kept.pop();
      if (kept.at(-1)?.trim() === '/**') {
        kept.pop();
        continue;
      }
    }
    kept.push(line);
  }
  return kept.join('\n');
}

/** JSTT emits the root schema too; this one is an empty interface we drop after compilation. */
function dropRootType(code: string): string {
  return code.replace(new RegExp(`export interface ${ROOT_NAME} \\{\\}\\n?`), '');
}

export async function generateModels(spec: BundledSpec, ctx: GenContext): Promise<FileMap> {
  const schemaSet = toSchemaSet(modelSchemas((spec.components?.schemas ?? {}) as SchemaMap));
  const root = { title: ROOT_NAME, type: 'object', additionalProperties: false, properties: {}, $defs: schemaSet.$defs };
  const code = await compile(root as never, ROOT_NAME, {
    bannerComment: '',
    additionalProperties: false,
    unreachableDefinitions: true,
    declareExternallyReferenced: true,
    strictIndexSignatures: true,
    unknownAny: true,
    format: false,
  });
  const header = codeHeader(ctx, 'Named model types (json-schema-to-typescript)');
  return { 'models.d.ts': await formatCode(`${header}\n${dropDefinitionNotes(dropRootType(code))}`) };
}

export const modelsGenerator: Generator = {
  name: 'models',
  description: 'models.d.ts: a named type per component schema (json-schema-to-typescript)',
  outputs: ['models.d.ts'],
  generate: generateModels,
};
