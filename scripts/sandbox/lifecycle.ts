/**
 * The sandbox's state machine: pure functions from a stored session and a trigger to the moved session
 * and the callbacks the move causes, or a refusal. Nothing here reads a clock, a store or the network;
 * `sandbox.ts` gives each function the time, the ids and what it looked up.
 *
 * The table (DESIGN.md "The contract over HTTP", from State and Status, Payment Session Object, Payment
 * Notify, Payment Simulation, Cancel and Capture pages):
 *
 * | trigger                                   | session                        | charge                          | callback           |
 * |-------------------------------------------|--------------------------------|---------------------------------|--------------------|
 * | create, no method / `autoConfirm: false`  | REQUIRE_PAYMENT_METHOD / _CONFIRMATION | —                       | —                  |
 * | cancel (only from those two)              | CANCELLED                      | —                               | PAYMENT.CANCELLED  |
 * | confirm (or create with autoConfirm)      | REQUIRE_ACTION                 | WAITING_FOR_USER_ACTION         | —                  |
 * | pull: customer authenticates              | PROCESSING                     | PROCESSING                      | PAYMENT.PROCESSING |
 * | pull, `captureMethod: manual`: authorised | PROCESSING                     | WAITING_FOR_CAPTURE             | —                  |
 * | captured (auto, or POST /capture)         | PAID                           | SUCCESS                         | PAYMENT.PAID       |
 * | push single: customer paid                | PAID                           | SUCCESS                         | PAYMENT.PAID       |
 * | static (MULTIPLE): each payment           | ACTIVE                         | + one SUCCESS charge            | CHARGE.SUCCESS     |
 * | expired / customer left / failed          | EXPIRED                        | EXPIRED / FAILED                | PAYMENT.CANCELLED  |
 */
// One piece on purpose: this is the state table's home. Each trigger is a small pure function, and they
// share the charge builders above them; split by trigger, every file would import every other. What a
// card's charge shows is `card-charge.ts`; which card does what is `test-cards.ts`.
import { TERMINAL, CANCELLABLE, EXPIRABLE, familyOf, isWebUrl } from './rules.ts';
import type { IdSource } from './ids.ts';
import { requestTime } from '../../generators/spec/request-time.ts';
import {
  authorization,
  cardChargeData,
  cardOf,
  cardVerdict,
  maskedCard,
  needsChallenge,
  riskAssessment,
  type CardVerdict,
  type ThreeDsAnswer,
} from './card-charge.ts';
import { SANDBOX_ENCRYPTION_KEY } from './card-encryption.ts';
import type { EnteredCard } from './test-cards.ts';
import type { RefundEvent, RefundRecord } from './refunds.ts';
import type { TimelineEntry } from './timeline.ts';

type Json = Record<string, any>;

export type CallbackEvent = 'PAYMENT.PROCESSING' | 'PAYMENT.PAID' | 'PAYMENT.CANCELLED' | 'CHARGE.SUCCESS';

/** A stored session: what Pivot returns, and what it holds without returning. */
export interface SessionRecord {
  session: Json;
  /** Its refunds (`refunds.ts`): Pivot keeps them apart from the session object. */
  refunds?: RefundRecord[];
  /** Each status change, when and why (`timeline.ts`), for the dashboard. */
  timeline?: TimelineEntry[];
  internal: {
    captureMethod: 'automatic' | 'manual';
    threeDsMethod: string;
    /** The stored card a tokenized or recurring session pays with. */
    storedCard?: Json;
    /** The card presented (page form, API number or `encryptedCard`), as `test-cards.ts` keeps it. */
    card?: EnteredCard;
    /** A recurring subsequent charge is merchant-initiated: no customer action. */
    merchantInitiated: boolean;
    /** The X-REQUEST-ID that created the session, whose replay must stay the first answer. */
    idempotencyKey?: string;
    /** Set once the key holds the first answer itself (the session has changed since). */
    firstAnswerKept?: boolean;
  };
}

export interface Moment {
  /** Sandbox time, ms since the epoch. */
  now: number;
  ids: IdSource;
  /** Base URL of the sandbox, for the `paymentUrl` of its hosted page. */
  baseUrl: string;
}

/** A stored payment method a successful charge created (`saveForFutureUse`). */
export interface SavedMethod {
  customerId: string | undefined;
  recurringId: string | undefined;
  method: Json;
}

export interface Moved {
  record: SessionRecord;
  /** Each callback the move causes, with the session as it was at that moment. */
  callbacks: Array<{ event: CallbackEvent; session: Json }>;
  saved?: SavedMethod;
  /** What the operation answers in `data`, when not the session (capture). */
  answer?: Json;
  /** A follow-up the sandbox runs right after answering (a merchant-initiated charge completes). */
  followUp?: 'complete';
  /** What happened, in words, for the session's timeline ("the customer paid with VISA •••• 0001"). */
  cause?: string;
  /** Who made it happen: "API createPaymentSession", "hosted page", "sandbox clock", "control route" … */
  via?: string;
  /** Refund callbacks the move causes, each with the refund as it was then. */
  refundCallbacks?: Array<{ event: RefundEvent; refund: Json }>;
}

