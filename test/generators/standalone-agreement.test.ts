/**
 * The generated standalone validators (compiled ahead of time into generated/validators/strict.js and
 * tolerant.js) and a runtime Ajv compiling the same schema resources (`runtimeValidator`, built from
 * the same `toSchemaResources` inputs) agree: same validity and the same set of errors
 * (`instancePath` + `keyword`), on
 *   - every Example Object of the bundled spec (operations' request/response examples and the
 *     object-page examples of `components.examples` with `x-schema`), against its own schema;
 *   - every documented example mutated by fast-check (delete a property, set a property to a random
 *     JSON value, add an unknown property), against its own schema and against every schema name;
 * in both modes. The public API (`validate`) is compared too: its violations must be exactly the
 * runtime errors run through the same `toViolations` with the same rule table.
 *
 * Modes: the standalone `tolerant` module only has the schemas of data Pivot produces
 * (`tolerantSchemaNames`); `validate(name, data, { mode: 'tolerant' })` falls back to the strict
 * validator for the others (requests are always strict). The runtime side mirrors that choice.
 * The runtime Ajv compiles `generated/openapi.json`, the bundle the standalone code was generated from.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import type { ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { type BundledSpec } from '../../generators/spec/document.ts';
import { listOperations, listSchemaExamples } from '../../generators/spec/operations.ts';
import { contractRules, runtimeValidator } from '../../generators/spec/runtime-validator.ts';
import { toViolations } from '../../generators/runtime/violations.js';
import {
  schemaNames,
  tolerantSchemaNames,
  validate,
  type Mode,
  type SchemaName,
  type ValidationResult,
} from '../../generated/validators/index.js';

type StandaloneFunction = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
type StandaloneModule = Record<string, StandaloneFunction>;

const spec = JSON.parse(readFileSync(new URL('../../generated/openapi.json', import.meta.url), 'utf8')) as BundledSpec;
// The raw compiled functions, without the API wrapper: their `errors` are Ajv's own error objects.
// (A computed specifier: these modules have no .d.ts, and TypeScript need not infer 650 kB of JS.)
const standalone: Record<Mode, StandaloneModule> = {
  strict: (await import(new URL('../../generated/validators/strict.js', import.meta.url).href)) as StandaloneModule,
  tolerant: (await import(new URL('../../generated/validators/tolerant.js', import.meta.url).href)) as StandaloneModule,
};
const runtime: Record<Mode, (schema: string, data: unknown) => ErrorObject[]> = {
  strict: runtimeValidator(spec, 'strict'),
  tolerant: runtimeValidator(spec, 'tolerant'),
};
const rules = contractRules(spec);
const MODES: Mode[] = ['strict', 'tolerant'];
const tolerantNames = new Set<string>(tolerantSchemaNames);

/** The variant `validate(name, data, { mode })` really uses. */
function effectiveMode(schema: string, mode: Mode): Mode {
  return mode === 'tolerant' && tolerantNames.has(schema) ? 'tolerant' : 'strict';
}

const errorKeys = (errors: readonly ErrorObject[] | null | undefined) =>
  [...new Set((errors ?? []).map((error) => `${error.instancePath} ${error.keyword}`))].sort();

/** Both validators on one document; everything a disagreement would show. */
function compare(schema: SchemaName, data: unknown, mode: Mode) {
  const used = effectiveMode(schema, mode);
  const compiled = standalone[used][schema];
  if (!compiled) throw new Error(`no standalone ${used} validator for ${schema}`);
  const standaloneValid = compiled(data);
  const standaloneErrors = errorKeys(compiled.errors);
  const runtimeRaw = runtime[used](schema, data);
  const runtimeErrors = errorKeys(runtimeRaw);
  const runtimeViolations = toViolations(runtimeRaw, rules);
  const api = validate(schema, data, { mode });
  return {
    raw: {
      standalone: { valid: standaloneValid, errors: standaloneErrors },
      runtime: { valid: runtimeRaw.length === 0, errors: runtimeErrors },
    },
    api: { standalone: api, runtime: runtimeRaw.length === 0 ? { valid: true } : { valid: false, errors: runtimeViolations } },
  };
}

/**
 * The API's result without what only the API adds: the `erratum` a violation is tolerated under. A
 * result with `warnings` (tolerant mode repaired a registered deviation on a copy) is not the compiled
 * validator's verdict on the data as given, so it is compared only for its shape
 * (test/conformance/tolerant-warnings.test.ts checks what it says).
 */
function apiVerdict(result: ValidationResult): unknown {
  if ('warnings' in result) return undefined;
  if (result.valid) return result;
  return { valid: false, errors: result.errors.map(({ erratum: _erratum, ...violation }) => violation) };
}

function expectAgreement(schema: SchemaName, data: unknown, mode: Mode): void {
  const { raw, api } = compare(schema, data, mode);
  expect(raw.standalone, `${schema} (${mode}): standalone vs runtime Ajv errors`).toEqual(raw.runtime);
  const verdict = apiVerdict(api.standalone);
  if (verdict !== undefined) expect(verdict, `${schema} (${mode}): validate() vs runtime violations`).toEqual(api.runtime);
}

