/**
 * The contract's component schemas as one JSON Schema 2020-12 document (`$defs`), and the Ajv
 * instance that compiles it. Shared by the validators generator, the conformance tests and the CLI
 * so that every consumer validates with the same keywords, formats and options.
 */
import { Ajv2020, type Options } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { OpenAPIV3_1 } from 'openapi-types';

export const SCHEMA_SET_ID = 'https://pivot-payments-contract.local/schemas.json';
const COMPONENT_REF = '#/components/schemas/';

/**
 * OpenAPI-only keywords and the contract's own extensions (described in spec/EXTENSIONS.md).
 * Declared as a vocabulary so Ajv's strict mode accepts them and still rejects anything else.
 * @see https://spec.openapis.org/oas/v3.1.0#schema-object
 */
export const ANNOTATION_KEYWORDS = [
  'discriminator',
  'xml',
  'externalDocs',
  'example',
  'x-rule',
  'x-source',
  'x-decision',
  'x-free-form',
] as const;

export type Mode = 'strict' | 'tolerant';
export type SchemaMap = Record<string, OpenAPIV3_1.SchemaObject>;

/** A deep copy with every `#/components/schemas/X` reference rewritten to `#/$defs/X`. */
function rewriteRefs<T>(node: T): T {
  if (Array.isArray(node)) return node.map(rewriteRefs) as T;
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) =>
      key === '$ref' && typeof value === 'string' && value.startsWith(COMPONENT_REF)
        ? [key, `#/$defs/${value.slice(COMPONENT_REF.length)}`]
        : [key, rewriteRefs(value)],
    ),
  ) as T;
}

/**
 * Tolerant copy of a schema: objects accept properties the contract does not list, so that a
 * merchant validating live responses is not broken the day Pivot adds a field.
 */
export function tolerate<T>(node: T): T {
  if (Array.isArray(node)) return node.map(tolerate) as T;
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'additionalProperties' && value === false))
      .map(([key, value]) => [key, tolerate(value)]),
  ) as T;
}

/** The component schemas of a bundled document as one `$defs` schema document. */
export function toSchemaSet(schemas: SchemaMap, id = SCHEMA_SET_ID): { $id: string; $defs: SchemaMap } {
  const names = Object.keys(schemas).sort();
  return { $id: id, $defs: Object.fromEntries(names.map((name) => [name, rewriteRefs(schemas[name]!)])) };
}

export function schemaRef(name: string, id = SCHEMA_SET_ID): string {
  return `${id}#/$defs/${name}`;
}

export const AJV_OPTIONS: Options = {
  strict: true,
  // Conditional presence rules ("if mode is REDIRECT then required: [redirectUrl]") name properties
  // declared on the enclosing object, which strictRequired would reject; every other strict check stays on.
  strictRequired: false,
  allErrors: true,
  verbose: false,
  // 2020-12 formats the contract uses; validated by ajv-formats' full (RFC) implementations.
  validateFormats: true,
};

export function createAjv(options: Options = {}): Ajv2020 {
  const ajv = new Ajv2020({ ...AJV_OPTIONS, ...options });
  addFormats.default(ajv, { mode: 'full', formats: ['date-time', 'email', 'uri', 'uuid'] });
  ajv.addVocabulary([...ANNOTATION_KEYWORDS]);
  return ajv;
}