export interface Refused {
  refused: 400 | 404 | 409 | 422;
  message: string;
  /** For a 400: the request field at fault. */
  field?: string;
}

export type Outcome = Moved | Refused;

export function isRefused(outcome: Outcome): outcome is Refused {
  return 'refused' in outcome;
}

/** Payment Session Object › statementDescriptor: "Default = Merchant's short name". */
export const MERCHANT_SHORT_NAME = 'Pivot Sandbox';

/** Go's zero time, which Pivot returns as a static VA's `expiryAt` (Create Payment Session › VA static response). */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * Every time the sandbox answers is in the form requests take (decision `timestamps-whole-seconds`).
 * One move writes the same instant many times: the last one is remembered.
 */
let lastIso = { ms: Number.NaN, text: '' };
function iso(ms: number): string {
  if (ms !== lastIso.ms) lastIso = { ms, text: requestTime(ms) };
  return lastIso.text;
}

/** A deep copy of JSON data (several times faster than `structuredClone` for these small plain objects). */
function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function pageUrl(baseUrl: string, id: string): string {
  return `${baseUrl}/_sandbox/pay/${id}`;
}

// ---------------------------------------------------------------------------------------------
// Charges
// ---------------------------------------------------------------------------------------------

/** The data of a card while the charge waits for the customer: empty strings (Use Tokenized Card response). */
function waitingCard(): Json {
  return {
    first6: '',
    first8: '',
    last4: '',
    expMonth: '',
    expYear: '',
    binInformations: { type: '', issuingBank: '', brand: '', country: '' },
    authenticationResult: null,
    authorizationResult: null,
  };
}

/** A VA or QR charge's payment data; a static session's reusable one lives in `paymentMethod` instead. */
function pushDetails(session: Json, options: Json, ids: IdSource, reusable: boolean): Json {
  const type = session.paymentMethod.type as string;
  const expiryAt = reusable ? ZERO_TIME : (options.expiryAt ?? session.expiryAt);
  if (type === 'VIRTUAL_ACCOUNT') {
    const va = options.virtualAccount ?? {};
    return {
      virtualAccount: {
        channel: va.channel ?? 'PERMATA',
        virtualAccountNumber: va.virtualAccountNumber ?? `7663${ids.digits(12)}`,
        virtualAccountName: `Pivot - ${va.virtualAccountName ?? MERCHANT_SHORT_NAME}`.slice(0, 100),
        expiryAt: reusable ? ZERO_TIME : (va.expiryAt ?? session.expiryAt),
      },
    };
  }
  const qr: Json = {
    acquirer: 'BNC',
    // An EMV-style payload: QRIS content starts with the format indicator "000201".
    qrContent: `000201010212${reusable ? '11' : '12'}26740025ID.CO.PIVOT.SANDBOX01189360000000${ids.digits(8)}5204653353033605802ID5913Pivot Sandbox6007JAKARTA6304${ids.digits(4)}`,
    qrUrl: '',
    qrType: reusable ? 'STATIC' : 'DYNAMIC',
    retrievalReferenceNumber: ids.digits(25),
    issuerName: '',
    merchantName: MERCHANT_SHORT_NAME,
  };
  if (!reusable) qr.expiryAt = options.qr?.expiryAt ?? expiryAt;
  return { qr };
}

function newCharge(session: Json, ids: IdSource, now: number, amount: Json = session.amount): Json {
  return {
    id: ids.uuid(),
    paymentSessionId: session.id,
    paymentSessionClientReferenceId: session.clientReferenceId,
    amount: clone(amount),
    statementDescriptor: session.statementDescriptor || MERCHANT_SHORT_NAME,
    status: 'WAITING_FOR_USER_ACTION',
    authorizedAmount: null,
    capturedAmount: null,
    isCaptured: false,
    createdAt: iso(now),
    updatedAt: iso(now),
    paidAt: null,
  };
}

function openCharge(session: Json): Json | undefined {
  return (session.chargeDetails as Json[] | null)?.find((charge) => !['SUCCESS', 'EXPIRED', 'FAILED'].includes(charge.status));
}

function snapshot(record: SessionRecord, event: CallbackEvent): { event: CallbackEvent; session: Json } {
  return { event, session: clone(record.session) };
}

function touch(record: SessionRecord, now: number): void {
  record.session.updatedAt = iso(now);
}

// ---------------------------------------------------------------------------------------------
// Create and confirm
// ---------------------------------------------------------------------------------------------

