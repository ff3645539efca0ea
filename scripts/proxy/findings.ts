/**
 * What the proxy finds in one exchange: violations of the contract (on the request or on the answer)
 * and tolerated deviations (warnings naming their erratum), with notes on what it could not check.
 */
import type { ValidationResult } from 'pivot-payments-contract/validators';
import { isJsonContentType } from '../http/core.ts';

export type Where = 'request' | 'response';

export interface Violation {
  where: Where;
  /** JSON pointer into the body (`/data/status`, `` for the body as a whole), or a header or path parameter's name. */
  path: string;
  /** Reads on its own, beginning with the path where there is one. */
  message: string;
  /** The erratum that tolerant mode would accept this as (strict mode only). */
  erratum?: string;
}

export interface Warning {
  where: Where;
  path: string;
  message: string;
  erratum: string;
}

export interface Findings {
  /** The documented operation or webhook, or null for a request to none. */
  operationId: string | null;
  violations: Violation[];
  warnings: Warning[];
  /** What was passed on but not validated, and why (too large, a sandbox control route, the client left). */
  notes: string[];
}

export function emptyFindings(operationId: string | null): Findings {
  return { operationId, violations: [], warnings: [], notes: [] };
}

/** Adds a validator's result to the findings, on the request or the answer side. */
export function addResult(findings: Findings, where: Where, result: ValidationResult): void {
  for (const warning of result.warnings ?? [])
    findings.warnings.push({ where, path: warning.path, message: warning.message, erratum: warning.erratum });
  if (result.valid) return;
  for (const error of result.errors) {
    const erratum = (error as { erratum?: string }).erratum;
    findings.violations.push({
      where,
      path: error.path,
      message: error.message,
      ...(erratum === undefined ? {} : { erratum }),
    });
  }
}

/** An excerpt of a body for a message: the first 80 characters, quoted. */
export function excerpt(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/**
 * A body the contract says is JSON must say so: every answer the contract documents is
 * `application/json`, and a callback carries `Content-Type: application/JSON` (Payment Callback ›
 * Header Request, M).
 */
export function checkJsonContentType(findings: Findings, where: Where, contentType: string | undefined): void {
  if (isJsonContentType(contentType)) return;
  findings.violations.push({
    where,
    path: 'Content-Type',
    message: `Content-Type: ${contentType === undefined ? 'none' : JSON.stringify(contentType)}, not application/json`,
  });
}
