import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadForDiff, runDiff } from '../../scripts/diff.ts';
import { summarize, type Change } from '../../scripts/diff/changes.ts';
import { diffSpecs } from '../../scripts/diff/spec-diff.ts';

type Schema = Record<string, unknown>;
type Doc = Record<string, any>;

interface OperationParts {
  request?: Schema;
  response?: Schema;
  parameters?: Schema[];
  operationId?: string;
  status?: string;
  components?: Record<string, Schema>;
  webhook?: Schema;
}

/** A document with one operation (`POST /v2/payments`) built from a request and a response schema. */
function api(parts: OperationParts = {}): Doc {
  const { request = { type: 'object' }, response = { type: 'object' }, status = '200' } = parts;
  const doc: Doc = {
    openapi: '3.1.0',
    info: { title: 'diff test', version: '1.0.0' },
    paths: {
      '/v2/payments': {
        post: {
          operationId: parts.operationId ?? 'createPaymentSession',
          ...(parts.parameters ? { parameters: parts.parameters } : {}),
          requestBody: { required: true, content: { 'application/json': { schema: request } } },
          responses: { [status]: { description: 'ok', content: { 'application/json': { schema: response } } } },
        },
      },
    },
  };
  if (parts.components) doc.components = { schemas: parts.components };
  if (parts.webhook) {
    doc.webhooks = {
      paymentCallback: {
        post: {
          operationId: 'paymentCallback',
          requestBody: { required: true, content: { 'application/json': { schema: parts.webhook } } },
          responses: { '200': { description: 'received' } },
        },
      },
    };
  }
  return doc;
}

/** The same document with one more operation. */
function withOperation(doc: Doc, path: string, method: string, operationId: string): Doc {
  const copy = structuredClone(doc);
  copy.paths[path] = { ...copy.paths[path], [method]: { operationId, responses: { '204': { description: 'done' } } } };
  return copy;
}

const object = (properties: Schema, required: string[] = []): Schema => ({ type: 'object', properties, required });
const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const status = (values: string[]): Schema => ({ type: 'string', enum: values });

type Want = [Change['kind'], string, string];

interface Row {
  name: string;
  given: [Doc, Doc];
  want: Want[];
}

const REQ = 'createPaymentSession request';
const RES = 'createPaymentSession response 200';