export interface Resolved {
  /**
   * The customer id and customer the session belongs to (stored or just created), if any. The session
   * takes `customer` as it is (no copy): it is this create's own, read from the store or built from the
   * request, and every store serialises a row when it is written.
   */
  customerId?: string;
  customer?: Json;
  /** A recurring session's stored card and amount (recurring subsequent). */
  recurring?: { card: Json; token: string; amount?: Json };
  /** The stored card of `paymentMethod.card.token`. */
  storedCard?: Json;
  /** The card of `paymentMethod.card.number` or a readable `encryptedCard`. */
  card?: EnteredCard;
}

/** The payment method as Pivot echoes it: the type, a tokenized card's token with the secrets blanked. */
function echoedMethod(method: Json | undefined, token: string | undefined): Json | null {
  if (!method && !token) return null;
  const echoed: Json = { type: method?.type ?? 'CARD' };
  if (token) echoed.card = { token, encryptedCard: '', cvc: '' };
  return echoed;
}

/**
 * A new session from a valid create request (Create Payment Session: request table defaults, response
 * examples of each variant). `expiryAt` defaults to 15 minutes (request table); MULTIPLE has none.
 */
/** `body` becomes part of the new session (the caller hands over a freshly parsed request it no longer uses). */
export function createSession(body: Json, moment: Moment, resolved: Resolved, defaultSeconds: number): Outcome {
  const { now, ids } = moment;
  const paymentType = body.paymentType ?? 'SINGLE';
  const mode = body.mode ?? 'REDIRECT';
  const autoConfirm = body.autoConfirm ?? true;
  const isStatic = paymentType === 'MULTIPLE';
  // decision `expiry-in-the-past`
  if (body.expiryAt !== undefined && !isStatic && Date.parse(body.expiryAt) <= now)
    return { refused: 400, field: 'expiryAt', message: `expiryAt must be in the future (sandbox time is ${iso(now)})` };
  for (const [name, url] of Object.entries((body.redirectUrl ?? {}) as Json))
    if (typeof url === 'string' && !isWebUrl(url))
      return { refused: 400, field: `redirectUrl.${name}`, message: `redirectUrl.${name} must be an http or https URL` };
  const token = body.paymentMethod?.card?.token ?? resolved.recurring?.token;
  const method = body.paymentMethod ?? (resolved.recurring ? { type: 'CARD' } : undefined);
  // decision `amount-of-first-authorization`
  const amount =
    body.amount ?? resolved.recurring?.amount ?? (isStatic ? { value: 0, currency: 'IDR' } : { value: 10000, currency: 'IDR' });
  const id = ids.uuid();
  const session: Json = {
    id,
    clientReferenceId: body.clientReferenceId,
    amount,
    autoConfirm,
    mode,
    ...(mode === 'REDIRECT' ? { bypassStatusPage: body.bypassStatusPage ?? false } : {}),
    redirectUrl: body.redirectUrl ?? {}, // decision `missing-redirect-url`
    paymentType,
    paymentMethod: echoedMethod(method, token),
    statementDescriptor: body.statementDescriptor ?? MERCHANT_SHORT_NAME,
    ...(body.expirationMode !== undefined ? { expirationMode: body.expirationMode } : {}),
    ...(body.recurringId !== undefined ? { recurringId: body.recurringId } : {}),
    ...(typeof body.initiateFirstAuthorization === 'boolean'
      ? { initiateFirstAuthorization: body.initiateFirstAuthorization }
      : {}),
    ...(typeof body.saveForFutureUse === 'boolean' ? { saveForFutureUse: body.saveForFutureUse } : {}),
    ...(typeof body.showSavedPayment === 'boolean' && mode === 'REDIRECT' ? { showSavedPayment: body.showSavedPayment } : {}),
    status: 'REQUIRE_PAYMENT_METHOD',
    investigationStatus: null,
    createdAt: iso(now),
    updatedAt: iso(now),
    expiryAt: isStatic ? null : (body.expiryAt ?? iso(now + defaultSeconds * 1000)),
    chargeDetails: null,
    ...(resolved.customerId !== undefined ? { customerId: resolved.customerId } : {}),
    ...(resolved.customer !== undefined ? { customer: resolved.customer } : {}),
    ...(body.orderInformation !== undefined ? { orderInformation: body.orderInformation } : {}),
    ...(body.metadata !== undefined ? { metadata: body.metadata } : {}),
  };
  if (mode === 'REDIRECT') session.paymentUrl = pageUrl(moment.baseUrl, id);
  const record: SessionRecord = {
    session,
    internal: {
      captureMethod: body.paymentMethodOptions?.card?.captureMethod ?? 'automatic',
      threeDsMethod: body.paymentMethodOptions?.card?.threeDsMethod ?? 'AUTOMATIC',
      storedCard: resolved.storedCard ?? resolved.recurring?.card,
      ...(resolved.card ? { card: resolved.card } : {}),
      // A re-authorization with a stored card (initiateFirstAuthorization) has the customer authenticate,
      // like a first one (decision `recurring-update-reauthorizes`).
      merchantInitiated: resolved.recurring !== undefined && body.initiateFirstAuthorization !== true,
    },
  };
  if (isStatic) {
    // Build Static Payment: "the payment session is always ACTIVE and can be charged multiple times".
    session.status = 'ACTIVE';
    Object.assign(session.paymentMethod, pushDetails(session, body.paymentMethodOptions ?? {}, ids, true));
    return { record, callbacks: [] };
  }
  // State and Status › Pre-charge: REQUIRE_PAYMENT_METHOD (decision `initial-status-without-method`).
  if (method === undefined) return { record, callbacks: [] };
  if (!autoConfirm) {
    session.status = 'REQUIRE_CONFIRMATION'; // Pre-charge: "Merchant has finalized Payment data"
    // Payment Session Object › encryptionKey: "Only if paymentMethod.type = CARD, mode = API, autoConfirm = false".
    if (method.type === 'CARD' && mode === 'API') session.encryptionKey = SANDBOX_ENCRYPTION_KEY;
    return { record, callbacks: [] };
  }
  return startCharge(record, body.paymentMethodOptions ?? {}, moment);
}

