/**
 * What the sandbox's pages say instead of raw values: amounts in Rupiah, statuses and dates in words,
 * banks and e-wallets by name. Dates are shown in Western Indonesian Time (WIB, Asia/Jakarta), the time a
 * Pivot customer reads.
 */

type Json = Record<string, any>;

const ZONE = 'Asia/Jakarta';

/** `Rp 10.000` (Indonesian grouping), or the currency and value for another currency. */
export function rupiah(amount: Json | undefined | null): string {
  if (!amount) return '';
  const value = Number(amount.value);
  if (amount.currency === 'IDR') return `Rp ${value.toLocaleString('id-ID', { maximumFractionDigits: 2 })}`;
  return `${amount.currency} ${value.toLocaleString('en-US', { maximumFractionDigits: 2 })}`;
}

/** Payment Session statuses (State and Status), as a customer or a tester reads them. */
const SESSION_STATUS: Record<string, string> = {
  REQUIRE_PAYMENT_METHOD: 'Choose how to pay',
  REQUIRE_CONFIRMATION: 'Waiting for the merchant to confirm',
  REQUIRE_ACTION: 'Waiting for your payment',
  ACTIVE: 'Open for payments',
  PROCESSING: 'Processing the payment',
  PAID: 'Paid',
  CANCELLED: 'Cancelled',
  EXPIRED: 'Expired',
};

const CHARGE_STATUS: Record<string, string> = {
  WAITING_FOR_USER_ACTION: 'Waiting for the customer',
  WAITING_FOR_AUTHENTICATION: 'Waiting for 3DS authentication',
  PROCESSING: 'Processing',
  WAITING_FOR_CAPTURE: 'Authorised, waiting for capture',
  SUCCESS: 'Succeeded',
  EXPIRED: 'Expired',
  FAILED: 'Failed',
};

const REFUND_STATUS: Record<string, string> = {
  PENDING: 'Pending',
  WAITING_BANK_TRANSFER: 'Waiting for the bank transfer',
  SUCCESS: 'Refunded',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};

const DELIVERY_STATE: Record<string, string> = {
  pending: 'Sending',
  delivered: 'Delivered',
  retrying: 'Retrying',
  manual_retry: 'Needs a manual retry',
  failed: 'Refused by the endpoint',
  no_callback_url: 'Recorded (no callback URL)',
};

function words(table: Record<string, string>, value: unknown): string {
  return table[String(value)] ?? String(value ?? '—');
}

export const sessionStatusInWords = (status: unknown) => words(SESSION_STATUS, status);
export const chargeStatusInWords = (status: unknown) => words(CHARGE_STATUS, status);
export const refundStatusInWords = (status: unknown) => words(REFUND_STATUS, status);
export const deliveryStateInWords = (state: unknown) => words(DELIVERY_STATE, state);

const DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** `2 December 2026 at 14:09 WIB`; `—` for no date. */
export function dateInWords(iso: string | null | undefined): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return '—';
  const ms = Date.parse(iso);
  if (ms < Date.UTC(1000, 0, 1)) return 'never'; // Go's zero time: a static VA's expiry
  return `${DATE.format(ms).replace(', ', ' at ')} WIB`;
}

/** `14:09:05 WIB`: the time of day of a moment, in sandbox time. */
export function timeOfDay(ms: number): string {
  return `${TIME.format(ms)} WIB`;
}

/** `in 14 minutes`, `in 2 hours`, `5 minutes ago`: how far a moment is from another. */
export function relativeInWords(targetMs: number, nowMs: number): string {
  const seconds = Math.round((targetMs - nowMs) / 1000);
  const abs = Math.abs(seconds);
  const [count, unit] =
    abs < 90
      ? [abs, 'second']
      : abs < 5400
        ? [Math.round(abs / 60), 'minute']
        : abs < 129_600
          ? [Math.round(abs / 3600), 'hour']
          : [Math.round(abs / 86_400), 'day'];
  const text = `${count} ${unit}${count === 1 ? '' : 's'}`;
  return seconds >= 0 ? `in ${text}` : `${text} ago`;
}

/** Virtual Account Charge Object › channel: the banks by the names their customers know. */
const BANKS: Record<string, string> = {
  BCA: 'BCA',
  BNI: 'BNI',
  BRI: 'BRI',
  BSI: 'Bank Syariah Indonesia',
  CIMB: 'CIMB Niaga',
  DANAMON: 'Danamon',
  MANDIRI: 'Bank Mandiri',
  PERMATA: 'PermataBank',
  BNC: 'Bank Neo Commerce',
};

/** The banks the hosted page offers for a virtual account (the documented values of the channel). */
export const VIRTUAL_ACCOUNT_BANKS = Object.keys(BANKS);

export function bankName(channel: string | undefined): string {
  return BANKS[channel ?? ''] ?? channel ?? 'the bank';
}

/** EwalletChannel: DANA, OVO, SHOPEEPAY. */
const EWALLETS: Record<string, string> = { DANA: 'DANA', OVO: 'OVO', SHOPEEPAY: 'ShopeePay' };
export const EWALLET_CHANNELS = Object.keys(EWALLETS);

export function ewalletName(channel: string | undefined): string {
  return EWALLETS[channel ?? ''] ?? channel ?? 'the e-wallet';
}

/** A payment method as a person names it: "Card", "BCA virtual account", "QRIS", "DANA". */
export function methodInWords(session: Json): string {
  const type = session.paymentMethod?.type as string | undefined;
  const charge = (session.chargeDetails as Json[] | null)?.at(-1);
  switch (type) {
    case 'CARD':
      return charge?.card?.last4
        ? `Card ${charge.card.binInformations?.brand ?? ''} •••• ${charge.card.last4}`.replace('  ', ' ')
        : 'Card';
    case 'VIRTUAL_ACCOUNT': {
      const channel = charge?.virtualAccount?.channel ?? session.paymentMethod?.virtualAccount?.channel;
      return channel ? `${bankName(channel)} virtual account` : 'Virtual account';
    }
    case 'QR':
      return 'QRIS';
    case 'EWALLET':
      return charge?.ewallet?.channel ? ewalletName(charge.ewallet.channel) : 'E-wallet';
    default:
      return 'Not chosen yet';
  }
}
