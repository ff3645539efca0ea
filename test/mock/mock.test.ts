/**
 * The mock as merchants run it: Prism as a real child process behind the front layer, on free ports.
 * Every documented request gets its paired documented answer; requests without `Prefer` get a valid
 * default; bad auth and bad requests get the contract's ErrorResponse naming the offending fields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFixture, getPairedResponse, listFixtures, type FixtureRef } from '../../generated/fixtures/index.js';
import { validate, validateResponse, type OperationId } from '../../generated/validators/index.js';
import { startMock, type MockServer } from '../../scripts/mock/server.ts';

const SESSION_ID = '9a08c652-f59d-45ea-8828-4b616d80db57';
const CUSTOMER_ID = '0197e3f5-1a17-7d43-b2f9-1b51479fb8a9';
const ENDPOINTS: Record<string, { method: string; path: string }> = {
  createPaymentSession: { method: 'POST', path: '/v2/payments' },
  confirmPaymentSession: { method: 'POST', path: `/v2/payments/${SESSION_ID}/confirm` },
  cancelPaymentSession: { method: 'POST', path: `/v2/payments/${SESSION_ID}/cancel` },
  capturePaymentSession: { method: 'POST', path: `/v2/payments/${SESSION_ID}/capture` },
  simulatePayment: { method: 'POST', path: '/v2/payments/simulations' },
  getCustomer: { method: 'GET', path: `/v1/customers/${CUSTOMER_ID}` },
  createAccessToken: { method: 'POST', path: '/v1/access-token' },
};
const BEARER = { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.test.token' };
const MERCHANT = { 'x-merchant-id': 'merchant-123', 'x-merchant-secret': 'secret-456' };

let mock: MockServer;

beforeAll(async () => {
  mock = await startMock({ port: 0 });
});

afterAll(async () => {
  if (!mock) return;
  const pid = mock.prismPid;
  await mock.close();
  let code: string | undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    code = (error as NodeJS.ErrnoException).code;
  }
  expect(code, `Prism (pid ${pid}) must be gone after close()`).toBe('ESRCH');
});

interface SendOptions {
  body?: unknown;
  /** Sent as is instead of JSON.stringify(body). */
  raw?: string;
  headers?: Record<string, string>;
  path?: string;
  method?: string;
}

/** The auth (and X-REQUEST-ID) a valid request of the operation carries. */
function validHeaders(operationId: string): Record<string, string> {
  if (operationId === 'createAccessToken') return { ...MERCHANT };
  if (operationId === 'createPaymentSession') return { ...BEARER, 'x-request-id': '01JD8ZQ4Y7K3M2N5P6R8S9T0VW' };
  return { ...BEARER };
}

async function send(operationId: string, options: SendOptions = {}) {
  const endpoint = ENDPOINTS[operationId]!;
  const hasBody = options.raw !== undefined || options.body !== undefined;
  const response = await fetch(`${mock.url}${options.path ?? endpoint.path}`, {
    method: options.method ?? endpoint.method,
    headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...(options.headers ?? validHeaders(operationId)) },
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as any };
}

const request = (operationId: string, name: string) => getFixture({ operationId, kind: 'request', name } as FixtureRef) as any;

const requestFixtures = listFixtures().filter((info) => info.kind === 'request' && info.operationId in ENDPOINTS);

