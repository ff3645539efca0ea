/**
 * The dashboard (`/_sandbox`) in a real headless Chromium: filters and pages of sessions, a session's
 * page with its timeline, charges, refunds and callbacks, and each action a tester takes there, checked
 * by what the control routes report afterwards (the same routes the tests call). The page follows the
 * sandbox without a reload, asks nothing of the network beyond the sandbox, and logs no console error.
 * A person's whole path: start a payment from the dashboard, pay it on the hosted page, come back.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CARD_TABLE } from '../../scripts/sandbox/test-cards.ts';
import { DESKTOP, PHONE, launchChromium, overflowsSideways, readmeScreenshot, watchedPage, type WatchedPage } from './browser.ts';
import { documentedRequest, startHarness, type Harness } from './harness.ts';

type Json = Record<string, any>;

let sandbox: Harness;
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  sandbox = await startHarness();
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
});

async function create(name: string, changes: Json = {}): Promise<Json> {
  const answer = await sandbox.call('createPaymentSession', {
    body: documentedRequest(name, sandbox.running.sandbox.clock.now(), changes),
  });
  expect(answer.status).toBe(200);
  return answer.body.data;
}

async function asTester(path: (watched: WatchedPage) => Promise<void>, viewport = DESKTOP): Promise<void> {
  const watched = await watchedPage(browser, viewport);
  try {
    await path(watched);
    expect(watched.problems).toEqual([]);
    expect(watched.outside).toEqual([]);
  } finally {
    await watched.close();
  }
}

/** What the control route reports of a session. */
const held = (id: string) => sandbox.session(id);

/** Clicks an action on a session's page and waits for the dashboard to report it done. */
async function act(page: Page, selector: string): Promise<void> {
  await page.evaluate("document.getElementById('flash').textContent = ''");
  await page.click(selector);
  await expect.poll(() => page.textContent('#flash')).toMatch(/^(Done|Sandbox time|The sandbox was reset|Delivery)/);
}

describe('the sessions list', () => {
  it('filters by status, method and reference, and pages by 20', async () => {
    const va = await create('va-api');
    const qr = await create('qr-api');
    await sandbox.control(`/_sandbox/sessions/${qr.id}/pay`);
    for (let index = 0; index < 22; index++) await create('ewallet-api');
    await asTester(async ({ page }) => {
      await page.goto(`${sandbox.url}/_sandbox`);
      expect(await page.locator('#sessions tbody tr').count()).toBe(20);
      await page.click('#older');
      expect(await page.locator('#sessions tbody tr').count()).toBe(4);
      await page.click('#newer');
      await page.selectOption('#filter-status', 'PAID');
      await page.click('#filters button[type=submit]');
      expect(await page.locator('#sessions tbody tr').count()).toBe(1);
      expect(await page.getAttribute('#sessions tbody tr', 'data-session')).toBe(qr.id);
      await page.selectOption('#filter-status', '');
      await page.selectOption('#filter-method', 'VIRTUAL_ACCOUNT');
      await page.click('#filters button[type=submit]');
      expect(await page.getAttribute('#sessions tbody tr', 'data-session')).toBe(va.id);
      await page.selectOption('#filter-method', '');
      await page.fill('#filter-q', va.clientReferenceId.slice(3, 9));
      await page.click('#filters button[type=submit]');
      expect(await page.locator('#sessions tbody tr').count()).toBe(1);
      expect(await page.textContent('#sessions tbody tr')).toContain(va.clientReferenceId);
      expect(await page.textContent('#sessions')).toContain('Waiting for your payment');
      expect(await overflowsSideways(page)).toBe(false);
    });
  });

  it('shows a session as a page (not JSON), and follows it without a reload', async () => {
    const created = await create('va-api');
    await asTester(async ({ page }) => {
      await page.goto(`${sandbox.url}/_sandbox`);
      await Promise.all([
        page.waitForURL(`${sandbox.url}/_sandbox/sessions/${created.id}`),
        page.click(`#sessions a[href="/_sandbox/sessions/${created.id}"]`),
      ]);
      expect(await page.textContent('#session-status')).toBe('Waiting for your payment');
      // Paid elsewhere (the API): the open page shows it by itself.
      await sandbox.call('simulatePayment', { body: { paymentSessionId: created.id, chargeStatus: 'SUCCESS' } });
      await expect.poll(() => page.textContent('#session-status'), { timeout: 10_000 }).toBe('Paid');
      const timeline = await page.textContent('#timeline');
      expect(timeline).toMatch(/\d\d:\d\d:\d\d WIB/);
      expect(timeline).toContain('API createPaymentSession');
      expect(timeline).toContain('API simulatePayment SUCCESS');
      expect(timeline).toContain('PAYMENT.PAID');
      // Each callback delivery: its request body and each attempt's answer.
      const callbacks = page.locator('#callbacks');
      await callbacks.locator('summary').first().click();
      expect(await callbacks.locator('pre').first().textContent()).toContain('"event": "PAYMENT.PAID"');
      expect(await callbacks.textContent()).toContain('HTTP 200');
      await readmeScreenshot(page, 'sandbox-dashboard-session.png');
    });
  });
});

