/** The mock's Prefer check: documented statuses and examples pass (and are forwarded clean), others name what exists. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerTables, checkPrefer, parsePrefer } from '../../scripts/http/prefer.ts';

const document = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'generated', 'openapi.json'), 'utf8'));
const create = answerTables(document).get('createPaymentSession')!;

describe('parsePrefer', () => {
  it('reads name=value pairs, unquotes, lower-cases names, keeps the first of a repeat, drops parameters', () => {
    expect([...parsePrefer('Code=409, example="idempotency-error"; x=y, code=500, return=minimal,,')]).toEqual([
      ['code', '409'],
      ['example', 'idempotency-error'],
      ['return', 'minimal'],
    ]);
  });
});

describe('checkPrefer', () => {
  it.each([
    ['', undefined],
    ['return=minimal', undefined],
    ['example=card-redirect', 'example=card-redirect'],
    ['code=409', 'code=409'],
    ['code=409, example=idempotency-error', 'code=409, example=idempotency-error'],
    ['example=qr-api, respond-async', 'example=qr-api'],
  ])('%j is documented → forwards %j', (header, forward) => {
    expect(checkPrefer(header, create)).toEqual({
      details: [],
      choice: { forward, code: forward?.startsWith('code=') ? Number(forward.slice(5, 8)) : undefined },
    });
  });

  it.each([
    ['example=nope', /^Prefer example=nope is not a documented example of status 200 \(payment-ui, card-redirect/],
    ['code=418', /^Prefer code=418 is not a documented status of this operation \(200, 400, 401/],
    ['code=abc', /^Prefer code=abc is not a documented status/],
    ['example=', /^Prefer example= is not a documented example/],
    ['example=idempotency-error', /^Prefer example=idempotency-error is not a documented example of status 200/],
    [
      'code=401, example=card-redirect',
      /^Prefer example=card-redirect is not a documented example of status 401 \(credentials-invalid\)/,
    ],
    ['dynamic=true', /^Prefer dynamic is not supported/],
  ])('%j → one detail on Prefer', (header, message) => {
    const { details } = checkPrefer(header, create);
    expect(details).toHaveLength(1);
    expect(details[0]!.field).toBe('Prefer');
    expect(details[0]!.message).toMatch(message);
  });
});
