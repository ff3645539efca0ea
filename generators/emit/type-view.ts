/**
 * What the TypeScript generators see of the schemas. Cross-field rules (`x-rule` blocks of if/then,
 * dependentRequired …) cannot be expressed as types and would come out as `Record<string, never>` or
 * `unknown`, so they are dropped; rules made of alternatives (`oneOf` / `anyOf`) are kept, since
 * unions express them. openapi-typescript and json-schema-to-typescript get the same view, so their
 * types agree.
 */
import type { SchemaMap } from '../spec/schema-set.ts';

const COMPONENT_REF = '#/components/schemas/';

function isRule(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && 'x-rule' in schema;
}

function isTypeableRule(schema: unknown): boolean {
  return isRule(schema) && ('oneOf' in (schema as object) || 'anyOf' in (schema as object));
}

export interface TypeViewOptions {
  /**
   * json-schema-to-typescript renders a `false` property schema as an open object; `tsType: never`
   * says what it means. A `$ref` also loses its sibling annotations there, which JSTT would turn
   * into duplicate types (`PositiveAmount1`).
   */
  forJstt?: boolean;
}

function isNullOnly(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false;
  const { type, const: constant, enum: values } = schema as Record<string, unknown>;
  return (
    type === 'null' ||
    (Array.isArray(type) && type.length === 1 && type[0] === 'null') ||
    ('const' in schema && constant === null) ||
    (Array.isArray(values) && values.length === 1 && values[0] === null)
  );
}

/**
 * A property that can only be `null` (a documented object with no published fields, e.g.
 * `CardOptions.installment`) is typed `Record<string, never> | null`, not `null`: openapi-fetch's
 * writable view of a request body (openapi-typescript-helpers `Writable`) takes a property whose
 * non-null part is `never` for a read-only one and types it `never`, so no request holding it would
 * compile (openapi-typescript issue #2717). The validators still accept only `null`.
 */
function typeableNull(schema: Record<string, unknown>, options: TypeViewOptions): Record<string, unknown> {
  const { type: _type, const: _const, enum: _enum, ...annotations } = schema;
  // json-schema-to-typescript renders an empty closed object as `{}` (any non-null value): say it.
  if (options.forJstt) return { ...annotations, tsType: 'Record<string, never> | null' };
  return { ...annotations, type: ['object', 'null'], properties: {}, additionalProperties: false };
}

function view(node: unknown, ruleSchemas: Set<string>, options: TypeViewOptions): unknown {
  if (Array.isArray(node)) return node.map((item) => view(item, ruleSchemas, options));
  if (node === null || typeof node !== 'object') return node;
  const record = node as Record<string, unknown>;
  if (options.forJstt && typeof record.$ref === 'string') return { $ref: record.$ref };
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === 'allOf' && Array.isArray(value)) {
      const kept = value
        .filter((item) => (!isRule(item) || isTypeableRule(item)) && !ruleSchemas.has(String((item as { $ref?: string }).$ref)))
        // A kept rule's own `type: object` would add an empty object type (`Record<string, never>`).
        .map((item) =>
          isRule(item) ? Object.fromEntries(Object.entries(item as object).filter(([name]) => name !== 'type')) : item,
        );
      if (kept.length > 0) result.allOf = view(kept, ruleSchemas, options);
    } else if (key === 'properties' && value && typeof value === 'object') {
      result.properties = Object.fromEntries(
        Object.entries(value).map(([name, schema]) => [
          name,
          schema === false && options.forJstt
            ? { tsType: 'never' }
            : isNullOnly(schema)
              ? typeableNull(schema as Record<string, unknown>, options)
              : view(schema, ruleSchemas, options),
        ]),
      );
    } else {
      result[key] = view(value, ruleSchemas, options);
    }
  }
  return result;
}

/** Names of component schemas that only state a rule (no type of their own). */
export function ruleOnlySchemas(schemas: SchemaMap): string[] {
  return Object.keys(schemas).filter((name) => isRule(schemas[name]) && !isTypeableRule(schemas[name]));
}

/** The component schemas as the type generators should compile them (rule-only schemas removed). */
export function typeView(schemas: SchemaMap, options: TypeViewOptions = {}): SchemaMap {
  const ruleOnly = new Set(ruleOnlySchemas(schemas));
  const refs = new Set([...ruleOnly].map((name) => `${COMPONENT_REF}${name}`));
  return Object.fromEntries(
    Object.entries(schemas)
      .filter(([name]) => !ruleOnly.has(name))
      .map(([name, schema]) => [name, view(schema, refs, options) as SchemaMap[string]]),
  );
}
