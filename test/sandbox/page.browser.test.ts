/**
 * The hosted payment page in a real headless Chromium (Debian's `chromium`, driven by playwright-core),
 * as a customer uses it: for each method the path to each outcome, checked by the session the sandbox
 * holds and the callbacks it sent (validated strictly by the harness); every test card of the docs'
 * table typed into the card form; the QRIS image decoded back to `qrContent`; phone and desktop widths;
 * no console error and no request leaving 127.0.0.1 (offline, no CDN).
 */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CARD_TABLE } from '../../scripts/sandbox/test-cards.ts';
import {
  DESKTOP,
  PHONE,
  launchChromium,
  overflowsSideways,
  readmeScreenshot,
  sessionReturningTo,
  startMerchant,
  watchedPage,
  type Merchant,
  type WatchedPage,
} from './browser.ts';
import { documentedRequest, startHarness, type Harness } from './harness.ts';

type Json = Record<string, any>;

/** jsQR is CommonJS: its default export is the module itself. */
const jsQR = createRequire(import.meta.url)('jsqr') as typeof import('jsqr').default;

let sandbox: Harness;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let merchant: Merchant;

beforeAll(async () => {
  sandbox = await startHarness();
  merchant = await startMerchant();
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
  await merchant?.close();
});

const create = (name: string, changes: Json = {}): Promise<Json> => sessionReturningTo(sandbox, merchant, name, changes);

/** Opens a fresh page, runs the customer's path, then checks nothing went wrong in the browser. */
async function asCustomer(
  viewport: { width: number; height: number },
  path: (watched: WatchedPage) => Promise<void>,
): Promise<void> {
  const watched = await watchedPage(browser, viewport);
  try {
    await path(watched);
    expect(watched.problems).toEqual([]);
    expect(watched.outside).toEqual([]);
  } finally {
    await watched.close();
  }
}

async function clickAndLand(page: Page, selector: string, landing: string): Promise<void> {
  await Promise.all([page.waitForURL(`${merchant.url}${landing}`), page.click(selector)]);
  expect(await page.textContent('#landed')).toBe(`merchant /${landing.slice(1)}`);
}

async function events(id: string, count: number): Promise<string[]> {
  return (await sandbox.callbacks(id, count)).map((callback) => callback.body.event);
}

async function typeCard(page: Page, number: string): Promise<void> {
  await page.fill('#card-name', 'Sandbox Tester');
  await page.fill('#card-number', number);
  await page.fill('#card-expiry', '12/39');
  await page.fill('#card-cvc', '123');
}

describe("card: the card form with each of the docs' test cards", () => {
  for (const row of TEST_CARD_TABLE)
    for (const brand of ['VISA', 'MASTERCARD', 'JCB'] as const) {
      const number = row.numbers[brand];
      it(`${brand} ${number}: ${row.scenario}`, async () => {
        const created = await create('card-redirect');
        await asCustomer(PHONE, async ({ page }) => {
          const posted: string[] = [];
          page.on('request', (request) => {
            if (request.method() === 'POST') posted.push(request.postData() ?? '');
          });
          await page.goto(created.paymentUrl);
          expect(await page.getAttribute('#card-number', 'autocomplete')).toBe('cc-number');
          expect(await page.getAttribute('#card-expiry', 'autocomplete')).toBe('cc-exp');
          expect(await page.getAttribute('#card-cvc', 'autocomplete')).toBe('cc-csc');
          expect(await page.getAttribute('#card-name', 'autocomplete')).toBe('cc-name');
          await typeCard(page, number);
          // threeDsMethod CHALLENGE (the documented request): every card meets the 3DS page first.
          await Promise.all([page.waitForURL(`${created.paymentUrl}/3ds`), page.click('#pay')]);
          expect(await page.textContent('#card')).toBe(`${brand} •••• ${number.slice(-4)}`);
          const landing = row.result.kind === 'failure' ? '/failure' : '/success';
          await clickAndLand(page, '#pass-3ds', landing);
          // The card left the page encrypted with the session's key, never in clear.
          expect(posted[0]).toContain('encryptedCard=');
          expect(posted[0]).not.toContain(number);
          expect(posted[0]).not.toContain('cardNumber');
        });
        const held = await sandbox.session(created.id);
        const charge = held.chargeDetails.at(-1);
        expect([charge.card.first6, charge.card.last4, charge.card.binInformations.brand]).toEqual([
          number.slice(0, 6),
          number.slice(-4),
          brand,
        ]);
        if (row.result.kind === 'success') {
          expect([held.status, charge.status]).toEqual(['PAID', 'SUCCESS']);
          expect(await events(created.id, 2)).toEqual(['PAYMENT.PROCESSING', 'PAYMENT.PAID']);
        } else if (row.result.kind === 'failure') {
          expect([held.status, charge.status, charge.failureCode, charge.failureMessage]).toEqual([
            'EXPIRED',
            'FAILED',
            row.result.failureCode,
            row.result.failureMessage,
          ]);
          expect(await events(created.id, 2)).toEqual(['PAYMENT.PROCESSING', 'PAYMENT.CANCELLED']);
        } else {
          expect([held.status, held.investigationStatus, charge.failureCode]).toEqual([
            'PROCESSING',
            'INVESTIGATION_IN_PROCESS',
            'REQUIRE_REVIEW',
          ]);
          expect(await events(created.id, 1)).toEqual(['PAYMENT.PROCESSING']);
        }
      });
    }
});

