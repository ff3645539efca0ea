/**
 * The docs' test cards through the API (Payment Simulation › Cards): every row and brand, as a card
 * number in an API-mode create (non-3DS), as an `encryptedCard` in a confirm (the encryption flow, then
 * 3DS on the sandbox's control route), and as stored tokens; each gives its documented outcome: charge
 * status, failure code and message as the table writes them, 3DS result, FDS assessment, investigation
 * status. Every answer and callback is validated strictly against the contract by the harness.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptCard } from '../../scripts/sandbox/card-encryption.ts';
import { TEST_CARD_TABLE, passesLuhn, type TestCardScenario } from '../../scripts/sandbox/test-cards.ts';
import { documentedRequest, startHarness, type Harness } from './harness.ts';

type Json = Record<string, any>;

let sandbox: Harness;
beforeAll(async () => {
  sandbox = await startHarness();
});
afterAll(async () => sandbox?.close());

const BRANDS = ['VISA', 'MASTERCARD', 'JCB'] as const;
/** Payment Method Object: the card holder's details come with a full card number (rule card-holder-with-full-card). */
const CARD_HOLDER = {
  cardHolderFirstName: 'Sandbox',
  cardHolderLastName: 'Tester',
  cardHolderEmail: 'tester@example.com',
  cardHolderPhone: '081299996666',
};
const cases = TEST_CARD_TABLE.flatMap((row) => BRANDS.map((brand) => ({ row, brand, number: row.numbers[brand] })));

/** The card-in-the-API create: API mode, the full card, non-3DS (charged at once). */
function apiCardRequest(number: string, threeDsMethod: string): Json {
  const body = documentedRequest('card-encryption', sandbox.running.sandbox.clock.now(), {
    autoConfirm: true,
    paymentMethod: { type: 'CARD', card: { number, expMonth: 1, expYear: 39, cvc: '123', ...CARD_HOLDER } },
  });
  body.paymentMethodOptions = { card: { captureMethod: 'automatic', threeDsMethod } };
  return body;
}

/** What the table says the session and its charge look like after the card (Payment Simulation › Cards). */
function expectOutcome(session: Json, row: TestCardScenario, number: string, brand: string, threeDs: 'ran' | 'none'): void {
  const charge = session.chargeDetails.at(-1);
  expect(charge.card.first6).toBe(number.slice(0, 6));
  expect(charge.card.first8).toBe(number.slice(0, 8));
  expect(charge.card.last4).toBe(number.slice(-4));
  expect(charge.card.binInformations.brand).toBe(brand);
  const result = row.result;
  if (threeDs === 'none') expect(charge.card.authenticationResult).toBeNull();
  else {
    const failed = result.kind === 'failure' && result.threeDsFailed === true;
    expect(charge.card.authenticationResult.threeDsResult).toBe(failed ? 'AUTHENTICATION_FAILED' : 'AUTHENTICATION_SUCCESSFUL');
    const eci = brand === 'MASTERCARD' ? (failed ? '00' : '02') : failed ? '07' : '05';
    expect(charge.card.authenticationResult.eciCode).toBe(eci);
  }
  if (result.kind === 'success') {
    expect(session.status).toBe('PAID');
    expect(charge.status).toBe('SUCCESS');
    expect(charge.fdsRiskAssessment.status).toBe('PASSED');
    expect(charge.failureCode ?? null).toBeNull();
    expect(session.investigationStatus).toBeNull();
  } else if (result.kind === 'failure') {
    expect(session.status).toBe('EXPIRED');
    expect(charge.status).toBe('FAILED');
    expect(charge.failureCode).toBe(result.failureCode);
    expect(charge.failureMessage).toBe(result.failureMessage);
    expect(`${charge.failureCode} - ${charge.failureMessage}`).toBe(row.scenario);
    expect(charge.fdsRiskAssessment.status).toBe(result.failureCode === 'BLOCKED_BY_FDS' ? 'REJECTED' : 'PASSED');
    expect(charge.card.authorizationResult).toBeNull();
  } else {
    expect(session.status).toBe('PROCESSING');
    expect(charge.status).toBe('PROCESSING');
    expect(session.investigationStatus).toBe('INVESTIGATION_IN_PROCESS');
    expect(charge.failureCode).toBe('REQUIRE_REVIEW');
    expect(charge.failureMessage).toBe('The transaction was deferred by FDS');
    expect(charge.fdsRiskAssessment).toBeUndefined();
  }
}

/** The callbacks the outcome sends, in order (Payment Notify events; decision `expiry-callback-event`). */
function expectedEvents(row: TestCardScenario): string[] {
  if (row.result.kind === 'success') return ['PAYMENT.PROCESSING', 'PAYMENT.PAID'];
  if (row.result.kind === 'failure') return ['PAYMENT.PROCESSING', 'PAYMENT.CANCELLED'];
  return ['PAYMENT.PROCESSING'];
}

