/**
 * `verify --flows`: named lifecycle scenarios, one per documented variant, each a list of steps. A step
 * is one request (an API call, or one of the sandbox's control routes), the HTTP status it must get, the
 * session status (and latest charge status) it must leave behind, and the callbacks it must cause.
 *
 * The transitions and callbacks are the state table of DESIGN.md ("The contract over HTTP"), from
 * Pivot's State and Status, Payment Session Object, Payment Notify, Payment Simulation, Cancel and
 * Capture pages (cited in `scripts/sandbox/rules.ts`); the idempotency flow follows
 * https://pivot-payment.gitbook.io/pivot-docs/api-references/api-information/idempotency (Scenario:
 * same key and payload → the first response; same key, another payload → 409).
 *
 * Steps marked by their action `page` (the hosted payment page) and `clock` (sandbox time) need the
 * sandbox's control routes (`/_sandbox`); against any other server a flow stops before the first of
 * them, with one line (`run-flows.ts`).
 *
 * Most of this file is the FLOWS data table; the step builders above it exist only to keep its rows
 * short, so both stay in one file.
 */
import { randomUUID } from 'node:crypto';
import type { ChargeStatus, PaymentCallback, PaymentSessionStatus } from 'pivot-payments-contract';
import { getFixture } from 'pivot-payments-contract/fixtures';
import type { OperationId } from 'pivot-payments-contract/validators';
import { movedDates } from './dates.ts';
import { withChanges } from './examples.ts';
import { clientReferenceId } from './keys.ts';

/** How far ahead of the server's time a flow's session expires: the `expiry-by-clock` flow moves the clock past it. */
const FLOW_LEAD_MS = 60 * 60 * 1000;

type Json = Record<string, any>;
export type CallbackEvent = PaymentCallback['event'];

/** What a flow knows while it runs. */
export interface FlowContext {
  /** Server time (ms) for `expiryAt`: the sandbox's clock when it has one, else this machine's. */
  now: number;
  /** The id the server gave each session of the flow, by the flow's name for it (`main`, `saved` …). */
  sessions: Record<string, string>;
  /** Values a step kept for a later one (a customerId, a token) and fresh ones the flow chose. */
  values: Record<string, string>;
  /** The flow's latest create as sent and answered, for the idempotency replays. */
  lastCreate?: { requestId: string; body: Json; answer: unknown };
}

/** What the session looks like after a step: the documented transition. */
export interface Transition {
  /** Its status (read out with `GET /_sandbox/sessions/{id}` where the server has it, else from the answer). */
  session?: PaymentSessionStatus;
  /** The status of its latest charge. */
  charge?: ChargeStatus;
  /** The status the answer shows when the move finishes after answering (a merchant-initiated charge). */
  answered?: PaymentSessionStatus;
  /** The move finishes after the answer: the read-out is repeated (within `--timeout`) until it shows it. */
  settlesLater?: boolean;
}

export type FlowAction =
  | {
      kind: 'call';
      operationId: OperationId;
      body?: (context: FlowContext) => Json;
      /** Path parameters other than `id` (which is the step's session). */
      params?: (context: FlowContext) => Record<string, string>;
      /** `replay`: the previous create's key and body; `replay-other`: its key with another body. */
      idempotency?: 'replay' | 'replay-other';
      /** Keeps what a later step needs from the answer's `data`. */
      keep?: (data: Json, context: FlowContext) => void;
    }
  | { kind: 'page'; action: 'pay' | 'fail' | 'cancel' }
  | { kind: 'clock'; advanceSeconds: number }
  | { kind: 'token' };

export interface FlowStep {
  name: string;
  action: FlowAction;
  /** The flow's name for the session the step acts on and checks. */
  session: string;
  /** The HTTP status it must get (the hosted page: 303 to the return URL, or 200 without one). */
  status: number;
  expect: Transition;
  /** The callbacks it must cause, in order, for its session. */
  callbacks: CallbackEvent[];
}

export interface Flow {
  name: string;
  summary: string;
  steps: FlowStep[];
}

/** Whether the step needs the sandbox's control routes. */
export function needsControl(step: FlowStep): boolean {
  return step.action.kind === 'page' || step.action.kind === 'clock';
}

// ---------------------------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------------------------

/**
 * A documented create request made fresh: a new `clientReferenceId`, and its dates moved an hour ahead
 * of the server's time (a documented date is long past; `expiry-by-clock` counts on the hour), then the
 * flow's changes (`undefined` removes a field).
 */
export function createBody(example: string, now: number, changes: Json = {}): Json {
  const documented = getFixture({ operationId: 'createPaymentSession', kind: 'request', name: example } as never) as Json;
  const body = movedDates(documented, now, FLOW_LEAD_MS);
  body.clientReferenceId = clientReferenceId();
  return withChanges(body, changes);
}

