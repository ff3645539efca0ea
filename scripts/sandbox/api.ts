/**
 * The sandbox's Pivot API: the backend behind the shared contract core, which has already routed,
 * checked that credentials are present and validated the request. Tokens, idempotent creates,
 * customers and the state machine of `lifecycle.ts`, cited rule by rule in `rules.ts`.
 */
import type { ContractBackend, ContractCall } from '../http/core.ts';
import {
  duplicateErrorBody,
  idempotencyErrorBody,
  invalidStateBody,
  jsonResponse,
  resourceMissingBody,
  validationErrorBody,
} from '../http/errors.ts';
import { cardOfInput } from './card-encryption.ts';
import { envelope, payloadHash } from './idempotency.ts';
import {
  cancelSession,
  captureSession,
  confirmSession,
  customerPays,
  endUnpaid,
  isRefused,
  staticPayment,
  type Moved,
  type Outcome,
  type SessionRecord,
} from './lifecycle.ts';
import { SESSION_BYTES } from './limits.ts';
import { SIMULATED_TYPES } from './rules.ts';
import type { SandboxState } from './state.ts';

type Json = Record<string, any>;

export function ok(data: unknown, headers: Record<string, string> = {}): Response {
  return jsonResponse(200, { code: '00', message: 'Success', data }, headers);
}

/** The contract's answer to a move the state machine refused. */
export function refusal(operationId: string, outcome: Exclude<Outcome, Moved>): Response {
  if (outcome.refused === 400)
    return jsonResponse(
      400,
      validationErrorBody(operationId, [
        { field: outcome.field ?? 'body', message: `${outcome.field ?? 'body'} ${outcome.message.replace(/^\S+ /, '')}` },
      ]),
    );
  if (outcome.refused === 404) return jsonResponse(404, resourceMissingBody(operationId, outcome.message));
  if (outcome.refused === 409) return jsonResponse(409, duplicateErrorBody(operationId, outcome.message));
  return jsonResponse(422, invalidStateBody(operationId, outcome.message));
}

export function missingSession(operationId: string, id: string): Response {
  return jsonResponse(404, resourceMissingBody(operationId, `The payment session with ID ${id} cannot be found`));
}

export interface ApiCredentials {
  merchantId: string;
  merchantSecret: string;
}

/** 413 in the contract's shape: the session a create would store is larger than the sandbox keeps. */
export function sessionTooLarge(operationId: string): Response {
  return jsonResponse(
    413,
    validationErrorBody(operationId, [
      { field: 'body', message: `body makes a payment session larger than the sandbox keeps (${SESSION_BYTES} bytes of JSON)` },
    ]),
  );
}

