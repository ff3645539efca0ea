// A downstream project: uses the package's entry points and the artifacts it generated into
// src/contract with `pivot-contract generate`.
import type { CreatePaymentSessionRequest, PaymentSession } from 'pivot-payments-contract';
import type { components, paths } from 'pivot-payments-contract/openapi';
import { validateRequest, isPaymentSessionResponse } from 'pivot-payments-contract/validators';
import { fixtures, listFixtures } from 'pivot-payments-contract/fixtures';
import {
  validateRequest as validateLocally,
  assertCreatePaymentSessionRequest,
  ContractValidationError,
} from './contract/validators/index.js';
import type { PaymentSessionResponse } from './contract/models.js';

type CreateBody = paths['/v2/payments']['post']['requestBody']['content']['application/json'];

const request: CreatePaymentSessionRequest = fixtures.createPaymentSession.request['va-api'];
const body: CreateBody = { ...request, clientReferenceId: 'ORDER42' };
const status: components['schemas']['PaymentSessionStatus'] = 'PAID';

function typoPaths(): string[] {
  try {
    assertCreatePaymentSessionRequest({ ...body, sureName: 'Geotama' });
    return [];
  } catch (error) {
    return error instanceof ContractValidationError ? error.violations.map((violation) => violation.path) : ['?'];
  }
}

function paymentUrl(answer: unknown): string | undefined {
  if (!isPaymentSessionResponse(answer)) return undefined;
  const typed: PaymentSessionResponse = answer;
  const session: PaymentSession = typed.data;
  return session.status === status ? undefined : session.paymentUrl;
}

console.log(
  JSON.stringify({
    packageValidator: validateRequest('createPaymentSession', body),
    generatedValidator: validateLocally('createPaymentSession', body),
    typo: typoPaths(),
    fixtures: listFixtures().length,
    paymentUrl: paymentUrl(fixtures.createPaymentSession.responses['200']['va-redirect']),
  }),
);