interface StepOptions {
  session?: string;
  callbacks?: CallbackEvent[];
  status?: number;
}

function call(
  name: string,
  operationId: OperationId,
  expect: Transition,
  options: StepOptions & Omit<Extract<FlowAction, { kind: 'call' }>, 'kind' | 'operationId'> = {},
): FlowStep {
  const { session = 'main', callbacks = [], status = 200, ...action } = options;
  return { name, action: { kind: 'call', operationId, ...action }, session, status, expect, callbacks };
}

/** Creates a session from a documented request and remembers its id under `session`. */
function create(
  example: string,
  expect: Transition,
  options: StepOptions & { changes?: (context: FlowContext) => Json } = {},
): FlowStep {
  const session = options.session ?? 'main';
  return call(`create ${example}`, 'createPaymentSession', expect, {
    ...options,
    body: (context) => createBody(example, context.now, options.changes?.(context)),
    keep: (data, context) => {
      context.sessions[session] = data.id;
      if (typeof data.customerId === 'string') context.values.customerId = data.customerId;
    },
  });
}

const ENCRYPTED_CARD = { paymentMethod: { type: 'CARD', card: { encryptedCard: 'c2FuZGJveA==' } } };

function confirmCard(expect: Transition, options: StepOptions = {}): FlowStep {
  return call('confirm with an encrypted card', 'confirmPaymentSession', expect, { ...options, body: () => ENCRYPTED_CARD });
}

function simulate(
  chargeStatus: 'SUCCESS' | 'EXPIRED',
  expect: Transition,
  options: StepOptions & { amount?: number } = {},
): FlowStep {
  const amount = options.amount === undefined ? {} : { amount: { value: options.amount, currency: 'IDR' } };
  return call(`simulate ${chargeStatus}${options.amount === undefined ? '' : ` ${options.amount}`}`, 'simulatePayment', expect, {
    ...options,
    body: (context) => ({ paymentSessionId: context.sessions[options.session ?? 'main'], chargeStatus, ...amount }),
  });
}

function cancel(reason: string, expect: Transition, options: StepOptions = {}): FlowStep {
  return call(`cancel ${reason}`, 'cancelPaymentSession', expect, { ...options, body: () => ({ cancellationReason: reason }) });
}

function page(action: 'pay' | 'fail' | 'cancel', expect: Transition, options: StepOptions = {}): FlowStep {
  return {
    name: `hosted page “${action}”`,
    action: { kind: 'page', action },
    session: options.session ?? 'main',
    status: 303,
    expect,
    callbacks: options.callbacks ?? [],
  };
}

function clock(advanceSeconds: number, expect: Transition, options: StepOptions = {}): FlowStep {
  return {
    name: `clock +${advanceSeconds} s`,
    action: { kind: 'clock', advanceSeconds },
    session: options.session ?? 'main',
    status: 200,
    expect,
    callbacks: options.callbacks ?? [],
  };
}

/** A new access token: moving the clock past 900 s expired the run's one (Authentication: 900 seconds). */
function renewToken(): FlowStep {
  return { name: 'renew the access token', action: { kind: 'token' }, session: 'main', status: 200, expect: {}, callbacks: [] };
}

const PAID_PULL: CallbackEvent[] = ['PAYMENT.PROCESSING', 'PAYMENT.PAID'];

// ---------------------------------------------------------------------------------------------
// The flows
// ---------------------------------------------------------------------------------------------