describe('each action calls its control route', () => {
  it('pay (a test card, 3DS passed), then refund: PAID, a PENDING refund that the clock makes SUCCESS', async () => {
    const created = await create('card-redirect');
    await asTester(async ({ page }) => {
      await page.goto(`${sandbox.url}/_sandbox/sessions/${created.id}`);
      await page.selectOption('#pay-form select[name="card.number"]', TEST_CARD_TABLE[1]!.numbers.VISA);
      await act(page, '#action-pay');
      expect((await held(created.id)).chargeDetails[0].card.last4).toBe('0002');
      expect((await held(created.id)).status).toBe('PAID');
      await page.waitForSelector('#refund-form');
      await page.fill('#refund-amount', '4000');
      await act(page, '#action-refund');
      const refunds = (await fetch(`${sandbox.url}/_sandbox/sessions/${created.id}/refunds`).then((answer) =>
        answer.json(),
      )) as Json;
      expect(refunds.data.map((refund: Json) => [refund.amount.value, refund.status])).toEqual([['4000.00', 'PENDING']]);
      await sandbox.advance(60);
      await expect.poll(() => page.textContent('#refunds'), { timeout: 10_000 }).toContain('Refunded');
    });
  });

  it('a declining test card from the dashboard: the charge fails with its code', async () => {
    const created = await create('card-redirect');
    await asTester(async ({ page }) => {
      await page.goto(`${sandbox.url}/_sandbox/sessions/${created.id}`);
      await page.selectOption(
        '#pay-form select[name="card.number"]',
        TEST_CARD_TABLE.find((row) => row.id === 'blocked-by-fds')!.numbers.VISA,
      );
      await act(page, '#action-pay');
      await expect.poll(() => page.textContent('#charges')).toContain('BLOCKED_BY_FDS');
    });
    const charge = (await held(created.id)).chargeDetails[0];
    expect([charge.status, charge.failureCode, charge.fdsRiskAssessment.status]).toEqual([
      'FAILED',
      'BLOCKED_BY_FDS',
      'REJECTED',
    ]);
  });

  it('fail, expire and cancel', async () => {
    const failing = await create('ewallet-api');
    const expiring = await create('qr-api');
    const cancelling = await create('payment-ui');
    await asTester(async ({ page }) => {
      await page.goto(`${sandbox.url}/_sandbox/sessions/${failing.id}`);
      await act(page, '#action-fail');
      await page.goto(`${sandbox.url}/_sandbox/sessions/${expiring.id}`);
      await act(page, '#action-expire');
      await page.goto(`${sandbox.url}/_sandbox/sessions/${cancelling.id}`);
      await act(page, '#action-cancel');
      await expect.poll(() => page.textContent('#session-status')).toBe('Cancelled');
    });
    expect([(await held(failing.id)).status, (await held(failing.id)).chargeDetails[0].status]).toEqual(['EXPIRED', 'FAILED']);
    expect((await held(expiring.id)).chargeDetails[0].status).toBe('EXPIRED');
    expect([(await held(cancelling.id)).status, (await held(cancelling.id)).cancellationReason]).toEqual([
      'CANCELLED',
      'VOID_SESSION',
    ]);
  });

  it('capture a manually captured card; approve an FDS review', async () => {
    const manual = await create('card-redirect', {
      paymentMethodOptions: { card: { captureMethod: 'manual', threeDsMethod: 'CHALLENGE' } },
    });
    await sandbox.control(`/_sandbox/sessions/${manual.id}/pay`);
    expect((await held(manual.id)).chargeDetails[0].status).toBe('WAITING_FOR_CAPTURE');
    const reviewed = await create('card-redirect');
    await sandbox.control(`/_sandbox/sessions/${reviewed.id}/pay`, {
      card: { number: TEST_CARD_TABLE.at(-1)!.numbers.MASTERCARD, expMonth: 1, expYear: 39 },
    });
    expect((await held(reviewed.id)).investigationStatus).toBe('INVESTIGATION_IN_PROCESS');
    await asTester(async ({ page }) => {
      await page.goto(`${sandbox.url}/_sandbox/sessions/${manual.id}`);
      await act(page, '#action-capture');
      await page.goto(`${sandbox.url}/_sandbox/sessions/${reviewed.id}`);
      await act(page, '#action-approve');
    });
    expect((await held(manual.id)).status).toBe('PAID');
    expect([(await held(reviewed.id)).status, (await held(reviewed.id)).investigationStatus]).toEqual([
      'PAID',
      'INVESTIGATION_SUCCESS',
    ]);
  });

  it('resend a delivery, move the clock, reset', async () => {
    const created = await create('va-api');
    await sandbox.control(`/_sandbox/sessions/${created.id}/pay`);
    await sandbox.callbacks(created.id, 1);
    const attempts = async () =>
      ((await fetch(`${sandbox.url}/_sandbox/callbacks`).then((answer) => answer.json())) as Json).deliveries.find(
        (delivery: Json) => delivery.paymentSessionId === created.id,
      ).attempts.length;
    expect(await attempts()).toBe(1);
    const before = Date.parse(((await fetch(`${sandbox.url}/_sandbox/clock`).then((answer) => answer.json())) as Json).now);
    await asTester(async ({ page }) => {
      await page.goto(`${sandbox.url}/_sandbox`);
      await act(page, '#deliveries button:has-text("Resend")');
      expect(await attempts()).toBe(2);
      await act(page, '#advance-15');
      const after = Date.parse(((await fetch(`${sandbox.url}/_sandbox/clock`).then((answer) => answer.json())) as Json).now);
      expect(after - before).toBeGreaterThanOrEqual(900_000);
      page.once('dialog', (dialog) => void dialog.accept());
      await act(page, '#reset');
      await expect.poll(() => page.locator('#sessions tbody tr[data-session]').count()).toBe(0);
    });
    const listed = (await fetch(`${sandbox.url}/_sandbox/sessions`).then((answer) => answer.json())) as Json;
    expect(listed.sessions).toEqual([]);
  });
});

