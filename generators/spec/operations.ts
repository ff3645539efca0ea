/**
 * The questions every tool asks of a bundled document: which operations and webhooks it has, which
 * schema an operation's request or response uses, which examples it documents.
 * @see https://spec.openapis.org/oas/v3.1.0#operation-object
 */
import type { OpenAPIV3_1 } from 'openapi-types';
import { escapePointer, HTTP_METHODS, resolveLocal, type BundledSpec } from './document.ts';
import type { PublishedTarget } from './errata/register.ts';
import { memo } from './memo.ts';
import { identifierMap, toIdentifier, type IdentifierMap } from './names.ts';
import type { SchemaMap } from './schema-set.ts';

const decodePointerSegment = (segment: string) => decodeURIComponent(segment).replaceAll('~1', '/').replaceAll('~0', '~');

export interface ExampleRef {
  name: string;
  example: OpenAPIV3_1.ExampleObject;
  /** The JSON pointer of the example's value in the bundled document. */
  pointer: string;
}

export interface MessageSpec {
  /** The schema a validator checks the body with: a component, or a named inline schema (see messageSchemas). */
  schema: string | undefined;
  examples: ExampleRef[];
}

export interface OperationSpec {
  /** The document's operationId, or one derived from the method and path (`derived`). */
  operationId: string;
  derived: boolean;
  method: string;
  path: string;
  /** `webhook` for entries of the document's `webhooks`. */
  kind: 'path' | 'webhook';
  /** The JSON pointer of the Operation Object. */
  at: string;
  request: MessageSpec | undefined;
  responses: Record<string, MessageSpec>;
}

const COMPONENT_SCHEMA = '#/components/schemas/';

/** A local `$ref`'s target and its pointer (followed until a non-reference node, bounded for cycles). */
function follow(spec: BundledSpec, node: unknown, pointer: string): { node: any; pointer: string } {
  let current = { node: node as any, pointer };
  for (let hops = 0; typeof current.node?.$ref === 'string' && current.node.$ref.startsWith('#/') && hops < 64; hops++) {
    const target = current.node.$ref.slice(1) as string;
    current = { node: resolveLocal(spec, { $ref: current.node.$ref }), pointer: target };
  }
  return current;
}

/**
 * The JSON media type of a Content map: `application/json` first, else the first `…+json` or
 * `application/json; charset=…` in the document's order.
 */
export function jsonMediaType(content: Record<string, unknown> | undefined): string | undefined {
  if (!content) return undefined;
  if (Object.hasOwn(content, 'application/json')) return 'application/json';
  return Object.keys(content).find((type) => /^application\/(?:[\w.+-]*\+)?json\s*(?:;.*)?$/i.test(type));
}

interface Message {
  /** Pointer of the Media Type Object. */
  media: string;
  /** Its schema, if any. */
  schema: unknown;
  examples: ExampleRef[];
}

