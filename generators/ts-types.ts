/**
 * `paths`, `components`, `operations` and `webhooks` types from openapi-typescript, the same types
 * `openapi-fetch` and friends consume.
 * @see https://openapi-ts.dev/node
 */
import { codeHeader, finalNewline, requireTypeScriptPackage } from './emit/output.ts';
import { withoutDataRefs } from './spec/data-positions.ts';
import type { SchemaMap } from './spec/schema-set.ts';
import { typeView } from './emit/type-view.ts';
import type { BundledSpec, FileMap, GenContext, Generator } from './types.ts';

/** The document with its component schemas in the type view (see lib/type-view.ts); `spec` is not changed. */
function typedDocument(spec: BundledSpec): BundledSpec {
  // openapi-typescript's resolver would follow a `$ref` written as an example (a remote one, too).
  const document = withoutDataRefs(spec);
  const schemas = document.components?.schemas;
  return schemas ? { ...document, components: { ...document.components, schemas: typeView(schemas as SchemaMap) } } : document;
}

export async function generateTsTypes(spec: BundledSpec, ctx: GenContext): Promise<FileMap> {
  const { default: openapiTS, astToString } = requireTypeScriptPackage('openapi-typescript');
  const ast = await openapiTS(typedDocument(spec) as never, {
    alphabetize: true,
    // Fields with a `default` may be omitted in requests; responses don't promise them either.
    defaultNonNullable: false,
    exportType: false,
    // The contract's own validators check formats; the types stay plain strings.
    silent: true,
  });
  const code = `${codeHeader(ctx, 'OpenAPI types (openapi-typescript)')}\n${astToString(ast)}`;
  return {
    // astToString is TypeScript's printer already.
    'openapi.d.ts': finalNewline(code),
    // `pivot-payments-contract/openapi` is types only; the module exists so every resolver finds it.
    'openapi.js': `${codeHeader(ctx, 'OpenAPI types are types only')}export {};\n`,
  };
}

export const tsTypesGenerator: Generator = {
  name: 'types',
  description: 'openapi.d.ts: paths, components, operations, webhooks (openapi-typescript)',
  outputs: ['openapi.d.ts', 'openapi.js'],
  loadsTypeScript: true,
  generate: generateTsTypes,
};
