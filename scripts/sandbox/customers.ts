/**
 * Customers, their stored cards and recurring authorisations: what a create may refer to by
 * `customerId`, card `token` or `recurringId`, and what a successful charge saves
 * (Customer Object, Create Payment Session › customer / recurring, Tokenization). They live in the
 * store's `customers`, `customerEmails`, `storedMethods` and `recurring` tables; a change comes back as
 * writes that expect the rows it read, committed in the batch of the session that caused it.
 */
import { getFixture, listFixtures } from 'pivot-payments-contract/fixtures';
import type { IdSource } from './ids.ts';
import type { Outcome, Moved, Resolved } from './lifecycle.ts';
import type { SandboxStore, Write } from './store.ts';

type Json = Record<string, any>;

interface StoredMethodRef {
  customerId: string | undefined;
  card: Json;
}

interface RecurringCard {
  token: string;
  card: Json;
  amount?: Json;
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
  get(customerId: string): Promise<Json | undefined>;
  /** The stored card of a token, if any. */
  storedCard(token: string): Promise<Json | undefined>;
  /**
   * Customer, stored card and recurring card a create request refers to, with the writes that record a
   * new or changed customer; a refusal when one is unknown.
   */
  resolve(body: Json): Promise<{ resolved: Resolved; writes: Write[] } | Exclude<Outcome, Moved>>;
  /** The writes that keep the payment method a successful charge saved (`saveForFutureUse`, a recurring first authorisation). */
  save(saved: NonNullable<Moved['saved']>, amount: Json | undefined): Promise<Write[]>;
  /** Writes the documented test data (at the first start, and after a reset). */
  seed(): Promise<void>;
}

const put = (table: Write['table'], key: string, value: unknown, expect?: number | 'absent'): Write => ({
  op: 'put',
  table,
  key,
  value,
  ...(expect === undefined ? {} : { expect }),
});

export function customerBook(store: SandboxStore, ids: IdSource): CustomerBook {
  return {
    get: async (customerId) => (await store.get<Json>('customers', customerId))?.value,
    storedCard: async (token) => (await store.get<StoredMethodRef>('storedMethods', token))?.value.card,
    async resolve(body) {
      const resolved: Resolved = {};
      const writes: Write[] = [];
      if (body.customer) {
        // Create Payment Session › customerId: "Auto generated based on email as the unique identifier".
        const email = String(body.customer.email).toLowerCase();
        const byEmail = await store.get<string>('customerEmails', email);
        const id = byEmail?.value ?? ids.uuid();
        const previous = await store.get<Json>('customers', id);
        const { givenName, surname, email: given, phoneNumber, refundPreference } = body.customer;
        const customer: Json = Object.fromEntries(
          Object.entries({ givenName, surname, email: given, phoneNumber, refundPreference }).filter(
            ([, value]) => value !== undefined,
          ),
        );
        if (previous?.value.storedPaymentMethods) customer.storedPaymentMethods = previous.value.storedPaymentMethods;
        writes.push(put('customers', id, customer, previous?.version ?? 'absent'));
        writes.push(put('customerEmails', email, id, byEmail?.version ?? 'absent'));
        resolved.customerId = id;
        resolved.customer = customer;
      } else if (typeof body.customerId === 'string') {
        const customer = await store.get<Json>('customers', body.customerId);
        if (!customer) return { refused: 404, message: `The customer with ID ${body.customerId} cannot be found` };
        resolved.customerId = body.customerId;
        resolved.customer = customer.value;
      }
      const token = body.paymentMethod?.card?.token as string | undefined;
      if (token !== undefined) {
        const stored = await store.get<StoredMethodRef>('storedMethods', token);
        if (!stored) return { refused: 404, message: `The stored payment method with token ${token} cannot be found` };
        resolved.storedCard = stored.value.card;
      }
      if (typeof body.recurringId === 'string' && body.initiateFirstAuthorization !== true && !body.paymentMethod) {
        const known = await store.get<RecurringCard>('recurring', body.recurringId);
        if (!known)
          return {
            refused: 404,
            message: `The recurring ${body.recurringId} has no authorized card: create its first session with initiateFirstAuthorization`,
          };
        resolved.recurring = known.value;
        if (resolved.customerId === undefined) {
          const owner = (await store.get<StoredMethodRef>('storedMethods', known.value.token))?.value.customerId;
          const customer = owner === undefined ? undefined : await store.get<Json>('customers', owner);
          if (customer) {
            resolved.customerId = owner;
            resolved.customer = customer.value;
          }
        }
      }
      return { resolved, writes };
    },
    async save({ customerId, recurringId, method }, amount) {
      const writes: Write[] = [put('storedMethods', method.token, { customerId, card: method.card } satisfies StoredMethodRef)];
      const customer = customerId === undefined ? undefined : await store.get<Json>('customers', customerId);
      if (customer) {
        const changed = { ...customer.value, storedPaymentMethods: [...(customer.value.storedPaymentMethods ?? []), method] };
        writes.push(put('customers', customerId!, changed, customer.version));
      }
      if (recurringId)
        writes.push(put('recurring', recurringId, { token: method.token, card: method.card, amount } satisfies RecurringCard));
      return writes;
    },
    async seed() {
      const data = documentedData();
      const writes: Write[] = [];
      const cards = new Map<string, Json>();
      for (const { id, customer } of data.customers) {
        writes.push(put('customers', id, customer));
        for (const method of customer.storedPaymentMethods ?? []) {
          writes.push(put('storedMethods', method.token, { customerId: id, card: method.card } satisfies StoredMethodRef));
          cards.set(method.token, method.card);
        }
      }
      for (const { id, token } of data.recurring) {
        const card = cards.get(token);
        if (card) writes.push(put('recurring', id, { token, card } satisfies RecurringCard));
      }
      const written = await store.write(writes);
      if (!written.ok) throw new Error(`the documented test data could not be stored (${written.reason})`);
    },
  };
}