/** Confirm Payment Session (Build Redirect Payment Page › late finalisation): the method is set, the charge starts. */
export function confirmSession(
  record: SessionRecord,
  body: Json,
  moment: Moment,
  storedCard: Json | undefined,
  presented?: EnteredCard,
): Outcome {
  const session = record.session;
  if (!CANCELLABLE.has(session.status))
    return refuseState(session, 'confirmed', 'only a session in REQUIRE_PAYMENT_METHOD or REQUIRE_CONFIRMATION can be confirmed');
  const next = clone(record);
  next.session.paymentMethod = echoedMethod(body.paymentMethod, body.paymentMethod?.card?.token);
  if (body.orderInformation !== undefined) next.session.orderInformation = clone(body.orderInformation);
  const card = body.paymentMethodOptions?.card;
  if (card?.captureMethod) next.internal.captureMethod = card.captureMethod;
  if (card?.threeDsMethod) next.internal.threeDsMethod = card.threeDsMethod;
  if (storedCard) next.internal.storedCard = storedCard;
  if (presented) next.internal.card = presented;
  if (next.session.paymentMethod.type !== 'CARD' || next.session.mode !== 'API') delete next.session.encryptionKey;
  return startCharge(next, body.paymentMethodOptions ?? {}, moment);
}

/** The confirm step: a charge waiting for the customer, or (non-3DS, merchant-initiated) one already processing. */
function startCharge(record: SessionRecord, options: Json, moment: Moment): Outcome {
  const { session } = record;
  const type = session.paymentMethod.type as string;
  const charge = newCharge(session, moment.ids, moment.now);
  if (type === 'CARD') charge.card = waitingCard();
  if (type === 'EWALLET') charge.ewallet = { channel: options.ewallet?.channel ?? 'SHOPEEPAY' };
  if (familyOf(type) === 'push') Object.assign(charge, pushDetails(session, options, moment.ids, false));
  session.chargeDetails = [charge];
  session.status = 'REQUIRE_ACTION';
  touch(record, moment.now);
  const pull = familyOf(type) === 'pull';
  const merchantInitiated = type === 'CARD' && record.internal.merchantInitiated;
  // The customer acts on a page: Pivot's payment page (REDIRECT), a 3DS page or an e-wallet deep link
  // (API mode). A merchant-initiated charge has no customer, and no page (decision `recurring-subsequent`).
  if (pull && !merchantInitiated) session.paymentUrl ??= pageUrl(moment.baseUrl, session.id);
  const nonThreeDs = type === 'CARD' && session.mode === 'API' && record.internal.threeDsMethod === 'NEVER';
  if (merchantInitiated) {
    // A recurring subsequent charge: the documented response is the session PROCESSING, its charge
    // still WAITING_FOR_USER_ACTION; it completes right after (decision `recurring-subsequent`).
    session.status = 'PROCESSING';
    return { record, callbacks: [snapshot(record, 'PAYMENT.PROCESSING')], followUp: 'complete' };
  }
  if (nonThreeDs) return customerPays(record, moment);
  return { record, callbacks: [] };
}

// ---------------------------------------------------------------------------------------------
// The customer (hosted page, simulation) and the clock
// ---------------------------------------------------------------------------------------------

/** Whether a session waits for the customer: a charge to pay, a card in 3DS, or a merchant-initiated charge in flight. */
function waitsForCustomer(record: SessionRecord, charge: Json | undefined): boolean {
  const { session } = record;
  if (!charge || session.investigationStatus === 'INVESTIGATION_IN_PROCESS') return false;
  if (session.status === 'REQUIRE_ACTION') return true;
  return (
    session.status === 'PROCESSING' &&
    (['PROCESSING', 'WAITING_FOR_AUTHENTICATION'].includes(charge.status) || record.internal.merchantInitiated)
  );
}

