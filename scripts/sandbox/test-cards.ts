/**
 * The docs' test cards: one table that decides what a card does in the sandbox, wherever the card
 * enters (the hosted page's card form, a card number or an encrypted card in an API-mode create or
 * confirm, a stored token of such a card).
 *
 * Source: Payment Simulation › Simulate via Dashboard › Cards, both trees
 * (https://pivot-payment.gitbook.io/pivot-docs/api-references/api-lists/payments/payment-simulation and
 * …/payments-v.2/payment-simulation): Scenario, Need Mock 3DS, Visa, Mastercard, JCB. A failure scenario
 * is written "FAILURE_CODE - message"; the charge carries exactly that code and message.
 *
 * - The capture of the page ends inside the REQUIRE_REVIEW row, before its numbers: the sandbox uses the
 *   numbers the table's pattern gives (decision `require-review-test-cards`).
 * - Any other number succeeds, like the frictionless success card (decision `unknown-test-card`).
 */

export type CardBrand = 'VISA' | 'MASTERCARD' | 'JCB' | 'AMEX';

/** What a card does once the customer (or the merchant's server) presents it. */
export type CardResult =
  /** Authorised: SUCCESS (or WAITING_FOR_CAPTURE with manual capture). */
  | { kind: 'success' }
  /** Declined: the charge FAILED with the table's code and message. */
  | { kind: 'failure'; failureCode: string; failureMessage: string; threeDsFailed?: true; fdsRejected?: true }
  /** Deferred by FDS: the charge waits for a review (`investigationStatus`). */
  | { kind: 'review'; failureCode: string; failureMessage: string };

export interface TestCardScenario {
  /** A stable name for tests, the dashboard and the README. */
  id: string;
  /** The Scenario column, as the page writes it. */
  scenario: string;
  /** The "Need Mock 3DS" column: the customer meets a 3DS challenge page. */
  challenge: boolean;
  result: CardResult;
  numbers: Record<'VISA' | 'MASTERCARD' | 'JCB', string>;
}

function failure(
  failureCode: string,
  failureMessage: string,
  extra: { threeDsFailed?: true; fdsRejected?: true } = {},
): CardResult {
  return { kind: 'failure', failureCode, failureMessage, ...extra };
}

/** Payment Simulation › Cards, row by row. */
export const TEST_CARD_TABLE: readonly TestCardScenario[] = [
  {
    id: 'success-frictionless',
    scenario: 'Charge Success - 3DS (Frictionless)',
    challenge: false,
    result: { kind: 'success' },
    numbers: { VISA: '4440000112200001', MASTERCARD: '5550000112230001', JCB: '3550000112280001' },
  },
  {
    id: 'success-challenge',
    scenario: 'Charge Success - 3DS (Challenge)',
    challenge: true,
    result: { kind: 'success' },
    numbers: { VISA: '4440000112290002', MASTERCARD: '5550000112220002', JCB: '3550000112270002' },
  },
  {
    id: 'declined-by-channel',
    scenario: 'DECLINED_BY_CHANNEL - The transaction was declined by the channel',
    challenge: true,
    result: failure('DECLINED_BY_CHANNEL', 'The transaction was declined by the channel'),
    numbers: { VISA: '4440000334480001', MASTERCARD: '5550000334410001', JCB: '3550000334460001' },
  },
  {
    id: 'declined-card-expired',
    scenario: 'DECLINED_BY_CHANNEL - The transaction was declined by the issuer due to the card has already expired',
    challenge: true,
    result: failure('DECLINED_BY_CHANNEL', 'The transaction was declined by the issuer due to the card has already expired'),
    numbers: { VISA: '4440000334470002', MASTERCARD: '5550000334400002', JCB: '3550000334450002' },
  },
  {
    id: 'declined-invalid-cvv',
    scenario: 'DECLINED_BY_CHANNEL - The transaction was declined by the issuer due to the submitted CVV is invalid',
    challenge: true,
    result: failure('DECLINED_BY_CHANNEL', 'The transaction was declined by the issuer due to the submitted CVV is invalid'),
    numbers: { VISA: '4440000334460003', MASTERCARD: '5550000334490003', JCB: '3550000334440003' },
  },
  {
    id: 'invalid-account',
    scenario: 'INVALID_ACCOUNT - The transaction was declined by the issuer due to the card being marked as invalid',
    challenge: true,
    result: failure('INVALID_ACCOUNT', 'The transaction was declined by the issuer due to the card being marked as invalid'),
    numbers: { VISA: '4440000334450004', MASTERCARD: '5550000334480004', JCB: '3550000334430004' },
  },
  {
    id: 'authentication-failed',
    scenario: 'AUTHENTICATION_FAILED - The 3DS attempt was rejected by the issuer',
    challenge: true,
    result: failure('AUTHENTICATION_FAILED', 'The 3DS attempt was rejected by the issuer', { threeDsFailed: true }),
    numbers: { VISA: '4440000334440005', MASTERCARD: '5550000334470005', JCB: '3550000334420005' },
  },
  {
    id: 'suspected-fraud-stolen',
    scenario:
      'SUSPECTED_FRAUD - The transaction was declined by the issuer due to the card being marked as stolen or potential fraud',
    challenge: true,
    result: failure(
      'SUSPECTED_FRAUD',
      'The transaction was declined by the issuer due to the card being marked as stolen or potential fraud',
    ),
    numbers: { VISA: '4440000334430006', MASTERCARD: '5550000334460006', JCB: '3550000334410006' },
  },
  {
    id: 'suspected-fraud-blocked',
    scenario: 'SUSPECTED_FRAUD - The transaction was declined by channel due to the account being blocked or suspected as fraud',
    challenge: true,
    result: failure(
      'SUSPECTED_FRAUD',
      'The transaction was declined by channel due to the account being blocked or suspected as fraud',
    ),
    numbers: { VISA: '4440000334420007', MASTERCARD: '5550000334450007', JCB: '3550000334400007' },
  },
  {
    id: 'blocked-by-fds',
    scenario: 'BLOCKED_BY_FDS - The transaction was declined by FDS due to the transactions being categorized as high risk',
    challenge: true,
    result: failure(
      'BLOCKED_BY_FDS',
      'The transaction was declined by FDS due to the transactions being categorized as high risk',
      { fdsRejected: true },
    ),
    numbers: { VISA: '4440000334410008', MASTERCARD: '5550000334440008', JCB: '3550000334490008' },
  },
  {
    // decision `require-review-test-cards`: the numbers follow the table's pattern (the capture ends here).
    id: 'require-review',
    scenario: 'REQUIRE_REVIEW - The transaction was deferred by FDS',
    challenge: true,
    result: { kind: 'review', failureCode: 'REQUIRE_REVIEW', failureMessage: 'The transaction was deferred by FDS' },
    numbers: { VISA: '4440000334400009', MASTERCARD: '5550000334430009', JCB: '3550000334480009' },
  },
];

