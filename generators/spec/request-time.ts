/**
 * The one form of a time in the contract that a merchant may send and get back: UTC, whole seconds,
 * `YYYY-MM-DDTHH:MM:SSZ` (`RequestDateTime`). The docs give this format for the times a merchant
 * sends (Create Payment Session › expiryAt; Payment Method Options object › virtualAccount / ewallet /
 * qr expiryAt) and for the times Pivot answers (Charge object › createdAt, updatedAt, paidAt; Virtual
 * Account Charge object › expiryAt; FDS object › evaluatedAt: "format YYYY-MM-DDTHH:MM:SSZ"). The
 * sandbox answers every time in it, so any time it answers can be sent back (decision
 * `timestamps-whole-seconds` in spec/errata/register.yaml); `verify` writes the times it moves in it.
 * https://pivot-payment.gitbook.io/pivot-docs/api-references/api-lists/payments/object/charge-object
 */

/** `RequestDateTime`'s pattern: what a request's time must look like. */
export const REQUEST_TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$/;

/** `2026-12-07T15:33:47Z` for a time in ms since the epoch: the fraction of the second is dropped. */
export function requestTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
