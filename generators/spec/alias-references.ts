/**
 * References to an alias component keep the name their author wrote. A component schema that is only a
 * `$ref` to another (`UserBase: {$ref: '#/components/schemas/UserCompact'}`) is a name of its own, and
 * a property written as `$ref: UserBase` is a `UserBase` (openapi-typescript reads it so). The bundler
 * (json-schema-ref-parser) rewrites every reference to the end of its chain (`Holder.u → UserCompact`),
 * which would leave the alias named by nobody: the root document's references to a component schema
 * are noted before bundling, and those the bundler shortened through an alias are put back after.
 * @see https://spec.openapis.org/oas/v3.1.0#schema-object (a schema's `$ref`: JSON Schema 2020-12 §8.2.3.1)
 */
import { forEachObject } from './data-positions.ts';
import { decodeSegment, escapePointer, type BundledSpec } from './document.ts';

const COMPONENT_SCHEMA = '#/components/schemas/';

/** Each object of the root document that refers to a component schema by pointer, with its `$ref` as written. */
export function componentSchemaReferences(root: unknown): Map<object, string> {
  const written = new Map<object, string>();
  forEachObject(
    root,
    (record) => {
      const ref = record.$ref;
      if (typeof ref === 'string' && ref.startsWith(COMPONENT_SCHEMA)) written.set(record, ref);
    },
    escapePointer,
  );
  return written;
}

const isAlias = (schema: unknown): boolean =>
  schema !== null && typeof schema === 'object' && typeof (schema as { $ref?: unknown }).$ref === 'string';

/**
 * After bundling, in place: each noted reference the bundler moved off a component that is itself only
 * a reference (an alias) points at that alias again. The written pointer is still valid in the bundle
 * (the root's components stay where they are); a reference the bundler replaced by its target's value
 * is no longer in the document, and changing it changes nothing.
 */
export function restoreAliasReferences(bundled: BundledSpec, written: Map<object, string>): void {
  const schemas = (bundled.components?.schemas ?? {}) as Record<string, unknown>;
  for (const [record, ref] of written) {
    const current = record as { $ref?: unknown };
    if (current.$ref === ref) continue;
    const rest = ref.slice(COMPONENT_SCHEMA.length);
    if (rest.includes('/')) continue; // a pointer into a component, not at one
    const name = decodeSegment(rest);
    if (Object.hasOwn(schemas, name) && isAlias(schemas[name]) && schemas[name] !== record) current.$ref = ref;
  }
}
