/**
 * Loads a spec for the generators: check every `$ref` (confined to the spec's folder, bounded YAML),
 * then resolve and bundle them (swagger-parser), validate against the OpenAPI 3.1 schema, then check
 * what the generators rely on. Every failure becomes a SpecError naming the file and the JSON pointer,
 * so a broken spec never reaches the writer.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { existsSync, realpathSync } from 'node:fs';
import { relative } from 'node:path';
import { componentSchemaReferences, restoreAliasReferences } from './alias-references.ts';
import { checkDocument, checkHouseRules } from './checks.ts';
import { escapePointer as escape, type BundledSpec } from './document.ts';
import { normalizeDocument } from './normalize.ts';
import { assertOpenApiSchema } from './openapi-schema.ts';
import { readDocument, yamlSyntaxError } from './parse.ts';
import { escapeDataRefs, restoreDataRefs } from './data-positions.ts';
import { bundlerOptions, checkRefs, describeRemoteError, fileReferenceIn, resolveMappings, type RefOptions } from './refs.ts';
import { reshapeStrayReferences } from './stray-references.ts';
import type { CheckLevel } from './schema-set.ts';
import { display, locate, SpecError } from './spec-error.ts';

export interface LoadOptions extends RefOptions {
  /**
   * `contract` (default): this repository's spec/, held to the house rules too. `document`: any valid
   * OpenAPI 3.0.x / 3.1.x document, normalised to 3.1 (see generators/spec/normalize.ts).
   */
  checks?: CheckLevel;
  /**
   * A documented example its own schema rejects fails the run (always so at the `contract` level);
   * otherwise it is a warning and stays out of the fixtures.
   */
  strictExamples?: boolean;
  /** Told each warning line (unknown formats, identifier collisions, operations without an id, rejected examples). */
  onWarning?: (line: string) => void;
  /**
   * Given the document once it is bundled (and normalised), before it is validated against the
   * OpenAPI schema and before the generators' own checks (the slow part: every schema compiled, every
   * example validated), so that a caller can start work on it early (awaited, so that the caller can
   * finish its own setup first). The loader may still fail after this: a caller drops that work then.
   */
  onBundled?: (spec: BundledSpec) => void | Promise<void>;
}

/** The pointer of the first `$ref` in a file whose value satisfies `matches` (where a broken reference is written). */
function findRef(file: string, matches: (ref: string) => boolean): string | undefined {
  const search = (node: unknown, pointer: string): string | undefined => {
    if (node === null || typeof node !== 'object') return undefined;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && matches(value)) return `${pointer}/$ref`;
      const found = search(value, `${pointer}/${escape(key)}`);
      if (found) return found;
    }
    return undefined;
  };
  try {
    return search(readDocument(file), '');
  } catch {
    return undefined;
  }
}