describe('card: other paths', () => {
  it('failing the 3DS challenge → AUTHENTICATION_FAILED, the browser lands on /failure', async () => {
    const created = await create('card-redirect');
    await asCustomer(PHONE, async ({ page }) => {
      await page.goto(created.paymentUrl);
      await typeCard(page, TEST_CARD_TABLE[0]!.numbers.VISA);
      await Promise.all([page.waitForURL(/\/3ds$/), page.click('#pay')]);
      await clickAndLand(page, '#fail-3ds', '/failure');
    });
    const charge = (await sandbox.session(created.id)).chargeDetails.at(-1);
    expect([charge.failureCode, charge.card.authenticationResult.threeDsResult]).toEqual([
      'AUTHENTICATION_FAILED',
      'AUTHENTICATION_FAILED',
    ]);
  });

  it('a frictionless card without a challenge (threeDsMethod AUTOMATIC) is paid at once; a mistyped number is caught on the page', async () => {
    const created = await create('card-redirect', { paymentMethodOptions: { card: { threeDsMethod: 'AUTOMATIC' } } });
    await asCustomer(DESKTOP, async ({ page }) => {
      await page.goto(created.paymentUrl);
      await typeCard(page, '4440000112200002');
      await page.click('#pay');
      expect(await page.textContent('#error')).toContain('not valid');
      expect((await sandbox.session(created.id)).status).toBe('REQUIRE_ACTION');
      // Picking a card from the docs' table fills the form.
      await page.click('#test-cards summary');
      await page.fill('#card-number', '');
      await page.click(`[data-card="${TEST_CARD_TABLE[0]!.numbers.JCB}"]`);
      expect(await page.inputValue('#card-number')).toBe('3550 0001 1228 0001');
      await clickAndLand(page, '#pay', '/success');
    });
    expect((await sandbox.session(created.id)).chargeDetails[0].card.binInformations.brand).toBe('JCB');
  });

  it('showSavedPayment: the saved card is listed masked and pays through its 3DS page', async () => {
    const created = await create('card-tokenization-redirect-use');
    await asCustomer(PHONE, async ({ page }) => {
      await page.goto(created.paymentUrl);
      const saved = await page.textContent('#saved-cards');
      expect(saved).toContain('VISA •••• 0002');
      expect(saved).not.toMatch(/4440000112290002|44400001/);
      await Promise.all([page.waitForURL(/\/3ds$/), page.click('.saved-card')]);
      await clickAndLand(page, '#pass-3ds', '/success');
    });
    const charge = (await sandbox.session(created.id)).chargeDetails.at(-1);
    expect([charge.status, charge.card.last4]).toEqual(['SUCCESS', '0002']);
  });

  it('an API-mode card: its paymentUrl is the 3DS page; passing it pays', async () => {
    const body = documentedRequest('card-encryption', sandbox.running.sandbox.clock.now(), {
      autoConfirm: true,
      redirectUrl: {
        successReturnUrl: `${merchant.url}/success`,
        failureReturnUrl: `${merchant.url}/failure`,
        expirationReturnUrl: `${merchant.url}/expiration`,
      },
      paymentMethod: {
        type: 'CARD',
        card: {
          number: TEST_CARD_TABLE[2]!.numbers.MASTERCARD,
          expMonth: 1,
          expYear: 39,
          cvc: '123',
          cardHolderFirstName: 'Sandbox',
          cardHolderLastName: 'Tester',
          cardHolderEmail: 'tester@example.com',
          cardHolderPhone: '081299996666',
        },
      },
    });
    const created = (await sandbox.call('createPaymentSession', { body })).body.data;
    await asCustomer(PHONE, async ({ page }) => {
      await page.goto(created.paymentUrl);
      expect(page.url()).toBe(`${created.paymentUrl}/3ds`);
      await clickAndLand(page, '#pass-3ds', '/failure');
    });
    expect((await sandbox.session(created.id)).chargeDetails[0].failureCode).toBe('DECLINED_BY_CHANNEL');
  });

  it('"Cancel" with a charge waiting: the customer left → EXPIRED, lands on /expiration', async () => {
    const created = await create('card-redirect');
    await asCustomer(PHONE, async ({ page }) => {
      await page.goto(created.paymentUrl);
      await clickAndLand(page, '#cancel', '/expiration');
    });
    expect((await sandbox.session(created.id)).status).toBe('EXPIRED');
    expect(await events(created.id, 1)).toEqual(['PAYMENT.CANCELLED']);
  });
});

