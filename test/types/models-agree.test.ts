/**
 * The two generated type views of the contract agree on the main objects: the named models of
 * json-schema-to-typescript (`generated/models.d.ts`) and openapi-typescript's
 * `components['schemas']` (`generated/openapi.d.ts`).
 *
 * These are type-level assertions: `npm run typecheck` (tsc --noEmit over test/) is what checks them;
 * at run time `expectTypeOf` does nothing, so the `it`s below also run a few runtime checks.
 *
 * For each main object, two checks:
 * - mutual assignability (`toExtend` both ways, the non-deprecated name of `toMatchTypeOf`): every
 *   value of one type is a value of the other, property types and optionality included, at any depth;
 * - the same property paths at every depth (`PropertyPaths`): assignability alone would not notice
 *   an optional property that only one side declares.
 * `toEqualTypeOf` is not used between the two views: the generators spell the same type differently
 * (interfaces vs. type literals, `A & B` vs. a flattened object), which it rejects on purpose.
 */
import { describe, expectTypeOf, it, expect } from 'vitest';
import type * as Models from '../../generated/models.js';
import type { components } from '../../generated/openapi.js';
import { fixtures, schemaExamples } from '../../generated/fixtures/index.js';
import { isCreatePaymentSessionRequest, isPaymentSession } from '../../generated/validators/index.js';

type Schemas = components['schemas'];

type Depth = [never, 0, 1, 2, 3, 4, 5, 6, 7, 8];

/**
 * Every property path of a type (`amount`, `amount.value`, `chargeDetails.card.first6`, …), down to
 * 8 levels; arrays and `null` are looked through, unions contribute the paths of every member.
 */
type PropertyPaths<T, D extends number = 8> = [D] extends [never]
  ? never
  : T extends readonly (infer Item)[]
    ? PropertyPaths<Item, D>
    : T extends object
      ? {
          [K in keyof T & string]-?: K | `${K}.${PropertyPaths<NonNullable<T[K]>, Depth[D]>}`;
        }[keyof T & string]
      : never;

