/**
 * The hosted page's protections in a real headless Chromium (Debian's `chromium`, playwright-core): its
 * CSRF token is a hidden field, so the plain form pays with JavaScript turned off; a page on another
 * origin that posts the same form (a forged token, or a real one it cannot have read) is refused and
 * the session does not move; and a foreign page cannot reset the sandbox with a form.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedRequest, startHarness, type Harness } from './harness.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let sandbox: Harness;
let browser: Browser;
let merchant: Server;
let merchantUrl = '';
/** What the "merchant" (another origin) serves at `/forge`: set per test. */
let forgery = '';

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)`);
  sandbox = await startHarness();
  merchant = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(req.url === '/forge' ? forgery : `<h1 id="landed">merchant ${req.url}</h1>`);
  });
  await new Promise<void>((done) => merchant.listen(0, '127.0.0.1', done));
  merchantUrl = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 60_000 });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
  await new Promise<void>((done) => (merchant ? merchant.close(() => done()) : done()));
});

async function session(name: string) {
  const body = documentedRequest(name, sandbox.running.sandbox.clock.now(), {
    redirectUrl: {
      successReturnUrl: `${merchantUrl}/success`,
      failureReturnUrl: `${merchantUrl}/failure`,
      expirationReturnUrl: `${merchantUrl}/expiration`,
    },
  });
  const answer = await sandbox.call('createPaymentSession', { body });
  expect(answer.status).toBe(200);
  return answer.body.data as { id: string; paymentUrl: string };
}

describe('the hosted page in Chromium', () => {
  it('pays with JavaScript turned off: the CSRF token is a plain hidden field', async () => {
    const created = await session('payment-ui');
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(created.paymentUrl);
      expect(await page.locator('input[type=hidden][name=csrf]').count()).toBe(1);
      await page.selectOption('#method', 'QR');
      await Promise.all([page.waitForURL(`${merchantUrl}/success`), page.click('button[value=pay]')]);
      expect(await page.textContent('#landed')).toContain('/success');
    } finally {
      await context.close();
    }
    expect((await sandbox.session(created.id)).status).toBe('PAID');
  }, 60_000);

  it('a page on another origin posting the form, with a token it could not read, is refused; the session does not move', async () => {
    const created = await session('va-redirect');
    forgery = `<form id="f" method="post" action="${created.paymentUrl}">
<input type="hidden" name="action" value="pay"><input type="hidden" name="csrf" value="forged">
</form><script>document.getElementById('f').submit()</script>`;
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const [answer] = await Promise.all([
        page.waitForResponse((response) => response.url() === created.paymentUrl),
        page.goto(`${merchantUrl}/forge`),
      ]);
      expect(answer.status()).toBe(403);
    } finally {
      await context.close();
    }
    expect((await sandbox.session(created.id)).status).toBe('REQUIRE_ACTION');
  }, 60_000);

  it('a page on another origin cannot reset the sandbox with a form', async () => {
    const created = await session('va-redirect');
    forgery = `<form id="f" method="post" action="${sandbox.url}/_sandbox/reset" enctype="text/plain">
<input type="hidden" name='{"a":"' value='"}'></form><script>document.getElementById('f').submit()</script>`;
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const [answer] = await Promise.all([
        page.waitForResponse((response) => response.url() === `${sandbox.url}/_sandbox/reset`),
        page.goto(`${merchantUrl}/forge`),
      ]);
      expect(answer.status()).toBe(403);
    } finally {
      await context.close();
    }
    expect((await sandbox.session(created.id)).status).toBe('REQUIRE_ACTION');
  }, 60_000);
});
