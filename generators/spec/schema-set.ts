/**
 * The contract's component schemas as one JSON Schema 2020-12 document (`$defs`), and the Ajv
 * instance that compiles it. Shared by the validators generator, the conformance tests and the CLI
 * so that every consumer validates with the same keywords, formats and options.
 */
import { Ajv2020, type Options } from 'ajv/dist/2020.js';
import { formats } from '../runtime/formats.js';
import { cheaperCode } from './ajv-code.ts';
import { boundFreeForm, depthKeyword, FREE_FORM } from './depth.ts';
import { shareRepeatedSubschemas } from './shared-subschemas.ts';
import type { OpenAPIV3_1 } from 'openapi-types';

export const SCHEMA_SET_ID = 'https://pivot-payments-contract.local/schemas.json';
/** Base of the per-schema resources the validators compile (`…/strict/PaymentSession.json`). */
export const RESOURCE_BASE = 'https://pivot-payments-contract.local/';
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

/**
 * How strictly Ajv reads the schemas. `contract` (this repository's spec/): Ajv's strict mode, so an
 * undeclared keyword or a type-less `maxLength` is an error (a house rule). `document` (any user's
 * OpenAPI document through `generate --spec`): every valid OpenAPI schema compiles; unknown keywords
 * are annotations, as JSON Schema 2020-12 says, and keywords that need a `type` apply when it fits.
 */
export type CheckLevel = 'contract' | 'document';

const LEVEL_OPTIONS: Record<CheckLevel, Options> = {
  contract: {},
  // OpenAPI's `pattern` is an ECMA-262 regular expression, not necessarily valid with the `u` flag.
  document: { strictSchema: false, strictTypes: false, strictTuples: false, unicodeRegExp: false },
};
export type SchemaMap = Record<string, OpenAPIV3_1.SchemaObject>;

/** Schema keywords whose values are data: never rewritten (a `$ref` key in an example is part of it). */
const DATA_KEYWORDS = new Set(['example', 'examples', 'default', 'enum', 'const']);

/**
 * Where schemas are written besides `#/components/schemas/X` (JSON pointer → schema name): the named
 * inline body schemas of generators/spec/operations.ts, which other schemas may refer into.
 */
export type SchemaLocations = ReadonlyMap<string, string>;

/**
 * The schema a local reference points into, and the pointer below it: `#/components/schemas/Pet/oneOf/0`
 * is `Pet`, `/oneOf/0` (a bundler writes such pointers for a file it first met inside another schema);
 * a pointer into a named inline schema is that schema. Undefined for anything else.
 */
export function schemaOfRef(ref: string, locations: SchemaLocations | undefined): { name: string; rest: string } | undefined {
  if (ref.startsWith(COMPONENT_REF)) {
    const slash = ref.indexOf('/', COMPONENT_REF.length);
    const name = (slash === -1 ? ref.slice(COMPONENT_REF.length) : ref.slice(COMPONENT_REF.length, slash)).replaceAll('~0', '~');
    return { name, rest: slash === -1 ? '' : ref.slice(slash) };
  }
  if (!locations || !ref.startsWith('#/')) return undefined;
  // Locations are written without percent-encoding; a bundler's pointers may have it (`%7Bid%7D`).
  const written = ref.includes('%') ? safeDecode(ref) : ref;
  for (let pointer = written.slice(1); pointer !== ''; pointer = pointer.slice(0, pointer.lastIndexOf('/'))) {
    const name = locations.get(pointer);
    if (name !== undefined) return { name, rest: written.slice(1 + pointer.length) };
  }
  return undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURI(text);
  } catch {
    return text;
  }
}

/** A deep copy with every reference into a schema rewritten by `to(name, rest)` (see schemaOfRef). */
function rewriteSchemaRefs<T>(node: T, to: (name: string, rest: string) => string, locations?: SchemaLocations, namesMap = false): T {
  if (Array.isArray(node)) return node.map((item) => rewriteSchemaRefs(item, to, locations)) as T;
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => {
      if (!namesMap && key === '$ref' && typeof value === 'string') {
        const target = schemaOfRef(value, locations);
        return [key, target ? to(target.name, target.rest) : value];
      }
      if (!namesMap && DATA_KEYWORDS.has(key)) return [key, value];
      return [key, rewriteSchemaRefs(value, to, locations, !namesMap && SCHEMA_MAP_KEYWORDS.has(key))];
    }),
  ) as T;
}

/** A deep copy with every schema reference rewritten to `#/$defs/X…`. */
function rewriteRefs<T>(node: T, locations?: SchemaLocations): T {
  return rewriteSchemaRefs(node, (name, rest) => `#/$defs/${name}${rest}`, locations);
}

