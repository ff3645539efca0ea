/**
 * Shared shapes of the generators. A generator is a pure function from the bundled document (and
 * a context of options and side inputs) to a FileMap; only scripts/generate/write-files.ts touches disk.
 */
import type { OpenAPIV3_1 } from 'openapi-types';
import type { PublishedSource, Register } from './spec/errata/register.ts';
import type { CheckLevel } from './spec/schema-set.ts';

export type BundledSpec = OpenAPIV3_1.Document;

/** Generated files by path relative to the output directory. */
export type FileMap = Record<string, string>;

export interface GenContext {
  /** Name of the package the generated code imports its runtime from (ajv, ajv-formats). */
  packageName: string;
  /** Tool name written in every "do not edit" header. */
  generator: string;
  /** Where the document came from, for the headers (a path relative to the repository). */
  source: string;
  /** The errata register and the published examples' index, for the errata report. */
  errata?: { register: Register; sources: PublishedSource[] };
  /**
   * Template and runtime sources by path (`validators/index.js.hbs`, `runtime/violations.js`), read
   * by the caller from templates/ and generators/runtime/ so that generators stay free of I/O.
   */
  templates: Record<string, string>;
  /**
   * How the document was checked, and so how strictly Ajv reads its schemas: `contract` for this
   * repository's spec/ (house rules), `document` for any OpenAPI document given with `--spec`.
   */
  checks: CheckLevel;
}

export const DEFAULT_CTX: GenContext = {
  packageName: 'pivot-payments-contract',
  generator: 'pivot-contract generate',
  source: 'spec/openapi.yaml',
  templates: {},
  checks: 'contract',
};

export interface Generator {
  /** Artifact name used by `--only`. */
  name: string;
  /** One line on what it produces, for `--help`. */
  description: string;
  /** Paths (or folder prefixes ending in `/`) it owns in the output directory. */
  outputs: string[];
  /**
   * It loads the TypeScript compiler (openapi-typescript, json-schema-to-typescript, TypeScript's
   * printer): `generate` runs it on a worker thread (scripts/generate/typescript-thread.ts), and its module
   * imports those packages only inside `generate`, so that the main thread never loads them.
   */
  loadsTypeScript?: true;
  generate(spec: BundledSpec, ctx: GenContext): FileMap | Promise<FileMap>;
}