describe("a person's whole path, from the dashboard", () => {
  it('starts a QRIS payment, pays it on the page, and comes back to the session on the dashboard', async () => {
    // A few sessions in different states, as a tester's afternoon leaves them (and the README shows).
    for (const [example, then] of [
      ['va-redirect', 'pay'],
      ['card-redirect', 'fail'],
      ['ewallet-redirect', undefined],
      ['payment-ui', undefined],
    ] as const) {
      const started = await sandbox.control('/_sandbox/sessions', { example, amount: 150000 });
      expect(started.status).toBe(200);
      if (then) await sandbox.control(`/_sandbox/sessions/${started.body.data.id}/${then}`);
    }
    await asTester(async ({ page }) => {
      await page.goto(`${sandbox.url}/_sandbox`);
      expect(await page.locator('#sessions tbody tr[data-session]').count()).toBe(4);
      expect(await overflowsSideways(page)).toBe(false);
      await readmeScreenshot(page, 'sandbox-dashboard.png');
    });
    await asTester(async ({ page }) => {
      await page.goto(`${sandbox.url}/_sandbox`);
      expect(await overflowsSideways(page)).toBe(false);
      await page.selectOption('#new-example', 'qr-redirect');
      await page.fill('#new-amount', '75000');
      await Promise.all([page.waitForURL(/\/_sandbox\/pay\//), page.click('#start')]);
      expect(await page.textContent('#amount')).toBe('Rp 75.000');
      await Promise.all([page.waitForURL(/\/_sandbox\/sessions\/[0-9a-f-]+\?returned=success$/), page.click('#simulate')]);
      expect(await page.textContent('#returned')).toContain('success');
      expect(await page.textContent('#session-status')).toBe('Paid');
    }, PHONE);
  });
});