/** Decodes a QR code in a PNG (jsQR on the pixels pngjs reads). */
function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

describe('QRIS', () => {
  it('shows a QR image that decodes to exactly qrContent, counts down, and "paid" → PAID, /success', async () => {
    const created = await create('qr-redirect');
    const qrContent = created.chargeDetails[0].qr.qrContent as string;
    await asCustomer(PHONE, async ({ page }) => {
      await page.goto(created.paymentUrl);
      const served = await page.request.get(`${created.paymentUrl}/qr.png`);
      expect(served.headers()['content-type']).toBe('image/png');
      expect(decodeQr(await served.body())).toBe(qrContent);
      // What the customer's phone would see: the image as the page shows it.
      expect(decodeQr(await page.locator('#qr').screenshot())).toBe(qrContent);
      await expect.poll(() => page.textContent('#countdown')).toMatch(/^(59|60):\d\d left$/);
      expect(await overflowsSideways(page)).toBe(false);
      await readmeScreenshot(page, 'sandbox-page-qris.png');
      await clickAndLand(page, '#simulate', '/success');
    });
    expect((await sandbox.session(created.id)).status).toBe('PAID');
    expect(await events(created.id, 1)).toEqual(['PAYMENT.PAID']);
  });

  it('left open past its expiry (sandbox clock): the page follows by itself to /expiration', async () => {
    const created = await create('qr-redirect');
    await asCustomer(DESKTOP, async ({ page }) => {
      await page.goto(created.paymentUrl);
      expect(await overflowsSideways(page)).toBe(false);
      await Promise.all([page.waitForURL(`${merchant.url}/expiration`, { timeout: 15_000 }), sandbox.advance(3_601)]);
    });
    expect((await sandbox.session(created.id)).chargeDetails[0].status).toBe('EXPIRED');
  });
});

describe('virtual account', () => {
  it('shows the bank and the VA number (copyable) before paying; "transferred" → PAID, /success', async () => {
    const created = await create('va-redirect');
    const va = created.chargeDetails[0].virtualAccount;
    await asCustomer(PHONE, async ({ page, context }) => {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: sandbox.url });
      await page.goto(created.paymentUrl);
      expect(await page.textContent('#bank')).toBe('PermataBank');
      expect(await page.textContent('#va-number')).toBe(va.virtualAccountNumber);
      await page.click('#copy-va');
      await expect.poll(() => page.textContent('#copy-va')).toBe('Copied');
      expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(va.virtualAccountNumber);
      expect(await page.textContent('#method-page')).toContain('How to pay');
      expect(await overflowsSideways(page)).toBe(false);
      await clickAndLand(page, '#simulate', '/success');
    });
    expect((await sandbox.session(created.id)).status).toBe('PAID');
  });

  it('paid from elsewhere (simulatePayment): the open page moves on to /success by itself', async () => {
    const created = await create('va-redirect');
    await asCustomer(DESKTOP, async ({ page }) => {
      await page.goto(created.paymentUrl);
      await Promise.all([
        page.waitForURL(`${merchant.url}/success`, { timeout: 15_000 }),
        sandbox.call('simulatePayment', { body: { paymentSessionId: created.id, chargeStatus: 'SUCCESS' } }),
      ]);
    });
  });

  it('a static VA takes a payment of an amount and stays ACTIVE (CHARGE.SUCCESS)', async () => {
    const created = await create('va-static', { amount: undefined });
    await asCustomer(PHONE, async ({ page }) => {
      await page.goto(`${sandbox.url}/_sandbox/pay/${created.id}`);
      expect(await page.textContent('#expiry')).toContain('does not expire');
      await page.fill('#static-amount', '25000');
      await page.click('#simulate');
      await page.waitForLoadState();
      expect(await page.getAttribute('#status', 'data-value')).toBe('ACTIVE');
    });
    const held = await sandbox.session(created.id);
    expect(held.chargeDetails.map((charge: Json) => charge.amount.value)).toEqual([25000]);
    expect(await events(created.id, 1)).toEqual(['CHARGE.SUCCESS']);
  });
});

