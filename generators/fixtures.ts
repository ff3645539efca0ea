/**
 * A typed catalog of every Example Object of the contract — requests, responses by status, webhook
 * payloads and the object pages' schema examples — rendered with Handlebars, with accessors that
 * return fresh copies.
 * @see https://spec.openapis.org/oas/v3.1.0#example-object
 */
import { resolveLocal as resolve } from './spec/document.ts';
import { schemaIdentifiers } from './spec/names.ts';
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

function examplesOf(spec: BundledSpec, body: unknown): Record<string, CatalogEntry> {
  const media = resolve<any>(spec, body)?.content?.['application/json'];
  const entries = Object.entries(media?.examples ?? {}).map(
    ([name, example]) => [name, entryOf(resolve(spec, example))] as const,
  );
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

/** Every operation's examples: operationId → request examples and response examples by status. */
function operationExamples(spec: BundledSpec) {
  const bodies = new Map<string, { request: unknown; responses: Record<string, unknown> }>();
  for (const items of [spec.paths ?? {}, spec.webhooks ?? {}]) {
    for (const item of Object.values(items)) {
      for (const operation of Object.values(resolve<Record<string, any>>(spec, item))) {
        if (operation && typeof operation.operationId === 'string') {
          bodies.set(operation.operationId, { request: operation.requestBody, responses: operation.responses ?? {} });
        }
      }
    }
  }
  return operationTable(spec).map((operation) => {
    const body = bodies.get(operation.name)!;
    const responses = Object.fromEntries(
      Object.keys(operation.responses).map((status) => [status, examplesOf(spec, body.responses[status])]),
    );
    return {
      ...operation,
      requestExamples: body.request ? examplesOf(spec, body.request) : undefined,
      responseExamples: responses,
    };
  });
}

/** Examples of whole schemas: `components.examples` entries marked with `x-schema`. */
function schemaExamples(spec: BundledSpec): Record<string, Record<string, CatalogEntry>> {
  const bySchema: Record<string, Record<string, CatalogEntry>> = {};
  for (const [name, example] of Object.entries(spec.components?.examples ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const resolved = resolve<Record<string, any>>(spec, example);
    const schema = resolved['x-schema'];
    if (typeof schema === 'string') (bySchema[schema] ??= {})[name] = entryOf(resolved);
  }
  return Object.fromEntries(Object.entries(bySchema).sort(([a], [b]) => a.localeCompare(b)));
}

export async function generateFixtures(spec: BundledSpec, ctx: GenContext): Promise<FileMap> {
  const operations = operationExamples(spec);
  const schemas = schemaExamples(spec);
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
