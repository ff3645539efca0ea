/**
 * Component names → TypeScript identifiers. OpenAPI allows any `^[a-zA-Z0-9.\-_]+$` component name
 * (`billing_portal.configuration`, `3DSecureData`); the named models, `is…` / `assert…` and the
 * standalone validators' exports need identifiers. The mapping is json-schema-to-typescript's own
 * (`toSafeString`: separators dropped, the next letter upper-cased), so the model JSTT emits for a
 * component has exactly the name the validators point at. Names that map to the same identifier get
 * `_2`, `_3`… in sorted order, and are reported.
 * @see https://spec.openapis.org/oas/v3.1.0#components-object
 */
import { createRequire } from 'node:module';

/**
 * json-schema-to-typescript's `toSafeString`, loaded on first use: its module loads all of lodash
 * (about 0.1 s), which a document whose names are all plain PascalCase never needs.
 */
let safeString: ((name: string) => string) | undefined;
function toSafeString(name: string): string {
  safeString ??= (
    createRequire(import.meta.url)(
      'json-schema-to-typescript/dist/src/utils.js',
    ) as typeof import('json-schema-to-typescript/dist/src/utils.js')
  ).toSafeString;
  return safeString(name);
}

/**
 * Names `toSafeString` returns unchanged: an upper-case ASCII letter, then letters and digits, no digit
 * followed by a lower-case letter (which it would upper-case). Checked against it by
 * test/generators/names.test.ts.
 */
const PLAIN_PASCAL_CASE = /^[A-Z](?:[a-zA-Z]|\d(?![a-z]))*$/;

export interface IdentifierMap {
  /** Component name → identifier (identity for names that already are PascalCase identifiers). */
  identifiers: Record<string, string>;
  /** Identifiers more than one component name maps to, with those names (sorted), before suffixing. */
  collisions: Array<{ identifier: string; names: string[] }>;
}

/**
 * One name's identifier before collisions are resolved. A name that cannot start an identifier
 * (`400`, `3DSecureData`) is prefixed with `Schema` (`Schema400`) instead of losing its digits.
 */
export function toIdentifier(name: string): string {
  if (PLAIN_PASCAL_CASE.test(name)) return name;
  return toSafeString(/^[^a-zA-Z_$]/.test(name) ? `Schema ${name}` : name) || 'Schema';
}

/** The identifier of every component name, collisions resolved deterministically and listed. */
export function identifierMap(names: readonly string[]): IdentifierMap {
  const byIdentifier = new Map<string, string[]>();
  for (const name of [...names].sort()) {
    const identifier = toIdentifier(name);
    byIdentifier.set(identifier, [...(byIdentifier.get(identifier) ?? []), name]);
  }
  const taken = new Set(byIdentifier.keys());
  const identifiers: Record<string, string> = {};
  const collisions: IdentifierMap['collisions'] = [];
  for (const [identifier, group] of byIdentifier) {
    // A name that is its own identifier keeps it; the others are numbered after it.
    const ordered = [...group.filter((name) => name === identifier), ...group.filter((name) => name !== identifier)];
    identifiers[ordered[0]!] = identifier;
    let counter = 2;
    for (const name of ordered.slice(1)) {
      while (taken.has(`${identifier}_${counter}`)) counter++;
      identifiers[name] = `${identifier}_${counter}`;
      taken.add(identifiers[name]);
    }
    if (group.length > 1) collisions.push({ identifier, names: group });
  }
  return { identifiers, collisions };
}
