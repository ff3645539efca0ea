/**
 * Standalone validators: every component schema compiled ahead of time by Ajv (2020-12, strict,
 * all errors) into plain ES modules, in a strict and a tolerant variant, behind the API `validate`,
 * `validateRequest`, `validateResponse`, `is<Schema>` and `assert<Schema>`.
 * @see https://ajv.js.org/standalone.html
 */
import { compiledSchemas, releaseCompiledSchemas, resources } from './spec/compiled.ts';
import { nameOfResource, needsDepthWalk } from './spec/depth.ts';
import { memo } from './spec/memo.ts';
import { listOperations, messageSchemas, schemaIdentifiers, schemaLocations } from './spec/operations.ts';
import { standaloneParts } from './emit/standalone.ts';
import { codeHeader, finalNewline, tidyCode } from './emit/output.ts';
import { cheaperCode } from './spec/ajv-code.ts';
import { collectRules, resourceId, schemaOfRef, type Mode, type SchemaLocations, type SchemaMap } from './spec/schema-set.ts';
import { asset, render } from './emit/templates.ts';
import type { BundledSpec, FileMap, GenContext, Generator } from './types.ts';

interface OperationEntry {
  name: string;
  webhook: boolean;
  request: string | null;
  responses: Record<string, string>;
}

/** Schemas that only state a cross-field rule are compiled as part of others, not exported. */
function exportedSchemaNames(schemas: SchemaMap): string[] {
  return Object.keys(schemas)
    .filter((name) => !('x-rule' in (schemas[name] as object)))
    .sort();
}

/**
 * operationId → schema names of its request body and of each documented response status (computed
 * once per document): every JSON body, a component or a named inline schema (see
 * generators/spec/operations.ts). Operations without an operationId are listed under a derived one.
 */
export function operationTable(spec: BundledSpec): OperationEntry[] {
  return memo(spec, 'operationTable', () =>
    listOperations(spec).map((operation) => ({
      name: operation.operationId,
      webhook: operation.kind === 'webhook',
      request: operation.request?.schema ?? null,
      responses: Object.fromEntries(
        Object.entries(operation.responses).flatMap(([status, message]) => (message.schema ? [[status, message.schema]] : [])),
      ),
    })),
  );
}

/** Schemas reachable from `roots` through `$ref`s. */
function reachable(schemas: SchemaMap, roots: string[], locations: SchemaLocations): Set<string> {
  const seen = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const ref = (node as { $ref?: unknown }).$ref;
    const name = typeof ref === 'string' ? schemaOfRef(ref, locations)?.name : undefined;
    if (name && !seen.has(name)) {
      seen.add(name);
      visit(schemas[name]);
    }
    Object.values(node).forEach(visit);
  };
  for (const root of roots) {
    seen.add(root);
    visit(schemas[root]);
  }
  return seen;
}

/** Schemas of data Pivot produces — responses and webhook payloads — which get a tolerant variant. */
export function pivotProducedSchemas(spec: BundledSpec): string[] {
  const roots = operationTable(spec).flatMap((operation) => [
    ...Object.values(operation.responses),
    ...(operation.webhook && operation.request ? [operation.request] : []),
  ]);
  const schemas = messageSchemas(spec);
  const exported = new Set(exportedSchemaNames(schemas));
  return [...reachable(schemas, roots, schemaLocations(spec))].filter((name) => exported.has(name)).sort();
}

const AJV_RUNTIME = 'ajv/dist/runtime/';

/** Where the generated code finds a helper Ajv's code requires: its bundled copy next to the validators. */
function localSpecifier(specifier: string): string {
  return specifier.startsWith(AJV_RUNTIME) ? `./runtime/${specifier.slice(AJV_RUNTIME.length)}.js` : `${specifier}.js`;
}

/** The Ajv runtime helpers (`ucs2length`, `equal`, …) a standalone module requires, by name. */
export function ajvHelpersUsed(parts: readonly string[]): string[] {
  const used = parts.flatMap((part) => [...part.matchAll(/require\("ajv\/dist\/runtime\/([\w]+)"\)/g)].map((match) => match[1]!));
  return [...new Set(used)].sort();
}

/**
 * Ajv's standalone ESM output still loads its runtime helpers with `require(...)`; these become
 * namespace imports of the helpers' bundled copies (`./runtime/ucs2length.js`), so that the generated
 * code imports nothing outside its folder (it runs where `ajv` is not installed: under pnpm, or in a
 * service with only the runtime package). Loaders disagree on what a CommonJS module's default is
 * (Node: `module.exports`; Vite/Vitest and bundlers: `exports.default` when `__esModule` is set), so
 * `.default` goes through a helper that accepts both shapes. Works on the module's parts (see
 * standaloneParts), never on its whole text.
 */
