/**
 * Loads the split spec into one bundled document and answers the questions tests and tools ask of
 * it: which schema does an operation's request or response use, which examples does it document.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import type { ErrorObject } from 'ajv';
import type { OpenAPIV3_1 } from 'openapi-types';
import { resolve } from 'node:path';
import {
  collectRules,
  createAjv,
  resourceId,
  toSchemaResources,
  type Mode,
  type SchemaMap,
} from '../../generators/lib/schema-set.ts';
import type { PublishedTarget } from './published-examples.ts';

export type BundledSpec = OpenAPIV3_1.Document;
export const SPEC_DIR = resolve(import.meta.dirname, '../../spec');
export const SPEC_ROOT = resolve(SPEC_DIR, 'openapi.yaml');

export async function loadBundledSpec(root = SPEC_ROOT): Promise<BundledSpec> {
  return (await SwaggerParser.bundle(root)) as BundledSpec;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface ExampleRef {
  name: string;
  example: OpenAPIV3_1.ExampleObject;
}

export interface MessageSpec {
  schema: string | undefined;
  examples: ExampleRef[];
}

export interface OperationSpec {
  operationId: string;
  method: string;
  path: string;
  /** `webhook` for entries of the document's `webhooks`. */
  kind: 'path' | 'webhook';
  request: MessageSpec | undefined;
  responses: Record<string, MessageSpec>;
}

export { resolveLocal } from '../../generators/lib/document.ts';
import { resolveLocal } from '../../generators/lib/document.ts';
import { deeperThan, MAX_DEPTH } from '../../generators/runtime/violations.js';

function componentName(schema: unknown): string | undefined {
  const ref = (schema as { $ref?: string } | undefined)?.$ref;
  return ref?.startsWith('#/components/schemas/') ? ref.slice('#/components/schemas/'.length) : undefined;
}

function messageSpec(spec: BundledSpec, body: unknown): MessageSpec | undefined {
  const resolved = resolveLocal<OpenAPIV3_1.RequestBodyObject | OpenAPIV3_1.ResponseObject>(spec, body);
  const media = resolved?.content?.['application/json'];
  if (!media) return undefined;
  const examples = Object.entries(media.examples ?? {})
    .map(([name, example]) => ({ name, example: resolveLocal<OpenAPIV3_1.ExampleObject>(spec, example) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { schema: componentName(media.schema), examples };
}

function operationsOf(spec: BundledSpec, items: Record<string, unknown>, kind: OperationSpec['kind']): OperationSpec[] {
  return Object.entries(items).flatMap(([path, item]) => {
    const pathItem = resolveLocal<OpenAPIV3_1.PathItemObject>(spec, item);
    return HTTP_METHODS.filter((method) => pathItem[method]).map((method) => {
      const operation = pathItem[method]!;
      const responses = Object.fromEntries(
        Object.entries(operation.responses ?? {})
          .map(([status, response]) => [status, messageSpec(spec, response)] as const)
          .filter((entry): entry is [string, MessageSpec] => entry[1] !== undefined),
      );
      return {
        // Optional in OpenAPI; this repository's house rules require it (an empty string when absent).
        operationId: operation.operationId ?? '',
        method,
        path,
        kind,
        request: operation.requestBody ? messageSpec(spec, operation.requestBody) : undefined,
        responses,
      };
    });
  });
}

/** Every operation and webhook, sorted by operationId. */
export function listOperations(spec: BundledSpec): OperationSpec[] {
  return [...operationsOf(spec, spec.paths ?? {}, 'path'), ...operationsOf(spec, spec.webhooks ?? {}, 'webhook')].sort((a, b) =>
    a.operationId.localeCompare(b.operationId),
  );
}

/** Reusable examples of whole schemas (`components.examples` with `x-schema`). */
export function listSchemaExamples(spec: BundledSpec): Array<ExampleRef & { schema: string }> {
  return Object.entries(spec.components?.examples ?? {})
    .map(([name, example]) => ({ name, example: resolveLocal<OpenAPIV3_1.ExampleObject>(spec, example) }))
    .filter(({ example }) => typeof (example as Record<string, unknown>)['x-schema'] === 'string')
    .map((entry) => ({ ...entry, schema: (entry.example as Record<string, unknown>)['x-schema'] as string }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The component schema a published example's target is validated against. */
export function targetSchema(spec: BundledSpec, target: PublishedTarget): string {
  if ('schema' in target) return target.schema;
  const operationId = 'operationId' in target ? target.operationId : target.webhook;
  const operation = listOperations(spec).find((candidate) => candidate.operationId === operationId);
  if (!operation) throw new Error(`unknown operation ${operationId}`);
  const message = target.in === 'request' ? operation.request : operation.responses[target.status];
  if (!message?.schema) throw new Error(`${operationId} ${target.in} has no component schema`);
  return message.schema;
}

/** The cross-field rules of the bundled component schemas (see `collectRules`). */
export function contractRules(spec: BundledSpec) {
  return collectRules((spec.components?.schemas ?? {}) as SchemaMap);
}

/**
 * A runtime (non-standalone) validator over the bundled component schemas. Like the generated ones, it
 * rejects data nested deeper than MAX_DEPTH with one `maxDepth` error instead of recursing into it.
 */
export function runtimeValidator(spec: BundledSpec, mode: Mode = 'strict') {
  const ajv = createAjv();
  ajv.addSchema(toSchemaResources((spec.components?.schemas ?? {}) as SchemaMap, mode));
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
