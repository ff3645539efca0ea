/**
 * Refunds, as pure functions: a refund of a paid session's charge is created PENDING and moves along
 * the refund statuses on the sandbox clock, each move posting a `REFUND.<status>` callback that carries
 * the Refund object (Refund Object, Refund Callback pages:
 * https://pivot-payment.gitbook.io/pivot-docs/api-references/api-lists/refunds/refund-object and
 * …/refunds/refund-callback).
 *
 * - Statuses: PENDING, WAITING_BANK_TRANSFER, SUCCESS, FAILED, CANCELLED; reasons SUSPECT_FRAUDULENT,
 *   DUPLICATE, REQUESTED_BY_CUSTOMER, CANCELLATION, OTHERS (Detail Refund Object).
 * - `capturedAmount` is "Total captured amount … amount available to be refunded"; `isFullAmount` says the
 *   refund is the whole of it; `amount` is "Required if isFullAmount = false". Amounts are strings with two
 *   decimals (`"10000.00"`), as the refund pages write them.
 * - `method` AUTO refunds through the channel and TRANSFER_ONLY by bank transfer (Customer Object ›
 *   refundPreference); how long each status lasts is the sandbox's (decision `refund-progress`).
 * - A refund of a session that is not paid is 422 ("Valid request, invalid state", Response page); one
 *   beyond what is left to refund is 400 on `amount.value` (decision `refund-refusals`).
 */
import type { IdSource } from './ids.ts';

type Json = Record<string, any>;

export const REFUND_STATUSES = ['PENDING', 'WAITING_BANK_TRANSFER', 'SUCCESS', 'FAILED', 'CANCELLED'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];
export type RefundEvent = `REFUND.${RefundStatus}`;
export const REFUND_REASONS = ['SUSPECT_FRAUDULENT', 'DUPLICATE', 'REQUESTED_BY_CUSTOMER', 'CANCELLATION', 'OTHERS'] as const;

/** How long a refund stays in a status before its next one, in sandbox seconds (decision `refund-progress`). */
export const REFUND_STEP_SECONDS: Record<'PENDING' | 'WAITING_BANK_TRANSFER', number> = {
  PENDING: 60,
  WAITING_BANK_TRANSFER: 10 * 60,
};

/** A refund as the sandbox keeps it: the Refund object, and the statuses still ahead of it. */
export interface RefundRecord {
  refund: Json;
  /** The statuses it will still move through, in order; empty when it is final. */
  ahead: RefundStatus[];
  /** Sandbox time (ms) of its next move, or null when final. */
  nextAt: number | null;
}

/** What a refund request asks for (`POST /_sandbox/sessions/{id}/refunds`), checked. */
export interface RefundRequest {
  reason: (typeof REFUND_REASONS)[number];
  isFullAmount: boolean;
  /** In the session's currency; absent for a full refund. */
  amount?: { value: number; currency: string };
  clientReferenceId?: string;
  chargeId?: string;
  description?: string;
  metadata?: Json;
  transferDestination?: Json;
  /** How the refund ends in the sandbox: SUCCESS (default), FAILED or CANCELLED. */
  outcome: 'SUCCESS' | 'FAILED' | 'CANCELLED';
}

export interface RefundProblem {
  field: string;
  message: string;
}

const ALPHANUMERIC = /^[A-Za-z0-9]{1,100}$/;