describe('paired answers', () => {
  it('covers every request example of every endpoint', () => {
    expect(requestFixtures.length).toBeGreaterThanOrEqual(25);
    expect(new Set(requestFixtures.map((info) => info.operationId))).toEqual(
      new Set(Object.keys(ENDPOINTS).filter((operationId) => operationId !== 'getCustomer')),
    );
  });

  it.each(requestFixtures.map((info) => [info.operationId, info.name] as const))(
    '%s %s → its paired 200',
    async (operationId, name) => {
      const answer = await send(operationId, {
        body: request(operationId, name),
        headers: { ...validHeaders(operationId), prefer: `example=${name}` },
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(getPairedResponse(operationId as FixtureRef['operationId'], name));
      expect(validateResponse(operationId as OperationId, 200, answer.body, { mode: 'strict' })).toEqual({ valid: true });
    },
  );

  it('getCustomer with-stored-card → its documented 200', async () => {
    const answer = await send('getCustomer', { headers: { ...BEARER, prefer: 'example=with-stored-card' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(
      getFixture({ operationId: 'getCustomer', kind: 'response', status: '200', name: 'with-stored-card' }),
    );
  });

  it('forwards Prefer: code=… to Prism (the documented answer of that status)', async () => {
    const answer = await send('createPaymentSession', {
      body: request('createPaymentSession', 'card-redirect'),
      headers: { ...validHeaders('createPaymentSession'), prefer: 'code=409, example=idempotency-error' },
    });
    expect(answer.status).toBe(409);
    expect(answer.body).toEqual(
      getFixture({ operationId: 'createPaymentSession', kind: 'response', status: '409', name: 'idempotency-error' }),
    );
  });
});

describe('default answer (no Prefer)', () => {
  it('a documented request gets its paired response', async () => {
    const answer = await send('createPaymentSession', { body: request('createPaymentSession', 'qr-api') });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-mock-example')).toBe('qr-api');
    expect(answer.body).toEqual(getPairedResponse('createPaymentSession', 'qr-api'));
  });

  it('another valid request gets the nearest documented session, which validates', async () => {
    const body = request('createPaymentSession', 'va-api');
    body.clientReferenceId = 'ORDER20250101';
    body.amount.value = 250000;
    const answer = await send('createPaymentSession', { body });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-mock-example')).toBe('va-api');
    expect(answer.body.data.paymentMethod.type).toBe('VIRTUAL_ACCOUNT');
    expect(validateResponse('createPaymentSession', 200, answer.body, { mode: 'strict' })).toEqual({ valid: true });
  });

  it('an operation without a body gets its first 200 example', async () => {
    const answer = await send('getCustomer');
    expect(answer.status).toBe(200);
    expect(validateResponse('getCustomer', 200, answer.body, { mode: 'strict' })).toEqual({ valid: true });
  });
});

function expectError(answer: { status: number; body: any }, status: number, code: string) {
  expect(answer.status).toBe(status);
  expect(validate('ErrorResponse', answer.body, { mode: 'strict' })).toEqual({ valid: true });
  expect(answer.body.code).toBe(code);
  expect(answer.body.error.trace_id).toMatch(/^[0-9a-f]{32}$/);
}

describe('auth → 401 credentials_invalid', () => {
  const card = () => request('createPaymentSession', 'card-redirect');
  const requestId = { 'x-request-id': '01JD8ZQ4Y7K3M2N5P6R8S9T0VW' };
  it.each([
    ['no Authorization header', 'createPaymentSession', { ...requestId }],
    ['Basic instead of Bearer', 'createPaymentSession', { ...requestId, authorization: 'Basic dXNlcjpwYXNz' }],
    ['Bearer without a token', 'createPaymentSession', { ...requestId, authorization: 'Bearer' }],
    ['a token with spaces', 'createPaymentSession', { ...requestId, authorization: 'Bearer two words' }],
    ['a bare token', 'createPaymentSession', { ...requestId, authorization: 'eyJhbGciOiJIUzI1NiJ9' }],
    ['getCustomer without a token', 'getCustomer', {}],
    ['access token without X-MERCHANT-SECRET', 'createAccessToken', { 'x-merchant-id': 'merchant-123' }],
    ['access token without X-MERCHANT-ID', 'createAccessToken', { 'x-merchant-secret': 'secret-456' }],
    ['access token with a Bearer token only', 'createAccessToken', { ...BEARER }],
  ] as const)('%s', async (_, operationId, headers) => {
    const body =
      operationId === 'createPaymentSession'
        ? card()
        : operationId === 'createAccessToken'
          ? request(operationId, 'client-credentials')
          : undefined;
    const answer = await send(operationId, { body, headers });
    expectError(answer, 401, 'credentials_invalid');
    expect(answer.body.error).toMatchObject({ type: 'API_ERROR', source: 'UPSTREAM' });
    expect(answer.body.error.details).toBeUndefined();
  });

  it('auth is checked before the body', async () => {
    const answer = await send('createPaymentSession', { body: { nonsense: true }, headers: {} });
    expectError(answer, 401, 'credentials_invalid');
  });
});

interface BadCase {
  rule: string;
  operationId: string;
  base: string;
  change?: (body: any) => void;
  headers?: Record<string, string>;
  path?: string;
  raw?: string;
  fields: string[];
}

const long = (length: number) => 'a'.repeat(length);
const badCases: BadCase[] = [
  {
    rule: 'length: clientReferenceId ≤ 100',
    operationId: 'createPaymentSession',
    base: 'card-redirect',
    change: (b) => (b.clientReferenceId = long(101)),
    fields: ['clientReferenceId'],
  },
  {
    rule: 'length: statementDescriptor ≤ 20',
    operationId: 'createPaymentSession',
    base: 'card-redirect',
    change: (b) => (b.statementDescriptor = 'Reforza Pivot Store 1'),
    fields: ['statementDescriptor'],
  },
  {
    rule: 'length: at least one product',
    operationId: 'createPaymentSession',
    base: 'card-redirect',
    change: (b) => (b.orderInformation.productDetails = []),
    fields: ['orderInformation.productDetails'],
  },
  {
    rule: 'enum: mode',
    operationId: 'createPaymentSession',
    base: 'card-redirect',
    change: (b) => (b.mode = 'IFRAME'),
    fields: ['mode'],
  },
  {
    rule: 'enum: paymentMethod.type',
    operationId: 'createPaymentSession',
    base: 'card-redirect',
    change: (b) => (b.paymentMethod.type = 'CASH'),
    fields: ['paymentMethod.type'],
  },
  {
    rule: 'enum: cancellation reason',
    operationId: 'cancelPaymentSession',
    base: 'requested-by-customer',
    change: (b) => (b.cancellationReason = 'FRAUDULENT'),
    fields: ['cancellationReason'],
  },
  {
    rule: 'enum: grantType',
    operationId: 'createAccessToken',
    base: 'client-credentials',
    change: (b) => (b.grantType = 'password'),
    fields: ['grantType'],
  },
  {
    rule: 'format: customer email',
    operationId: 'createPaymentSession',
    base: 'card-redirect',
    change: (b) => (b.customer.email = 'reforza-at-pivot'),
    fields: ['customer.email'],
  },
  {
    rule: 'format: expiryAt date-time',
    operationId: 'createPaymentSession',
    base: 'card-redirect',
    change: (b) => (b.expiryAt = '2025-12-30 23:59:00'),
    fields: ['expiryAt'],
  },
  {
    rule: 'format: paymentSessionId UUID',
    operationId: 'simulatePayment',
    base: 'success',
    change: (b) => (b.paymentSessionId = '123'),
    fields: ['paymentSessionId'],
  },
  {
    rule: 'type: amount.value is a number',
    operationId: 'createPaymentSession',
    base: 'card-redirect',
    change: (b) => (b.amount.value = '10000'),
    fields: ['amount.value'],
  },
  {
    rule: 'type: releaseRemainingAmount is a boolean',
    operationId: 'capturePaymentSession',
    base: 'partial-release-remaining',
    change: (b) => (b.releaseRemainingAmount = 'yes'),
    fields: ['releaseRemainingAmount'],
  },
  {
    rule: 'range: amount.value > 0',
    operationId: 'createPaymentSession',
    base: 'card-redirect',
    change: (b) => (b.amount.value = 0),
    fields: ['amount.value'],
  },
  {
    rule: 'required: clientReferenceId',
    operationId: 'createPaymentSession',
    base: 'card-redirect',
    change: (b) => delete b.clientReferenceId,
    fields: ['clientReferenceId'],
  },
  {
    rule: 'required: product price (in an array)',
    operationId: 'createPaymentSession',
    base: 'card-redirect',
    change: (b) => delete b.orderInformation.productDetails[0].price,
    fields: ['orderInformation.productDetails[0].price'],
  },
  {
    rule: 'required: confirm needs a payment method',
    operationId: 'confirmPaymentSession',
    base: 'redirect-guide-va',
    change: (b) => delete b.paymentMethod,
    fields: ['paymentMethod'],
  },
  {
    rule: 'unknown property: sureName',
    operationId: 'createPaymentSession',
    base: 'card-redirect',
    change: (b) => {
      b.customer.sureName = b.customer.surname;
      delete b.customer.surname;
    },
    fields: ['customer.sureName'],
  },
  {
    rule: 'cross-field: redirectUrl required in REDIRECT mode',
    operationId: 'createPaymentSession',
    base: 'card-redirect',
    change: (b) => delete b.redirectUrl,
    fields: ['redirectUrl'],
  },
  {
    rule: 'cross-field: customer or customerId',
    operationId: 'createPaymentSession',
    base: 'card-redirect',
    change: (b) => delete b.customer,
    // One violation of the rule, on the body (not one per alternative).
    fields: ['body'],
  },
  {
    rule: 'cross-field: not both customer and customerId',
    operationId: 'createPaymentSession',
    base: 'card-redirect',
    change: (b) => (b.customerId = CUSTOMER_ID),
    fields: ['customerId'],
  },
  {
    rule: 'cross-field: paymentMethodOptions match the type',
    operationId: 'createPaymentSession',
    base: 'va-api',
    change: (b) => (b.paymentMethodOptions.qr = { expiryAt: '2025-12-30T23:59:00Z' }),
    fields: ['paymentMethodOptions.qr'],
  },
  {
    rule: 'cross-field: MULTIPLE only for QR / VA',
    operationId: 'createPaymentSession',
    base: 'card-encryption',
    change: (b) => (b.paymentType = 'MULTIPLE'),
    fields: ['paymentMethod.type'],
  },
  {
    rule: 'header: X-REQUEST-ID missing',
    operationId: 'createPaymentSession',
    base: 'card-redirect',
    headers: { ...BEARER },
    fields: ['X-REQUEST-ID'],
  },
  {
    rule: 'header: X-REQUEST-ID too short',
    operationId: 'createPaymentSession',
    base: 'card-redirect',
    headers: { ...BEARER, 'x-request-id': 'abc123' },
    fields: ['X-REQUEST-ID'],
  },
  {
    rule: 'path: id is a UUID',
    operationId: 'cancelPaymentSession',
    base: 'requested-by-customer',
    path: '/v2/payments/ps_123/cancel',
    fields: ['id'],
  },
  {
    rule: 'body: not JSON',
    operationId: 'createPaymentSession',
    base: 'card-redirect',
    raw: '{"clientReferenceId": ',
    fields: ['body'],
  },
  {
    rule: 'body: not an object',
    operationId: 'cancelPaymentSession',
    base: 'requested-by-customer',
    raw: '[]',
    fields: ['body'],
  },
];

describe('bad requests → 400 api_validation_error naming the fields', () => {
  it('the table has every kind of rule', () => {
    expect(badCases.length).toBeGreaterThanOrEqual(12);
  });

  it.each(badCases)('$rule', async ({ operationId, base, change, headers, path, raw, fields }) => {
    const body = request(operationId, base);
    change?.(body);
    const answer = await send(operationId, { body, raw, headers, path });
    expectError(answer, 400, 'api_validation_error');
    expect(answer.body.error).toMatchObject({ type: 'API_ERROR', source: 'UPSTREAM' });
    const reported = (answer.body.error.details as Array<{ field: string; message: string }>).map((detail) => detail.field);
    expect(reported).toEqual(expect.arrayContaining(fields));
    for (const detail of answer.body.error.details) expect(detail.message.startsWith(`${detail.field} `)).toBe(true);
  });

  it('reports one detail per violation', async () => {
    const body = request('createPaymentSession', 'card-redirect');
    body.mode = 'IFRAME';
    body.amount.value = '10000';
    const answer = await send('createPaymentSession', { body });
    expectError(answer, 400, 'api_validation_error');
    expect(answer.body.error.details.map((detail: { field: string }) => detail.field)).toEqual(
      expect.arrayContaining(['mode', 'amount.value']),
    );
  });
});

describe('unknown routes → 404 not_found', () => {
  it.each([
    ['POST', '/v2/refunds'],
    ['GET', '/v2/payments'],
    ['DELETE', `/v2/payments/${SESSION_ID}/cancel`],
    ['POST', '/v2/payments/'],
  ])('%s %s', async (method, path) => {
    const answer = await send('createPaymentSession', { method, path, body: method === 'GET' ? undefined : {} });
    expectError(answer, 404, 'not_found');
  });
});

describe("odd requests → the contract's shape, never Prism's problem+json", () => {
  const card = () => request('createPaymentSession', 'card-redirect');
  it.each([
    'example=nope',
    'code=418',
    'code=abc',
    'example=',
    'example=idempotency-error',
    'code=401, example=card-redirect',
    'dynamic=true',
  ])('Prefer: %s → 400 naming Prefer', async (prefer) => {
    const answer = await send('createPaymentSession', {
      body: card(),
      headers: { ...validHeaders('createPaymentSession'), prefer },
    });
    expectError(answer, 400, 'api_validation_error');
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.body.error.details.map((detail: { field: string }) => detail.field)).toEqual(['Prefer']);
  });

  it('an unrelated preference is ignored (the default answer)', async () => {
    const answer = await send('createPaymentSession', {
      body: card(),
      headers: { ...validHeaders('createPaymentSession'), prefer: 'return=minimal' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-mock-example')).toBe('card-redirect');
  });

  it.each(['text/html', 'application/xml', 'application/json;q=0'])(
    'Accept: %s still gets the JSON answer (Prism alone says 406 problem+json)',
    async (accept) => {
      const answer = await send('createPaymentSession', {
        body: card(),
        headers: { ...validHeaders('createPaymentSession'), accept },
      });
      expect(answer.status).toBe(200);
      expect(validateResponse('createPaymentSession', 200, answer.body, { mode: 'strict' })).toEqual({ valid: true });
    },
  );

  it('OPTIONS is the 204 with Allow, not Prism answering', async () => {
    const response = await fetch(`${mock.url}/v2/payments`, { method: 'OPTIONS' });
    expect(response.status).toBe(204);
    expect(response.headers.get('allow')).toBe('POST');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('no CORS by default: an Origin is not reflected, credentials never allowed', async () => {
    const answer = await send('createPaymentSession', {
      body: card(),
      headers: { ...validHeaders('createPaymentSession'), origin: 'https://evil.example' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
  });
});