const rows: Row[] = [
  // --- no change
  {
    name: 'no change → empty list',
    given: [api({ request: object({ a: str() }, ['a']) }), api({ request: object({ a: str() }, ['a']) })],
    want: [],
  },
  {
    name: 'annotation-only change (description) → empty list',
    given: [
      api({ response: object({ a: str({ description: 'old' }) }) }),
      api({ response: object({ a: str({ description: 'new' }) }) }),
    ],
    want: [],
  },

  // --- request side
  {
    name: 'new optional request property → non-breaking',
    given: [api({ request: object({ a: str() }) }), api({ request: object({ a: str(), b: str() }) })],
    want: [['non-breaking', `${REQ} /b`, 'property-added']],
  },
  {
    name: 'new required request property → breaking',
    given: [api({ request: object({ a: str() }) }), api({ request: object({ a: str(), b: str() }, ['b']) })],
    want: [['breaking', `${REQ} /b`, 'required-property-added']],
  },
  {
    name: 'request property became required → breaking',
    given: [api({ request: object({ amount: str() }) }), api({ request: object({ amount: str() }, ['amount']) })],
    want: [['breaking', `${REQ} /amount`, 'property-became-required']],
  },
  {
    name: 'request property became optional → non-breaking',
    given: [api({ request: object({ a: str() }, ['a']) }), api({ request: object({ a: str() }) })],
    want: [['non-breaking', `${REQ} /a`, 'property-became-optional']],
  },
  {
    name: 'removed request property → breaking',
    given: [api({ request: object({ a: str(), b: str() }) }), api({ request: object({ a: str() }) })],
    want: [['breaking', `${REQ} /b`, 'property-removed']],
  },
  {
    name: 'new nested request property deep in a $ref → path names each level',
    given: [
      api({
        request: object({ customer: { $ref: '#/components/schemas/Customer' } }),
        components: { Customer: object({ name: str() }) },
      }),
      api({
        request: object({ customer: { $ref: '#/components/schemas/Customer' } }),
        components: { Customer: object({ name: str(), email: str() }, ['email']) },
      }),
    ],
    want: [['breaking', `${REQ} /customer/email`, 'required-property-added']],
  },
  {
    name: 'request enum value added → non-breaking',
    given: [api({ request: object({ s: status(['A']) }) }), api({ request: object({ s: status(['A', 'B']) }) })],
    want: [['non-breaking', `${REQ} /s`, 'enum-value-added']],
  },
  {
    name: 'request enum value removed → breaking',
    given: [api({ request: object({ s: status(['A', 'B']) }) }), api({ request: object({ s: status(['A']) }) })],
    want: [['breaking', `${REQ} /s`, 'enum-value-removed']],
  },
  {
    name: 'request type narrowed ([string, null] → string) → breaking',
    given: [api({ request: object({ a: { type: ['string', 'null'] } }) }), api({ request: object({ a: str() }) })],
    want: [['breaking', `${REQ} /a`, 'became-non-nullable']],
  },
  {
    name: 'request type widened (string → [string, null]) → non-breaking',
    given: [api({ request: object({ a: str() }) }), api({ request: object({ a: { type: ['string', 'null'] } }) })],
    want: [['non-breaking', `${REQ} /a`, 'became-nullable']],
  },
  {
    name: 'request type changed (string → integer) → breaking',
    given: [api({ request: object({ a: str() }) }), api({ request: object({ a: { type: 'integer' } }) })],
    want: [['breaking', `${REQ} /a`, 'type-changed']],
  },
  {
    name: 'request maxLength lowered → breaking',
    given: [api({ request: object({ a: str({ maxLength: 100 }) }) }), api({ request: object({ a: str({ maxLength: 50 }) }) })],
    want: [['breaking', `${REQ} /a`, 'constraint-tightened']],
  },
  {
    name: 'request maxLength raised → non-breaking',
    given: [api({ request: object({ a: str({ maxLength: 50 }) }) }), api({ request: object({ a: str({ maxLength: 100 }) }) })],
    want: [['non-breaking', `${REQ} /a`, 'constraint-loosened']],
  },
  {
    name: 'request minLength raised → breaking',
    given: [api({ request: object({ a: str({ minLength: 1 }) }) }), api({ request: object({ a: str({ minLength: 3 }) }) })],
    want: [['breaking', `${REQ} /a`, 'constraint-tightened']],
  },
  {
    name: 'request maximum lowered and minimum raised → breaking twice',
    given: [
      api({ request: object({ n: { type: 'integer', minimum: 1, maximum: 100 } }) }),
      api({ request: object({ n: { type: 'integer', minimum: 5, maximum: 50 } }) }),
    ],
    want: [
      ['breaking', `${REQ} /n`, 'constraint-tightened'],
      ['breaking', `${REQ} /n`, 'constraint-tightened'],
    ],
  },
  {
    name: 'request minimum removed → non-breaking',
    given: [
      api({ request: object({ n: { type: 'integer', minimum: 1 } }) }),
      api({ request: object({ n: { type: 'integer' } }) }),
    ],
    want: [['non-breaking', `${REQ} /n`, 'constraint-loosened']],
  },
  {
    name: 'request new pattern → breaking',
    given: [api({ request: object({ a: str() }) }), api({ request: object({ a: str({ pattern: '^[A-Z]+$' }) }) })],
    want: [['breaking', `${REQ} /a`, 'pattern-added']],
  },
  {
    name: 'request pattern removed → non-breaking',
    given: [api({ request: object({ a: str({ pattern: '^[A-Z]+$' }) }) }), api({ request: object({ a: str() }) })],
    want: [['non-breaking', `${REQ} /a`, 'pattern-removed']],
  },
  {
    name: 'request new const → breaking',
    given: [api({ request: object({ mode: str() }) }), api({ request: object({ mode: str({ const: 'API' }) }) })],
    want: [['breaking', `${REQ} /mode`, 'const-added']],
  },
  {
    name: 'request additionalProperties became false → breaking',
    given: [api({ request: object({ a: str() }) }), api({ request: { ...object({ a: str() }), additionalProperties: false } })],
    want: [['breaking', `${REQ} /`, 'additional-properties-disallowed']],
  },
  {
    name: 'new required header parameter → breaking',
    given: [api(), api({ parameters: [{ name: 'X-REQUEST-ID', in: 'header', required: true, schema: str() }] })],
    want: [['breaking', `${REQ} header:X-REQUEST-ID`, 'required-parameter-added']],
  },
  {
    name: 'new optional query parameter → non-breaking',
    given: [api(), api({ parameters: [{ name: 'expand', in: 'query', schema: str() }] })],
    want: [['non-breaking', `${REQ} query:expand`, 'parameter-added']],
  },
  {
    name: 'header parameter became required (names compared case-insensitively) → breaking',
    given: [
      api({ parameters: [{ name: 'x-request-id', in: 'header', schema: str() }] }),
      api({ parameters: [{ name: 'X-REQUEST-ID', in: 'header', required: true, schema: str() }] }),
    ],
    want: [['breaking', `${REQ} header:X-REQUEST-ID`, 'parameter-became-required']],
  },
  {
    name: 'new required property merged from an allOf branch → breaking',
    given: [
      api({ request: { allOf: [object({ a: str() }), object({ b: str() })] } }),
      api({ request: { allOf: [object({ a: str() }), object({ b: str(), c: str() }, ['c'])] } }),
    ],
    want: [['breaking', `${REQ} /c`, 'required-property-added']],
  },
  {
    name: 'request if/then rule added → breaking (rule added)',
    given: [
      api({ request: object({ mode: str(), redirectUrl: str() }) }),
      api({
        request: {
          ...object({ mode: str(), redirectUrl: str() }),
          allOf: [
            {
              'x-rule': 'redirect-url',
              if: object({ mode: { const: 'REDIRECT' } }, ['mode']),
              then: { required: ['redirectUrl'] },
            },
          ],
        },
      }),
    ],
    want: [['breaking', `${REQ} /`, 'rule-added']],
  },
  {
    name: 'request if/then rule changed → breaking (rule changed)',
    given: [
      api({
        request: {
          ...object({ mode: str() }),
          allOf: [{ 'x-rule': 'r', if: object({ mode: { const: 'API' } }, ['mode']), then: { required: ['a'] } }],
        },
      }),
      api({
        request: {
          ...object({ mode: str() }),
          allOf: [{ 'x-rule': 'r', if: object({ mode: { const: 'API' } }, ['mode']), then: { required: ['a', 'b'] } }],
        },
      }),
    ],
    want: [['breaking', `${REQ} /`, 'rule-changed']],
  },
  {
    name: 'request dependentRequired changed → breaking (rule changed)',
    given: [
      api({ request: { ...object({ a: str(), b: str() }), dependentRequired: { a: [] } } }),
      api({ request: { ...object({ a: str(), b: str() }), dependentRequired: { a: ['b'] } } }),
    ],
    want: [['breaking', `${REQ} /`, 'rule-changed']],
  },
  {
    name: 'request if/then rule removed → non-breaking',
    given: [
      api({ request: { ...object({ a: str() }), if: { required: ['a'] }, then: { required: ['b'] } } }),
      api({ request: object({ a: str() }) }),
    ],
    want: [['non-breaking', `${REQ} /`, 'rule-removed']],
  },
  {
    name: 'readOnly property added as required to a request → ignored (never sent)',
    given: [api({ request: object({ a: str() }) }), api({ request: object({ a: str(), id: str({ readOnly: true }) }, ['id']) })],
    want: [],
  },

  // --- response side
  {
    name: 'removed response property → breaking',
    given: [api({ response: object({ id: str(), status: str() }) }), api({ response: object({ id: str() }) })],
    want: [['breaking', `${RES} /status`, 'property-removed']],
  },
  {
    name: 'new optional response property → non-breaking',
    given: [api({ response: object({ id: str() }) }), api({ response: object({ id: str(), extra: str() }) })],
    want: [['non-breaking', `${RES} /extra`, 'property-added']],
  },
  {
    name: 'new required response property → non-breaking',
    given: [api({ response: object({ id: str() }) }), api({ response: object({ id: str(), extra: str() }, ['extra']) })],
    want: [['non-breaking', `${RES} /extra`, 'required-property-added']],
  },
  {
    name: 'response property became optional → breaking',
    given: [api({ response: object({ id: str() }, ['id']) }), api({ response: object({ id: str() }) })],
    want: [['breaking', `${RES} /id`, 'property-became-optional']],
  },
  {
    name: 'response property became required → non-breaking',
    given: [api({ response: object({ id: str() }) }), api({ response: object({ id: str() }, ['id']) })],
    want: [['non-breaking', `${RES} /id`, 'property-became-required']],
  },
  {
    name: 'new response enum value → breaking',
    given: [api({ response: object({ s: status(['PAID']) }) }), api({ response: object({ s: status(['PAID', 'EXPIRED']) }) })],
    want: [['breaking', `${RES} /s`, 'enum-value-added']],
  },
  {
    name: 'removed response enum value → non-breaking',
    given: [api({ response: object({ s: status(['PAID', 'EXPIRED']) }) }), api({ response: object({ s: status(['PAID']) }) })],
    want: [['non-breaking', `${RES} /s`, 'enum-value-removed']],
  },
  {
    name: 'response nullable widening via type array → breaking',
    given: [api({ response: object({ a: str() }) }), api({ response: object({ a: { type: ['string', 'null'] } }) })],
    want: [['breaking', `${RES} /a`, 'became-nullable']],
  },
  {
    name: 'response nullable widening via oneOf [$ref, null] → breaking',
    given: [
      api({
        response: object({ amount: { $ref: '#/components/schemas/Amount' } }),
        components: { Amount: object({ value: { type: 'integer' } }) },
      }),
      api({
        response: object({ amount: { oneOf: [{ $ref: '#/components/schemas/Amount' }, { type: 'null' }] } }),
        components: { Amount: object({ value: { type: 'integer' } }) },
      }),
    ],
    want: [['breaking', `${RES} /amount`, 'became-nullable']],
  },
  {
    name: 'response type widening (integer → number) → breaking',
    given: [api({ response: object({ n: { type: 'integer' } }) }), api({ response: object({ n: { type: 'number' } }) })],
    want: [['breaking', `${RES} /n`, 'type-widened']],
  },
  {
    name: 'response maxLength raised → breaking (more can arrive)',
    given: [api({ response: object({ a: str({ maxLength: 20 }) }) }), api({ response: object({ a: str({ maxLength: 40 }) }) })],
    want: [['breaking', `${RES} /a`, 'constraint-loosened']],
  },
  {
    name: 'response rule changed → non-breaking (rule changed)',
    given: [
      api({
        response: { ...object({ a: str() }), allOf: [{ 'x-rule': 'r', if: { required: ['a'] }, then: { required: ['b'] } }] },
      }),
      api({
        response: { ...object({ a: str() }), allOf: [{ 'x-rule': 'r', if: { required: ['a'] }, then: { required: ['c'] } }] },
      }),
    ],
    want: [['non-breaking', `${RES} /`, 'rule-changed']],
  },
  {
    name: 'response oneOf variant added → breaking',
    given: [
      api({
        response: object({ pm: { oneOf: [{ $ref: '#/components/schemas/Card' }] } }),
        components: { Card: object({ n: str() }), Qr: object({ q: str() }) },
      }),
      api({
        response: object({ pm: { oneOf: [{ $ref: '#/components/schemas/Card' }, { $ref: '#/components/schemas/Qr' }] } }),
        components: { Card: object({ n: str() }), Qr: object({ q: str() }) },
      }),
    ],
    want: [['breaking', `${RES} /pm`, 'variant-added']],
  },
  {
    name: 'property removed from a recursive schema → breaking, reported once (cycle guard stops the walk)',
    given: [
      api({
        response: { $ref: '#/components/schemas/Node' },
        components: {
          Node: object({ name: str(), tag: str(), children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } }),
        },
      }),
      api({
        response: { $ref: '#/components/schemas/Node' },
        components: { Node: object({ name: str(), children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } }) },
      }),
    ],
    want: [['breaking', `${RES} /tag`, 'property-removed']],
  },
  {
    name: 'shared component: new enum value is fine to send, breaking to read',
    given: [
      api({
        request: object({ c: { $ref: '#/components/schemas/Currency' } }),
        response: object({ c: { $ref: '#/components/schemas/Currency' } }),
        components: { Currency: status(['IDR']) },
      }),
      api({
        request: object({ c: { $ref: '#/components/schemas/Currency' } }),
        response: object({ c: { $ref: '#/components/schemas/Currency' } }),
        components: { Currency: status(['IDR', 'USD']) },
      }),
    ],
    want: [
      ['non-breaking', `${REQ} /c`, 'enum-value-added'],
      ['breaking', `${RES} /c`, 'enum-value-added'],
    ],
  },
  {
    name: 'removed response status → breaking',
    given: [withOperationResponse(api(), '404'), api()],
    want: [['breaking', 'createPaymentSession response 404', 'response-status-removed']],
  },
  {
    name: 'response status changed (200 → 201) → breaking',
    given: [api({ status: '200' }), api({ status: '201' })],
    want: [['breaking', 'createPaymentSession response 200', 'response-status-changed']],
  },

  // --- webhooks (payloads are read by merchants, like responses)
  {
    name: 'new webhook payload enum value → breaking',
    given: [
      api({ webhook: object({ event: status(['PAYMENT.PAID']) }) }),
      api({ webhook: object({ event: status(['PAYMENT.PAID', 'PAYMENT.REFUNDED']) }) }),
    ],
    want: [['breaking', 'paymentCallback webhook /event', 'enum-value-added']],
  },
  {
    name: 'new required webhook payload property → non-breaking',
    given: [api({ webhook: object({ id: str() }) }), api({ webhook: object({ id: str(), at: str() }, ['at']) })],
    want: [['non-breaking', 'paymentCallback webhook /at', 'required-property-added']],
  },

  // --- operation level
  {
    name: 'operation removed → breaking',
    given: [withOperation(api(), '/v2/payments/{id}/cancel', 'post', 'cancelPaymentSession'), api()],
    want: [['breaking', 'cancelPaymentSession', 'operation-removed']],
  },
  {
    name: 'new operation → non-breaking',
    given: [api(), withOperation(api(), '/v2/payments/{id}', 'get', 'getPaymentSession')],
    want: [['non-breaking', 'getPaymentSession', 'operation-added']],
  },
  {
    name: 'changed operationId → breaking',
    given: [api(), api({ operationId: 'createPayment' })],
    want: [['breaking', 'createPaymentSession', 'operation-id-changed']],
  },
  {
    name: 'operation moved to another path (same operationId) → breaking',
    given: [
      withOperation(api(), '/v2/payments/{id}/cancel', 'post', 'cancelPaymentSession'),
      withOperation(api(), '/v2/payments/{id}/void', 'post', 'cancelPaymentSession'),
    ],
    want: [['breaking', 'cancelPaymentSession', 'operation-moved']],
  },
];

