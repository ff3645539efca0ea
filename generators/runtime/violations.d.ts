import type { ErrorObject } from 'ajv';

export interface Violation {
  /** JSON pointer into the validated data ("" for the document itself). */
  path: string;
  /** Reads on its own, e.g. "/statementDescriptor must NOT have more than 20 characters". */
  message: string;
  /** The JSON Schema keyword that failed. */
  keyword: string;
  /** The cross-field rule (`x-rule`) the violation breaks, when it comes from one. */
  rule?: string;
}

/** The contract's cross-field rules by id (`x-rule`), with a one-sentence description. */
export type RuleTable = Record<string, { description: string }>;

export function toViolations(errors: ReadonlyArray<ErrorObject> | null | undefined, rules?: RuleTable): Violation[];
