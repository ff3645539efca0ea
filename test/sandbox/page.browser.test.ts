/**
 * The hosted payment page in a real headless Chromium (Debian's `chromium`, driven by playwright-core):
 * pay, fail and cancel each move the session as the customer's action would and land the browser on the
 * merchant's matching return URL, served here by a local "merchant" server.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, sessionReturningTo, startMerchant, type Merchant } from './browser.ts';
import { startHarness, type Harness } from './harness.ts';

let sandbox: Harness;
let browser: Browser;
let merchant: Merchant;
let merchantUrl: string;

beforeAll(async () => {
  sandbox = await startHarness();
  merchant = await startMerchant();
  merchantUrl = merchant.url;
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
  await merchant?.close();
});

const session = (name: string) => sessionReturningTo(sandbox, merchant, name);

describe('hosted payment page in Chromium', () => {
  const cases = [
    { button: 'Pay', lands: '/success', status: 'PAID' },
    { button: 'Fail', lands: '/failure', status: 'EXPIRED' },
    { button: 'Cancel', lands: '/expiration', status: 'EXPIRED' },
  ];
  for (const { button, lands, status } of cases) {
    it(`"${button}" → ${status}, and the browser lands on ${lands}`, async () => {
      const created = await session('card-redirect');
      const page = await browser.newPage();
      try {
        await page.goto(created.paymentUrl);
        expect(await page.textContent('#amount')).toBe('Rp 10.000');
        expect(await page.textContent('#reference')).toBe(created.clientReferenceId);
        expect(await page.textContent('#method')).toBe('CARD');
        await Promise.all([page.waitForURL(`${merchantUrl}${lands}`), page.click(`button:has-text("${button}")`)]);
        expect(await page.textContent('#landed')).toBe(`merchant ${lands}`);
      } finally {
        await page.close();
      }
      expect((await sandbox.session(created.id)).status).toBe(status);
    });
  }

  it('a Payment UI session: the customer picks QR on the page and pays', async () => {
    const created = await session('payment-ui');
    const page = await browser.newPage();
    try {
      await page.goto(created.paymentUrl);
      await page.selectOption('select#method', 'QR');
      await Promise.all([page.waitForURL(`${merchantUrl}/success`), page.click('button:has-text("Pay")')]);
    } finally {
      await page.close();
    }
    const held = await sandbox.session(created.id);
    expect(held.status).toBe('PAID');
    expect(held.paymentMethod.type).toBe('QR');
  });

  it("a paid session's page offers nothing more to do", async () => {
    const created = await session('card-redirect');
    await sandbox.page(created.id, 'pay');
    const page = await browser.newPage();
    try {
      await page.goto(created.paymentUrl);
      expect(await page.textContent('#final')).toContain('PAID');
      expect(await page.locator('button').count()).toBe(0);
    } finally {
      await page.close();
    }
  });
});