/** The card session as `card-charge.ts` reads it. */
function cardSession(record: SessionRecord) {
  return {
    threeDsMethod: record.internal.threeDsMethod,
    merchantInitiated: record.internal.merchantInitiated,
    card: record.internal.card,
    storedCard: record.internal.storedCard,
  };
}

/** Whether the card this session pays with meets a 3DS challenge page (for the hosted page). */
export function challengeAhead(record: SessionRecord): boolean {
  return record.session.paymentMethod?.type === 'CARD' && needsChallenge(cardSession(record));
}

/**
 * The customer enters a card on the hosted page (or picks a saved one). A card that meets a 3DS
 * challenge waits for it: PROCESSING / WAITING_FOR_AUTHENTICATION (State and Status › Pull: "Customer
 * input cards details" — PROCESSING / WAITING_FOR_AUTHENTICATION; PAYMENT.PROCESSING). Any other card is
 * charged at once, as `customerPays`.
 */
export function presentCard(record: SessionRecord, card: EnteredCard, storedCard: Json | undefined, moment: Moment): Outcome {
  const { session } = record;
  const charge = openCharge(session);
  if (session.paymentMethod?.type !== 'CARD' || session.status !== 'REQUIRE_ACTION' || !charge)
    return refuseState(session, 'paid by card', 'only a card session in REQUIRE_ACTION takes a card');
  const next = clone(record);
  next.internal.card = card;
  if (storedCard) next.internal.storedCard = storedCard;
  if (!needsChallenge(cardSession(next))) return customerPays(next, moment);
  const nextCharge = openCharge(next.session)!;
  nextCharge.status = 'WAITING_FOR_AUTHENTICATION';
  nextCharge.updatedAt = iso(moment.now);
  next.session.status = 'PROCESSING';
  touch(next, moment.now);
  return {
    record: next,
    callbacks: [snapshot(next, 'PAYMENT.PROCESSING')],
    cause: `the customer entered ${maskedCard(card)}; a 3DS challenge waits`,
  };
}

/**
 * The customer pays (page "Pay", `simulatePayment` SUCCESS, a 3DS challenge answered) or a
 * merchant-initiated charge completes.
 * Pull: PROCESSING (PAYMENT.PROCESSING), then WAITING_FOR_CAPTURE (manual) or SUCCESS / PAID (PAYMENT.PAID).
 * Push single: SUCCESS / PAID (PAYMENT.PAID).
 * A card charge ends as its row of the test-card table says: declined (EXPIRED / FAILED with the row's
 * failure code, PAYMENT.CANCELLED) or deferred for review (`investigationStatus`).
 */
export function customerPays(record: SessionRecord, moment: Moment, threeDs: ThreeDsAnswer = 'passed'): Outcome {
  const { session } = record;
  if (session.paymentType === 'MULTIPLE')
    return { refused: 422, message: 'a static session is paid with a simulated payment of an amount' };
  const charge = openCharge(session);
  if (!waitsForCustomer(record, charge))
    return refuseState(session, 'paid', 'only a session in REQUIRE_ACTION waits for the customer');
  const next = clone(record);
  const nextCharge = openCharge(next.session)!;
  const callbacks: Moved['callbacks'] = [];
  const type = next.session.paymentMethod.type as string;
  const { now, ids } = moment;
  if (familyOf(type) === 'pull' && next.session.status !== 'PROCESSING') {
    nextCharge.status = 'PROCESSING';
    next.session.status = 'PROCESSING';
    touch(next, now);
    callbacks.push(snapshot(next, 'PAYMENT.PROCESSING'));
  }
  if (type === 'CARD') return cardOutcome(next, nextCharge, callbacks, cardVerdict(cardSession(next), threeDs), moment);
  if (familyOf(type) === 'pull') {
    nextCharge.status = 'PROCESSING';
    nextCharge.authorizedAmount = clone(nextCharge.amount);
  }
  settle(next, nextCharge, nextCharge.amount, now);
  callbacks.push(snapshot(next, 'PAYMENT.PAID'));
  return { record: next, callbacks, saved: savedMethod(next, nextCharge, ids, now), cause: 'the customer paid' };
}

