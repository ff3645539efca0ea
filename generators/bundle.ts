/**
 * The single-file contract: the bundled OpenAPI document as JSON (what Prism and consumers load)
 * and YAML. JSON has no comments, so its "do not edit" notice is the `x-generated` member.
 * @see https://spec.openapis.org/oas/v3.1.0#openapi-object
 */
// js-yaml, the fast one of the two YAML libraries (generators/spec/parse.ts says why there are two):
// it writes the bundle 5× as fast as `yaml`, and both read the text back identically.
import { CORE_SCHEMA, dump } from 'js-yaml';
import { doNotEditNotice, toJson } from './emit/output.ts';
import type { BundledSpec, FileMap, GenContext, Generator } from './types.ts';

export function withGeneratedNotice(spec: BundledSpec, ctx: GenContext): BundledSpec {
  const { openapi, ...rest } = spec;
  return { openapi, 'x-generated': doNotEditNotice(ctx, 'Bundled contract'), ...rest } as unknown as BundledSpec;
}

export function generateBundle(spec: BundledSpec, ctx: GenContext): FileMap {
  const document = withGeneratedNotice(spec, ctx);
  // js-yaml writes YAML 5× as fast as `yaml` (which the loader keeps for its error positions); the core
  // schema is what both read back, `noRefs` writes a repeated object out again instead of as an alias.
  return {
    'openapi.json': toJson(document),
    'openapi.yaml': `# ${doNotEditNotice(ctx, 'Bundled contract')}\n${dump(document, { lineWidth: -1, noRefs: true, schema: CORE_SCHEMA })}`,
  };
}

export const bundleGenerator: Generator = {
  name: 'bundle',
  description: 'openapi.json / openapi.yaml: the bundled document Prism and consumers load',
  outputs: ['openapi.json', 'openapi.yaml'],
  generate: generateBundle,
};
