/**
 * A consumer of the generated artifacts, as a merchant's code would use them. `npm run typecheck`
 * compiles it against the generated declarations; consumer.test.ts runs it.
 */
import type { CreatePaymentSessionRequest, PaymentSession, PaymentSessionResponse } from '../../generated/models.js';
import type { components, operations, paths } from '../../generated/openapi.js';
import { fixtures, getFixture, listFixtures } from '../../generated/fixtures/index.js';
import {
  isPaymentSessionResponse,
  validateRequest,
  validateResponse,
  ContractValidationError,
  assertCreatePaymentSessionRequest,
} from '../../generated/validators/index.js';

type CreateBody = paths['/v2/payments']['post']['requestBody']['content']['application/json'];
type CreateOk = operations['createPaymentSession']['responses'][200]['content']['application/json'];

/** Builds a create request from the documented card redirect example, changing what a merchant changes. */
export function buildCardRequest(reference: string): CreatePaymentSessionRequest {
  const request: CreateBody = fixtures.createPaymentSession.request['card-redirect'];
  return { ...request, clientReferenceId: reference };
}

/** Reads the payment URL of a created session, narrowing the untyped body with the generated guard. */
export function paymentUrlOf(body: unknown): string | undefined {
  if (!isPaymentSessionResponse(body)) return undefined;
  const session: PaymentSession = body.data;
  return session.paymentUrl;
}

export function statusOf(response: CreateOk | PaymentSessionResponse): components['schemas']['PaymentSessionStatus'] {
  return response.data.status;
}

/** What a contract test in a merchant's CI does with the fixtures and validators. */
export function checkEveryCreateFixture(): { checked: number; failures: string[] } {
  const failures: string[] = [];
  const refs = listFixtures().filter((ref) => ref.operationId === 'createPaymentSession');
  for (const ref of refs) {
    const value = getFixture(ref);
    const result =
      ref.kind === 'request' ? validateRequest(ref.operationId, value) : validateResponse(ref.operationId, ref.status, value);
    if (!result.valid) failures.push(`${ref.kind} ${ref.name}: ${result.errors.map((error) => error.message).join('; ')}`);
  }
  return { checked: refs.length, failures };
}

/** Rejects a typo the API would silently drop. */
export function rejectsTypo(): string[] {
  const request = { ...buildCardRequest('INV001'), sureName: 'Geotama' };
  try {
    assertCreatePaymentSessionRequest(request);
    return [];
  } catch (error) {
    return error instanceof ContractValidationError ? error.violations.map((violation) => violation.path) : ['unexpected error'];
  }
}