/**
 * Tolerant copy of a schema: objects accept properties the contract does not list, so that a
 * merchant validating live responses is not broken the day Pivot adds a field.
 */
export function tolerate<T>(node: T): T {
  if (Array.isArray(node)) return node.map(tolerate) as T;
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) =>
      // Accepted as they are, within the depth limit (generators/spec/depth.ts).
      key === 'additionalProperties' && value === false ? [key, FREE_FORM] : [key, tolerate(value)],
    ),
  ) as T;
}

const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'dependentSchemas', '$defs']);
const SCHEMA_LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const SCHEMA_KEYWORDS = new Set([
  'not',
  'if',
  'then',
  'else',
  'items',
  'contains',
  'additionalProperties',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
]);

/**
 * Copies a rule's `x-rule` onto every subschema inside it (not across `$ref`s), so that any error
 * raised within a cross-field rule names that rule in its parent schema. An annotation: it changes
 * no validation result (a `false` subschema becomes the equivalent `{ not: {} }`).
 */
function stampRules(schema: unknown, rule?: string): unknown {
  // `false` cannot carry an annotation; `{ not: {} }` rejects exactly the same values and can.
  if (schema === false && rule) return { not: {}, 'x-rule': rule };
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const record = schema as Record<string, unknown>;
  const own = typeof record['x-rule'] === 'string' ? (record['x-rule'] as string) : rule;
  const stamped = Object.fromEntries(
    Object.entries(record).map(([key, value]) => {
      if (SCHEMA_KEYWORDS.has(key)) return [key, stampRules(value, own)];
      if (SCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) return [key, value.map((item) => stampRules(item, own))];
      if (SCHEMA_MAP_KEYWORDS.has(key) && value && typeof value === 'object') {
        return [key, Object.fromEntries(Object.entries(value).map(([name, item]) => [name, stampRules(item, own)]))];
      }
      return [key, value];
    }),
  );
  return own && !('$ref' in record) ? { ...stamped, 'x-rule': own } : stamped;
}

/** The component schemas of a bundled document as one `$defs` schema document. */
export function toSchemaSet(
  schemas: SchemaMap,
  id = SCHEMA_SET_ID,
  locations?: SchemaLocations,
): { $id: string; $defs: SchemaMap } {
  const names = Object.keys(schemas).sort();
  return {
    $id: id,
    $defs: Object.fromEntries(
      names.map((name) => [name, stampRules(rewriteRefs(schemas[name]!, locations)) as OpenAPIV3_1.SchemaObject]),
    ),
  };
}

export function schemaRef(name: string, id = SCHEMA_SET_ID): string {
  return `${id}#/$defs/${name}`;
}

/** Keywords that only document a schema; the validators don't need them in their compiled input. */
const DOCUMENTATION_KEYWORDS = new Set([
  'title',
  'description',
  'externalDocs',
  'examples',
  'example',
  'x-source',
  'x-decision',
  'default',
  'readOnly',
  'writeOnly',
  'deprecated',
]);

/** Extensions only annotate; `x-rule` stays, since violations name the rule they break. */
const isDocumentationKeyword = (key: string) => DOCUMENTATION_KEYWORDS.has(key) || (key.startsWith('x-') && key !== 'x-rule');

/** A copy without documentation keywords and extensions (property names are kept, whatever they are called). */
function withoutDocumentation(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutDocumentation);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => !isDocumentationKeyword(key))
      .map(([key, value]) => [
        key,
        SCHEMA_MAP_KEYWORDS.has(key) && value && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).map(([name, item]) => [name, withoutDocumentation(item)]))
          : withoutDocumentation(value),
      ]),
  );
}