describe('the test-card table', () => {
  it('has a success card and one card per failure scenario, three brands each, every number Luhn-valid', () => {
    expect(TEST_CARD_TABLE.map((row) => row.scenario.split(' - ')[0])).toEqual([
      'Charge Success',
      'Charge Success',
      'DECLINED_BY_CHANNEL',
      'DECLINED_BY_CHANNEL',
      'DECLINED_BY_CHANNEL',
      'INVALID_ACCOUNT',
      'AUTHENTICATION_FAILED',
      'SUSPECTED_FRAUD',
      'SUSPECTED_FRAUD',
      'BLOCKED_BY_FDS',
      'REQUIRE_REVIEW',
    ]);
    for (const { number } of cases) expect(passesLuhn(number), number).toBe(true);
    expect(new Set(cases.map(({ number }) => number)).size).toBe(33);
    expect(passesLuhn('4440000112200002')).toBe(false);
  });
});

describe('each test card as a card number in an API-mode create (threeDsMethod NEVER)', () => {
  for (const { row, brand, number } of cases) {
    it(`${brand} ${number}: ${row.scenario}`, async () => {
      const answer = await sandbox.call('createPaymentSession', { body: apiCardRequest(number, 'NEVER') });
      expect(answer.status).toBe(200);
      expectOutcome(answer.body.data, row, number, brand, 'none');
      const held = await sandbox.session(answer.body.data.id);
      expect(held.status).toBe(answer.body.data.status);
      const callbacks = await sandbox.callbacks(held.id, expectedEvents(row).length);
      expect(callbacks.map((callback) => callback.body.event)).toEqual(expectedEvents(row));
    });
  }
});

describe('each test card as an encryptedCard (encryption flow), then 3DS passed', () => {
  for (const { row, brand, number } of cases) {
    it(`${brand} ${number}: ${row.scenario}`, async () => {
      const created = await sandbox.call('createPaymentSession', {
        body: documentedRequest('card-encryption', sandbox.running.sandbox.clock.now()),
      });
      expect(created.body.data.status).toBe('REQUIRE_CONFIRMATION');
      const encryptedCard = encryptCard({ number, expMonth: 12, expYear: 39, cvc: '123' }, created.body.data.encryptionKey);
      const confirmed = await sandbox.call('confirmPaymentSession', {
        id: created.body.data.id,
        body: { paymentMethod: { type: 'CARD', card: { encryptedCard } } },
      });
      expect(confirmed.body.data.status).toBe('REQUIRE_ACTION');
      const paid = await sandbox.control(`/_sandbox/sessions/${created.body.data.id}/pay`, { threeDs: 'passed' });
      expect(paid.status).toBe(200);
      const held = await sandbox.session(created.body.data.id);
      expectOutcome(held, row, number, brand, 'ran');
      expect(held.chargeDetails.at(-1).card.expMonth).toBe('12');
    });
  }
});

describe('3DS and the cards the table does not list', () => {
  it('a failed challenge is AUTHENTICATION_FAILED whatever the card', async () => {
    const created = await sandbox.call('createPaymentSession', {
      body: apiCardRequest(TEST_CARD_TABLE[1]!.numbers.VISA, 'CHALLENGE'),
    });
    expect(created.body.data.status).toBe('REQUIRE_ACTION');
    await sandbox.control(`/_sandbox/sessions/${created.body.data.id}/pay`, { threeDs: 'failed' });
    const charge = (await sandbox.session(created.body.data.id)).chargeDetails.at(-1);
    expect(charge.status).toBe('FAILED');
    expect(charge.failureCode).toBe('AUTHENTICATION_FAILED');
    expect(charge.card.authenticationResult.threeDsResult).toBe('AUTHENTICATION_FAILED');
  });

  it('an unknown card succeeds with its own digits and the brand of its leading digits; an unreadable encryptedCard too', async () => {
    const unknown = await sandbox.call('createPaymentSession', { body: apiCardRequest('5105105105105100', 'NEVER') });
    const charge = unknown.body.data.chargeDetails.at(-1);
    expect(unknown.body.data.status).toBe('PAID');
    expect([charge.card.first6, charge.card.last4, charge.card.binInformations.brand]).toEqual(['510510', '5100', 'MASTERCARD']);
    const created = await sandbox.call('createPaymentSession', {
      body: documentedRequest('card-encryption', sandbox.running.sandbox.clock.now()),
    });
    await sandbox.call('confirmPaymentSession', {
      id: created.body.data.id,
      body: { paymentMethod: { type: 'CARD', card: { encryptedCard: 'c2FuZGJveA==' } } },
    });
    await sandbox.control(`/_sandbox/sessions/${created.body.data.id}/pay`);
    expect((await sandbox.session(created.body.data.id)).status).toBe('PAID');
  });
});

