/**
 * The bundled OpenAPI document every layer above reads, and how to walk it: its type, the HTTP
 * methods a path item may hold, local `$ref`s and JSON pointer segments.
 * @see https://spec.openapis.org/oas/v3.1.0#openapi-object
 */
import type { OpenAPIV3_1 } from 'openapi-types';

export type BundledSpec = OpenAPIV3_1.Document;

/** The operations a Path Item Object may hold, in the order the OpenAPI specification lists them. */
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** One JSON pointer segment (RFC 6901: `~` → `~0`, `/` → `~1`). */
export function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** One JSON pointer segment of a URI fragment: percent-decoded (bundlers write `{` as `%7B`), then unescaped. */
export function decodeSegment(segment: string): string {
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // not percent-encoded after all
  }
  return decoded.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** Follows local `$ref`s (`#/components/…`) until a non-reference node (bounded, for cyclic input). */
export function resolveLocal<T>(document: unknown, node: unknown): T {
  let current = node as { $ref?: unknown } | undefined;
  for (let hops = 0; current && typeof current.$ref === 'string' && current.$ref.startsWith('#/') && hops < 64; hops++) {
    current = current.$ref
      .slice(2)
      .split('/')
      .map((segment) => decodeSegment(segment))
      .reduce<any>((value, key) => value?.[key], document);
  }
  return current as T;
}