export function esmImports(parts: readonly string[]): string {
  const specifiers = [
    ...new Set(parts.flatMap((part) => [...part.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]!))),
  ].sort();
  const bindings = new Map(specifiers.map((specifier, index) => [specifier, `runtime${index}`]));
  const body = parts.map((part) =>
    part
      .replace(/^"use strict";/, '')
      .replace(/require\("([^"]+)"\)\.default\b/g, (_match, specifier: string) => `interopDefault(${bindings.get(specifier)!})`)
      .replace(/require\("([^"]+)"\)/g, (_match, specifier: string) => bindings.get(specifier)!),
  );
  const imports = specifiers.map(
    (specifier) => `import * as ${bindings.get(specifier)} from ${JSON.stringify(localSpecifier(specifier))};`,
  );
  const interop =
    'const interopDefault = (namespace) => (namespace.default && namespace.default.__esModule ? namespace.default.default : namespace.default);';
  return `${imports.join('\n')}\n${interop}\n${body.join('')}`;
}

/**
 * Makes Ajv's standalone code tree-shakable: a bundler keeps every top-level statement that may have a
 * side effect, and with it every validator it names. Ajv assigns `validateN.evaluated = {…}` after each
 * function (the unevaluated-properties bookkeeping, read by the function itself on entry and by its
 * callers after calling it); that assignment moves into the function's own first read
 * (`validateN.evaluated ??= {…}`), and the helper lookups (`interopDefault(runtimeN)`) are marked pure.
 * A validator whose body does not start with that read keeps its assignment.
 */
export function treeShakable(code: string): string {
  // One pass to find every assignment, one to move them: linear in the size of the code.
  const assigned = new Map<string, string>();
  for (const match of code.matchAll(/\}(validate\d+)\.evaluated = (\{[^{}]*\});/g)) assigned.set(match[1]!, match[2]!);
  const deferred = new Set<string>();
  const read = code.replace(/const (evaluated\d+) = (validate\d+)\.evaluated;/g, (match, local: string, name: string) => {
    const literal = assigned.get(name);
    if (literal === undefined) return match;
    deferred.add(name);
    return `const ${local} = (${name}.evaluated ??= ${literal});`;
  });
  return read
    .replace(/\}(validate\d+)\.evaluated = \{[^{}]*\};/g, (match, name: string) => (deferred.has(name) ? '}' : match))
    .replace(/= interopDefault\(/g, '= /* @__PURE__ */ interopDefault(');
}

/** Standalone code of the exported schemas, each exported under its identifier (see lib/names.ts), in parts. */
function standaloneCodeOf(spec: BundledSpec, ctx: GenContext, mode: Mode, exported: string[]): string[] {
  const { identifiers } = schemaIdentifiers(spec);
  const schemas = messageSchemas(spec);
  const ajv = compiledSchemas(schemas, mode, ctx.checks, schemaLocations(spec));
  const refs = Object.fromEntries(exported.map((name) => [identifiers[name]!, resourceId(name, mode)]));
  // Both rewrites are local to one validator's code (its error appends, its own `evaluated` reads).
  const parts = standaloneParts(ajv, refs, (part) => treeShakable(cheaperCode(part)));
  releaseCompiledSchemas(schemas, mode, ctx.checks);
  return parts;
}

/** The bundled copy of each Ajv helper the standalone modules use (see scripts/generate/context.ts). */
function helperFiles(ctx: GenContext, names: string[]): FileMap {
  return Object.fromEntries(
    names.map((name) => [
      `validators/runtime/${name}.js`,
      finalNewline(`${codeHeader(ctx, `Ajv's ${name} helper, bundled`)}${asset(ctx.templates, `runtime/ajv/${name}.js`)}`),
    ]),
  );
}

/** Each tolerated deviation of the register, with its decision's id and title (none for a spec without errata). */
export function tolerancesOf(ctx: GenContext): Array<Record<string, string>> {
  const decisions = ctx.errata?.register.decisions ?? {};
  return (
    Object.entries(decisions)
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([erratum, decision]) =>
        (decision.tolerate ?? []).map((tolerance) => ({ erratum, title: decision.title, ...tolerance })),
      )
      // The first match wins: a tolerance bound to a path or a rule before a catch-all (`unknown-properties`).
      .sort((a, b) => Number(a.path === undefined && a.rule === undefined) - Number(b.path === undefined && b.rule === undefined))
  );
}