function describeLoadError(specRoot: string, error: unknown): SpecError {
  const err = error as Error & {
    source?: string;
    path?: string[] | null;
    details?: Array<{ instancePath?: string; message?: string }>;
  };
  const file = err.source
    ? relative(process.cwd(), decodeURIComponent(err.source.replace(/^file:\/\//, '')))
    : relative(process.cwd(), specRoot);
  if (err.name === 'ParserError') {
    const syntax = err.source ? yamlSyntaxError(decodeURIComponent(err.source.replace(/^file:\/\//, ''))) : undefined;
    return new SpecError(file, syntax?.pointer ?? '', syntax?.detail ?? `cannot parse: ${err.message.split('\n')[0]}`);
  }
  if (err.name === 'ResolverError') {
    const missing = err.source ? decodeURIComponent(err.source.replace(/^file:\/\//, '')) : '';
    const name = missing.split('/').at(-1) ?? '';
    const at = findRef(specRoot, (ref) => ref.split('#')[0]!.endsWith(name));
    return new SpecError(
      relative(process.cwd(), specRoot),
      at ?? '',
      `$ref to a file that does not exist: ${relative(process.cwd(), missing)}`,
    );
  }
  if (err.name === 'MissingPointerError') {
    const target = /"([^"]+)"/.exec(err.message)?.[1] ?? '';
    const at = findRef(specRoot, (ref) => ref === target || ref.endsWith(target));
    return new SpecError(file, at ?? '', `$ref points at nothing: ${err.message.split('\n')[0]}`);
  }
  if (Array.isArray(err.details) && err.details.length > 0) {
    const first = err.details[0]!;
    const at = locate(specRoot, first.instancePath ?? '');
    return new SpecError(at.file, at.pointer, `invalid OpenAPI document: ${first.message ?? err.message}`);
  }
  const version = /Unsupported OpenAPI version/.test(err.message) ? '/openapi' : '';
  return new SpecError(relative(process.cwd(), specRoot), version, err.message.split('\n').slice(0, 3).join(' '));
}

/** Bundles a spec confined to its folder (see `checkRefs`); throws a SpecError naming the file and pointer. */
export async function bundleSpec(specRoot: string, options: LoadOptions = {}): Promise<BundledSpec> {
  if (!existsSync(specRoot)) throw new SpecError(display(specRoot), '', 'no such file');
  const parsed = new Map<string, unknown>();
  const remote = checkRefs(specRoot, options, parsed);
  const written = componentSchemaReferences(parsed.get(realpathSync(specRoot)));
  // The object each file parsed into (the bundler hands them over, and takes them out of `parsed`).
  const files = new Map<object, string>();
  for (const [file, document] of parsed) if (document !== null && typeof document === 'object') files.set(document, file);
  let bundled: BundledSpec;
  try {
    bundled = (await SwaggerParser.bundle(specRoot, bundlerOptions(specRoot, options, parsed))) as BundledSpec;
  } catch (error) {
    throw describeRemoteError(remote, error) ?? describeLoadError(specRoot, error);
  }
  restoreDataRefs(bundled);
  restoreAliasReferences(bundled, written);
  resolveMappings(bundled);
  reshapeStrayReferences(bundled, files);
  const left = fileReferenceIn(bundled);
  if (left) throw new SpecError(display(specRoot), left.pointer, `the bundle still refers to a file: ${left.ref}`);
  return bundled;
}

/**
 * swagger-parser's `validate()` (version check, dereferencing in place, the OpenAPI schema), with the
 * schema check of an OpenAPI 3.x document made by the precompiled validators (generators/spec/openapi-schema.ts):
 * swagger-parser compiles the schema on every call. Circular `$ref`s stay references, as there.
 */
export async function validateAgainstOpenApiSchema(document: BundledSpec): Promise<void> {
  if ((document as { swagger?: unknown }).swagger !== undefined) {
    await SwaggerParser.validate(document as never, { resolve: { external: false } });
    return;
  }
  const dereferenced = await SwaggerParser.validate(document as never, {
    resolve: { external: false },
    dereference: { circular: 'ignore' },
    validate: { schema: false },
  });
  assertOpenApiSchema(dereferenced as { openapi?: unknown });
}

function attempt(run: () => void): { ok: true } | { ok: false; error: unknown } {
  try {
    run();
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Reads, bundles, validates and checks a spec; throws a SpecError naming the file and pointer. The
 * OpenAPI schema check runs on the document as written (3.0 or 3.1); the generators' checks on its
 * 3.1 normal form, which is what every generator gets.
 */
export async function loadSpec(specRoot: string, options: LoadOptions = {}): Promise<BundledSpec> {
  const level = options.checks ?? 'contract';
  const bundled = await bundleSpec(specRoot, options);
  // validate() dereferences in place, so it gets its own copy (of the document as written), where the
  // `$ref`s of example data are hidden again (it would follow them); the bundle has only internal refs.
  const copy = structuredClone(bundled);
  escapeDataRefs(copy);
  // Normalised before validating, so that the caller can start on the document while it is validated
  // (on GitHub's 13 MB document that is 2 s); a document too broken to normalise is reported by the
  // validation, which comes first.
  const normalised = level === 'document' ? attempt(() => normalizeDocument(bundled)) : { ok: true as const };
  if (normalised.ok) await options.onBundled?.(bundled);
  try {
    await validateAgainstOpenApiSchema(copy);
  } catch (error) {
    throw describeLoadError(specRoot, error);
  }
  if (!normalised.ok) throw normalised.error;
  if (level === 'contract') checkHouseRules(bundled, specRoot);
  for (const warning of checkDocument(bundled, specRoot, level, options)) options.onWarning?.(warning);
  return bundled;
}

