/**
 * A named TypeScript type for every component schema (`PaymentSession`, `Charge`,
 * `CreatePaymentSessionRequest`, …) from json-schema-to-typescript, for code that wants plain model
 * names instead of `components['schemas']['X']`. Type-level tests keep the two in agreement.
 * @see https://github.com/bcherny/json-schema-to-typescript#options
 */
import { compile } from 'json-schema-to-typescript';
import { codeHeader, formatCode } from './lib/output.ts';
import { toSchemaSet, type SchemaMap } from './lib/schema-set.ts';
import { typeView } from './lib/type-view.ts';
import type { BundledSpec, FileMap, GenContext, Generator } from './types.ts';

const ROOT_NAME = 'PivotContractSchemas';

/** Component schemas as JSTT should compile them, titled by component name (the name users import). */
function modelSchemas(schemas: SchemaMap): SchemaMap {
  return Object.fromEntries(
    Object.entries(typeView(schemas, { forJstt: true })).map(([name, schema]) => [name, { ...schema, title: name }]),
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
    // openapi-typescript types `minItems` arrays as plain arrays too; tuples would make the two disagree.
    ignoreMinAndMaxItems: true,
    format: false,
  });
  const header = codeHeader(ctx, 'Named model types (json-schema-to-typescript)');
  return {
    'models.d.ts': await formatCode(`${header}\n${dropDefinitionNotes(dropRootType(code))}`),
    // The package's main entry: the models, as types only.
    'index.d.ts': `${codeHeader(ctx, 'Package entry: the named models')}export type * from './models.js';\n`,
    'index.js': `${codeHeader(ctx, 'Package entry: the named models are types only')}export {};\n`,
  };
}

export const modelsGenerator: Generator = {
  name: 'models',
  description: 'models.d.ts: a named type per component schema (json-schema-to-typescript)',
  outputs: ['models.d.ts', 'index.d.ts', 'index.js'],
  generate: generateModels,
};
