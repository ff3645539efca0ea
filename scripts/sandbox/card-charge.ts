/**
 * What a card charge shows once the card is known: the card's digits and BIN information, the 3DS
 * result, the authorization and the FDS assessment, for the outcome the docs' test-card table gives the
 * card (`test-cards.ts`). Pure: the state machine (`lifecycle.ts`) decides when, this module what.
 *
 * - Card Charge Object (https://pivot-payment.gitbook.io/pivot-docs/api-references/payments-v.2/object/charge-object/card-charge-object):
 *   `threeDsResult` SUCCESSFUL [ECI 02 / 05], FAILED [ECI 00 / 07]; the examples spell it
 *   `AUTHENTICATION_SUCCESSFUL` (the spec's `threeds-result-spelling`), and so does the sandbox.
 * - FDS Object (…/payments-v.2/object/fds-object): `status` PASSED / REJECTED, `recommendation` Approve / Reject.
 * - Payment Simulation › Cards: "Need Mock 3DS" decides whether the customer meets a challenge.
 */
import type { IdSource } from './ids.ts';
import { DEFAULT_TEST_CARD, defaultCard, scenarioOf, storedAsEntered, type CardResult, type EnteredCard } from './test-cards.ts';

type Json = Record<string, any>;

/** The customer's answer to a 3DS challenge. */
export type ThreeDsAnswer = 'passed' | 'failed';

/** What the sandbox knows about a card session, from its stored record. */
export interface CardSession {
  threeDsMethod: string;
  merchantInitiated: boolean;
  /** The card presented (page form, API number, decrypted `encryptedCard`). */
  card?: EnteredCard;
  /** The stored card of a token or a recurring id. */
  storedCard?: Json;
}

/** The card a charge is made with: the one presented, else the stored one, else the first test card. */
export function cardOf(session: CardSession): EnteredCard {
  if (session.card) return session.card;
  if (session.storedCard) return storedAsEntered(session.storedCard);
  return defaultCard();
}

/** Whether 3DS runs at all: not for `threeDsMethod: NEVER` (non-3DS) nor a merchant-initiated charge. */
export function runsThreeDs(session: CardSession): boolean {
  return session.threeDsMethod !== 'NEVER' && !session.merchantInitiated;
}

/**
 * Whether the customer meets a challenge page: `threeDsMethod: CHALLENGE`, or a card whose row says
 * "Need Mock 3DS: Yes" (decision `three-ds-challenge`).
 */
export function needsChallenge(session: CardSession): boolean {
  if (!runsThreeDs(session)) return false;
  return session.threeDsMethod === 'CHALLENGE' || scenarioOf(cardOf(session)).challenge;
}

export interface CardVerdict {
  /** The 3DS outcome: none when 3DS did not run. */
  threeDs: 'passed' | 'failed' | 'none';
  result: CardResult;
}

/** The authentication-failure row of the table: what a failed challenge gives any card. */
const AUTHENTICATION_FAILED: CardResult = {
  kind: 'failure',
  failureCode: 'AUTHENTICATION_FAILED',
  failureMessage: 'The 3DS attempt was rejected by the issuer',
  threeDsFailed: true,
};

/**
 * The outcome of a card: its row of the table decides, after 3DS. A challenge the customer fails is
 * AUTHENTICATION_FAILED whatever the card; a card of the AUTHENTICATION_FAILED row fails its 3DS even
 * when the customer passes the challenge (the issuer rejects it).
 */
export function cardVerdict(session: CardSession, answer: ThreeDsAnswer = 'passed'): CardVerdict {
  const scenario = scenarioOf(cardOf(session));
  const threeDsRan = runsThreeDs(session);
  if (threeDsRan && answer === 'failed') return { threeDs: 'failed', result: AUTHENTICATION_FAILED };
  const result = scenario.result;
  const threeDsFailed = result.kind === 'failure' && result.threeDsFailed === true;
  return { threeDs: threeDsRan ? (threeDsFailed ? 'failed' : 'passed') : 'none', result };
}

/** ECI of a 3DS outcome by network: Mastercard 02 / 00, Visa and the others 05 / 07 (Card Charge Object › eciCode). */
function eciCode(brand: string, passed: boolean): string {
  if (brand === 'MASTERCARD') return passed ? '02' : '00';
  return passed ? '05' : '07';
}

/**
 * The charge's `card` object: the digits and BIN of the card, the 3DS result when 3DS ran, the
 * authorization when the issuer authorised it.
 */
export function cardChargeData(
  session: CardSession,
  verdict: CardVerdict,
  ids: IdSource,
  amount: Json,
  fingerprint: string,
): Json {
  const card = cardOf(session);
  const authorised = verdict.result.kind === 'success';
  return {
    first6: card.first6,
    first8: card.first8,
    last4: card.last4,
    expMonth: card.expMonth,
    expYear: card.expYear,
    fingerprint,
    binInformations: { type: 'CREDIT', issuingBank: 'PIVOT SANDBOX BANK', brand: card.brand, country: 'ID' },
    authenticationResult:
      verdict.threeDs === 'none'
        ? null
        : {
            threeDsVersion: '2.2.0',
            threeDsResult: verdict.threeDs === 'passed' ? 'AUTHENTICATION_SUCCESSFUL' : 'AUTHENTICATION_FAILED',
            threeDsMethod: session.threeDsMethod,
            eciCode: eciCode(card.brand, verdict.threeDs === 'passed'),
          },
    authorizationResult: authorised ? authorization(ids, amount) : null,
  };
}

/** The issuer's authorization of an amount (Card Charge Object › authorizationResult). */
export function authorization(ids: IdSource, amount: Json): Json {
  return {
    acquirerReferenceNumber: ids.digits(23),
    retrievalReferenceNumber: ids.digits(12),
    stan: ids.digits(6),
    authorizedAmount: { ...amount },
    issuerAuthorizationCode: ids.digits(6),
  };
}

/** FDS Object: a low-risk PASSED assessment, or the REJECTED one of a BLOCKED_BY_FDS card or a rejected review. */
export function riskAssessment(evaluatedAt: string, rejected = false): Json {
  return rejected
    ? { score: '95', level: 'HIGH', recommendation: 'Reject', status: 'REJECTED', evaluatedAt }
    : { score: '0', level: 'LOW', recommendation: 'Approve', status: 'PASSED', evaluatedAt };
}

/** The masked card a person sees: `VISA •••• 0001`. */
export function maskedCard(card: { brand?: string; network?: string; last4: string }): string {
  return `${card.brand ?? card.network ?? 'CARD'} •••• ${card.last4}`;
}

/** The row a card matched, for words on a page ("Charge Success - 3DS (Frictionless)"). */
export function scenarioName(card: EnteredCard): string {
  return card.testCard ? scenarioOf(card).scenario : `not a test card: ${DEFAULT_TEST_CARD.scenario}`;
}