/** The same document with one more (error) response status on the main operation. */
function withOperationResponse(doc: Doc, code: string): Doc {
  const copy = structuredClone(doc);
  copy.paths['/v2/payments'].post.responses[code] = {
    description: 'error',
    content: { 'application/json': { schema: object({ message: str() }) } },
  };
  return copy;
}

describe('diffSpecs', () => {
  test.each(rows)('$name', ({ given: [before, after], want }) => {
    const got = diffSpecs(before, after).map((change): Want => [change.kind, change.location, change.change]);
    expect(got).toEqual(want);
  });

  test('every change carries a human message', () => {
    const changes = rows.flatMap(({ given: [before, after] }) => diffSpecs(before, after));
    expect(changes.length).toBeGreaterThan(rows.length - 5);
    for (const change of changes) expect(change.message).toMatch(/^[a-zA-Z"].{5,}/);
  });

  test('inputs are not mutated', () => {
    const [before, after] = rows.find((row) => row.name.startsWith('response nullable widening via oneOf'))!.given;
    const snapshot = JSON.stringify([before, after]);
    diffSpecs(before, after);
    expect(JSON.stringify([before, after])).toBe(snapshot);
  });

  test('summarize counts both kinds', () => {
    const changes = diffSpecs(...rows.find((row) => row.name.startsWith('shared component'))!.given);
    expect(summarize(changes)).toEqual({ breaking: 1, nonBreaking: 1, line: '1 breaking, 1 non-breaking' });
  });
});

const FIXTURES = resolve(import.meta.dirname, '../fixtures/diff');

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { log: (line: string) => out.push(line), error: (line: string) => err.push(line) }, out, err };
}