/** A refund request checked field by field: the request, or every problem with it. */
export function checkRefundRequest(body: unknown): RefundRequest | { problems: RefundProblem[] } {
  const problems: RefundProblem[] = [];
  const input = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Json;
  const known = new Set([
    'reason',
    'isFullAmount',
    'amount',
    'clientReferenceId',
    'chargeId',
    'description',
    'metadata',
    'transferDestination',
    'outcome',
  ]);
  for (const key of Object.keys(input))
    if (!known.has(key)) problems.push({ field: key, message: `${key} is not a refund field` });
  if (!REFUND_REASONS.includes(input.reason))
    problems.push({ field: 'reason', message: `reason must be one of ${REFUND_REASONS.join(', ')}` });
  const isFullAmount = input.isFullAmount ?? input.amount === undefined;
  if (typeof isFullAmount !== 'boolean') problems.push({ field: 'isFullAmount', message: 'isFullAmount must be true or false' });
  let amount: RefundRequest['amount'];
  if (input.amount !== undefined) {
    const value = typeof input.amount?.value === 'string' ? Number(input.amount.value) : input.amount?.value;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
      problems.push({ field: 'amount.value', message: 'amount.value must be a positive amount' });
    else if (Math.round(value * 100) !== value * 100)
      problems.push({ field: 'amount.value', message: 'amount.value must have at most two decimals' });
    if (typeof input.amount?.currency !== 'string' || !/^[A-Z]{3}$/.test(input.amount.currency))
      problems.push({ field: 'amount.currency', message: 'amount.currency must be an ISO 4217 code' });
    amount = { value: Number(value), currency: String(input.amount?.currency) };
  }
  // Refund Object › amount: "Required if isFullAmount = false".
  if (isFullAmount === false && input.amount === undefined)
    problems.push({ field: 'amount', message: 'amount is required when isFullAmount is false' });
  if (isFullAmount === true && input.amount !== undefined)
    problems.push({
      field: 'amount',
      message: 'amount must be left out when isFullAmount is true: the whole captured amount is refunded',
    });
  if (
    input.clientReferenceId !== undefined &&
    !(typeof input.clientReferenceId === 'string' && ALPHANUMERIC.test(input.clientReferenceId))
  )
    problems.push({ field: 'clientReferenceId', message: 'clientReferenceId must be 1–100 letters and digits' });
  if (input.chargeId !== undefined && typeof input.chargeId !== 'string')
    problems.push({ field: 'chargeId', message: 'chargeId must be a charge id' });
  if (input.description !== undefined && !(typeof input.description === 'string' && input.description.length <= 50))
    problems.push({ field: 'description', message: 'description must be a text of at most 50 characters' });
  if (
    input.metadata !== undefined &&
    (typeof input.metadata !== 'object' || input.metadata === null || Array.isArray(input.metadata))
  )
    problems.push({ field: 'metadata', message: 'metadata must be an object' });
  const destination = input.transferDestination;
  if (
    destination !== undefined &&
    !(
      typeof destination?.channelCode === 'string' &&
      typeof destination?.channelInformation?.accountNumber === 'string' &&
      typeof destination?.channelInformation?.accountName === 'string'
    )
  )
    problems.push({
      field: 'transferDestination',
      message: 'transferDestination needs channelCode and channelInformation.accountNumber / accountName',
    });
  const outcome = input.outcome ?? 'SUCCESS';
  if (!['SUCCESS', 'FAILED', 'CANCELLED'].includes(outcome))
    problems.push({ field: 'outcome', message: 'outcome must be SUCCESS, FAILED or CANCELLED' });
  if (problems.length > 0) return { problems };
  return {
    reason: input.reason,
    isFullAmount,
    ...(amount ? { amount } : {}),
    ...(input.clientReferenceId !== undefined ? { clientReferenceId: input.clientReferenceId } : {}),
    ...(input.chargeId !== undefined ? { chargeId: input.chargeId } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.metadata !== undefined ? { metadata: input.metadata } : {}),
    ...(destination !== undefined ? { transferDestination: destination } : {}),
    outcome,
  };
}

/** `"10000.00"`: a refund page's amount (RefundAmount: a string with two decimals). */
export function refundAmount(value: number, currency: string): Json {
  return { currency, value: value.toFixed(2) };
}

/** What a refund leaves: the refund, the callback it causes, or a refusal. */
export type RefundOutcome =
  | { refunds: RefundRecord[]; callbacks: Array<{ event: RefundEvent; refund: Json }>; cause: string }
  | { refused: 400 | 404 | 409 | 422; message: string; field?: string };

