/**
 * Error codes by status: each status answers only its documented codes, each with its error type, and
 * 408 (every operation) and 422 (create, confirm, cancel, capture, simulate) are documented answers.
 */
import { describe, expect, it } from 'vitest';
import { operations, validateResponse, type OperationId } from 'pivot-payments-contract/validators';

const error = (code: string, type: string, details?: unknown[]) => ({
  code,
  message: 'message',
  error: { type, source: 'UPSTREAM', trace_id: 'ed9ef145530fc386190ddd7612ed61c7', ...(details ? { details } : {}) },
});

describe('error codes by status', () => {
  it('a documented code at its status validates; at another status, or with another error type, it does not', () => {
    expect(validateResponse('confirmPaymentSession', 404, error('resource_missing', 'GATEWAY_ERROR'))).toEqual({ valid: true });
    expect(validateResponse('confirmPaymentSession', 404, error('data_not_found', 'API_ERROR'))).toEqual({ valid: true });
    const wrongStatus = validateResponse('confirmPaymentSession', 400, error('resource_missing', 'GATEWAY_ERROR'));
    expect(wrongStatus.valid ? '' : wrongStatus.errors.map((violation) => violation.message).join('\n')).toContain(
      'error-code-400',
    );
    const wrongType = validateResponse('createPaymentSession', 409, error('idempotency_error', 'GATEWAY_ERROR'));
    expect(wrongType.valid ? '' : wrongType.errors.map((violation) => violation.message).join('\n')).toContain('error-code-409');
    expect(validateResponse('createPaymentSession', 409, error('idempotency_error', 'API_ERROR'))).toEqual({ valid: true });
  });

  it('408 is documented on every operation, 422 on every call that can meet a wrong state', () => {
    for (const [operationId, entry] of Object.entries(operations)) {
      if (entry.webhook) continue;
      expect(Object.keys(entry.responses), operationId).toContain('408');
      expect(validateResponse(operationId as OperationId, 408, error('request_timeout', 'GATEWAY_ERROR')), operationId).toEqual({
        valid: true,
      });
    }
    for (const operationId of [
      'createPaymentSession',
      'confirmPaymentSession',
      'cancelPaymentSession',
      'capturePaymentSession',
      'simulatePayment',
    ] as const)
      expect(validateResponse(operationId, 422, error('unprocessable_entity', 'API_ERROR')), operationId).toEqual({
        valid: true,
      });
    expect(validateResponse('getCustomer', 422, error('unprocessable_entity', 'API_ERROR')).valid).toBe(false);
  });
});