/** A card charge after 3DS: authorised (captured now or later), declined, or deferred by FDS. */
function cardOutcome(
  next: SessionRecord,
  charge: Json,
  callbacks: Moved['callbacks'],
  verdict: CardVerdict,
  moment: Moment,
): Outcome {
  const { now, ids } = moment;
  const session = cardSession(next);
  const card = cardOf(session);
  charge.card = cardChargeData(session, verdict, ids, charge.amount, next.internal.storedCard?.fingerprint ?? ids.uuid());
  const paidWith = `${maskedCard(card)}${verdict.threeDs === 'none' ? '' : ` (3DS ${verdict.threeDs})`}`;
  const { result } = verdict;
  if (result.kind === 'failure') {
    const fds = riskAssessment(iso(now), result.fdsRejected === true);
    const ended = endUnpaid(next, 'failed', moment, {
      card: charge.card,
      fdsRiskAssessment: fds,
      failureCode: result.failureCode,
      failureMessage: result.failureMessage,
    });
    if (isRefused(ended)) return ended;
    return { ...ended, callbacks: [...callbacks, ...ended.callbacks], cause: `${paidWith}: declined, ${result.failureCode}` };
  }
  if (result.kind === 'review') {
    // decision `require-review`: held PROCESSING until the review ends (`resolveReview`).
    charge.status = 'PROCESSING';
    charge.failureCode = result.failureCode;
    charge.failureMessage = result.failureMessage;
    charge.updatedAt = iso(now);
    next.session.status = 'PROCESSING';
    next.session.investigationStatus = 'INVESTIGATION_IN_PROCESS';
    touch(next, now);
    return { record: next, callbacks, cause: `${paidWith}: deferred by FDS for review (REQUIRE_REVIEW)` };
  }
  charge.status = 'PROCESSING';
  charge.authorizedAmount = clone(charge.amount);
  charge.fdsRiskAssessment = riskAssessment(iso(now));
  if (next.internal.captureMethod === 'manual') {
    // State and Status › Pull: "Merchant chooses to manually capture" → PROCESSING / WAITING_FOR_CAPTURE.
    charge.status = 'WAITING_FOR_CAPTURE';
    charge.captureHistories = [];
    charge.updatedAt = iso(now);
    return { record: next, callbacks, cause: `${paidWith}: authorised, waiting for capture` };
  }
  settle(next, charge, charge.amount, now);
  callbacks.push(snapshot(next, 'PAYMENT.PAID'));
  return { record: next, callbacks, saved: savedMethod(next, charge, ids, now), cause: `the customer paid with ${paidWith}` };
}

/**
 * The end of an FDS review (decision `require-review`): approved, the charge is authorised and goes on
 * as any authorised card charge (INVESTIGATION_SUCCESS); rejected, it fails with REQUIRE_REVIEW and the
 * session ends EXPIRED (INVESTIGATION_FAILED). Payment Session Object › investigationStatus.
 */
export function resolveReview(record: SessionRecord, approved: boolean, moment: Moment): Outcome {
  const { session } = record;
  const charge = openCharge(session);
  if (session.investigationStatus !== 'INVESTIGATION_IN_PROCESS' || !charge)
    return refuseState(session, 'reviewed', 'only a card charge deferred by FDS (REQUIRE_REVIEW) waits for a review');
  const next = clone(record);
  const nextCharge = openCharge(next.session)!;
  const { now, ids } = moment;
  if (!approved) {
    next.session.investigationStatus = 'INVESTIGATION_FAILED';
    const ended = endUnpaid(next, 'failed', moment, {
      fdsRiskAssessment: riskAssessment(iso(now), true),
      failureCode: nextCharge.failureCode,
      failureMessage: nextCharge.failureMessage,
    });
    return isRefused(ended) ? ended : { ...ended, cause: 'the FDS review rejected the charge' };
  }
  next.session.investigationStatus = 'INVESTIGATION_SUCCESS';
  nextCharge.failureCode = null;
  nextCharge.failureMessage = null;
  nextCharge.card = { ...nextCharge.card, authorizationResult: authorization(ids, nextCharge.amount) };
  nextCharge.authorizedAmount = clone(nextCharge.amount);
  nextCharge.fdsRiskAssessment = riskAssessment(iso(now));
  if (next.internal.captureMethod === 'manual') {
    nextCharge.status = 'WAITING_FOR_CAPTURE';
    nextCharge.captureHistories = [];
    nextCharge.updatedAt = iso(now);
    touch(next, now);
    return { record: next, callbacks: [], cause: 'the FDS review approved the charge; waiting for capture' };
  }
  settle(next, nextCharge, nextCharge.amount, now);
  return {
    record: next,
    callbacks: [snapshot(next, 'PAYMENT.PAID')],
    saved: savedMethod(next, nextCharge, ids, now),
    cause: 'the FDS review approved the charge',
  };
}

/** A charge becomes SUCCESS and its session PAID (State and Status: "Payment is successfully captured"). */
function settle(record: SessionRecord, charge: Json, captured: Json, now: number): void {
  charge.status = 'SUCCESS';
  charge.authorizedAmount ??= clone(charge.amount);
  charge.capturedAmount = clone(captured);
  charge.isCaptured = true;
  charge.paidAt = iso(now);
  charge.updatedAt = iso(now);
  charge.fdsRiskAssessment ??= riskAssessment(iso(now));
  record.session.status = 'PAID';
  touch(record, now);
}

