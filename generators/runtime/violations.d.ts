/** The part of an Ajv `ErrorObject` the violations are made of (declared here: the generated code does not depend on ajv). */
export interface ValidatorError {
  keyword: string;
  instancePath: string;
  /** Where in the schema the keyword is (used to recognise the branches of a rule's `anyOf`/`oneOf`). */
  schemaPath?: string;
  params: Record<string, unknown>;
  message?: string;
  parentSchema?: unknown;
}

/** One problem found in validated data, as the validators report it. */
export interface Violation {
  /** JSON pointer into the validated data ("" for the document itself). */
  path: string;
  /** Reads on its own, e.g. "/statementDescriptor must NOT have more than 20 characters". */
  message: string;
  /** The JSON Schema keyword that failed. */
  keyword: string;
  /** The cross-field rule (`x-rule`) the violation breaks, when it comes from one. */
  rule?: string;
  /** In strict mode, on data Pivot produces: the errata register decision that tolerant mode accepts this under. */
  erratum?: string;
}

/** The contract's cross-field rules by id (`x-rule`), with a one-sentence description. */
export type RuleTable = Record<string, { description: string }>;

/** How many violations are listed before one last `truncated` entry ("…and N more violations"). */
export declare const MAX_VIOLATIONS: 100;

/** The violations of Ajv's errors: at most `limit` (default MAX_VIOLATIONS), then one `truncated` entry. */
export function toViolations(
  errors: ReadonlyArray<ValidatorError> | null | undefined,
  rules?: RuleTable,
  limit?: number,
): Violation[];

/** Objects and arrays nested deeper than this are rejected with one `maxDepth` violation. */
export declare const MAX_DEPTH: 256;

/** The JSON pointer of the first object or array nested deeper than `limit` (default MAX_DEPTH) levels, if any. */
export function deeperThan(data: unknown, limit?: number): string | undefined;

/** The violation of data nested too deeply at `path`. */
export function depthViolation(path: string, limit?: number): Violation;

/** The pointer of the first level deeper than `limit` (from the root) of a value found at `path`, if any. */
export function depthBeyond(value: unknown, path: string, limit?: number): string | undefined;
