/**
 * A typed catalog of every Example Object of the contract — requests, responses by status, webhook
 * payloads and the object pages' schema examples — rendered with Handlebars, with accessors that
 * return fresh copies.
 * @see https://spec.openapis.org/oas/v3.1.0#example-object
 */
import { exampleKey, rejectedExamples } from './spec/checks.ts';
import { listOperations, listSchemaExamples, schemaIdentifiers, type MessageSpec } from './spec/operations.ts';
import { codeHeader, finalNewline, tidyCode } from './emit/output.ts';
import { render } from './emit/templates.ts';
import { operationTable } from './validators.ts';
import type { BundledSpec, FileMap, GenContext, Generator } from './types.ts';

interface CatalogEntry {
  summary: string;
  source: { page: string; section: string };
  composed: boolean;
  value: unknown;
}

function entryOf(example: Record<string, any>): CatalogEntry {
  return {
    summary: String(example.summary ?? ''),
    source: { page: String(example['x-source']?.page ?? ''), section: String(example['x-source']?.section ?? '') },
    composed: example['x-composed'] === true,
    value: example.value,
  };
}

function examplesOf(message: MessageSpec | undefined, rejected: Set<string>): Record<string, CatalogEntry> | undefined {
  if (!message) return undefined;
  return Object.fromEntries(
    message.examples
      .filter(({ pointer }) => !rejected.has(exampleKey(message.schema ?? '', pointer)))
      .map(({ name, example }) => [name, entryOf(example as Record<string, any>)]),
  );
}

/**
 * Every operation's examples: operationId → request examples and response examples by status. An
 * example its own schema rejects (a warning with `--spec`) is left out.
 */
function operationExamples(spec: BundledSpec, rejected: Set<string>) {
  const messages = new Map(listOperations(spec).map((operation) => [operation.operationId, operation]));
  return operationTable(spec).map((operation) => {
    const { request, responses } = messages.get(operation.name)!;
    return {
      ...operation,
      requestExamples: examplesOf(request, rejected),
      responseExamples: Object.fromEntries(
        Object.keys(operation.responses).map((status) => [status, examplesOf(responses[status], rejected) ?? {}]),
      ),
    };
  });
}

/** Examples of whole schemas: `components.examples` entries marked with `x-schema`. */
function schemaExamples(spec: BundledSpec, rejected: Set<string>): Record<string, Record<string, CatalogEntry>> {
  const bySchema: Record<string, Record<string, CatalogEntry>> = {};
  for (const { name, schema, example, pointer } of listSchemaExamples(spec)) {
    if (!rejected.has(exampleKey(schema, pointer))) (bySchema[schema] ??= {})[name] = entryOf(example as Record<string, any>);
  }
  return Object.fromEntries(Object.entries(bySchema).sort(([a], [b]) => a.localeCompare(b)));
}

export async function generateFixtures(spec: BundledSpec, ctx: GenContext): Promise<FileMap> {
  const rejected = rejectedExamples(spec, ctx.checks);
  const operations = operationExamples(spec, rejected);
  const schemas = schemaExamples(spec, rejected);
  // The model type of a schema name (see lib/names.ts); `unknown` for a name that is no component.
  const { identifiers } = schemaIdentifiers(spec);
  const typeOf = (schema: string | null) =>
    schema && Object.hasOwn(identifiers, schema) ? `Models.${identifiers[schema]}` : 'unknown';
  const catalog = {
    operations: Object.fromEntries(
      operations.map((operation) => [
        operation.name,
        { ...(operation.requestExamples ? { request: operation.requestExamples } : {}), responses: operation.responseExamples },
      ]),
    ),
    schemas,
  };
  const data = {
    header: codeHeader(ctx, 'Fixture catalog of the documented examples'),
    operations: operations.map((operation) => ({
      name: operation.name,
      requestSchema: operation.request,
      request: operation.requestExamples
        ? Object.keys(operation.requestExamples).map((name) => ({
            name,
            operation: operation.name,
            type: typeOf(operation.request),
          }))
        : null,
      responses: Object.entries(operation.responseExamples).map(([status, examples]) => ({
        status,
        examples: Object.keys(examples).map((name) => ({
          name,
          operation: operation.name,
          status,
          type: typeOf(operation.responses[status]!),
        })),
      })),
    })),
    schemas: Object.entries(schemas).map(([name, examples]) => ({
      name,
      examples: Object.keys(examples).map((example) => ({ name: example, schema: name, type: typeOf(name) })),
    })),
  };
  return {
    'fixtures/catalog.js': finalNewline(
      `${codeHeader(ctx, 'Fixture data')}export const catalog = ${JSON.stringify(catalog, null, 2)};`,
    ),
    'fixtures/catalog.d.ts': finalNewline(
      `${codeHeader(ctx, 'Fixture data')}/** The raw fixture data; read it through the accessors of index.js, which return fresh copies. */\nexport declare const catalog: unknown;`,
    ),
    'fixtures/index.js': tidyCode(render(ctx.templates, 'fixtures/index.js.hbs', data)),
    'fixtures/index.d.ts': tidyCode(render(ctx.templates, 'fixtures/index.d.ts.hbs', data)),
  };
}

export const fixturesGenerator: Generator = {
  name: 'fixtures',
  description: 'fixtures/: typed catalog of every documented example, fresh copies on access',
  outputs: ['fixtures/'],
  generate: generateFixtures,
};