describe('e-wallet', () => {
  it('shows the channel and the approve-in-app step; approving → PAID, /success', async () => {
    const created = await create('ewallet-redirect');
    await asCustomer(PHONE, async ({ page }) => {
      await page.goto(created.paymentUrl);
      expect(await page.textContent('#channel')).toBe('ShopeePay');
      expect(await overflowsSideways(page)).toBe(false);
      await clickAndLand(page, '#approve', '/success');
    });
    expect((await sandbox.session(created.id)).status).toBe('PAID');
    expect(await events(created.id, 2)).toEqual(['PAYMENT.PROCESSING', 'PAYMENT.PAID']);
  });

  it('declining in the app → EXPIRED with a FAILED charge, /failure', async () => {
    const created = await create('ewallet-redirect');
    await asCustomer(PHONE, async ({ page }) => {
      await page.goto(created.paymentUrl);
      await clickAndLand(page, '#decline', '/failure');
    });
    const held = await sandbox.session(created.id);
    expect([held.status, held.chargeDetails[0].status, held.chargeDetails[0].failureCode]).toEqual([
      'EXPIRED',
      'FAILED',
      'DECLINED_BY_CHANNEL',
    ]);
  });
});

describe('Payment UI: the customer picks the method, then sees its page', () => {
  it('BCA virtual account: the VA number is shown before paying; then PAID', async () => {
    const created = await create('payment-ui');
    await asCustomer(PHONE, async ({ page }) => {
      await page.goto(created.paymentUrl);
      await readmeScreenshot(page, 'sandbox-page-choice.png');
      await page.click('button[value="VIRTUAL_ACCOUNT:BCA"]');
      await page.waitForSelector('#va-number');
      const held = await sandbox.session(created.id);
      expect([held.status, held.chargeDetails[0].virtualAccount.channel]).toEqual(['REQUIRE_ACTION', 'BCA']);
      expect(await page.textContent('#va-number')).toBe(held.chargeDetails[0].virtualAccount.virtualAccountNumber);
      await clickAndLand(page, '#simulate', '/success');
    });
    expect((await sandbox.session(created.id)).status).toBe('PAID');
  });

  it('card: the card form, a test card, PAID', async () => {
    const created = await create('payment-ui');
    await asCustomer(DESKTOP, async ({ page }) => {
      await page.goto(created.paymentUrl);
      await page.click('button[value="CARD"]');
      await typeCard(page, TEST_CARD_TABLE[0]!.numbers.MASTERCARD);
      await readmeScreenshot(page, 'sandbox-page-card.png');
      await clickAndLand(page, '#pay', '/success');
    });
    expect((await sandbox.session(created.id)).chargeDetails[0].card.binInformations.brand).toBe('MASTERCARD');
  });

  it('DANA: approved in the app → PAID; DANA sends the customer to successReturnUrl', async () => {
    const created = await create('payment-ui');
    await asCustomer(PHONE, async ({ page }) => {
      await page.goto(created.paymentUrl);
      await page.click('button[value="EWALLET:DANA"]');
      expect(await page.textContent('#channel')).toBe('DANA');
      await clickAndLand(page, '#decline', '/success');
    });
    expect((await sandbox.session(created.id)).status).toBe('EXPIRED');
  });

  it('cancelling before choosing → CANCELLED (REQUESTED_BY_CUSTOMER), /expiration', async () => {
    const created = await create('payment-ui');
    await asCustomer(PHONE, async ({ page }) => {
      await page.goto(created.paymentUrl);
      await clickAndLand(page, '#cancel', '/expiration');
    });
    const held = await sandbox.session(created.id);
    expect([held.status, held.cancellationReason]).toEqual(['CANCELLED', 'REQUESTED_BY_CUSTOMER']);
  });
});

it("a paid session's page says so in words and offers nothing more to do", async () => {
  const created = await create('card-redirect');
  await sandbox.control(`/_sandbox/sessions/${created.id}/pay`);
  await asCustomer(PHONE, async ({ page }) => {
    await page.goto(created.paymentUrl);
    expect(await page.textContent('#status')).toBe('Paid');
    expect(await page.textContent('#final')).toContain('Rp 10.000');
    expect(await page.locator('button').count()).toBe(0);
    expect(await page.getAttribute('#back', 'href')).toBe(`${merchant.url}/success`);
  });
});