export const FLOWS: Flow[] = [
  {
    name: 'card-redirect',
    summary: 'card, REDIRECT: create, the customer pays on the hosted page → PAID',
    steps: [
      create('card-redirect', { session: 'REQUIRE_ACTION', charge: 'WAITING_FOR_USER_ACTION' }),
      page('pay', { session: 'PAID', charge: 'SUCCESS' }, { callbacks: PAID_PULL }),
    ],
  },
  {
    name: 'card-api-confirm',
    summary: 'card, API with autoConfirm false: create, confirm with an encrypted card, 3DS page → PAID',
    steps: [
      create('card-encryption', { session: 'REQUIRE_CONFIRMATION' }),
      confirmCard({ session: 'REQUIRE_ACTION', charge: 'WAITING_FOR_USER_ACTION' }),
      page('pay', { session: 'PAID', charge: 'SUCCESS' }, { callbacks: PAID_PULL }),
    ],
  },
  {
    name: 'card-manual-capture',
    summary:
      'card, captureMethod manual: authorised (WAITING_FOR_CAPTURE), partial capture, capture with releaseRemainingAmount → PAID',
    steps: [
      create(
        'card-redirect',
        { session: 'REQUIRE_ACTION' },
        { changes: () => ({ paymentMethodOptions: { card: { captureMethod: 'manual' } } }) },
      ),
      page('pay', { session: 'PROCESSING', charge: 'WAITING_FOR_CAPTURE' }, { callbacks: ['PAYMENT.PROCESSING'] }),
      call(
        'capture 3000, keep the rest',
        'capturePaymentSession',
        { session: 'PROCESSING', charge: 'WAITING_FOR_CAPTURE' },
        {
          body: () => ({ releaseRemainingAmount: false, amount: { value: 3000, currency: 'IDR' } }),
        },
      ),
      call(
        'capture 3000, release the rest',
        'capturePaymentSession',
        { session: 'PAID', charge: 'SUCCESS' },
        {
          body: () => ({ releaseRemainingAmount: true, amount: { value: 3000, currency: 'IDR' } }),
          callbacks: ['PAYMENT.PAID'],
        },
      ),
    ],
  },
  {
    name: 'card-tokenization',
    summary: 'card tokenization: pay with saveForFutureUse, read the stored card from getCustomer, pay with its token',
    steps: [
      create(
        'card-tokenization-redirect-save',
        { session: 'REQUIRE_ACTION' },
        {
          session: 'saving',
          changes: () => ({
            customer: {
              givenName: 'Verify',
              surname: 'Flow',
              email: `${clientReferenceId().toLowerCase()}@example.com`,
              phoneNumber: { countryCode: '+62', number: '81234567890' },
            },
          }),
        },
      ),
      page('pay', { session: 'PAID', charge: 'SUCCESS' }, { session: 'saving', callbacks: PAID_PULL }),
      call(
        'getCustomer with the stored card',
        'getCustomer',
        {},
        {
          session: 'saving',
          params: (context) => ({ customerId: context.values.customerId ?? '' }),
          keep: (data, context) => {
            const token = data.storedPaymentMethods?.at(-1)?.token;
            if (typeof token === 'string') context.values.token = token;
          },
        },
      ),
      create(
        'card-tokenization-api-use',
        { session: 'REQUIRE_ACTION' },
        {
          session: 'using',
          changes: (context) => ({
            customerId: context.values.customerId,
            paymentMethod: { type: 'CARD', card: { token: context.values.token, cvc: '123' } },
          }),
        },
      ),
      page('pay', { session: 'PAID', charge: 'SUCCESS' }, { session: 'using', callbacks: PAID_PULL }),
    ],
  },
  {
    name: 'card-recurring',
    summary: 'card recurring: first authorization (confirm, 3DS page → PAID), then a merchant-initiated charge → PAID',
    steps: [
      create(
        'card-recurring-first-authorization',
        { session: 'REQUIRE_CONFIRMATION' },
        { session: 'first', changes: (context) => ({ recurringId: context.values.recurringId }) },
      ),
      confirmCard({ session: 'REQUIRE_ACTION' }, { session: 'first' }),
      page('pay', { session: 'PAID', charge: 'SUCCESS' }, { session: 'first', callbacks: PAID_PULL }),
      create(
        'card-recurring-subsequent',
        { answered: 'PROCESSING', session: 'PAID', charge: 'SUCCESS', settlesLater: true },
        { session: 'subsequent', changes: (context) => ({ recurringId: context.values.recurringId }), callbacks: PAID_PULL },
      ),
    ],
  },
  ...(['va', 'qr'] as const).map((kind): Flow => ({
    name: `${kind}-single`,
    summary: `${kind === 'va' ? 'virtual account' : 'QRIS'}, single payment: create, simulate SUCCESS → PAID`,
    steps: [
      create(`${kind}-api`, { session: 'REQUIRE_ACTION', charge: 'WAITING_FOR_USER_ACTION' }),
      simulate('SUCCESS', { session: 'PAID', charge: 'SUCCESS' }, { callbacks: ['PAYMENT.PAID'] }),
    ],
  })),
  ...(['va', 'qr'] as const).map((kind): Flow => ({
    name: `${kind}-static`,
    summary: `${kind === 'va' ? 'virtual account' : 'QRIS'}, static (MULTIPLE, open amount): two payments, the session stays ACTIVE`,
    steps: [
      create(`${kind}-static`, { session: 'ACTIVE' }, { changes: () => ({ amount: undefined }) }),
      simulate('SUCCESS', { session: 'ACTIVE', charge: 'SUCCESS' }, { amount: 25000, callbacks: ['CHARGE.SUCCESS'] }),
      simulate('SUCCESS', { session: 'ACTIVE', charge: 'SUCCESS' }, { amount: 40000, callbacks: ['CHARGE.SUCCESS'] }),
    ],
  })),
  {
    name: 'ewallet-api',
    summary: 'e-wallet, API: create, simulate SUCCESS → PAID',
    steps: [
      create('ewallet-api', { session: 'REQUIRE_ACTION', charge: 'WAITING_FOR_USER_ACTION' }),
      simulate('SUCCESS', { session: 'PAID', charge: 'SUCCESS' }, { callbacks: PAID_PULL }),
    ],
  },
  {
    name: 'ewallet-redirect-fail',
    summary: 'e-wallet, REDIRECT: the customer fails on the hosted page → EXPIRED with a FAILED charge',
    steps: [
      create('ewallet-redirect', { session: 'REQUIRE_ACTION' }),
      page('fail', { session: 'EXPIRED', charge: 'FAILED' }, { callbacks: ['PAYMENT.CANCELLED'] }),
    ],
  },
  {
    name: 'cancel-before-payment',
    summary: 'Payment UI session cancelled before any payment → CANCELLED; a later confirm is refused',
    steps: [
      create('payment-ui', { session: 'REQUIRE_PAYMENT_METHOD' }),
      cancel('VOID_SESSION', { session: 'CANCELLED' }, { callbacks: ['PAYMENT.CANCELLED'] }),
      call(
        'confirm a cancelled session',
        'confirmPaymentSession',
        { session: 'CANCELLED' },
        {
          status: 422,
          body: () => ({ paymentMethod: { type: 'QR' } }),
        },
      ),
    ],
  },
  {
    name: 'cancel-after-paid',
    summary: 'virtual account paid, then cancelled → 422, the session stays PAID',
    steps: [
      create('va-api', { session: 'REQUIRE_ACTION' }),
      simulate('SUCCESS', { session: 'PAID' }, { callbacks: ['PAYMENT.PAID'] }),
      cancel('REQUESTED_BY_CUSTOMER', { session: 'PAID' }, { status: 422 }),
    ],
  },
  {
    name: 'simulate-expired',
    summary: 'virtual account, simulate EXPIRED → EXPIRED with an EXPIRED charge',
    steps: [
      create('va-api', { session: 'REQUIRE_ACTION' }),
      simulate('EXPIRED', { session: 'EXPIRED', charge: 'EXPIRED' }, { callbacks: ['PAYMENT.CANCELLED'] }),
    ],
  },
  {
    name: 'idempotency',
    summary: 'create, replay with the same X-REQUEST-ID and payload → the same answer; another payload → 409',
    steps: [
      create('va-api', { session: 'REQUIRE_ACTION' }),
      call(
        'replay: same X-REQUEST-ID, same payload',
        'createPaymentSession',
        { session: 'REQUIRE_ACTION' },
        {
          idempotency: 'replay',
        },
      ),
      call(
        'replay: same X-REQUEST-ID, another payload',
        'createPaymentSession',
        {},
        { idempotency: 'replay-other', status: 409 },
      ),
    ],
  },
  {
    name: 'expiry-by-clock',
    summary: 'QRIS left unpaid past its expiryAt (sandbox clock) → EXPIRED; a late payment is refused',
    steps: [
      create('qr-api', { session: 'REQUIRE_ACTION' }),
      clock(FLOW_LEAD_MS / 1000 + 1, { session: 'EXPIRED', charge: 'EXPIRED' }, { callbacks: ['PAYMENT.CANCELLED'] }),
      renewToken(),
      simulate('SUCCESS', { session: 'EXPIRED' }, { status: 422 }),
    ],
  },
];

