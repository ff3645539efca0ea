/** Navigation of a bundled OpenAPI document, shared by the generators and the CLI. */

/** Follows local `$ref`s (`#/components/…`) until a non-reference node (bounded, for cyclic input). */
export function resolveLocal<T>(document: unknown, node: unknown): T {
  let current = node as { $ref?: unknown } | undefined;
  for (let hops = 0; current && typeof current.$ref === 'string' && current.$ref.startsWith('#/') && hops < 64; hops++) {
    current = current.$ref
      .slice(2)
      .split('/')
      .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<any>((value, key) => value?.[key], document);
  }
  return current as T;
}