/** The first row: what a card that is not in the table does, and what the sandbox pays with when no card is given. */
export const DEFAULT_TEST_CARD = TEST_CARD_TABLE[0]!;

const BY_NUMBER = new Map(
  TEST_CARD_TABLE.flatMap((row) =>
    Object.entries(row.numbers).map(([brand, number]) => [number, { row, brand: brand as CardBrand }] as const),
  ),
);

/** The table row and brand of a full card number; undefined for a number the table does not list. */
export function testCardOf(number: string): { row: TestCardScenario; brand: CardBrand } | undefined {
  return BY_NUMBER.get(number);
}

/**
 * The table row of a card known only by its masked digits (a stored card: first 8 and last 4 digits).
 * The table's numbers differ in those twelve digits, so the match is exact for them.
 */
export function testCardOfMasked(first8: string, last4: string): TestCardScenario | undefined {
  for (const [number, { row }] of BY_NUMBER) if (number.startsWith(first8) && number.endsWith(last4)) return row;
  return undefined;
}

/** The scenario a card gives: its row, or the default row for any other card (decision `unknown-test-card`). */
export function scenarioOf(card: { testCard?: string | null }): TestCardScenario {
  return TEST_CARD_TABLE.find((row) => row.id === card.testCard) ?? DEFAULT_TEST_CARD;
}

/** The card network from the number's leading digits (IIN ranges of each network). */
export function brandOf(number: string): CardBrand | undefined {
  const known = BY_NUMBER.get(number);
  if (known) return known.brand;
  if (number.startsWith('4')) return 'VISA';
  const two = Number(number.slice(0, 2));
  const four = Number(number.slice(0, 4));
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return 'MASTERCARD';
  if (four >= 3528 && four <= 3589) return 'JCB';
  if (two === 34 || two === 37) return 'AMEX';
  return undefined;
}

/** The Luhn checksum every card number carries: a typo in one digit breaks it. */
export function passesLuhn(number: string): boolean {
  if (!/^[0-9]{12,19}$/.test(number)) return false;
  let sum = 0;
  for (let index = 0; index < number.length; index++) {
    let digit = Number(number[number.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * A card as the sandbox keeps it: never the full number or the CVC, only what a charge shows (first 6
 * and 8 digits, last 4, expiry, brand) and the table row the full number matched.
 */
export interface EnteredCard {
  first6: string;
  first8: string;
  last4: string;
  expMonth: string;
  expYear: string;
  brand: string;
  /** The table row's id, or null for a card the table does not list. */
  testCard: string | null;
  holderName?: string;
}

/** The card a customer or a merchant presented, as the sandbox keeps it. */
export function enterCard(number: string, expMonth: number | string, expYear: number | string, holderName?: string): EnteredCard {
  const known = testCardOf(number);
  return {
    first6: number.slice(0, 6),
    first8: number.slice(0, 8),
    last4: number.slice(-4),
    expMonth: String(expMonth).padStart(2, '0'),
    expYear: String(expYear).padStart(2, '0'),
    brand: known?.brand ?? brandOf(number) ?? 'VISA',
    testCard: known?.row.id ?? null,
    ...(holderName ? { holderName } : {}),
  };
}

/** A stored card (token) as an entered card: its row found by its masked digits. */
export function storedAsEntered(stored: Record<string, any>): EnteredCard {
  const first8 = String(stored.first8 ?? `${stored.first6}00`);
  return {
    first6: String(stored.first6),
    first8,
    last4: String(stored.last4),
    expMonth: String(stored.expMonth),
    expYear: String(stored.expYear),
    brand: String(stored.network ?? 'VISA'),
    testCard: testCardOfMasked(first8, String(stored.last4))?.id ?? null,
  };
}

/** The default card, entered: what "pay" without a card uses (the first test card, Visa). */
export function defaultCard(): EnteredCard {
  return enterCard(DEFAULT_TEST_CARD.numbers.VISA, 1, 39);
}