/** The values a flow chooses fresh before it starts (a recurringId of its own). */
export function freshValues(): Record<string, string> {
  return { recurringId: randomUUID() };
}

/** The flows named, in the order of `FLOWS`; a string naming the unknown ones otherwise. */
export function selectFlows(names: string[] | undefined): Flow[] | string {
  if (!names?.length) return FLOWS;
  const known = new Set(FLOWS.map((flow) => flow.name));
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length)
    return `unknown flow ${unknown.map((name) => `"${name}"`).join(', ')}; flows: ${FLOWS.map((flow) => flow.name).join(', ')}`;
  return FLOWS.filter((flow) => names.includes(flow.name));
}

/** `--list`: one line per flow, its name, whether it needs the sandbox's control routes, and what it does. */
export function listFlows(flows: Flow[] = FLOWS): string[] {
  const width = Math.max(...flows.map((flow) => flow.name.length));
  return [
    ...flows.map((flow) => {
      const control = flow.steps.findIndex(needsControl);
      const mark = control >= 0 ? '[sandbox]' : '         ';
      return `${flow.name.padEnd(width)}  ${mark}  ${flow.summary}`;
    }),
    '',
    "[sandbox]: from its first hosted-page or clock step on, the flow needs the sandbox's control routes (/_sandbox);",
    'against another server it runs the steps before and says in one line that it skipped the rest.',
  ];
}
