/**
 * The questions every tool asks of a bundled document: which operations and webhooks it has, which
 * schema an operation's request or response uses, which examples it documents.
 * @see https://spec.openapis.org/oas/v3.1.0#operation-object
 */
import type { OpenAPIV3_1 } from 'openapi-types';
import { HTTP_METHODS, resolveLocal, type BundledSpec } from './document.ts';
import type { PublishedTarget } from './errata/register.ts';

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