describe('stored tokens of test cards', () => {
  it("the documented customer's stored card is the challenge success card: its 3DS page comes first, then PAID", async () => {
    const body = documentedRequest('card-tokenization-api-use', sandbox.running.sandbox.clock.now());
    const created = await sandbox.call('createPaymentSession', { body });
    expect(created.body.data.status).toBe('REQUIRE_ACTION');
    const page = await fetch(created.body.data.paymentUrl, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe(`/_sandbox/pay/${created.body.data.id}/3ds`);
    await sandbox.control(`/_sandbox/sessions/${created.body.data.id}/pay`);
    const charge = (await sandbox.session(created.body.data.id)).chargeDetails.at(-1);
    expect([charge.status, charge.card.first8, charge.card.last4]).toEqual(['SUCCESS', '44400001', '0002']);
  });

  it('a card saved from a test card keeps its scenario: a Mastercard saved, then charged by token', async () => {
    const email = `saver${Date.now()}@example.com`;
    const save = documentedRequest('card-tokenization-redirect-save', sandbox.running.sandbox.clock.now(), {
      customer: { givenName: 'Saver', surname: 'Test', email, phoneNumber: { countryCode: '+62', number: '81234567890' } },
    });
    const saving = await sandbox.call('createPaymentSession', { body: save });
    const number = TEST_CARD_TABLE[0]!.numbers.MASTERCARD;
    await sandbox.control(`/_sandbox/sessions/${saving.body.data.id}/pay`, { card: { number, expMonth: 2, expYear: 40 } });
    expect((await sandbox.session(saving.body.data.id)).status).toBe('PAID');
    const customer = await sandbox.call('getCustomer', { customerId: saving.body.data.customerId });
    const stored = customer.body.data.storedPaymentMethods.at(-1);
    expect([stored.card.network, stored.card.first8, stored.card.last4]).toEqual([
      'MASTERCARD',
      number.slice(0, 8),
      number.slice(-4),
    ]);
    const use = documentedRequest('card-tokenization-api-use', sandbox.running.sandbox.clock.now(), {
      customerId: saving.body.data.customerId,
      paymentMethod: { type: 'CARD', card: { token: stored.token, cvc: '123' } },
    });
    use.paymentMethodOptions = { card: { threeDsMethod: 'AUTOMATIC' } };
    const using = await sandbox.call('createPaymentSession', { body: use });
    // The frictionless row needs no challenge: the page offers to pay at once.
    const page = await fetch(using.body.data.paymentUrl, { redirect: 'manual' });
    expect(page.status).toBe(200);
    await sandbox.control(`/_sandbox/sessions/${using.body.data.id}/pay`);
    const charge = (await sandbox.session(using.body.data.id)).chargeDetails.at(-1);
    expect([charge.status, charge.card.binInformations.brand, charge.card.last4]).toEqual([
      'SUCCESS',
      'MASTERCARD',
      number.slice(-4),
    ]);
  });
});

describe('REQUIRE_REVIEW: deferred by FDS until the review ends', () => {
  const review = TEST_CARD_TABLE.find((row) => row.id === 'require-review')!;
  it('approved: INVESTIGATION_SUCCESS, the charge authorised and PAID (PAYMENT.PAID)', async () => {
    const created = await sandbox.call('createPaymentSession', { body: apiCardRequest(review.numbers.VISA, 'NEVER') });
    const id = created.body.data.id;
    const early = await sandbox.control(`/_sandbox/sessions/${id}/pay`);
    expect(early.status).toBe(422);
    const approved = await sandbox.control(`/_sandbox/sessions/${id}/review`, { approve: true });
    expect(approved.status).toBe(200);
    const held = await sandbox.session(id);
    expect([held.status, held.investigationStatus, held.chargeDetails[0].status]).toEqual([
      'PAID',
      'INVESTIGATION_SUCCESS',
      'SUCCESS',
    ]);
    expect(held.chargeDetails[0].failureCode).toBeNull();
    const events = (await sandbox.callbacks(id, 2)).map((callback) => callback.body.event);
    expect(events).toEqual(['PAYMENT.PROCESSING', 'PAYMENT.PAID']);
  });
  it('rejected: INVESTIGATION_FAILED, the charge FAILED with REQUIRE_REVIEW and FDS REJECTED, the session EXPIRED', async () => {
    const created = await sandbox.call('createPaymentSession', { body: apiCardRequest(review.numbers.JCB, 'NEVER') });
    const id = created.body.data.id;
    await sandbox.control(`/_sandbox/sessions/${id}/review`, { approve: false });
    const held = await sandbox.session(id);
    const charge = held.chargeDetails[0];
    expect([held.status, held.investigationStatus, charge.status, charge.failureCode]).toEqual([
      'EXPIRED',
      'INVESTIGATION_FAILED',
      'FAILED',
      'REQUIRE_REVIEW',
    ]);
    expect(charge.fdsRiskAssessment.status).toBe('REJECTED');
    expect((await sandbox.control(`/_sandbox/sessions/${id}/review`, { approve: true })).status).toBe(422);
  });
});
