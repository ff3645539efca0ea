/**
 * One invalid payload per documented rule — every length limit, enum, format, type, required field,
 * cross-field rule and unknown property — each rejected at the expected instance path. Every case
 * starts from a documented example (which must itself be valid) and breaks exactly one rule. The table
 * lives in `scripts/verify/negative-cases.ts`, where `pivot-contract verify --negative` sends it to servers.
 */
import { describe, expect, it } from 'vitest';
import * as jsonPatch from 'fast-json-patch/index.mjs';
import { listOperations, listSchemaExamples } from '../../generators/spec/operations.ts';
import { NEGATIVE_CASES as cases, REQUEST_ID_VALUES, type Base } from '../../scripts/verify/negative-cases.ts';
import { validate as standaloneValidate } from '../../generated/validators/index.js';
import { bundledSpec, runtimeViolations } from '../helpers.ts';

const spec = await bundledSpec();
const violations = await runtimeViolations();

/** A fresh copy of a documented example: `createPaymentSession/request/card-redirect`, `schema:PaymentSession/payment-session-object`. */
function example(base: Base): unknown {
  if (base.startsWith('schema:')) {
    const name = base.split('/')[1];
    const found = listSchemaExamples(spec).find((entry) => entry.name === name);
    return structuredClone(found!.example.value);
  }
  const [operationId, slot, name] = base.split('/');
  const operation = listOperations(spec).find((candidate) => candidate.operationId === operationId)!;
  const message = slot === 'request' ? operation.request! : operation.responses[slot!]!;
  return structuredClone(message.examples.find((entry) => entry.name === name)!.example.value);
}

describe('negative table', () => {
  it('covers every kind of rule', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
  });

  it.each(cases)('$rule ($schema)', ({ schema, base, patch, errors }) => {
    const valid = example(base);
    expect(violations(schema, valid), `base ${base} must be valid`).toEqual([]);
    const invalid = jsonPatch.applyPatch(valid, patch, true, false).newDocument;
    const runtime = violations(schema, invalid);
    expect(runtime.map((violation) => violation.path)).toEqual(expect.arrayContaining(errors));
    // The generated standalone validators say exactly the same (and, on data Pivot produces, name the
    // erratum under which tolerant mode would accept a violation).
    expect(standaloneValidate(schema as never, invalid)).toEqual({
      valid: false,
      errors: runtime.map((violation) => expect.objectContaining(violation)),
    });
  });
});

describe('X-REQUEST-ID header', () => {
  const parameter = spec.components!.parameters!.XRequestId as { schema: { pattern: string } };
  const pattern = new RegExp(parameter.schema.pattern);
  it.each(REQUEST_ID_VALUES)('%s valid=%s (alphanumeric, 16–36)', (value, valid) => {
    expect(pattern.test(value)).toBe(valid);
  });
});