function messageAt(spec: BundledSpec, body: unknown, pointer: string): Message | undefined {
  const resolved = follow(spec, body, pointer);
  const content = resolved.node?.content as Record<string, any> | undefined;
  const type = jsonMediaType(content);
  if (!type) return undefined;
  const media = `${resolved.pointer}/content/${escapePointer(type)}`;
  const mediaObject = content![type] ?? {};
  const examples = Object.entries((mediaObject.examples ?? {}) as Record<string, unknown>)
    .map(([name, example]) => {
      const target = follow(spec, example, `${media}/examples/${escapePointer(name)}`);
      return { name, example: target.node as OpenAPIV3_1.ExampleObject, pointer: `${target.pointer}/value` };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  // The single `example` of a media type is one more example, named `example` unless that is taken.
  if ('example' in mediaObject && !examples.some(({ name }) => name === 'example'))
    examples.push({ name: 'example', example: { value: mediaObject.example }, pointer: `${media}/example` });
  return { media, schema: mediaObject.schema, examples };
}

/** `createOrder` + `Request` → `CreateOrderRequest`; `repos/get` + `200 Response` → `ReposGet200Response`. */
const schemaNameOf = (...parts: string[]) => toIdentifier(parts.join(' '));

/** `get /orders/{id}` → `getOrdersId`: a derived operationId (lower camel case, as operationIds are written). */
export function derivedOperationId(method: string, path: string): string {
  const identifier = toIdentifier(`${method} ${path}`);
  return identifier.charAt(0).toLowerCase() + identifier.slice(1);
}

interface OperationModel {
  operations: OperationSpec[];
  /** Component schemas and the named inline body schemas. */
  schemas: SchemaMap;
  /** Where each schema of `schemas` is written (pointer, without `#`), for references into it. */
  locations: Map<string, string>;
}

/**
 * Every operation with the schema of each JSON request and response body, named. A body whose schema
 * is a component (`$ref: '#/components/schemas/X'`) is validated as `X`; any other (written inline,
 * or a reference elsewhere) gets a schema of its own: operationId + `Request`, operationId + status +
 * `Response` (`CreateOrderRequest`, `CreateOrder201Response`), or, when it is written once in
 * `components/requestBodies` or `components/responses` for several operations, that component's name
 * + `Request` / `Response`. A name already taken (by a component schema, or its identifier) gets
 * `_2`, `_3`…. Operations without an operationId get one derived from method and path, `_2`… when taken.
 */
function buildModel(spec: BundledSpec): OperationModel {
  const components = (spec.components?.schemas ?? {}) as SchemaMap;
  const taken = new Set([...Object.keys(components), ...Object.keys(components).map(toIdentifier)]);
  const unique = (name: string) => {
    let candidate = name;
    for (let counter = 2; taken.has(candidate); counter++) candidate = `${name}_${counter}`;
    taken.add(candidate);
    return candidate;
  };
  const schemas: SchemaMap = { ...components };
  const locations = new Map(Object.keys(components).map((name) => [`/components/schemas/${escapePointer(name)}`, name]));
  const byMedia = new Map<string, string>();
  // `suggested` is called only for an inline schema: naming loads json-schema-to-typescript (see names.ts).
  const nameMessage = (message: Message | undefined, suggested: () => string): MessageSpec | undefined => {
    if (!message) return undefined;
    const { schema } = message;
    if (schema === undefined || schema === null || typeof schema !== 'object') return { schema: undefined, examples: message.examples };
    const ref = (schema as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && ref.startsWith(COMPONENT_SCHEMA) && Object.keys(schema).length === 1) {
      const name = decodePointerSegment(ref.slice(COMPONENT_SCHEMA.length));
      if (Object.hasOwn(components, name)) return { schema: name, examples: message.examples };
    }
    let name = byMedia.get(message.media);
    if (name === undefined) {
      const shared = /^\/components\/(requestBodies|responses)\/([^/]+)\//.exec(message.media);
      name = unique(shared ? schemaNameOf(decodePointerSegment(shared[2]!), shared[1] === 'responses' ? 'Response' : 'Request') : suggested());
      byMedia.set(message.media, name);
      schemas[name] = schema as SchemaMap[string];
      locations.set(`${message.media}/schema`, name);
    }
    return { schema: name, examples: message.examples };
  };
  const found: Array<Omit<OperationSpec, 'operationId' | 'derived' | 'request' | 'responses'> & { id?: string; operation: any }> = [];
  for (const [section, kind] of [
    ['paths', 'path'],
    ['webhooks', 'webhook'],
  ] as const) {
    for (const [path, item] of Object.entries(spec[section] ?? {})) {
      const pathItem = follow(spec, item, `/${section}/${escapePointer(path)}`);
      for (const method of HTTP_METHODS) {
        const operation = pathItem.node?.[method];
        if (!operation || typeof operation !== 'object') continue;
        const id = typeof operation.operationId === 'string' ? operation.operationId : undefined;
        found.push({ id, method, path, kind, at: `${pathItem.pointer}/${method}`, operation });
      }
    }
  }
  const ids = new Set(found.flatMap(({ id }) => (id === undefined ? [] : [id])));
  const operations = found.map(({ id, operation, ...where }): OperationSpec => {
    let operationId = id;
    if (operationId === undefined) {
      const base = derivedOperationId(where.method, where.path);
      operationId = base;
      for (let counter = 2; ids.has(operationId); counter++) operationId = `${base}_${counter}`;
      ids.add(operationId);
    }
    const request = operation.requestBody ? messageAt(spec, operation.requestBody, `${where.at}/requestBody`) : undefined;
    const responses = Object.entries((operation.responses ?? {}) as Record<string, unknown>)
      .map(([status, response]) => [status, messageAt(spec, response, `${where.at}/responses/${escapePointer(status)}`)] as const)
      .sort(([a], [b]) => a.localeCompare(b));
    return {
      operationId,
      derived: id === undefined,
      ...where,
      request: nameMessage(request, () => schemaNameOf(operationId, 'Request')),
      responses: Object.fromEntries(
        responses.flatMap(([status, message]) => {
          const named = nameMessage(message, () => schemaNameOf(operationId, status, 'Response'));
          return named ? [[status, named]] : [];
        }),
      ),
    };
  });
  return { operations: operations.sort((a, b) => a.operationId.localeCompare(b.operationId)), schemas, locations };
}

const model = (spec: BundledSpec) => memo(spec, 'operations', () => buildModel(spec));

/** Every operation and webhook, sorted by operationId. */
export function listOperations(spec: BundledSpec): OperationSpec[] {
  return model(spec).operations;
}

/**
 * The schemas validators and models are made of: the component schemas, then the named inline body
 * schemas (see buildModel). The same object for the same document.
 */
export function messageSchemas(spec: BundledSpec): SchemaMap {
  return model(spec).schemas;
}

/** The identifier of every schema of `messageSchemas` (computed once per document; see names.ts). */
export function schemaIdentifiers(spec: BundledSpec): IdentifierMap {
  return memo(spec, 'identifiers', () => identifierMap(Object.keys(messageSchemas(spec))));
}

/** Where each schema of `messageSchemas` is written: JSON pointer → name. */
export function schemaLocations(spec: BundledSpec): Map<string, string> {
  return model(spec).locations;
}

/** Reusable examples of whole schemas (`components.examples` with `x-schema`). */
export function listSchemaExamples(spec: BundledSpec): Array<ExampleRef & { schema: string }> {
  return Object.entries(spec.components?.examples ?? {})
    .map(([name, example]) => ({
      name,
      example: resolveLocal<OpenAPIV3_1.ExampleObject>(spec, example),
      pointer: `/components/examples/${escapePointer(name)}/value`,
    }))
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