/** Create Payment Session › saveForFutureUse: a token is stored "whenever the charge is SUCCESS" (CARD, EWALLET). */
function savedMethod(record: SessionRecord, charge: Json, ids: IdSource, now: number): SavedMethod | undefined {
  const { session } = record;
  const wantsSave = session.saveForFutureUse === true || session.initiateFirstAuthorization === true;
  if (!wantsSave || record.internal.storedCard || session.paymentMethod?.type !== 'CARD' || !charge.card) return undefined;
  const card = charge.card;
  return {
    customerId: session.customerId,
    recurringId: session.recurringId,
    method: {
      token: ids.uuid(),
      paymentMethod: 'CARD',
      paymentChannel: card.binInformations.brand,
      status: 'ACTIVE',
      createdAt: iso(now),
      card: {
        fingerprint: card.fingerprint,
        network: card.binInformations.brand,
        first6: card.first6,
        first8: card.first8,
        last4: card.last4,
        expMonth: card.expMonth,
        expYear: card.expYear,
      },
    },
  };
}

/** A static session's payment: one more SUCCESS charge, the session stays ACTIVE (CHARGE.SUCCESS; decision `static-amounts`). */
export function staticPayment(record: SessionRecord, amount: Json | undefined, moment: Moment): Outcome {
  const { session } = record;
  if (session.status !== 'ACTIVE') return refuseState(session, 'paid', 'only an ACTIVE static session takes payments');
  // Payment Simulation › amount: "Mandatory if Payment Type is MULTIPLE".
  if (amount === undefined) return { refused: 400, field: 'amount', message: 'amount is required for a MULTIPLE session' };
  const closed = session.amount.value > 0;
  if (closed && (amount.value !== session.amount.value || amount.currency !== session.amount.currency))
    return {
      refused: 400,
      field: 'amount.value',
      message: `amount.value must be ${session.amount.value} ${session.amount.currency}: the amount of this closed static session`,
    };
  const next = clone(record);
  const charge = newCharge(next.session, moment.ids, moment.now, amount);
  const reusable = next.session.paymentMethod.virtualAccount ?? next.session.paymentMethod.qr;
  if (next.session.paymentMethod.type === 'VIRTUAL_ACCOUNT') charge.virtualAccount = clone(reusable);
  else charge.qr = clone(reusable);
  settleCharge(charge, amount, moment.now);
  next.session.chargeDetails = [...(next.session.chargeDetails ?? []), charge];
  touch(next, moment.now);
  return {
    record: next,
    callbacks: [snapshot(next, 'CHARGE.SUCCESS')],
    cause: `a payment of ${amount.value} ${amount.currency}`,
  };
}

function settleCharge(charge: Json, amount: Json, now: number): void {
  charge.status = 'SUCCESS';
  charge.authorizedAmount = clone(amount);
  charge.capturedAmount = clone(amount);
  charge.isCaptured = true;
  charge.paidAt = iso(now);
  charge.updatedAt = iso(now);
  charge.fdsRiskAssessment = riskAssessment(iso(now));
}

/**
 * The session ends without payment: expired on the clock or by `simulatePayment` EXPIRED, the customer
 * left the page (charges EXPIRED), or failed to pay (the charge FAILED). State and Status › Post-charge:
 * EXPIRED / EXPIRED and EXPIRED / FAILED. Callback PAYMENT.CANCELLED (decision `expiry-callback-event`).
 */
export function endUnpaid(record: SessionRecord, reason: 'expired' | 'failed', moment: Moment, failure?: Json): Outcome {
  const { session } = record;
  if (!canEndUnpaid(session, reason))
    return refuseState(session, reason === 'failed' ? 'failed' : 'expired', 'only a session waiting for payment can end unpaid');
  const next = clone(record);
  for (const charge of (next.session.chargeDetails ?? []) as Json[]) {
    if (['SUCCESS', 'EXPIRED', 'FAILED'].includes(charge.status)) continue;
    charge.status = reason === 'failed' ? 'FAILED' : 'EXPIRED';
    charge.updatedAt = iso(moment.now);
    if (reason === 'failed')
      Object.assign(
        charge,
        failure ?? {
          failureCode: 'DECLINED_BY_CHANNEL', // decision `failed-payment`
          failureMessage: 'The transaction was declined by the channel',
        },
      );
  }
  next.session.status = 'EXPIRED';
  touch(next, moment.now);
  const cause =
    reason === 'expired' ? 'the session expired' : `the payment failed (${failure?.failureCode ?? 'DECLINED_BY_CHANNEL'})`;
  return { record: next, callbacks: [snapshot(next, 'PAYMENT.CANCELLED')], cause };
}

/**
 * Whether a session can still end unpaid: it waits for the merchant or the customer (decision
 * `timeout-is-expired`), or a card charge is still being decided (in 3DS, or in flight: it can fail; only
 * a card left in 3DS expires).
 */
