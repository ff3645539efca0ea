/**
 * The callback helper (`callbacks/`): `verifyCallback({ headers, body }, { apiKey })` for a merchant's
 * webhook handler. It authenticates the request by the webhooks' API-key header (compared in constant
 * time), tells which webhook the body is by its `event` (payment or refund callback), and validates it
 * with the generated validators. Written only when the document declares webhooks.
 * @see https://spec.openapis.org/oas/v3.1.0#fixed-fields (webhooks)
 */
import { resolveLocal as resolve } from './spec/document.ts';
import { schemaIdentifiers } from './spec/operations.ts';
import { codeHeader, tidyCode } from './emit/output.ts';
import { render } from './emit/templates.ts';
import type { BundledSpec, FileMap, GenContext, Generator } from './types.ts';
import { operationTable } from './validators.ts';

type Json = Record<string, any>;

export interface WebhookEntry {
  /** operationId of the webhook (`paymentCallback`). */
  name: string;
  /** Component schema of its body (`PaymentCallback`) and that schema's identifier. */
  schema: string;
  id: string;
  /** The values of the body's `event` property, when the schema enumerates them. */
  events: string[];
}

/** The `event` values a webhook body schema enumerates (through `$ref`s and `allOf`), or none. */
export function eventsOf(spec: BundledSpec, schema: unknown, seen = new Set<unknown>()): string[] {
  const node = resolve<Json>(spec, schema);
  if (!node || typeof node !== 'object' || seen.has(node)) return [];
  seen.add(node);
  const event = resolve<Json>(spec, node.properties?.event);
  const own: unknown[] = Array.isArray(event?.enum) ? event.enum : event && 'const' in event ? [event.const] : [];
  const inherited = Array.isArray(node.allOf) ? node.allOf.flatMap((part: unknown) => eventsOf(spec, part, seen)) : [];
  return [...new Set([...own, ...inherited].filter((value): value is string => typeof value === 'string'))].sort();
}

/** The header every webhook's security names (`X-API-Key`), if they agree on one API-key header. */
export function apiKeyHeader(spec: BundledSpec): string | undefined {
  const schemes = (spec.components?.securitySchemes ?? {}) as Record<string, Json>;
  const headers = new Set<string>();
  for (const item of Object.values(spec.webhooks ?? {})) {
    for (const operation of Object.values(resolve<Json>(spec, item) ?? {})) {
      for (const requirement of (operation?.security ?? []) as Array<Record<string, unknown>>) {
        for (const name of Object.keys(requirement)) {
          const scheme = resolve<Json>(spec, schemes[name]);
          if (scheme?.type === 'apiKey' && scheme.in === 'header') headers.add(String(scheme.name));
        }
      }
    }
  }
  return headers.size === 1 ? [...headers][0] : undefined;
}

export function webhookEntries(spec: BundledSpec): WebhookEntry[] {
  const { identifiers } = schemaIdentifiers(spec);
  const schemas = (spec.components?.schemas ?? {}) as Record<string, unknown>;
  return operationTable(spec)
    .filter((operation) => operation.webhook && operation.request !== null)
    .map((operation) => ({
      name: operation.name,
      schema: operation.request!,
      id: identifiers[operation.request!] ?? operation.request!,
      events: eventsOf(spec, schemas[operation.request!]),
    }));
}

export async function generateCallbacks(spec: BundledSpec, ctx: GenContext): Promise<FileMap> {
  const webhooks = webhookEntries(spec);
  const header = apiKeyHeader(spec);
  // verifyCallback authenticates by an API key header: a document whose webhooks have none gets no helper.
  if (webhooks.length === 0 || header === undefined) return {};
  const data = { header: codeHeader(ctx, 'Callback verification'), webhooks, apiKeyHeader: header };
  return {
    'callbacks/index.js': tidyCode(render(ctx.templates, 'callbacks/index.js.hbs', data)),
    'callbacks/index.d.ts': tidyCode(render(ctx.templates, 'callbacks/index.d.ts.hbs', data)),
  };
}

export const callbacksGenerator: Generator = {
  name: 'callbacks',
  description: 'callbacks/: verifyCallback, which authenticates (API key, constant time) and validates a webhook body',
  outputs: ['callbacks/'],
  generate: generateCallbacks,
};
