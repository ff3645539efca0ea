/**
 * The generated validators on hostile input (issue 14): only own properties satisfy `required`,
 * names such as `constructor` are unknown like any other, and error lists are capped so that a body
 * with 100,000 invalid items costs linear work (counted, not timed).
 */
import { describe, expect, it } from 'vitest';
import { getFixture } from '../../generated/fixtures/index.js';
import {
  maxErrors,
  validate,
  validateRequest,
  validateResponse,
  type ValidationResult,
} from '../../generated/validators/index.js';
import { MAX_VIOLATIONS, toViolations } from '../../generators/runtime/violations.js';
import { runtimeViolations } from '../helpers.ts';

const runtime = await runtimeViolations();
const cardRequest = () =>
  getFixture({ operationId: 'createPaymentSession', kind: 'request', name: 'card-redirect' }) as Record<string, any>;
const errorsOf = (result: ValidationResult) => (result.valid ? [] : result.errors);

describe('only own properties count', () => {
  const amount = { value: 10000, currency: 'IDR' };

  it('an object whose prototype has the fields is invalid; its own copy is valid', () => {
    expect(validate('Amount', { ...amount })).toEqual({ valid: true });
    const inherited = Object.create(amount);
    expect(errorsOf(validate('Amount', inherited)).map((error) => [error.path, error.keyword])).toEqual(
      expect.arrayContaining([
        ['/value', 'required'],
        ['/currency', 'required'],
      ]),
    );
    expect(
      runtime('Amount', inherited)
        .map((error) => error.path)
        .sort(),
    ).toEqual(['/currency', '/value']);
  });

  it('the same holds deep inside a request', () => {
    const body = cardRequest();
    body.amount = Object.create(body.amount);
    expect(errorsOf(validateRequest('createPaymentSession', body)).map((error) => error.path)).toEqual(
      expect.arrayContaining(['/amount/value', '/amount/currency']),
    );
    expect(validateRequest('createPaymentSession', cardRequest())).toEqual({ valid: true });
  });
});

describe('names that exist on every object are unknown', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])('%s', (name) => {
    const expectOne = (result: ValidationResult, keyword: string, message: RegExp) => {
      expect(result.valid).toBe(false);
      expect(errorsOf(result)).toEqual([{ path: '', keyword, message: expect.stringMatching(message) }]);
    };
    expectOne(validate(name as never, {}), 'schema', new RegExp(`^unknown schema "${name}"$`));
    expectOne(validateRequest(name as never, {}), 'operation', new RegExp(`^unknown operation "${name}"$`));
    expectOne(
      validateResponse('createPaymentSession', name, {}),
      'status',
      new RegExp(`^unknown status "${name}": not documented for createPaymentSession \\(documented: 200, 400`),
    );
  });

  it('non-string names get a message, not an exception', () => {
    const hostile = {
      toString: () => {
        throw new Error('boom');
      },
    };
    for (const name of [undefined, null, 42, Symbol('s'), hostile]) {
      expect(errorsOf(validate(name as never, {}))[0]?.message).toMatch(/^unknown schema /);
      expect(errorsOf(validateResponse('createPaymentSession', name as never, {}))[0]?.message).toMatch(/^unknown status /);
    }
    expect(errorsOf(validate('x'.repeat(1e6) as never, {}))[0]!.message.length).toBeLessThan(200);
  });
});

/** A card request with `n` product lines that each break four rules. */
function withBadItems(n: number): Record<string, any> {
  const body = cardRequest();
  body.orderInformation = { productDetails: Array.from({ length: n }, () => ({ bogus: true })) };
  return body;
}

/**
 * The elements Array methods copy while `run` runs: Ajv's `vErrors.concat(…)` made this grow with
 * the square of the number of errors. A count, so the assertion does not depend on the machine.
 */
function copiedElements(run: () => void): number {
  const { concat, push } = Array.prototype;
  let copied = 0;
  Array.prototype.concat = function (this: unknown[], ...items: unknown[]) {
    const result = concat.apply(this, items);
    copied += result.length;
    return result;
  } as typeof concat;
  Array.prototype.push = function (this: unknown[], ...items: unknown[]) {
    copied += items.length;
    return push.apply(this, items);
  };
  try {
    run();
  } finally {
    Array.prototype.concat = concat;
    Array.prototype.push = push;
  }
  return copied;
}

describe('error lists are capped', () => {
  it(`lists ${MAX_VIOLATIONS} violations, then one "…and N more" entry`, () => {
    expect(maxErrors).toBe(MAX_VIOLATIONS);
    expect(MAX_VIOLATIONS).toBe(100);
    const errors = errorsOf(validateRequest('createPaymentSession', withBadItems(30)));
    expect(errors).toHaveLength(101);
    expect(errors.at(-1)).toEqual({
      path: '',
      keyword: 'truncated',
      message: '…and 20 more violations (only the first 100 are listed)',
    });
    expect(errors.slice(0, 100).every((error) => error.path.startsWith('/orderInformation/productDetails/'))).toBe(true);
  });

  it('below the cap nothing is added', () => {
    const errors = errorsOf(validateRequest('createPaymentSession', withBadItems(2)));
    expect(errors).toHaveLength(8);
    expect(errors.some((error) => error.keyword === 'truncated')).toBe(false);
  });

  it('the limit is a parameter of toViolations, and the runtime Ajv reports the same capped list', () => {
    const fake = Array.from({ length: 5 }, (_, index) => ({
      keyword: 'type',
      instancePath: `/${index}`,
      schemaPath: '#/type',
      params: { type: 'string' },
      message: 'must be string',
    }));
    expect(toViolations(fake, undefined, 3).map((violation) => violation.message)).toEqual([
      '/0 must be string',
      '/1 must be string',
      '/2 must be string',
      '…and 2 more violations (only the first 3 are listed)',
    ]);
    const body = withBadItems(1000);
    expect(runtime('CreatePaymentSessionRequest', body)).toEqual(errorsOf(validateRequest('createPaymentSession', body)));
  });

  it('100,000 invalid items cost ten times the work of 10,000, not a hundred times', () => {
    const measure = (n: number) => {
      const body = withBadItems(n);
      let result: ValidationResult = { valid: true };
      const copied = copiedElements(() => (result = validateRequest('createPaymentSession', body)));
      const errors = errorsOf(result);
      return { copied, listed: errors.length, more: Number(/…and (\d+) more/.exec(errors.at(-1)!.message)![1]) };
    };
    const small = measure(10_000);
    const large = measure(100_000);
    expect([small.listed, large.listed]).toEqual([101, 101]);
    // Four violations per item plus one maxItems (productDetails holds at most 100), all counted:
    // 10× the items, 10× the violations.
    expect(small.more + 100).toBe(4 * 10_000 + 1);
    expect(large.more + 100).toBe(4 * 100_000 + 1);
    expect(small.copied).toBeGreaterThan(10_000); // the counter sees the work
    expect(large.copied / small.copied).toBeLessThan(12);
  });
});

describe('no errors stay reachable after a call', () => {
  it("after a failing validation no validator function keeps the errors (a hostile body's million would stay in memory)", async () => {
    const strict = (await import('../../generated/validators/strict.js')) as Record<string, { errors?: unknown }>;
    const result = validateRequest('createPaymentSession', withBadItems(1000));
    expect(result.valid).toBe(false);
    const holding = Object.entries(strict)
      .filter(([, validator]) => Array.isArray(validator.errors) && (validator.errors as unknown[]).length > 0)
      .map(([name]) => name);
    expect(holding).toEqual([]);
  });
});