function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/** Cents of a money value, so sums of partial refunds add up exactly. */
function cents(value: number | string): number {
  return Math.round(Number(value) * 100);
}

/** What is left to refund of a charge: its captured amount less every refund not FAILED or CANCELLED. */
export function refundable(charge: Json, refunds: RefundRecord[]): number {
  const captured = cents(charge.capturedAmount?.value ?? 0);
  const taken = refunds
    .filter(({ refund }) => refund.chargeId === charge.id && !['FAILED', 'CANCELLED'].includes(refund.status))
    .reduce((sum, { refund }) => sum + cents(refund.amount?.value ?? refund.capturedAmount.value), 0);
  return (captured - taken) / 100;
}

/** The path of statuses after PENDING: by the channel (card, e-wallet) or by bank transfer (VA, QR, TRANSFER_ONLY). */
function pathAfterPending(byTransfer: boolean, outcome: RefundRequest['outcome']): RefundStatus[] {
  if (outcome === 'CANCELLED') return ['CANCELLED'];
  return [...(byTransfer ? (['WAITING_BANK_TRANSFER'] as const) : []), outcome];
}

/**
 * A new refund of a session (its one successful charge, or `chargeId` of a static session's charges):
 * PENDING, with a REFUND.PENDING callback. `session` is the payment session, `refunds` those it has.
 */
export function createRefund(
  session: Json,
  refunds: RefundRecord[],
  request: RefundRequest,
  moment: { now: number; ids: IdSource },
): RefundOutcome {
  const paidCharges = ((session.chargeDetails ?? []) as Json[]).filter((charge) => charge.status === 'SUCCESS');
  if (!['PAID', 'ACTIVE'].includes(session.status) || paidCharges.length === 0)
    return {
      refused: 422,
      message: `The payment session ${session.id} is ${session.status} and cannot be refunded: only a paid session (PAID, or a static session's successful charge) has money to refund`,
    };
  let charge: Json | undefined;
  if (request.chargeId !== undefined) {
    charge = paidCharges.find((candidate) => candidate.id === request.chargeId);
    if (!charge)
      return {
        refused: 404,
        message: `The charge with ID ${request.chargeId} cannot be found among the successful charges of ${session.id}`,
      };
  } else if (paidCharges.length === 1) charge = paidCharges[0];
  else
    return { refused: 400, field: 'chargeId', message: 'chargeId is required: this session has more than one successful charge' };
  const target = charge!;
  if (
    request.clientReferenceId !== undefined &&
    refunds.some(({ refund }) => refund.clientReferenceId === request.clientReferenceId)
  )
    return { refused: 409, message: `A refund with clientReferenceId ${request.clientReferenceId} already exists` };
  const currency = target.capturedAmount.currency as string;
  const left = refundable(target, refunds);
  const already = refunds.some(({ refund }) => refund.chargeId === target.id && !['FAILED', 'CANCELLED'].includes(refund.status));
  if (request.isFullAmount && already)
    return {
      refused: 400,
      field: 'isFullAmount',
      message: `isFullAmount must be false: part of the captured amount is refunded already (${left.toFixed(2)} ${currency} left)`,
    };
  const value = request.isFullAmount ? left : request.amount!.value;
  if (request.amount && request.amount.currency !== currency)
    return { refused: 400, field: 'amount.currency', message: `amount.currency must be ${currency}, the currency of the charge` };
  if (cents(value) > cents(left) || cents(left) === 0)
    return {
      refused: 400,
      field: 'amount.value',
      message: `amount.value must be at most ${left.toFixed(2)}: the captured amount not refunded yet`,
    };
  const preference = (session.customer?.refundPreference ?? {}) as Json;
  const method = preference.method === 'TRANSFER_ONLY' ? 'TRANSFER_ONLY' : 'AUTO';
  const type = session.paymentMethod?.type as string;
  // A VA or QR payment has no channel to refund through: it is refunded by bank transfer.
  const byTransfer = method === 'TRANSFER_ONLY' || type === 'VIRTUAL_ACCOUNT' || type === 'QR';
  const destination = request.transferDestination ?? preference.transferDestination;
  if (byTransfer && !destination)
    return {
      refused: 400,
      field: 'transferDestination',
      message: `transferDestination is required: a ${method === 'TRANSFER_ONLY' ? 'TRANSFER_ONLY' : type} refund is paid by bank transfer and the customer has no refund account`,
    };
  const { now, ids } = moment;
  const refund: Json = {
    id: ids.uuid(),
    clientReferenceId: request.clientReferenceId ?? `${session.clientReferenceId}R${refunds.length + 1}`.slice(-100),
    paymentSessionId: session.id,
    chargeId: target.id,
    capturedAmount: refundAmount(Number(target.capturedAmount.value), currency),
    isFullAmount: request.isFullAmount,
    amount: refundAmount(value, currency),
    status: 'PENDING',
    reason: request.reason,
    ...(request.description !== undefined ? { description: request.description } : {}),
    destinationType: byTransfer ? 'ACCOUNT' : 'CHANNEL',
    method,
    ...(destination
      ? {
          transferDestination: {
            channelCode: destination.channelCode,
            channelInformation: {
              accountNumber: destination.channelInformation.accountNumber,
              accountName: destination.channelInformation.accountName,
            },
            description: destination.description ?? 'Refund Pivot',
          },
        }
      : {}),
    ...(request.metadata !== undefined ? { metadata: request.metadata } : {}),
    createdAt: isoOf(now),
    updatedAt: isoOf(now),
  };
  const record: RefundRecord = {
    refund,
    ahead: pathAfterPending(byTransfer, request.outcome),
    nextAt: now + REFUND_STEP_SECONDS.PENDING * 1000,
  };
  return {
    refunds: [...refunds, record],
    callbacks: [{ event: 'REFUND.PENDING', refund: structuredClone(refund) }],
    cause: `refund ${refund.amount.value} ${currency} requested (${request.reason}): PENDING`,
  };
}

