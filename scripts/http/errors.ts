/**
 * Error answers in the contract's `ErrorResponse` shape. Each body is the documented example of its status
 * (`spec/components/examples/errors/`) with a fresh `trace_id`, so what a server says matches what the docs
 * show and validates against the operation's declared response.
 */
import { getFixture, type FixtureRef } from 'pivot-payments-contract/fixtures';
import { validateRequest, type OperationId } from 'pivot-payments-contract/validators';

type Json = Record<string, any>;

export interface Detail {
  field: string;
  message: string;
}

/** `/orderInformation/productDetails/0/price` → `orderInformation.productDetails[0].price`; `` → `body`. */
export function pointerToField(pointer: string): string {
  if (pointer === '' || pointer === '/') return 'body';
  let field = '';
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    field += /^\d+$/.test(segment) ? `[${segment}]` : field === '' ? segment : `.${segment}`;
  }
  return field;
}

/** One `{ field, message }` per violation of the generated request validator (always strict). */
export function bodyDetails(operationId: string, body: unknown): Detail[] {
  const result = validateRequest(operationId as OperationId, body);
  if (result.valid) return [];
  return result.errors.map((violation) => {
    const field = pointerToField(violation.path);
    const prefix = violation.path || '/';
    const rest = violation.message.startsWith(prefix) ? violation.message.slice(prefix.length).trimStart() : violation.message;
    return { field, message: `${field} ${rest}` };
  });
}

/** 32 hex characters, like Pivot's `trace_id`; Web Crypto, so it runs in a browser (MSW) too. */
export function traceId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The documented error example of a status and name (fresh trace id), or a minimal body in the same shape. */
export function documentedError(
  operationId: string | undefined,
  status: string,
  name: string,
  fallback: { code: string; message: string; type: string },
): Json {
  let body: Json | undefined;
  try {
    body = getFixture({
      operationId: (operationId ?? 'createPaymentSession') as FixtureRef['operationId'],
      kind: 'response',
      status,
      name,
    }) as Json;
  } catch {
    body = undefined;
  }
  body ??= { code: fallback.code, message: fallback.message, error: { type: fallback.type, source: 'UPSTREAM', trace_id: '' } };
  return { ...body, error: { ...body.error, trace_id: traceId() } };
}

export function unauthorizedBody(operationId: string, message?: string): Json {
  const body = documentedError(operationId, '401', 'credentials-invalid', {
    code: 'credentials_invalid',
    message: 'Access token is invalid, please verify that the authentication is provided and valid',
    type: 'API_ERROR',
  });
  return message === undefined ? body : { ...body, message };
}

export function validationErrorBody(operationId: string, details: Detail[]): Json {
  const body = documentedError(operationId, '400', 'api-validation-error', {
    code: 'api_validation_error',
    message: 'The request was invalid, or an error occurred in downstream provider',
    type: 'API_ERROR',
  });
  return { ...body, error: { ...body.error, details } };
}

export function notFoundBody(): Json {
  return documentedError(undefined, '404', 'not-found', {
    code: 'not_found',
    message: 'The requested URL does not exist',
    type: 'GATEWAY_ERROR',
  });
}

/** 404 `resource_missing`: the route exists, the payment session or customer does not. */
export function resourceMissingBody(operationId: string, message: string): Json {
  const body = documentedError(operationId, '404', 'resource-missing', {
    code: 'resource_missing',
    message,
    type: 'GATEWAY_ERROR',
  });
  return { ...body, message };
}

/** 409 `idempotency_error`: the X-REQUEST-ID was used before with another payload. */
export function idempotencyErrorBody(operationId: string): Json {
  return documentedError(operationId, '409', 'idempotency-error', {
    code: 'idempotency_error',
    message: 'The same Idempotency-key was provided with a different payload',
    type: 'API_ERROR',
  });
}

/** 409 `duplicate_error`: the request conflicts with a record that exists (Failure Code & Message › 409). */
export function duplicateErrorBody(operationId: string, message: string): Json {
  const body = documentedError(operationId, '409', 'duplicate-error', {
    code: 'duplicate_error',
    message: "There's already existing record with the provided details",
    type: 'GATEWAY_ERROR',
  });
  return { ...body, message };
}

/** 422 `unprocessable_entity`: a valid request the session's current status does not allow. */
export function invalidStateBody(operationId: string, message: string): Json {
  const body = documentedError(operationId, '422', 'unprocessable-entity', {
    code: 'unprocessable_entity',
    message,
    type: 'API_ERROR',
  });
  return { ...body, message };
}

export function internalErrorBody(message: string): Json {
  const body = documentedError(undefined, '500', 'internal-error', {
    code: 'internal_error',
    message,
    type: 'GATEWAY_ERROR',
  });
  return { ...body, message };
}

export function badGatewayBody(operationId: string, reason: string): Json {
  const body = documentedError(operationId, '502', 'bad-gateway', {
    code: 'bad_gateway',
    message: 'Bad gateway',
    type: 'GATEWAY_ERROR',
  });
  return { ...body, message: `${body.message} (${reason})` };
}

/** A JSON `Response`; the one way every server of the contract writes a body. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}
