/**
 * The sessions and customers that the documented operations on a session act on, against a server that
 * keeps state. A documented confirm, cancel, capture or simulation names a session only Pivot ever
 * had, and a documented `getCustomer` a customer of Pivot's; `verify` sends each to one the same run
 * created instead, in a status that allows the call, so that a real server can accept it.
 *
 * What allows each call is the state table (State and Status; DESIGN.md "The contract over HTTP"):
 * - confirm and cancel: a session still waiting for its method or its confirmation,
 *   REQUIRE_PAYMENT_METHOD / REQUIRE_CONFIRMATION (Cancel Payment Session: "Cancellation can be done if
 *   the Payment Session status is REQUIRE_CONFIRMATION or REQUIRE_PAYMENT_METHOD"; Build Redirect
 *   Payment Page › Finalize Payment Method later: confirm sets the method);
 * - a simulation: a single QRIS, virtual account or e-wallet session waiting for the customer,
 *   REQUIRE_ACTION (Payment Simulation: "Applicable only for QRIS, Virtual Account, and E-Wallet");
 * - a capture: a card charge authorised and waiting, WAITING_FOR_CAPTURE, with the amount left
 *   (Capture; State and Status › Pull: "Merchant chooses to manually capture");
 * - `getCustomer`: the `customerId` a create answered (Retrieve Customer).
 * A session is acted on once: a confirm or a cancel moves it on. When the run created none that fits
 * (`--operation` chose only the call, or the call needs a session no documented create leaves behind,
 * as a capture does), one more create prepares it, from a documented request.
 */
import { schemaExamples } from 'pivot-payments-contract/fixtures';
import type { OperationId } from 'pivot-payments-contract/validators';
import { DEFAULT_TEST_CARD } from '../sandbox/test-cards.ts';

type Json = Record<string, any>;

/** A session the run created: the create example it came from and the answer's `data`. */
export interface CreatedSession {
  example: string;
  data: Json;
}

/** A create that leaves a session the call can act on: a documented request example and what to change in it. */
export interface Preparation {
  example: string;
  changes: Json;
  /** Why this create, for the step's name. */
  purpose: string;
}

interface Need {
  /** Whether the call (with this body) can act on the session; higher is a better fit, 0 none. */
  fit(session: Json, body: Json): number;
  /** Whether acting on the session uses it up (a confirm, a cancel, a capture, a simulation do). */
  consumes: boolean;
  prepare(body: Json): Preparation;
}

const AWAITING_METHOD_OR_CONFIRMATION = new Set(['REQUIRE_PAYMENT_METHOD', 'REQUIRE_CONFIRMATION']);
const SIMULATED = new Set(['QR', 'VIRTUAL_ACCOUNT', 'EWALLET']);

const latestCharge = (session: Json): Json | undefined => (session.chargeDetails as Json[] | null | undefined)?.at(-1);

/**
 * The documented full card (Payment Method object) with Pivot's first test card in it (Payment
 * Simulation › Simulate via Dashboard › Cards), as a create's payment method.
 */
function testCard(): Json {
  const documented = schemaExamples.PaymentMethodInput['payment-method-object'] as Json;
  return {
    ...documented,
    card: { ...documented.card, number: DEFAULT_TEST_CARD.numbers.VISA, expMonth: 1, expYear: 39 },
  };
}