/**
 * Every move the clock has made due: each refund takes the next status of its path when its time has
 * come (several, if the clock jumped), one REFUND.<status> callback per move. Unchanged refunds are
 * returned as they were.
 */
export function advanceRefunds(
  refunds: RefundRecord[],
  now: number,
): { refunds: RefundRecord[]; callbacks: Array<{ event: RefundEvent; refund: Json }>; causes: string[] } {
  const callbacks: Array<{ event: RefundEvent; refund: Json }> = [];
  const causes: string[] = [];
  const moved = refunds.map((record) => {
    if (record.nextAt === null || record.nextAt > now) return record;
    const next: RefundRecord = structuredClone(record);
    while (next.nextAt !== null && next.nextAt <= now && next.ahead.length > 0) {
      const status = next.ahead.shift()!;
      const at = next.nextAt;
      next.refund.status = status;
      next.refund.updatedAt = isoOf(at);
      callbacks.push({ event: `REFUND.${status}` as RefundEvent, refund: structuredClone(next.refund) });
      causes.push(`refund ${next.refund.id}: ${status}`);
      next.nextAt =
        status === 'WAITING_BANK_TRANSFER' && next.ahead.length > 0
          ? at + REFUND_STEP_SECONDS.WAITING_BANK_TRANSFER * 1000
          : null;
    }
    if (next.ahead.length === 0) next.nextAt = null;
    return next;
  });
  return { refunds: moved, callbacks, causes };
}

/** When the next refund of a session moves (sandbox ms), or null. */
export function nextRefundAt(refunds: RefundRecord[] | undefined): number | null {
  let next: number | null = null;
  for (const { nextAt } of refunds ?? []) if (nextAt !== null && (next === null || nextAt < next)) next = nextAt;
  return next;
}