/** Every Example Object with the schema it documents. */
const examples = [
  ...listOperations(spec).flatMap((operation) => [
    ...(operation.request?.schema
      ? operation.request.examples.map(({ name, example }) => ({
          label: `${operation.operationId} request ${name}`,
          schema: operation.request!.schema!,
          value: example.value as unknown,
        }))
      : []),
    ...Object.entries(operation.responses).flatMap(([status, message]) =>
      message.schema
        ? message.examples.map(({ name, example }) => ({
            label: `${operation.operationId} ${status} ${name}`,
            schema: message.schema!,
            value: example.value as unknown,
          }))
        : [],
    ),
  ]),
  ...listSchemaExamples(spec).map(({ name, schema, example }) => ({
    label: `components.examples ${name}`,
    schema,
    value: example.value as unknown,
  })),
] as Array<{ label: string; schema: SchemaName; value: unknown }>;

describe('the standalone validators cover the bundle', () => {
  it('has a standalone validator for every component schema except rule-only ones (x-rule)', () => {
    const components = (spec.components?.schemas ?? {}) as Record<string, object>;
    const expected = Object.keys(components)
      .filter((name) => !('x-rule' in components[name]!))
      .sort();
    expect([...schemaNames]).toEqual(expected);
    expect(Object.keys(standalone.strict).sort()).toEqual(expected);
    expect(Object.keys(standalone.tolerant).sort()).toEqual([...tolerantSchemaNames].sort());
  });

  it('documents enough examples to compare on', () => {
    expect(examples.length).toBeGreaterThan(100);
    for (const { label, schema } of examples) expect(schemaNames, label).toContain(schema);
  });
});

describe.each(MODES)('Example Objects (%s)', (mode) => {
  it.each(examples)('$label', ({ schema, value }) => {
    expectAgreement(schema, value, mode);
    // Documented examples are valid; the agreement is not only on rejections.
    expect(validate(schema, value, { mode })).toEqual({ valid: true });
  });
});

// ---- fast-check mutations -------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Mutation =
  | { kind: 'delete'; pick: number }
  | { kind: 'set'; pick: number; value: Json }
  | { kind: 'add'; pick: number; key: string; value: Json };

/** Every object property (as parent + key) and array item of a document, in document order. */
function locations(root: Json): Array<{ parent: Json[] | { [key: string]: Json }; key: string | number }> {
  const found: Array<{ parent: Json[] | { [key: string]: Json }; key: string | number }> = [];
  const visit = (node: Json): void => {
    if (Array.isArray(node)) node.forEach((item, index) => (found.push({ parent: node, key: index }), visit(item)));
    else if (node !== null && typeof node === 'object')
      for (const [key, value] of Object.entries(node)) (found.push({ parent: node, key }), visit(value));
  };
  visit(root);
  return found;
}

function objectsOf(root: Json): Array<{ [key: string]: Json }> {
  const found: Array<{ [key: string]: Json }> = [];
  const visit = (node: Json): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object') (found.push(node), Object.values(node).forEach(visit));
  };
  visit(root);
  return found;
}

/** Applies mutations to a fresh copy (a mutation with nothing to act on leaves the document as it is). */
function mutate(document: unknown, mutations: Mutation[]): Json {
  const root = structuredClone(document) as Json;
  for (const mutation of mutations) {
    if (mutation.kind === 'add') {
      const objects = objectsOf(root);
      if (objects.length === 0) continue;
      const target = objects[mutation.pick % objects.length]!;
      // defineProperty, as JSON.parse would: an own key even for `__proto__`.
      Object.defineProperty(target, mutation.key, {
        value: mutation.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      continue;
    }
    const places = locations(root);
    if (places.length === 0) continue;
    const { parent, key } = places[mutation.pick % places.length]!;
    if (mutation.kind === 'set') (parent as Record<string | number, Json>)[key] = mutation.value;
    else if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
  }
  return root;
}

const jsonValue = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('set' as const), pick: fc.nat(), value: jsonValue }),
  fc.record({ kind: fc.constant('add' as const), pick: fc.nat(), key: fc.string({ maxLength: 12 }), value: jsonValue }),
);
const mutationsArb = fc.array(mutationArb, { minLength: 1, maxLength: 3 });
const modeArb = fc.constantFrom<Mode>(...MODES);

describe('mutated examples, against their own schema', () => {
  it.each(examples)('$label', ({ schema, value }) => {
    fc.assert(
      fc.property(mutationsArb, modeArb, (mutations, mode) => {
        expectAgreement(schema, mutate(value, mutations), mode);
      }),
      { numRuns: 15 },
    );
  });
});

describe('mutated examples, against every schema name', () => {
  const documentArb = fc.constantFrom(...examples.map((example) => example.value));
  it.each([...schemaNames])('%s', (schema) => {
    fc.assert(
      fc.property(documentArb, mutationsArb, modeArb, (document, mutations, mode) => {
        expectAgreement(schema, mutate(document, mutations), mode);
      }),
      { numRuns: 20 },
    );
  });
});