const NEEDS: Partial<Record<OperationId, Need>> = {
  confirmPaymentSession: {
    // A session without a method takes any; one with a method only the same type.
    fit: (session, body) => {
      if (!AWAITING_METHOD_OR_CONFIRMATION.has(session.status)) return 0;
      if (!session.paymentMethod) return 2;
      return session.paymentMethod.type === body.paymentMethod?.type ? 1 : 0;
    },
    consumes: true,
    prepare: () => ({ example: 'redirect-guide-confirm-later', changes: {}, purpose: 'a session waiting for its method' }),
  },
  cancelPaymentSession: {
    fit: (session) => (AWAITING_METHOD_OR_CONFIRMATION.has(session.status) ? 1 : 0),
    consumes: true,
    prepare: () => ({ example: 'payment-ui', changes: {}, purpose: 'a session waiting for its method' }),
  },
  simulatePayment: {
    // The documented amount is the session's where one matches: a real server may insist.
    fit: (session, body) => {
      const waits =
        session.status === 'REQUIRE_ACTION' && session.paymentType === 'SINGLE' && SIMULATED.has(session.paymentMethod?.type);
      if (!waits) return 0;
      return body.amount === undefined || session.amount?.value === body.amount.value ? 2 : 1;
    },
    consumes: true,
    prepare: () => ({ example: 'va-api', changes: {}, purpose: 'a virtual account waiting for the customer' }),
  },
  capturePaymentSession: {
    fit: (session, body) => {
      const charge = latestCharge(session);
      if (charge?.status !== 'WAITING_FOR_CAPTURE') return 0;
      const left = (charge.authorizedAmount?.value ?? 0) - (charge.capturedAmount?.value ?? 0);
      return body.amount === undefined || left >= body.amount.value ? 1 : 0;
    },
    consumes: true,
    // No documented create captures manually: a non-3DS card (Build Non 3DS) with captureMethod manual is
    // authorised at once, with twice the amount so that the documented capture is a partial one.
    prepare: (body) => ({
      example: 'card-encryption',
      changes: {
        autoConfirm: true,
        paymentMethod: testCard(),
        paymentMethodOptions: { card: { captureMethod: 'manual', threeDsMethod: 'NEVER' } },
        ...(body.amount ? { amount: { value: body.amount.value * 2, currency: body.amount.currency } } : {}),
      },
      purpose: 'a card authorised for manual capture (non-3DS test card)',
    }),
  },
  getCustomer: {
    fit: (session) => (typeof session.customerId === 'string' ? 1 : 0),
    consumes: false,
    prepare: () => ({ example: 'va-api', changes: {}, purpose: 'a customer' }),
  },
};

/** Whether a documented example of this operation acts on a session or customer of the run. */
export function actsOnRunData(operationId: string): boolean {
  return operationId in NEEDS;
}

/** The order a real server accepts the documented calls in: creates first, then reads, then the calls that move a session. */
export const OPERATION_ORDER = [
  'createAccessToken',
  'createPaymentSession',
  'getCustomer',
  'confirmPaymentSession',
  'simulatePayment',
  'capturePaymentSession',
  'cancelPaymentSession',
];

/** The sessions of the run, handed out so that no session is acted on twice. */
export interface SessionPool {
  add(session: CreatedSession): void;
  /** The best fitting session for the call, taken from the pool when the call uses it up. */
  take(operationId: string, body: Json): CreatedSession | undefined;
  /** The create that prepares a fitting session. */
  preparation(operationId: string, body: Json): Preparation;
  /** Whether the session a preparation made fits the call. */
  fits(operationId: string, session: Json, body: Json): boolean;
}

export function sessionPool(): SessionPool {
  const sessions: CreatedSession[] = [];
  const need = (operationId: string): Need => {
    const found = NEEDS[operationId as OperationId];
    if (!found) throw new Error(`${operationId} does not act on a session or customer`);
    return found;
  };
  return {
    add: (session) => void sessions.push(session),
    take(operationId, body) {
      const { fit, consumes } = need(operationId);
      let best: { index: number; score: number } | undefined;
      sessions.forEach((session, index) => {
        const score = fit(session.data, body);
        if (score > 0 && (best === undefined || score > best.score)) best = { index, score };
      });
      if (best === undefined) return undefined;
      const chosen = sessions[best.index]!;
      if (consumes) sessions.splice(best.index, 1);
      return chosen;
    },
    preparation: (operationId, body) => need(operationId).prepare(body),
    fits: (operationId, session, body) => need(operationId).fit(session, body) > 0,
  };
}

/** The request aimed at a session or customer of the run: its id in the path (`id`, `customerId`) or the body (`paymentSessionId`). */
export function aimedAt(
  operationId: string,
  template: string,
  documentedPath: string,
  body: unknown,
  session: Json,
): { path: string; body: unknown } {
  if (operationId === 'simulatePayment')
    return { path: documentedPath, body: { ...(body as Json), paymentSessionId: session.id } };
  if (operationId === 'getCustomer')
    return { path: template.replace('{customerId}', encodeURIComponent(session.customerId)), body };
  return { path: template.replace('{id}', encodeURIComponent(session.id)), body };
}