describe('runDiff (CLI)', () => {
  test('prints one line per change and a summary, exit 1 on breaking changes', async () => {
    const { io, out, err } = captureIo();
    const code = await runDiff([resolve(FIXTURES, 'old.yaml'), resolve(FIXTURES, 'new.yaml')], io);
    expect(err).toEqual([]);
    expect(out).toEqual([
      'BREAKING  createPaymentSession request /amount: property became required',
      'NON-BREAKING  createPaymentSession request /amount/currency: enum value "USD" added',
      'NON-BREAKING  createPaymentSession request /metadata: new optional property',
      'BREAKING  createPaymentSession response 200 /status: enum value "EXPIRED" added',
      'BREAKING  createPaymentSession response 200 /amount/currency: enum value "USD" added',
      'BREAKING  cancelPaymentSession: operation POST /v2/payments/{id}/cancel removed',
      'NON-BREAKING  getPaymentSession: operation GET /v2/payments/{id} added',
      '4 breaking, 3 non-breaking',
    ]);
    expect(code).toBe(1);
  });

  test('--json prints the changes and the counts', async () => {
    const { io, out } = captureIo();
    const code = await runDiff([resolve(FIXTURES, 'old.yaml'), resolve(FIXTURES, 'new.yaml'), '--json'], io);
    const parsed = JSON.parse(out.join('\n')) as { changes: Change[]; summary: { breaking: number; nonBreaking: number } };
    expect(parsed.summary).toEqual({ breaking: 4, nonBreaking: 3 });
    expect(parsed.changes[0]).toEqual({
      kind: 'breaking',
      location: 'createPaymentSession request /amount',
      change: 'property-became-required',
      message: 'property became required',
    });
    expect(code).toBe(1);
  });

  test('identical specs → exit 0 and an all-zero summary', async () => {
    const { io, out } = captureIo();
    const code = await runDiff([resolve(FIXTURES, 'new.yaml'), resolve(FIXTURES, 'new.yaml')], io);
    expect(out).toEqual(['0 breaking, 0 non-breaking']);
    expect(code).toBe(0);
  });

  test('a missing file → exit 2 naming the file', async () => {
    const { io, out, err } = captureIo();
    const code = await runDiff([resolve(FIXTURES, 'old.yaml'), 'test/fixtures/diff/missing.yaml'], io);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('\n')).toContain('cannot load test/fixtures/diff/missing.yaml: no such file');
  });

  test('wrong arguments → exit 2 with usage', async () => {
    const { io, err } = captureIo();
    expect(await runDiff([resolve(FIXTURES, 'old.yaml')], io)).toBe(2);
    expect(await runDiff(['a.yaml', 'b.yaml', '--frobnicate'], io)).toBe(2);
    expect(err.join('\n')).toContain('usage: pivot-contract diff <old-spec> <new-spec>');
  });
});

describe('the real contract', () => {
  const SPEC = resolve(import.meta.dirname, '../../spec/openapi.yaml');

  test('spec/openapi.yaml against itself → no change', async () => {
    const spec = await loadForDiff(SPEC);
    expect(diffSpecs(spec, await loadForDiff(SPEC))).toEqual([]);
  });

  test('a new charge status reaches every response and webhook that embeds it', async () => {
    const before = (await loadForDiff(SPEC)) as Doc;
    const after = structuredClone(before);
    after.components.schemas.ChargeStatus.enum.push('REVERSED');
    const changes = diffSpecs(before, after);
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((change) => change.change === 'enum-value-added' && change.kind === 'breaking')).toBe(true);
    expect(changes.map((change) => change.location)).toContain('paymentCallback webhook /data/chargeDetails[]/status');
  });
});
