import type { Tolerance } from './tolerances.js';
import type { Violation } from './violations.js';

/** A tolerated deviation found in data Pivot produced: where, what, and the register decision that accepts it. */
export interface Warning {
  path: string;
  message: string;
  erratum: string;
}

/** The tolerance that accepts a violation, if any. */
export declare function toleranceFor(violation: Violation, tolerances: readonly Tolerance[]): Tolerance | undefined;

/** The violations, each one a tolerance would accept marked with its `erratum`. */
export declare function withErrata(violations: Violation[], tolerances: readonly Tolerance[]): Violation[];

/** Tolerant validation: repairs the tolerated deviations on a copy, reports them as warnings, then runs the tolerant validator. */
export declare function validateTolerantly(
  data: unknown,
  strictValidator: unknown,
  tolerantValidator: unknown,
  tolerances: readonly Tolerance[],
  check: (data: unknown, validator: unknown) => Violation[],
): { valid: boolean; errors?: Violation[]; warnings: Warning[] };
