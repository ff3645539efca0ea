/**
 * A named TypeScript type for every component schema (`PaymentSession`, `Charge`,
 * `CreatePaymentSessionRequest`, …) from json-schema-to-typescript, for code that wants plain model
 * names instead of `components['schemas']['X']`. Type-level tests keep the two in agreement.
 * @see https://github.com/bcherny/json-schema-to-typescript#options
 */
import { toIdentifier } from './spec/names.ts';
import { messageSchemas, schemaIdentifiers, schemaLocations } from './spec/operations.ts';
import { codeHeader, formatCode, requireTypeScriptPackage } from './emit/output.ts';
import { toSchemaSet, type SchemaMap } from './spec/schema-set.ts';
import { typeView } from './emit/type-view.ts';
import { withoutDataRefs } from './spec/data-positions.ts';
import type { BundledSpec, FileMap, GenContext, Generator } from './types.ts';

const ROOT_NAME = 'PivotContractSchemas';

/**
 * Component schemas as JSTT should compile them, titled by their identifier (the name users import,
 * see lib/names.ts). A title inside a schema names a type of its own (`TransferChannelInformation`);
 * one that would take a component's identifier is dropped, or JSTT would number one of the two.
 */
function modelSchemas(schemas: SchemaMap, identifiers: Record<string, string>): SchemaMap {
  const taken = new Set(Object.values(identifiers));
  const aliases = new Map(
    Object.entries(schemas).flatMap(([name, schema]) => {
      const target = aliasTarget(schema, schemas);
      return target === undefined ? [] : [[name, target] as const];
    }),
  );
  return Object.fromEntries(
    Object.entries(typeView(withoutDataRefs(schemas, 'names'), { forJstt: true })).map(([name, schema]) => {
      // JSTT dereferences a `$ref`-only schema into its target, which then has two names and gets
      // one: an alias is declared as one (`export type UserBase = UserCompact`), and used by its name.
      const target = aliases.get(name);
      if (target !== undefined) return [name, { title: identifiers[name]!, tsType: identifiers[target]! }];
      return [
        name,
        { ...(withAliasesNamed(withoutTitles(schema, taken), aliases, identifiers) as object), title: identifiers[name]! },
      ];
    }),
  );
}

/** A copy where every `$ref` to an alias is its name (`{ tsType: 'UserBase' }`), so that JSTT does not follow it. */
function withAliasesNamed(node: unknown, aliases: Map<string, string>, identifiers: Record<string, string>): unknown {
  if (Array.isArray(node)) return node.map((item) => withAliasesNamed(item, aliases, identifiers));
  if (node === null || typeof node !== 'object') return node;
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === 'string' && ref.startsWith(COMPONENT_REF)) {
    const name = ref.slice(COMPONENT_REF.length).replaceAll('~0', '~');
    if (aliases.has(name)) return { tsType: identifiers[name]! };
  }
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      DATA_KEYWORDS.has(key) ? value : withAliasesNamed(value, aliases, identifiers),
    ]),
  );
}

/** The component a schema is only a `$ref` to (an alias), if it is one. */
function aliasTarget(schema: unknown, schemas: SchemaMap): string | undefined {
  const ref = (schema as { $ref?: unknown } | undefined)?.$ref;
  if (typeof ref !== 'string' || !ref.startsWith(COMPONENT_REF)) return undefined;
  const name = ref.slice(COMPONENT_REF.length).replaceAll('~0', '~');
  return Object.hasOwn(schemas, name) ? name : undefined;
}

const COMPONENT_REF = '#/components/schemas/';

const NAME_MAPS = new Set(['properties', 'patternProperties', 'dependentSchemas', '$defs']);
const DATA_KEYWORDS = new Set(['examples', 'example', 'default', 'enum', 'const']);

/** A copy without the titles whose type name is one of `taken` (property names are kept). */
function withoutTitles(node: unknown, taken: Set<string>, namesMap = false): unknown {
  if (Array.isArray(node)) return node.map((item) => withoutTitles(item, taken));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => namesMap || key !== 'title' || typeof value !== 'string' || !taken.has(toIdentifier(value)))
      .map(([key, value]) => [
        key,
        !namesMap && DATA_KEYWORDS.has(key) ? value : withoutTitles(value, taken, !namesMap && NAME_MAPS.has(key)),
      ]),
  );
}

/** Every component's model must come out under its identifier; JSTT renames silently otherwise. */
function assertModelNames(code: string, identifiers: string[]): void {
  const declared = new Set([...code.matchAll(/^export (?:interface|type) (\w+)/gm)].map((match) => match[1]));
  const missing = identifiers.filter((identifier) => !declared.has(identifier));
  if (missing.length > 0)
    throw new Error(`json-schema-to-typescript did not name these models as expected: ${missing.join(', ')}`);
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
  return code.replace(new RegExp(`export interface ${ROOT_NAME} \\{\\s*\\}\\n?`), '');
}

export async function generateModels(spec: BundledSpec, ctx: GenContext): Promise<FileMap> {
  const { identifiers } = schemaIdentifiers(spec);
  const schemas = modelSchemas(messageSchemas(spec), identifiers);
  const schemaSet = toSchemaSet(schemas, undefined, schemaLocations(spec));
  const root = { title: ROOT_NAME, type: 'object', additionalProperties: false, properties: {}, $defs: schemaSet.$defs };
  const { compile } = requireTypeScriptPackage('json-schema-to-typescript');
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
  assertModelNames(
    code,
    Object.keys(schemas).map((name) => identifiers[name]!),
  );
  const header = codeHeader(ctx, 'Named model types (json-schema-to-typescript)');
  return {
    'models.d.ts': formatCode(`${header}\n${dropDefinitionNotes(dropRootType(code))}`),
    // The package's main entry: the models, as types only.
    'index.d.ts': `${codeHeader(ctx, 'Package entry: the named models')}export type * from './models.js';\n`,
    'index.js': `${codeHeader(ctx, 'Package entry: the named models are types only')}export {};\n`,
  };
}

export const modelsGenerator: Generator = {
  name: 'models',
  description: 'models.d.ts: a named type per component schema (json-schema-to-typescript)',
  outputs: ['models.d.ts', 'index.d.ts', 'index.js'],
  loadsTypeScript: true,
  generate: generateModels,
};
