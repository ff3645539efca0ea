/**
 * Repeated inline subschemas become one shared schema resource (generators/spec/shared-subschemas.ts):
 * what moves, what stays, and that validation says the same with and without the sharing (validity,
 * and each error's instance path, keyword and params), in both modes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ErrorObject } from 'ajv';
import { shareRepeatedSubschemas } from '../../generators/spec/shared-subschemas.ts';
import { createAjv, resourceId, tolerate, toSchemaResources } from '../../generators/spec/schema-set.ts';

/** An inline object large enough to be shared (over the minimum length). */
const address = {
  type: 'object',
  additionalProperties: false,
  required: ['line1', 'city', 'country'],
  properties: {
    line1: { type: 'string', minLength: 1, maxLength: 100 },
    line2: { type: 'string', maxLength: 100 },
    city: { type: 'string', minLength: 1, maxLength: 60 },
    postalCode: { type: 'string', pattern: '^[0-9]{5}$' },
    country: { type: 'string', enum: ['ID', 'SG', 'MY'] },
  },
};

const resource = (name: string, schema: object): Record<string, any> & { $id: string } => ({
  ...structuredClone(schema),
  $id: resourceId(name, 'strict'),
});

const customer = resource('Customer', {
  type: 'object',
  required: ['name', 'billing'],
  properties: { name: { type: 'string' }, billing: address, shipping: { anyOf: [{ type: 'null' }, address] } },
});
const merchant = resource('Merchant', {
  type: 'object',
  properties: { id: { type: 'string' }, office: address, tags: { type: 'array', items: address } },
});

const sharedResources = (resources: ReturnType<typeof shareRepeatedSubschemas>) =>
  resources.filter((item) => item.$id.includes('shared%2F'));

describe('shareRepeatedSubschemas', () => {
  it('moves a subschema written in several places into one shared resource, referred to from each', () => {
    const out = shareRepeatedSubschemas([customer, merchant]);
    const [shared, ...more] = sharedResources(out);
    expect(more).toEqual([]);
    expect(shared!.$id).toMatch(/^https:\/\/pivot-payments-contract\.local\/strict\/shared%2F[0-9a-f]{16}\.json$/);
    const { $id, ...body } = shared!;
    expect(body).toEqual(address);
    const ref = { $ref: $id.split('/').at(-1) };
    const [sharedCustomer, sharedMerchant] = out as Array<Record<string, any>>;
    expect(sharedCustomer!.properties.billing).toEqual(ref);
    expect(sharedCustomer!.properties.shipping.anyOf).toEqual([{ type: 'null' }, ref]);
    expect(sharedMerchant!.properties.office).toEqual(ref);
    expect(sharedMerchant!.properties.tags.items).toEqual(ref);
    // The input is not changed; the same input gives the same output.
    expect(customer.properties.billing).toEqual(address);
    expect(shareRepeatedSubschemas([customer, merchant])).toEqual(out);
  });

  it('leaves alone what is written once, small, typeless, bound to its resource, in a rule, or near unevaluated keywords', () => {
    const small = { type: 'string', maxLength: 5 };
    const { type: _type, ...typeless } = address;
    const cases = {
      once: [resource('A', { properties: { a: address } }), resource('B', { properties: { b: { type: 'string' } } })],
      small: [resource('A', { properties: { a: small } }), resource('B', { properties: { b: small } })],
      // Ajv's strict types read a typeless subschema's type from the schema around it.
      typeless: [
        resource('A', { type: 'object', minProperties: 1, allOf: [typeless] }),
        resource('B', { type: 'object', maxProperties: 9, allOf: [typeless] }),
      ],
      localRef: [
        resource('A', {
          properties: { a: { ...address, properties: { ...address.properties, self: { $ref: '#/properties/a' } } } },
        }),
        resource('B', {
          properties: { b: { ...address, properties: { ...address.properties, self: { $ref: '#/properties/a' } } } },
        }),
      ],
      rule: [
        resource('A', { properties: { a: { ...address, 'x-rule': 'R1' } } }),
        resource('B', { properties: { b: { ...address, 'x-rule': 'R1' } } }),
      ],
      unevaluated: [
        resource('A', { unevaluatedProperties: false, properties: { a: address } }),
        resource('B', { unevaluatedProperties: false, properties: { b: address } }),
      ],
    };
    for (const [why, resources] of Object.entries(cases)) {
      expect(shareRepeatedSubschemas(resources), why).toEqual(resources);
    }
    // The control: the same shapes with nothing to keep them in place are shared.
    expect(sharedResources(shareRepeatedSubschemas(cases.once.concat(resource('C', { items: address }))))).toHaveLength(1);
  });

  it('applies to the resources the validators compile (toSchemaResources), in both modes', () => {
    const schemas = { Customer: customer, Merchant: merchant } as never;
    for (const mode of ['strict', 'tolerant'] as const) {
      const resources = toSchemaResources(schemas, mode);
      expect(resources.map((item) => item.$id)).toEqual([
        resourceId('Customer', mode),
        resourceId('Merchant', mode),
        expect.stringMatching(new RegExp(`/${mode}/shared%2F[0-9a-f]{16}\\.json$`)),
      ]);
    }
  });
});

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

function compile(resources: object[], name: string, mode: 'strict' | 'tolerant'): Validate {
  // The contract level: Ajv's strict mode, whose strict types read a subschema's context.
  const ajv = createAjv({}, 'contract');
  ajv.addSchema(resources);
  return ajv.getSchema(resourceId(name, mode)) as Validate;
}

const errorsOf = (validate: Validate, data: unknown) =>
  validate(data)
    ? []
    : (validate.errors ?? [])
        .map((error) => JSON.stringify([error.instancePath, error.keyword, error.params, error.message]))
        .sort();

describe('validation with shared subschemas', () => {
  const addressLike = fc.record(
    {
      line1: fc.oneof(fc.string({ maxLength: 120 }), fc.integer()),
      line2: fc.string({ maxLength: 120 }),
      city: fc.string({ maxLength: 70 }),
      postalCode: fc.oneof(fc.constantFrom('12345', '1234a'), fc.string({ maxLength: 6 })),
      country: fc.constantFrom('ID', 'SG', 'US', 7),
      extra: fc.jsonValue(),
    },
    { requiredKeys: [] },
  );
  const data = fc.record(
    {
      name: fc.oneof(fc.string(), fc.integer()),
      id: fc.string(),
      billing: addressLike,
      shipping: fc.oneof(fc.constant(null), addressLike),
      office: addressLike,
      tags: fc.array(addressLike, { maxLength: 3 }),
    },
    { requiredKeys: [] },
  );

  it('is the same as without them: validity and every error (instance path, keyword, params, message)', () => {
    for (const mode of ['strict', 'tolerant'] as const) {
      const plain = [customer, merchant].map((item) => ({
        ...(mode === 'tolerant' ? tolerate(item) : item),
        $id: item.$id.replace('/strict/', `/${mode}/`),
      }));
      const shared = shareRepeatedSubschemas(plain);
      expect(sharedResources(shared)).toHaveLength(1);
      for (const name of ['Customer', 'Merchant']) {
        const [before, after] = [compile(plain, name, mode), compile(shared, name, mode)];
        fc.assert(
          fc.property(data, (value) => {
            expect(errorsOf(after, value)).toEqual(errorsOf(before, value));
          }),
          { numRuns: 300 },
        );
      }
    }
  });
});
