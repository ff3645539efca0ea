/**
 * How failures read: a cross-field rule stated as `anyOf`/`oneOf` is one violation naming the rule
 * (not one per alternative), other violations are kept as they are, and one path never carries the
 * same message twice. The generated validators and a runtime Ajv say the same.
 */
import { describe, expect, it } from 'vitest';
import { getFixture } from '../../generated/fixtures/index.js';
import { validate, validateRequest, type ValidationResult } from '../../generated/validators/index.js';
import { toViolations, type ValidatorError } from '../../generators/runtime/violations.js';
import { runtimeViolations } from '../helpers.ts';

const runtime = await runtimeViolations();
const errorsOf = (result: ValidationResult) => (result.valid ? [] : result.errors);
const request = (name: string) =>
  getFixture({ operationId: 'createPaymentSession', kind: 'request', name }) as Record<string, any>;

/** The standalone validators' violations, checked against the runtime Ajv's. */
function violations(schema: string, data: unknown) {
  const errors = errorsOf(validate(schema as never, data));
  expect(runtime(schema, data)).toEqual(errors);
  return errors;
}

describe('customer-or-customer-id', () => {
  it('neither customer nor customerId: exactly one violation, naming the rule', () => {
    const { customer: _customer, customerId: _customerId, ...body } = request('card-redirect');
    const errors = violations('CreatePaymentSessionRequest', body);
    expect(errors).toEqual([
      {
        path: '',
        keyword: 'anyOf',
        rule: 'customer-or-customer-id',
        message: expect.stringContaining('(rule customer-or-customer-id: Send `customer` or `customerId`, not both.)'),
      },
    ]);
    expect(errors[0]!.message).toMatch(/^\/ matches none of the rule's alternatives/);
    expect(errorsOf(validateRequest('createPaymentSession', body))).toEqual(errors);
  });

  it('both: one violation, customerId is not allowed (the documented "not both")', () => {
    const body: Record<string, any> = { ...request('card-redirect'), customerId: 'cus_123' };
    expect(body.customer).toBeTypeOf('object');
    expect(violations('CreatePaymentSessionRequest', body)).toEqual([
      {
        path: '/customerId',
        keyword: 'not',
        rule: 'customer-or-customer-id',
        message: '/customerId is not allowed (rule customer-or-customer-id: Send `customer` or `customerId`, not both.)',
      },
    ]);
  });

  it('either one alone is valid', () => {
    const { customer: _customer, ...withId }: Record<string, any> = { ...request('card-redirect'), customerId: 'cus_123' };
    expect(violations('CreatePaymentSessionRequest', request('card-redirect'))).toEqual([]);
    expect(violations('CreatePaymentSessionRequest', withId)).toEqual([]);
  });

  it('the collapsed violation does not hide the request’s other violations', () => {
    const { customer: _customer, ...body }: Record<string, any> = {
      ...request('card-redirect'),
      statementDescriptor: 'x'.repeat(21),
    };
    const errors = violations('CreatePaymentSessionRequest', body);
    expect(errors.map((error) => [error.path, error.rule ?? error.keyword])).toEqual(
      expect.arrayContaining([
        ['', 'customer-or-customer-id'],
        ['/statementDescriptor', 'maxLength'],
      ]),
    );
    expect(errors.filter((error) => error.rule === 'customer-or-customer-id')).toHaveLength(1);
  });
});

describe('card-source-exactly-one (oneOf)', () => {
  it('no card source: one violation of the rule, none per alternative', () => {
    const errors = violations('CardInput', {});
    expect(errors).toEqual([
      {
        path: '',
        keyword: 'oneOf',
        rule: 'card-source-exactly-one',
        message: expect.stringMatching(
          /^\/ matches none of the rule's alternatives \(exactly one must match\) \(rule card-source-exactly-one: /,
        ),
      },
    ]);
  });

  it('two card sources: one violation of the rule; the card holder rule is still reported on its own', () => {
    const body = request('card-tokenization-api-use');
    body.paymentMethod.card.number = '4440000112200001';
    const errors = violations('CreatePaymentSessionRequest', body);
    expect(errors.filter((error) => error.rule === 'card-source-exactly-one')).toEqual([
      expect.objectContaining({ path: '/paymentMethod/card', keyword: 'oneOf' }),
    ]);
    expect(errors.filter((error) => error.rule === 'card-holder-with-full-card').length).toBeGreaterThan(0);
    expect(
      errors.some((error) => error.path.startsWith('/paymentMethod/card/') && error.rule === 'card-source-exactly-one'),
    ).toBe(false);
  });

  it('a valid card source passes', () => {
    expect(violations('CardInput', { token: 'tok_123' })).toEqual([]);
  });
});

describe('nullable oneOf inside a rule', () => {
  it('is no choice of the rule: the offending item is still named', () => {
    const session = getFixture({ operationId: 'createPaymentSession', kind: 'response', status: '200', name: 'card-redirect' });
    const expired = { ...(session as Record<string, any>).data };
    expired.status = 'EXPIRED';
    expired.chargeDetails = [{ ...(expired.chargeDetails?.[0] ?? {}), status: 'SUCCESS' }];
    const errors = violations('PaymentSession', expired);
    expect(errors.filter((error) => error.rule === 'unpaid-end-has-no-successful-charge').map((error) => error.path)).toContain(
      '/chargeDetails/0/status',
    );
  });
});

describe('one message per path', () => {
  it('amount.value given as a string: one violation', () => {
    const body = { ...request('card-redirect'), amount: { value: '1', currency: 'IDR' } };
    expect(violations('CreatePaymentSessionRequest', body)).toEqual([
      { path: '/amount/value', keyword: 'type', message: '/amount/value must be number' },
    ]);
  });

  const error = (keyword: string, instancePath: string, extra: Partial<ValidatorError> = {}): ValidatorError => ({
    keyword,
    instancePath,
    schemaPath: `#/${keyword}`,
    params: {},
    ...extra,
  });

  it('two keywords saying the same of one value collapse to the first', () => {
    expect(toViolations([error('not', '/a'), error('false schema', '/a')])).toEqual([
      { path: '/a', keyword: 'not', message: '/a is not allowed' },
    ]);
  });

  it('the same error raised twice (by two branches) is listed once', () => {
    const twice = [error('type', '/a', { message: 'must be number' }), error('type', '/a', { message: 'must be number' })];
    expect(toViolations(twice)).toHaveLength(1);
  });

  it('different messages at one path, or one message at two paths, are all kept', () => {
    expect(
      toViolations([
        error('minimum', '/a', { message: 'must be >= 0' }),
        error('maximum', '/a', { message: 'must be <= 9' }),
        error('not', '/b'),
        error('not', '/c'),
      ]).map((violation) => violation.message),
    ).toEqual(['/a must be >= 0', '/a must be <= 9', '/b is not allowed', '/c is not allowed']);
  });

  it('a rule alternative without a rule table still names its rule', () => {
    const rule = { 'x-rule': 'r' };
    const branches = [
      error('required', '', { schemaPath: '#/allOf/0/anyOf/0/required', params: { missingProperty: 'a' }, parentSchema: rule }),
      error('required', '', { schemaPath: '#/allOf/0/anyOf/1/required', params: { missingProperty: 'b' }, parentSchema: rule }),
      error('anyOf', '', { schemaPath: '#/allOf/0/anyOf', parentSchema: { ...rule, anyOf: [{}, {}] } }),
    ];
    expect(toViolations(branches)).toEqual([
      { path: '', keyword: 'anyOf', rule: 'r', message: "/ matches none of the rule's alternatives (rule r)" },
    ]);
  });
});