export function sandboxApi(
  state: SandboxState,
  credentials: ApiCredentials,
): ContractBackend & { answer(call: ContractCall): Promise<Response> } {
  const { customers, tokens, fault } = state;
  /** A planted `skipTransition` fault of this operation fires on its first successful move. */
  const skipping = (call: ContractCall) => () => fault('skipTransition', (operationId) => operationId === call.operationId);
  const json = (text: string, headers: Record<string, string> = {}) =>
    new Response(text, { status: 200, headers: { 'content-type': 'application/json', ...headers } });

  async function createPayment(call: ContractCall): Promise<Response> {
    const body = call.body as Json;
    const requestId = call.headers.get('x-request-id');
    const key = requestId
      ? { key: requestId, fingerprint: payloadHash(body), replay: () => !fault('differentReplay', () => true) }
      : undefined;
    const created = await state.create(body, call.rawBody, key);
    switch (created.kind) {
      case 'conflict':
        return jsonResponse(409, idempotencyErrorBody(call.operationId));
      case 'duplicate':
        return jsonResponse(
          409,
          duplicateErrorBody(
            call.operationId,
            `There's already existing record with the provided details: clientReferenceId ${body.clientReferenceId} belongs to payment session ${created.holder.id} (${created.holder.status})`,
          ),
        );
      case 'replay':
        return json(created.text, { 'idempotent-replayed': 'true' });
      case 'refused':
        return refusal(call.operationId, created.outcome);
      case 'too-large':
        return sessionTooLarge(call.operationId);
      case 'created':
        return json(created.answer);
    }
  }

  async function onSession(
    call: ContractCall,
    id: string,
    move: (record: SessionRecord) => Outcome | Promise<Outcome>,
  ): Promise<Response> {
    const outcome = await state.change(id, move, { skip: skipping(call), via: `API ${call.operationId}` });
    if (!outcome) return missingSession(call.operationId, id);
    if (isRefused(outcome)) return refusal(call.operationId, outcome);
    return ok(outcome.answer ?? outcome.record.session);
  }

  async function simulate(call: ContractCall): Promise<Response> {
    const body = call.body as Json;
    const id = body.paymentSessionId as string;
    const outcome = await state.change(
      id,
      (record): Outcome => {
        const type = record.session.paymentMethod?.type as string | undefined;
        if (!type || !SIMULATED_TYPES.has(type))
          return {
            refused: 422,
            message: `simulatePayment applies to QRIS, Virtual Account and E-Wallet sessions; ${id} is ${type ?? 'without a payment method'}`,
          };
        const now = state.moment();
        if (body.chargeStatus === 'EXPIRED')
          return record.session.paymentType === 'MULTIPLE'
            ? { refused: 422, message: 'a static (MULTIPLE) session does not expire' }
            : endUnpaid(record, 'expired', now);
        return record.session.paymentType === 'MULTIPLE' ? staticPayment(record, body.amount, now) : customerPays(record, now);
      },
      { skip: skipping(call), via: `API simulatePayment ${body.chargeStatus}` },
    );
    if (!outcome) return missingSession(call.operationId, id);
    if (isRefused(outcome)) return refusal(call.operationId, outcome);
    return ok({ updated: true });
  }

  async function answer(call: ContractCall): Promise<Response> {
    const body = call.body as Json;
    switch (call.operationId) {
      case 'createAccessToken':
        return ok(await tokens.issue());
      case 'createPaymentSession':
        return createPayment(call);
      case 'confirmPaymentSession': {
        const token = body.paymentMethod?.card?.token as string | undefined;
        const stored = token === undefined ? undefined : await customers.storedCard(token);
        return onSession(call, call.params.id!, (record) => {
          if (token !== undefined && !stored)
            return { refused: 404, message: `The stored payment method with token ${token} cannot be found` };
          return confirmSession(record, body, state.moment(), stored, cardOfInput(body.paymentMethod?.card));
        });
      }
      case 'cancelPaymentSession':
        return onSession(call, call.params.id!, (record) => cancelSession(record, body.cancellationReason, state.moment()));
      case 'capturePaymentSession':
        return onSession(call, call.params.id!, (record) => captureSession(record, body, state.moment()));
      case 'simulatePayment':
        return simulate(call);
      case 'getCustomer': {
        const customer = await customers.get(call.params.customerId!);
        if (!customer)
          return jsonResponse(
            404,
            resourceMissingBody(call.operationId, `The customer with ID ${call.params.customerId} cannot be found`),
          );
        return ok(customer);
      }
      default:
        return jsonResponse(404, resourceMissingBody(call.operationId, `${call.operationId} is not served by the sandbox`));
    }
  }

  /** Authentication: the merchant's id and secret for a token; every other call an issued, unexpired token. */
  async function authenticate(call: ContractCall): Promise<true | string> {
    if (call.operationId === 'createAccessToken') {
      const same =
        call.headers.get('x-merchant-id') === credentials.merchantId &&
        call.headers.get('x-merchant-secret') === credentials.merchantSecret;
      return same || 'X-MERCHANT-ID / X-MERCHANT-SECRET do not match the sandbox merchant';
    }
    return tokens.check(call.headers.get('authorization'));
  }

  return { authenticate, answer };
}