/** The exported schemas, by identifier, whose validator needs the whole depth walk first (see generators/spec/depth.ts). */
function depthWalked(spec: BundledSpec, mode: Mode, exported: string[]): string[] {
  const { identifiers } = schemaIdentifiers(spec);
  const prepared = resources(messageSchemas(spec), mode, schemaLocations(spec));
  const byName = new Map(prepared.map((resource) => [nameOfResource(resource.$id), resource]));
  const walked = needsDepthWalk(byName);
  return exported.filter((name) => walked.has(name)).map((name) => identifiers[name]!);
}

export async function generateValidators(spec: BundledSpec, ctx: GenContext): Promise<FileMap> {
  const schemas = messageSchemas(spec);
  const schemaNames = exportedSchemaNames(schemas);
  const tolerantNames = pivotProducedSchemas(spec);
  const { identifiers } = schemaIdentifiers(spec);
  const walkedStrict = new Set(depthWalked(spec, 'strict', schemaNames));
  const data = {
    walkedStrict: [...walkedStrict],
    walkedTolerant: depthWalked(spec, 'tolerant', tolerantNames),
    header: codeHeader(ctx, 'Contract validators'),
    schemaNames,
    tolerantNames,
    // Names that are not identifiers themselves (`billing_portal.configuration` → BillingPortalConfiguration).
    renamed: Object.fromEntries(
      schemaNames.filter((name) => identifiers[name] !== name).map((name) => [name, identifiers[name]]),
    ),
    schemas: schemaNames.map((name) => ({ name, id: identifiers[name]!, walked: walkedStrict.has(identifiers[name]!) })),
    operations: operationTable(spec),
  };
  const rules = `${codeHeader(ctx, 'Cross-field rules of the contract (x-rule), for error messages')}export const rules = ${JSON.stringify(collectRules(schemas), null, 2)};\n`;
  const strictCode = standaloneCodeOf(spec, ctx, 'strict', schemaNames);
  const tolerantCode = standaloneCodeOf(spec, ctx, 'tolerant', tolerantNames);
  return {
    ...helperFiles(ctx, ajvHelpersUsed([...strictCode, ...tolerantCode])),
    'validators/strict.js': finalNewline(`${codeHeader(ctx, 'Strict standalone validators (Ajv)')}${esmImports(strictCode)}`),
    'validators/tolerant.js': finalNewline(
      `${codeHeader(ctx, 'Tolerant standalone validators (Ajv): unknown properties accepted')}${esmImports(tolerantCode)}`,
    ),
    'validators/rules.js': finalNewline(rules),
    'validators/rules.d.ts': finalNewline(
      `${codeHeader(ctx, 'Cross-field rules')}/** The contract's cross-field rules (\`x-rule\`) by id, each with a one-sentence description. */\nexport declare const rules: Record<string, { description: string }>;`,
    ),
    'validators/formats.js': finalNewline(`${codeHeader(ctx, 'String formats')}${asset(ctx.templates, 'runtime/formats.js')}`),
    'validators/formats.d.ts': finalNewline(
      `${codeHeader(ctx, 'String formats')}${asset(ctx.templates, 'runtime/formats.d.ts')}`,
    ),
    'validators/tolerances.js': finalNewline(
      `${codeHeader(ctx, "Deviations tolerant mode accepts, from the errata register's decisions (tolerate:)")}export const tolerances = ${JSON.stringify(tolerancesOf(ctx), null, 2)};`,
    ),
    'validators/tolerances.d.ts': finalNewline(
      `${codeHeader(ctx, 'Tolerated deviations')}${asset(ctx.templates, 'runtime/tolerances.d.ts')}`,
    ),
    'validators/tolerance.js': finalNewline(`${codeHeader(ctx, 'Tolerant mode')}${asset(ctx.templates, 'runtime/tolerance.js')}`),
    'validators/tolerance.d.ts': finalNewline(
      `${codeHeader(ctx, 'Tolerant mode')}${asset(ctx.templates, 'runtime/tolerance.d.ts')}`,
    ),
    'validators/violations.js': finalNewline(
      `${codeHeader(ctx, 'Violation formatting')}${asset(ctx.templates, 'runtime/violations.js')}`,
    ),
    'validators/violations.d.ts': finalNewline(
      `${codeHeader(ctx, 'Violation formatting')}${asset(ctx.templates, 'runtime/violations.d.ts')}`,
    ),
    'validators/index.js': tidyCode(render(ctx.templates, 'validators/index.js.hbs', data)),
    'validators/index.d.ts': tidyCode(render(ctx.templates, 'validators/index.d.ts.hbs', data)),
  };
}

export const validatorsGenerator: Generator = {
  name: 'validators',
  description: 'validators/: standalone Ajv validators (strict + tolerant) and their API',
  outputs: ['validators/'],
  generate: generateValidators,
};