function canEndUnpaid(session: Json, reason: 'expired' | 'failed'): boolean {
  if (EXPIRABLE.has(session.status)) return true;
  if (session.status !== 'PROCESSING') return false;
  const charge = openCharge(session);
  if (charge?.status === 'WAITING_FOR_AUTHENTICATION') return true;
  return reason === 'failed' && charge?.status === 'PROCESSING';
}

/** Whether the clock has passed the session's `expiryAt` while it still waits. */
export function isDue(record: SessionRecord, now: number): boolean {
  const expiry = record.session.expiryAt;
  return (
    typeof expiry === 'string' &&
    record.session.paymentType !== 'MULTIPLE' &&
    canEndUnpaid(record.session, 'expired') &&
    Date.parse(expiry) <= now
  );
}

// ---------------------------------------------------------------------------------------------
// Merchant operations on an existing session
// ---------------------------------------------------------------------------------------------

/** Cancel Payment Session: only from REQUIRE_CONFIRMATION or REQUIRE_PAYMENT_METHOD (the page's hint). */
export function cancelSession(record: SessionRecord, reason: string, moment: Moment): Outcome {
  const { session } = record;
  if (!CANCELLABLE.has(session.status))
    return refuseState(session, 'cancelled', 'cancellation needs REQUIRE_CONFIRMATION or REQUIRE_PAYMENT_METHOD');
  const next = clone(record);
  next.session.status = 'CANCELLED';
  next.session.cancelledAt = iso(moment.now);
  next.session.cancellationReason = reason;
  next.session.expiryAt = iso(moment.now); // as the documented cancel response shows
  touch(next, moment.now);
  return { record: next, callbacks: [snapshot(next, 'PAYMENT.CANCELLED')], cause: `cancelled (${reason})` };
}

/**
 * Capture: a manually captured card charge (WAITING_FOR_CAPTURE) is captured in full or in part; with
 * `releaseRemainingAmount` the rest is voided and the session is PAID, without it the charge waits for
 * the next capture until the whole authorized amount is captured.
 */
export function captureSession(record: SessionRecord, body: Json, moment: Moment): Outcome {
  const { session } = record;
  const charge = (session.chargeDetails as Json[] | null)?.find((candidate) => candidate.status === 'WAITING_FOR_CAPTURE');
  if (!charge)
    return refuseState(session, 'captured', 'only a card charge in WAITING_FOR_CAPTURE (captureMethod manual) can be captured');
  const authorized = charge.authorizedAmount as Json;
  const capturedSoFar = (charge.capturedAmount?.value as number | undefined) ?? 0;
  const remaining = authorized.value - capturedSoFar;
  const amount = body.amount ?? { value: remaining, currency: authorized.currency };
  if (amount.currency !== authorized.currency)
    return {
      refused: 400,
      field: 'amount.currency',
      message: `amount.currency must be ${authorized.currency}, the currency of the charge`,
    };
  if (amount.value > remaining)
    return {
      refused: 400,
      field: 'amount.value',
      message: `amount.value must be at most ${remaining}: the authorized amount not captured yet`,
    };
  const next = clone(record);
  const nextCharge = (next.session.chargeDetails as Json[]).find((candidate) => candidate.id === charge.id)!;
  const { now, ids } = moment;
  const captureId = ids.uuid();
  const total = capturedSoFar + amount.value;
  nextCharge.captureHistories = [
    ...(nextCharge.captureHistories ?? []),
    { captureId, currency: amount.currency, capturedAmount: amount.value, status: 'SUCCESS', createdAt: iso(now) },
  ];
  nextCharge.capturedAmount = { value: total, currency: amount.currency };
  nextCharge.updatedAt = iso(now);
  const answer = {
    id: captureId,
    paymentSessionId: session.id,
    paymentSessionClientReferenceId: session.clientReferenceId,
    releaseRemainingAmount: body.releaseRemainingAmount,
    amount: clone(amount),
    status: 'PENDING', // the documented capture response, settled at once (decision `capture-settles-at-once`)
    createdAt: iso(now),
    updatedAt: iso(now),
  };
  touch(next, now);
  const cause = `captured ${amount.value} ${amount.currency}${body.releaseRemainingAmount === true ? ', the rest released' : ''}`;
  if (body.releaseRemainingAmount !== true && total < authorized.value) return { record: next, callbacks: [], answer, cause };
  settle(next, nextCharge, { value: total, currency: amount.currency }, now);
  return {
    record: next,
    callbacks: [snapshot(next, 'PAYMENT.PAID')],
    answer,
    saved: savedMethod(next, nextCharge, ids, now),
    cause,
  };
}

/** A 422 naming the session's status (Response › 422 "Valid request, invalid state"; decision `invalid-state-is-422`). */
function refuseState(session: Json, verb: string, rule: string): Refused {
  const final = TERMINAL.has(session.status) ? ' (a final status)' : '';
  return {
    refused: 422,
    message: `The payment session ${session.id} is ${session.status}${final} and cannot be ${verb}: ${rule}`,
  };
}
