/** The contract's verdicts on an answer: a valid request must succeed, an invalid one must be rejected. */
import { operations, validate, validateResponse, type Mode, type OperationId } from 'pivot-payments-contract/validators';
import type { Answer } from './exchange.ts';

type JsonAnswer = Answer & { json: { value: unknown } };
type Json = Record<string, any>;

function documentedStatuses(operationId: string): string[] {
  return Object.keys(operations[operationId as OperationId]?.responses ?? {});
}

function undocumented(operationId: string, status: number): string | undefined {
  const documented = documentedStatuses(operationId);
  return documented.includes(String(status))
    ? undefined
    : `status ${status} is not documented for ${operationId} (documented: ${documented.join(', ')})`;
}

/**
 * The answer's `error.details` (Errors › Detail: one per invalid field), each `field: message`, so that
 * a rejected valid request says which field the server refused and why (at most `limit`, then a count).
 * https://pivot-payment.gitbook.io/pivot-docs/api-references/api-information/errors
 */
export function errorDetails(body: unknown, limit = 20): string[] {
  const details = (body as Json | null)?.error?.details;
  if (!Array.isArray(details)) return [];
  const lines = details.map((detail: Json | null) => {
    const field = typeof detail?.field === 'string' ? detail.field : '?';
    const message = typeof detail?.message === 'string' ? detail.message : JSON.stringify(detail);
    return `${field}: ${message}`;
  });
  return lines.length > limit ? [...lines.slice(0, limit), `…and ${lines.length - limit} more`] : lines;
}

/** `answer: credentials_invalid: Access token is invalid…` for an error body, so a failure says why. */
export function errorSummary(body: unknown): string | undefined {
  const error = body as Json | null;
  return typeof error?.code === 'string' ? `answer: ${error.code}: ${String(error.message ?? '')}` : undefined;
}

/** A valid request: a documented 2xx whose body validates against that status's schema. */
export function judgeSuccess(operationId: string, mode: Mode) {
  return (answer: JsonAnswer): string[] => {
    const problems: string[] = [];
    const status = answer.status;
    const notDocumented = undocumented(operationId, status);
    if (notDocumented) problems.push(notDocumented);
    else if (status < 200 || status > 299) problems.push(`expected a 2xx answer to a valid request, got ${status}`);
    if (status >= 300) {
      const summary = errorSummary(answer.json.value);
      if (summary) problems.push(summary);
    }
    if (!notDocumented) {
      const validation = validateResponse(operationId as OperationId, status, answer.json.value, { mode });
      if (!validation.valid)
        problems.push(
          ...validation.errors.map((violation) =>
            violation.erratum
              ? `${violation.message} (--mode tolerant accepts it: erratum ${violation.erratum})`
              : violation.message,
          ),
        );
    }
    return problems;
  };
}

/** The deviations tolerant mode accepted in a documented answer (`path: … (tolerated: erratum …)`), for `Step.warn`. */
export function toleratedWarnings(operationId: string, mode: Mode) {
  return (answer: JsonAnswer): string[] => {
    if (mode !== 'tolerant' || undocumented(operationId, answer.status)) return [];
    const validation = validateResponse(operationId as OperationId, answer.status, answer.json.value, { mode });
    return (validation.warnings ?? []).map((warning) => warning.message);
  };
}

/**
 * An invalid request: a 4xx (never a 2xx, which would mean the server accepted what the contract
 * forbids) whose body is an `ErrorResponse`. A 5xx never gets here: the runner reports it as a server
 * error. Source: https://pivot-payment.gitbook.io/pivot-docs/api-references/api-information/errors
 * (Error Object; "API_ERROR: … a validation error or an invalid request. Usually will have an HTTP
 * status 4xx").
 */
export function judgeRejection(operationId: string, mode: Mode) {
  return (answer: JsonAnswer): string[] => {
    const status = answer.status;
    if (status < 400 || status > 499) {
      const summary = status >= 300 ? errorSummary(answer.json.value) : undefined;
      return [`expected a 4xx rejection, got ${status}${summary ? ` (${summary})` : ''}`];
    }
    const problems: string[] = [];
    const notDocumented = undocumented(operationId, status);
    if (notDocumented) problems.push(notDocumented);
    const validation = validate('ErrorResponse', answer.json.value, { mode });
    if (!validation.valid) problems.push(...validation.errors.map((violation) => `not an ErrorResponse: ${violation.message}`));
    return problems;
  };
}
