/**
 * Every Example Object validates against its media type's schema; every operation × documented
 * status has an example; every create-request example belongs to exactly its declared variant.
 */
import { describe, expect, it } from 'vitest';
import { listOperations, listSchemaExamples } from '../../generators/spec/operations.ts';
import { bundledSpec, runtimeViolations } from '../helpers.ts';

const spec = await bundledSpec();
const violations = await runtimeViolations();
const operations = listOperations(spec);

const REQUEST_VARIANTS = [
  'PaymentUiSessionRequest',
  'CardPaymentSessionRequest',
  'RecurringPaymentSessionRequest',
  'VirtualAccountPaymentSessionRequest',
  'QrPaymentSessionRequest',
  'EwalletPaymentSessionRequest',
  'StaticPaymentSessionRequest',
];

const messages = operations.flatMap((operation) => [
  ...(operation.request ? [{ operation, slot: 'request', message: operation.request }] : []),
  ...Object.entries(operation.responses).map(([status, message]) => ({ operation, slot: status, message })),
]);

describe.each(messages)('$operation.operationId $slot', ({ message }) => {
  it('has a component schema', () => {
    expect(message.schema).toBeTypeOf('string');
  });
  it.each(message.examples)('example $name validates', ({ example }) => {
    expect(violations(message.schema!, example.value)).toEqual([]);
  });
  it.each(message.examples)('example $name cites its source', ({ example }) => {
    const source = (example as Record<string, any>)['x-source'];
    expect(source?.page).toMatch(/^https:\/\/pivot-payment\.gitbook\.io\/pivot-docs\//);
    expect(source?.section).toBeTruthy();
  });
});

describe('schema examples (object pages)', () => {
  const examples = listSchemaExamples(spec);
  it('cover the Payment Session and Charge object pages', () => {
    expect(examples.map((example) => example.schema)).toEqual(expect.arrayContaining(['PaymentSession', 'Charge']));
  });
  it.each(examples)('$name validates against $schema', ({ schema, example }) => {
    expect(violations(schema, example.value)).toEqual([]);
  });
});

describe('coverage', () => {
  it.each(operations)('$operationId has an example for every documented status', (operation) => {
    const missing = Object.entries(operation.responses)
      .filter(([, message]) => message.examples.length === 0)
      .map(([status]) => status);
    expect(missing).toEqual([]);
  });
  it.each(operations.filter((operation) => operation.request))('$operationId has request examples', (operation) => {
    expect(operation.request!.examples.length).toBeGreaterThan(0);
  });
  it('pairs every createPaymentSession request example with a 200 response example', () => {
    const create = operations.find((operation) => operation.operationId === 'createPaymentSession')!;
    const requests = create.request!.examples.map((example) => example.name);
    const responses = create.responses['200']!.examples.map((example) => example.name);
    expect(responses).toEqual(requests);
    expect(requests).toHaveLength(22);
  });
});

describe('createPaymentSession request variants', () => {
  const create = operations.find((operation) => operation.operationId === 'createPaymentSession')!;
  it.each(create.request!.examples)('$name matches exactly its declared variant', ({ example }) => {
    const declared = (example as Record<string, unknown>)['x-variant'];
    const matching = REQUEST_VARIANTS.filter((variant) => violations(variant, example.value).length === 0);
    expect(matching).toEqual([declared]);
  });
});