/** A deep copy with every `#/components/schemas/X…` reference rewritten to the sibling resource `X.json#…`. */
function rewriteRefsToResources<T>(node: T, locations?: SchemaLocations): T {
  return rewriteSchemaRefs(node, (name, rest) => `${encodeURIComponent(name)}.json${rest ? `#${rest}` : ''}`, locations);
}

export function resourceId(name: string, mode: Mode): string {
  return `${RESOURCE_BASE}${mode}/${encodeURIComponent(name)}.json`;
}

/**
 * The component schemas as separate schema resources (one `$id` each, refs between siblings), the
 * input every validator compiles: shared by the standalone generator and the runtime validator so
 * that both validate exactly the same schemas. Each is compiled once, whoever references it.
 */
export function toSchemaResources(
  schemas: SchemaMap,
  mode: Mode,
  locations?: SchemaLocations,
): Array<OpenAPIV3_1.SchemaObject & { $id: string }> {
  const prepared = Object.keys(schemas)
    .sort()
    .map((name) => {
      const compiled = stampRules(
        boundFreeForm(withoutDocumentation(rewriteRefsToResources(schemas[name]!, locations))),
      ) as OpenAPIV3_1.SchemaObject;
      // Tolerating after stripping walks the smaller copy; the result is the same either way.
      return { ...(mode === 'tolerant' ? tolerate(compiled) : compiled), $id: resourceId(name, mode) };
    });
  // Repeated inline subschemas are compiled once (generators/spec/shared-subschemas.ts).
  return shareRepeatedSubschemas(prepared) as Array<OpenAPIV3_1.SchemaObject & { $id: string }>;
}

/** The same resources in the other mode, from already prepared strict ones (no second preparation). */
export function tolerantResources(strict: ReadonlyArray<OpenAPIV3_1.SchemaObject & { $id: string }>) {
  const strictBase = `${RESOURCE_BASE}strict/`;
  return strict.map((resource) => ({
    ...tolerate(resource),
    $id: resource.$id.replace(strictBase, `${RESOURCE_BASE}tolerant/`),
  }));
}

/** Every `format` a schema set uses (in schema positions; property names are not formats). */
export function usedFormats(schemas: SchemaMap): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (node: unknown, pointer: string, namesMap: boolean): void => {
    if (Array.isArray(node)) return node.forEach((item, index) => visit(item, `${pointer}/${index}`, false));
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      const at = `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      if (!namesMap && key === 'format' && typeof value === 'string') {
        if (!found.has(value)) found.set(value, at);
      } else if (namesMap || !(DOCUMENTATION_KEYWORDS.has(key) || key === 'enum' || key === 'const' || key.startsWith('x-')))
        visit(value, at, !namesMap && SCHEMA_MAP_KEYWORDS.has(key));
    }
  };
  for (const name of Object.keys(schemas).sort())
    visit(schemas[name], `/components/schemas/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`, false);
  return found;
}

/** Formats a schema set uses that the validators do not know: accepted as any string. */
export function unknownFormats(schemas: SchemaMap): Map<string, string> {
  return new Map([...usedFormats(schemas)].filter(([name]) => !Object.hasOwn(formats, name)));
}

export const AJV_OPTIONS: Options = {
  strict: true,
  // Conditional presence rules ("if mode is REDIRECT then required: [redirectUrl]") name properties
  // declared on the enclosing object, which strictRequired would reject; every other strict check stays on.
  strictRequired: false,
  allErrors: true,
  // Errors carry their parent schema, which names the cross-field rule (x-rule) they break.
  verbose: true,
  // The formats the contract uses, as generators/runtime/formats.js picks them from ajv-formats.
  validateFormats: true,
  // Only own properties count (for `required`, `properties`, `additionalProperties`): an object whose
  // prototype carries `amount` has no `amount`, and JSON never has inherited properties.
  ownProperties: true,
  // A `$ref` to a component schema calls that schema's function, compiled once; only schemas of up to
  // 6 keywords are written inline. Ajv's default inlines every schema without refs of its own, which
  // wrote large shared ones again at every use: 1.3× the code on this spec and 1.9× on the Adyen
  // corpus document, and as much more compile time.
  inlineRefs: 6,
};

export function createAjv(options: Options = {}, level: CheckLevel = 'contract'): Ajv2020 {
  const ajv = new Ajv2020({
    ...AJV_OPTIONS,
    ...LEVEL_OPTIONS[level],
    ...options,
    code: { process: cheaperCode, ...options.code },
  });
  for (const [name, format] of Object.entries(formats)) ajv.addFormat(name, format);
  ajv.addVocabulary([...ANNOTATION_KEYWORDS]);
  ajv.addKeyword(depthKeyword);
  return ajv;
}

/** First sentence of a description, on one line, for error messages. */
function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const end = flat.search(/\.(\s|$)/);
  return end < 0 ? flat : flat.slice(0, end + 1);
}

/**
 * Every cross-field rule (`x-rule`) of a schema set by id, with the first sentence of its
 * description, so a violation can say which documented rule it breaks.
 */
export function collectRules(schemas: SchemaMap): RuleTable {
  const rules: RuleTable = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record['x-rule'] === 'string' && typeof record.description === 'string') {
      const id = record['x-rule'];
      const description = firstSentence(record.description);
      if (rules[id] && rules[id].description !== description) {
        throw new Error(`rule ${id} has two descriptions: "${rules[id].description}" and "${description}"`);
      }
      rules[id] = { description };
    }
    for (const [key, value] of Object.entries(record)) {
      if (key !== 'x-source' && key !== 'externalDocs' && key !== 'examples') visit(value);
    }
  };
  visit(schemas);
  return Object.fromEntries(Object.entries(rules).sort(([a], [b]) => a.localeCompare(b)));
}

export type RuleTable = Record<string, { description: string }>;