describe('json-schema-to-typescript models agree with openapi-typescript components', () => {
  it('Amount', () => {
    expectTypeOf<Models.Amount>().toExtend<Schemas['Amount']>();
    expectTypeOf<Schemas['Amount']>().toExtend<Models.Amount>();
    expectTypeOf<PropertyPaths<Models.Amount>>().toEqualTypeOf<PropertyPaths<Schemas['Amount']>>();
  });

  it('Customer', () => {
    expectTypeOf<Models.Customer>().toExtend<Schemas['Customer']>();
    expectTypeOf<Schemas['Customer']>().toExtend<Models.Customer>();
    expectTypeOf<PropertyPaths<Models.Customer>>().toEqualTypeOf<PropertyPaths<Schemas['Customer']>>();
  });

  it('Charge', () => {
    expectTypeOf<Models.Charge>().toExtend<Schemas['Charge']>();
    expectTypeOf<Schemas['Charge']>().toExtend<Models.Charge>();
    expectTypeOf<PropertyPaths<Models.Charge>>().toEqualTypeOf<PropertyPaths<Schemas['Charge']>>();
  });

  it('PaymentMethodOptions', () => {
    expectTypeOf<Models.PaymentMethodOptions>().toExtend<Schemas['PaymentMethodOptions']>();
    expectTypeOf<Schemas['PaymentMethodOptions']>().toExtend<Models.PaymentMethodOptions>();
    expectTypeOf<PropertyPaths<Models.PaymentMethodOptions>>().toEqualTypeOf<PropertyPaths<Schemas['PaymentMethodOptions']>>();
  });

  it('PaymentSession', () => {
    expectTypeOf<Models.PaymentSession>().toExtend<Schemas['PaymentSession']>();
    expectTypeOf<Schemas['PaymentSession']>().toExtend<Models.PaymentSession>();
    expectTypeOf<PropertyPaths<Models.PaymentSession>>().toEqualTypeOf<PropertyPaths<Schemas['PaymentSession']>>();
  });

  it('PaymentSessionResponse', () => {
    expectTypeOf<Models.PaymentSessionResponse>().toExtend<Schemas['PaymentSessionResponse']>();
    expectTypeOf<Schemas['PaymentSessionResponse']>().toExtend<Models.PaymentSessionResponse>();
    expectTypeOf<PropertyPaths<Models.PaymentSessionResponse>>().toEqualTypeOf<
      PropertyPaths<Schemas['PaymentSessionResponse']>
    >();
  });

  it('ErrorResponse', () => {
    expectTypeOf<Models.ErrorResponse>().toExtend<Schemas['ErrorResponse']>();
    expectTypeOf<Schemas['ErrorResponse']>().toExtend<Models.ErrorResponse>();
    expectTypeOf<PropertyPaths<Models.ErrorResponse>>().toEqualTypeOf<PropertyPaths<Schemas['ErrorResponse']>>();
  });

  it('CreatePaymentSessionRequest', () => {
    expectTypeOf<Models.CreatePaymentSessionRequest>().toExtend<Schemas['CreatePaymentSessionRequest']>();
    expectTypeOf<Schemas['CreatePaymentSessionRequest']>().toExtend<Models.CreatePaymentSessionRequest>();
    expectTypeOf<PropertyPaths<Models.CreatePaymentSessionRequest>>().toEqualTypeOf<
      PropertyPaths<Schemas['CreatePaymentSessionRequest']>
    >();
  });

  it('CardPaymentSessionRequest', () => {
    expectTypeOf<Models.CardPaymentSessionRequest>().toExtend<Schemas['CardPaymentSessionRequest']>();
    expectTypeOf<Schemas['CardPaymentSessionRequest']>().toExtend<Models.CardPaymentSessionRequest>();
    expectTypeOf<PropertyPaths<Models.CardPaymentSessionRequest>>().toEqualTypeOf<
      PropertyPaths<Schemas['CardPaymentSessionRequest']>
    >();
    // A card variant is a create request.
    expectTypeOf<Models.CardPaymentSessionRequest>().toExtend<Models.CreatePaymentSessionRequest>();
  });

  it('the enums the main objects use are identical', () => {
    expectTypeOf<Models.PaymentSessionStatus>().toEqualTypeOf<Schemas['PaymentSessionStatus']>();
    expectTypeOf<Models.ChargeStatus>().toEqualTypeOf<Schemas['ChargeStatus']>();
    expectTypeOf<Models.PaymentMethodType>().toEqualTypeOf<Schemas['PaymentMethodType']>();
    expectTypeOf<Models.CurrencyCode>().toEqualTypeOf<Schemas['CurrencyCode']>();
  });
});

describe('fixtures and validators carry the model types', () => {
  it("fixtures.createPaymentSession.request['card-redirect'] is a CreatePaymentSessionRequest", () => {
    const request = fixtures.createPaymentSession.request['card-redirect'];
    expectTypeOf(request).toEqualTypeOf<Models.CreatePaymentSessionRequest>();
    // …and the runtime value is one.
    expect(isCreatePaymentSessionRequest(request)).toBe(true);
  });

  it("schemaExamples.PaymentSession['payment-session-object'] is a PaymentSession", () => {
    expectTypeOf(schemaExamples.PaymentSession['payment-session-object']).toEqualTypeOf<Models.PaymentSession>();
  });

  it('isPaymentSession narrows unknown to PaymentSession', () => {
    expectTypeOf(isPaymentSession).guards.toEqualTypeOf<Models.PaymentSession>();
    const body: unknown = JSON.parse(JSON.stringify(schemaExamples.PaymentSession['payment-session-object']));
    expectTypeOf(body).toBeUnknown();
    if (!isPaymentSession(body)) throw new Error('the Payment Session object page example is not a PaymentSession');
    expectTypeOf(body).toEqualTypeOf<Models.PaymentSession>();
    // Narrowed: the fields are usable without casts.
    expect(body.amount.currency).toMatch(/^[A-Z]{3}$/);
    expect(isPaymentSession({ ...body, status: 'NOT_A_STATUS' })).toBe(false);
  });
});
