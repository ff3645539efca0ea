/**
 * Customers, their stored cards and recurring authorisations: what a create may refer to by
 * `customerId`, card `token` or `recurringId`, and what a successful charge saves
 * (Customer Object, Create Payment Session › customer / recurring, Tokenization).
 */
import { getFixture, listFixtures } from 'pivot-payments-contract/fixtures';
import { boundedMap } from './bounded-map.ts';
import type { IdSource } from './ids.ts';
import type { Outcome, Moved, Resolved } from './lifecycle.ts';

type Json = Record<string, any>;

interface StoredMethodRef {
  customerId: string | undefined;
  card: Json;
}

/** The documented test data (Retrieve Customer, tokenized and recurring examples), so documented requests work as sent (decision `documented-test-data`). */
function documentedData(): { customers: Array<{ id: string; customer: Json }>; recurring: Array<{ id: string; token: string }> } {
  const customer = (getFixture({ operationId: 'getCustomer', kind: 'response', status: '200', name: 'with-stored-card' }) as Json)
    .data;
  const ids = new Set<string>(['0197e3f5-1a17-7d43-b2f9-1b51479fb8a9']);
  const recurring: Array<{ id: string; token: string }> = [];
  const token = customer.storedPaymentMethods?.[0]?.token as string;
  for (const info of listFixtures()) {
    if (info.operationId !== 'createPaymentSession' || info.kind !== 'request') continue;
    const body = getFixture(info) as Json;
    if (typeof body.customerId === 'string') ids.add(body.customerId);
    if (typeof body.recurringId === 'string' && body.initiateFirstAuthorization !== true)
      recurring.push({ id: body.recurringId, token });
  }
  return { customers: [...ids].map((id) => ({ id, customer })), recurring };
}

export interface CustomerBook {
  get(customerId: string): Json | undefined;
  /** The stored card of a token, if any. */
  storedCard(token: string): Json | undefined;
  /** Customer, stored card and recurring card a create request refers to; a refusal when one is unknown. */
  resolve(body: Json): Resolved | Exclude<Outcome, Moved>;
  /** Keeps the payment method a successful charge saved (`saveForFutureUse`, a recurring first authorisation). */
  save(saved: NonNullable<Moved['saved']>, amount: Json | undefined): void;
  /** Forgets everything; the documented test data comes back. */
  reset(): void;
}

export function customerBook(ids: IdSource, capacity: number): CustomerBook {
  const customers = boundedMap<string, Json>(capacity);
  const customerByEmail = boundedMap<string, string>(capacity);
  const storedMethods = boundedMap<string, StoredMethodRef>(capacity);
  const recurring = boundedMap<string, { token: string; card: Json; amount?: Json }>(capacity);

  function seedDocumentedData(): void {
    const data = documentedData();
    for (const { id, customer } of data.customers) {
      customers.set(id, structuredClone(customer));
      for (const method of customer.storedPaymentMethods ?? [])
        storedMethods.set(method.token, { customerId: id, card: method.card });
    }
    for (const { id, token } of data.recurring) {
      const card = storedMethods.get(token)?.card;
      if (card) recurring.set(id, { token, card });
    }
  }
  seedDocumentedData();

  return {
    get: (customerId) => customers.get(customerId),
    storedCard: (token) => storedMethods.get(token)?.card,
    resolve(body) {
      const resolved: Resolved = {};
      if (body.customer) {
        // Create Payment Session › customerId: "Auto generated based on email as the unique identifier".
        const email = String(body.customer.email).toLowerCase();
        const id = customerByEmail.get(email) ?? ids.uuid();
        const previous = customers.get(id);
        const { givenName, surname, email: given, phoneNumber, refundPreference } = body.customer;
        const customer: Json = Object.fromEntries(
          Object.entries({ givenName, surname, email: given, phoneNumber, refundPreference }).filter(
            ([, value]) => value !== undefined,
          ),
        );
        if (previous?.storedPaymentMethods) customer.storedPaymentMethods = previous.storedPaymentMethods;
        customers.set(id, customer);
        customerByEmail.set(email, id);
        resolved.customerId = id;
        resolved.customer = customer;
      } else if (typeof body.customerId === 'string') {
        const customer = customers.get(body.customerId);
        if (!customer) return { refused: 404, message: `The customer with ID ${body.customerId} cannot be found` };
        resolved.customerId = body.customerId;
        resolved.customer = customer;
      }
      const token = body.paymentMethod?.card?.token as string | undefined;
      if (token !== undefined) {
        const stored = storedMethods.get(token);
        if (!stored) return { refused: 404, message: `The stored payment method with token ${token} cannot be found` };
        resolved.storedCard = stored.card;
      }
      if (typeof body.recurringId === 'string' && body.initiateFirstAuthorization !== true && !body.paymentMethod) {
        const known = recurring.get(body.recurringId);
        if (!known)
          return {
            refused: 404,
            message: `The recurring ${body.recurringId} has no authorized card: create its first session with initiateFirstAuthorization`,
          };
        resolved.recurring = known;
        if (resolved.customerId === undefined) {
          const owner = storedMethods.get(known.token)?.customerId;
          if (owner && customers.has(owner)) {
            resolved.customerId = owner;
            resolved.customer = customers.get(owner);
          }
        }
      }
      return resolved;
    },
    save({ customerId, recurringId, method }, amount) {
      storedMethods.set(method.token, { customerId, card: method.card });
      if (customerId && customers.has(customerId)) {
        const customer = customers.get(customerId)!;
        customer.storedPaymentMethods = [...(customer.storedPaymentMethods ?? []), method];
      }
      if (recurringId) recurring.set(recurringId, { token: method.token, card: method.card, amount });
    },
    reset() {
      for (const table of [customers, customerByEmail, storedMethods, recurring]) table.clear();
      seedDocumentedData();
    },
  };
}
