/**
 * The single-file contract: the bundled OpenAPI document as JSON (what Prism and consumers load)
 * and YAML. JSON has no comments, so its "do not edit" notice is the `x-generated` member.
 * @see https://spec.openapis.org/oas/v3.1.0#openapi-object
 */
import { stringify } from 'yaml';
import { doNotEditNotice, toJson } from './lib/output.ts';
import type { BundledSpec, FileMap, GenContext, Generator } from './types.ts';

export function withGeneratedNotice(spec: BundledSpec, ctx: GenContext): BundledSpec {
  const { openapi, ...rest } = spec;
  return { openapi, 'x-generated': doNotEditNotice(ctx, 'Bundled contract'), ...rest } as unknown as BundledSpec;
}

export function generateBundle(spec: BundledSpec, ctx: GenContext): FileMap {
  const document = withGeneratedNotice(spec, ctx);
  return {
    'openapi.json': toJson(document),
    'openapi.yaml': `# ${doNotEditNotice(ctx, 'Bundled contract')}\n${stringify(document, { lineWidth: 0, aliasDuplicateObjects: false })}`,
  };
}

export const bundleGenerator: Generator = {
  name: 'bundle',
  description: 'openapi.json / openapi.yaml: the bundled document Prism and consumers load',
  outputs: ['openapi.json', 'openapi.yaml'],
  generate: generateBundle,
};
