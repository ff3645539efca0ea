/**
 * What sandbox time does to a stored session, as pure functions: when it is next due (its `expiryAt`
 * while it can still expire; the next move of one of its refunds) and the move the clock makes then
 * (State and Status › Post-charge for the expiry, `refunds.ts` for refunds). `state.ts` keeps each
 * session's due time on its row and runs these on the rows that come due.
 */
import { endUnpaid, isDue, type Moment, type Outcome, type SessionRecord } from './lifecycle.ts';
import { advanceRefunds, nextRefundAt } from './refunds.ts';

/**
 * When the clock next moves a stored session: its `expiryAt` while it can still expire (`isDue`), or the
 * next move of one of its refunds.
 */
export function dueOf(record: SessionRecord): number | null {
  const session = record.session;
  const refundAt = nextRefundAt(record.refunds);
  let expiry: number | null = null;
  if (typeof session.expiryAt === 'string' && session.paymentType !== 'MULTIPLE') {
    const ms = Date.parse(session.expiryAt);
    if (Number.isFinite(ms) && isDue(record, ms)) expiry = ms;
  }
  if (expiry === null) return refundAt;
  return refundAt === null ? expiry : Math.min(expiry, refundAt);
}

/** What the clock does to a due session: it expires, or its due refunds move on. */
export function clockMove(record: SessionRecord, now: number, moment: Moment): Outcome {
  if (isDue(record, now)) return endUnpaid(record, 'expired', moment);
  const at = nextRefundAt(record.refunds);
  if (at === null || at > now) return { refused: 422, message: 'no longer due' };
  const moved = advanceRefunds(record.refunds ?? [], now);
  return {
    record: { ...record, refunds: moved.refunds },
    callbacks: [],
    refundCallbacks: moved.callbacks,
    cause: moved.causes.join('; '),
  };
}
