/**
 * A backend of the contract core that answers with the documented examples themselves, in process: what
 * the mock asks Prism for, without Prism. The answer is chosen exactly as the mock chooses it (the same
 * `Prefer` check, the same nearest request example); only the last step differs: the mock forwards the
 * choice to Prism, this backend looks the example up in the fixture catalog. Used by the MSW handlers.
 */
import { getFixture, type FixtureRef } from 'pivot-payments-contract/fixtures';
import type { ContractBackend } from './core.ts';
import { internalErrorBody, jsonResponse, validationErrorBody } from './errors.ts';
import { nearestExample, requestExamples } from './examples.ts';
import { answerTables, checkPrefer, defaultStatus, parsePrefer } from './prefer.ts';

type Json = Record<string, any>;

export function fixtureBackend(document: Json): ContractBackend {
  const answers = answerTables(document);
  const examples = requestExamples();
  return {
    answer(call) {
      const table = answers.get(call.operationId) ?? new Map<string, string[]>();
      const header = call.headers.get('prefer') ?? '';
      const { details } = checkPrefer(header, table);
      if (details.length > 0) return jsonResponse(400, validationErrorBody(call.operationId, details));
      const asked = parsePrefer(header);
      const status = asked.get('code') ?? defaultStatus(table);
      const names = status === undefined ? [] : (table.get(status) ?? []);
      const nearest = nearestExample(examples.get(call.operationId), call.operationId, call.body);
      const example = asked.get('example') ?? (nearest !== undefined && names.includes(nearest) ? nearest : names[0]);
      if (status === undefined || example === undefined) {
        return jsonResponse(500, internalErrorBody(`no documented example answers ${call.operationId} ${status ?? ''}`.trim()));
      }
      const ref = { operationId: call.operationId, kind: 'response', status, name: example } as unknown as FixtureRef;
      return jsonResponse(Number(status), getFixture(ref), { 'x-mock-example': example });
    },
  };
}
