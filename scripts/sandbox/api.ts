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
  createSession,
  customerPays,
  endUnpaid,
  isRefused,
  staticPayment,
  type Moved,
  type Outcome,
  type SessionRecord,
} from './lifecycle.ts';
import { DEFAULT_SESSION_SECONDS, SIMULATED_TYPES, holdsReference } from './rules.ts';
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
  return jsonResponse(422, invalidStateBody(operationId, outcome.message));
}

export function missingSession(operationId: string, id: string): Response {
  return jsonResponse(404, resourceMissingBody(operationId, `The payment session with ID ${id} cannot be found`));
}

const origin = (call: ContractCall) => new URL(call.request.url).origin;

export interface ApiCredentials {
  merchantId: string;
  merchantSecret: string;
}

export function sandboxApi(
  state: SandboxState,
  credentials: ApiCredentials,
): ContractBackend & { answer(call: ContractCall): Response } {
  const { clock, store, customers, tokens, idempotency, fault } = state;

  function createPayment(call: ContractCall): Response {
    const body = call.body as Json;
    const now = clock.now();
    const key = call.headers.get('x-request-id');
    const fingerprint = payloadHash(body);
    // A planted `differentReplay` answers the replay as a brand-new create (a broken server's mistake).
    let plantedReplay = false;
    if (key) {
      const found = idempotency.lookup(key, fingerprint, now, (id) => store.get(id));
      if (found.kind === 'conflict') return jsonResponse(409, idempotencyErrorBody(call.operationId));
      plantedReplay = found.kind === 'replay' && fault('differentReplay', () => true);
      if (found.kind === 'replay' && !plantedReplay)
        return new Response(found.text, {
          status: 200,
          headers: { 'content-type': 'application/json', 'idempotent-replayed': 'true' },
        });
    }
    const holder = plantedReplay ? undefined : state.holderOf(body.clientReferenceId);
    if (holder && holdsReference(holder.session))
      return jsonResponse(
        409,
        duplicateErrorBody(
          call.operationId,
          `There's already existing record with the provided details: clientReferenceId ${body.clientReferenceId} belongs to payment session ${holder.session.id} (${holder.session.status})`,
        ),
      );
    const resolved = customers.resolve(body);
    if ('refused' in resolved) return refusal(call.operationId, resolved);
    resolved.card = cardOfInput(body.paymentMethod?.card);
    const outcome = createSession(body, state.moment(origin(call)), resolved, DEFAULT_SESSION_SECONDS);
    if (isRefused(outcome)) return refusal(call.operationId, outcome);
    if (key) outcome.record.internal.idempotencyKey = key;
    state.commit({ ...outcome, via: 'API createPaymentSession' }, origin(call));
    if (key) idempotency.remember(key, fingerprint, outcome.record.session.id, now);
    return new Response(envelope(outcome.record.session), { status: 200, headers: { 'content-type': 'application/json' } });
  }

  function onSession(call: ContractCall, id: string, move: (record: SessionRecord) => Outcome): Response {
    const record = store.get(id);
    if (!record) return missingSession(call.operationId, id);
    const outcome = move(record);
    if (isRefused(outcome)) return refusal(call.operationId, outcome);
    if (!fault('skipTransition', (operationId) => operationId === call.operationId))
      state.commit({ ...outcome, via: `API ${call.operationId}` }, origin(call));
    return ok(outcome.answer ?? outcome.record.session);
  }

  function simulate(call: ContractCall): Response {
    const body = call.body as Json;
    const record = store.get(body.paymentSessionId);
    if (!record) return missingSession(call.operationId, body.paymentSessionId);
    const type = record.session.paymentMethod?.type as string | undefined;
    if (!type || !SIMULATED_TYPES.has(type))
      return refusal(call.operationId, {
        refused: 422,
        message: `simulatePayment applies to QRIS, Virtual Account and E-Wallet sessions; ${body.paymentSessionId} is ${type ?? 'without a payment method'}`,
      });
    const now = state.moment(origin(call));
    const outcome: Outcome =
      body.chargeStatus === 'EXPIRED'
        ? record.session.paymentType === 'MULTIPLE'
          ? { refused: 422, message: 'a static (MULTIPLE) session does not expire' }
          : endUnpaid(record, 'expired', now)
        : record.session.paymentType === 'MULTIPLE'
          ? staticPayment(record, body.amount, now)
          : customerPays(record, now);
    if (isRefused(outcome)) return refusal(call.operationId, outcome);
    if (!fault('skipTransition', (operationId) => operationId === call.operationId))
      state.commit({ ...outcome, via: `API simulatePayment ${body.chargeStatus}` }, origin(call));
    return ok({ updated: true });
  }

  function answer(call: ContractCall): Response {
    const body = call.body as Json;
    switch (call.operationId) {
      case 'createAccessToken':
        return ok(tokens.issue());
      case 'createPaymentSession':
        return createPayment(call);
      case 'confirmPaymentSession':
        return onSession(call, call.params.id!, (record) => {
          const token = body.paymentMethod?.card?.token as string | undefined;
          const stored = token === undefined ? undefined : customers.storedCard(token);
          if (token !== undefined && !stored)
            return { refused: 404, message: `The stored payment method with token ${token} cannot be found` };
          return confirmSession(record, body, state.moment(origin(call)), stored, cardOfInput(body.paymentMethod?.card));
        });
      case 'cancelPaymentSession':
        return onSession(call, call.params.id!, (record) =>
          cancelSession(record, body.cancellationReason, state.moment(origin(call))),
        );
      case 'capturePaymentSession':
        return onSession(call, call.params.id!, (record) => captureSession(record, body, state.moment(origin(call))));
      case 'simulatePayment':
        return simulate(call);
      case 'getCustomer': {
        const customer = customers.get(call.params.customerId!);
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
  function authenticate(call: ContractCall): true | string {
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
