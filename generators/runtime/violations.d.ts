import type { ErrorObject } from 'ajv';

export interface Violation {
  /** JSON pointer into the validated data ("" for the document itself). */
  path: string;
  /** Reads on its own, e.g. "/statementDescriptor must NOT have more than 20 characters". */
  message: string;
  /** The JSON Schema keyword that failed. */
  keyword: string;
}

export function toViolations(errors: ReadonlyArray<ErrorObject> | null | undefined): Violation[];
