/**
 * The hosted page's protections in a real headless Chromium (Debian's `chromium`, playwright-core): its
 * CSRF token is a hidden field, so the plain form pays with JavaScript turned off; a page on another
 * origin that posts the same form (a forged token, or a real one it cannot have read) is refused and
 * the session does not move; and a foreign page cannot reset the sandbox with a form.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, sessionReturningTo, startMerchant, type Merchant } from './browser.ts';
import { startHarness, type Harness } from './harness.ts';

let sandbox: Harness;
let browser: Browser;
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

const session = (name: string) => sessionReturningTo(sandbox, merchant, name);

/** The status of `target` when a page of the merchant's site posts `form` to it (and submits it by script). */
async function forgedPost(target: string, form: string): Promise<number> {
  merchant.pages.set('/forge', `${form}<script>document.forms[0].submit()</script>`);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const [answer] = await Promise.all([
      page.waitForResponse((response) => response.url() === target),
      page.goto(`${merchant.url}/forge`),
    ]);
    return answer.status();
  } finally {
    await context.close();
  }
}

describe('the hosted page in Chromium', () => {
  it('pays with JavaScript turned off: the CSRF token is a plain hidden field', async () => {
    const created = await session('payment-ui');
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(created.paymentUrl);
      // Payment UI: the method is a form of its own; then the QRIS page's form pays. Each carries the token.
      const forms = await page.locator('form[method=post]').count();
      expect(forms).toBeGreaterThan(0);
      expect(await page.locator('form[method=post] input[type=hidden][name=csrf]').count()).toBe(forms);
      await page.click('button[value="QR"]');
      await page.waitForSelector('#simulate');
      await Promise.all([page.waitForURL(`${merchant.url}/success`), page.click('#simulate')]);
      expect(await page.textContent('#landed')).toContain('/success');
    } finally {
      await context.close();
    }
    expect((await sandbox.session(created.id)).status).toBe('PAID');
  }, 60_000);

  it('a page on another origin posting the form, with a token it could not read, is refused; the session does not move', async () => {
    const created = await session('va-redirect');
    const form = `<form method="post" action="${created.paymentUrl}"><input type="hidden" name="action" value="pay"><input type="hidden" name="csrf" value="forged"></form>`;
    expect(await forgedPost(created.paymentUrl, form)).toBe(403);
    expect((await sandbox.session(created.id)).status).toBe('REQUIRE_ACTION');
  }, 60_000);

  it('a page on another origin cannot reset the sandbox with a form', async () => {
    const created = await session('va-redirect');
    const target = `${sandbox.url}/_sandbox/reset`;
    const form = `<form method="post" action="${target}" enctype="text/plain"><input type="hidden" name='{"a":"' value='"}'></form>`;
    expect(await forgedPost(target, form)).toBe(403);
    expect((await sandbox.session(created.id)).status).toBe('REQUIRE_ACTION');
  }, 60_000);
});
