/**
 * What the browser tests share: Debian's Chromium driven by playwright-core, a page that records every
 * console error, page error and request that leaves 127.0.0.1 (the page and the dashboard must work
 * offline and quietly), a local "merchant" that the browser lands on, and the README's screenshots.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { documentedRequest, type Harness } from './harness.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
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

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)`);
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 60_000 });
}

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors, uncaught page errors and failed requests, as lines. */
  problems: string[];
  /** Requests to anywhere but 127.0.0.1 (none must happen: no CDN). */
  outside: string[];
  close(): Promise<void>;
}

/** A fresh page (its own context) that records what must never happen. */
export async function watchedPage(browser: Browser, viewport = PHONE): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  const outside: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    // A navigation the page itself replaced (a redirect after a form) is not a failure.
    if (request.failure()?.errorText !== 'net::ERR_ABORTED')
      problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`);
  });
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.hostname === '127.0.0.1') return route.continue();
    outside.push(route.request().url());
    return route.abort();
  });
  return { page, context, problems, outside, close: () => context.close() };
}

/** Whether the page fits its width: nothing wider than the viewport (a phone must not scroll sideways). */
export async function overflowsSideways(page: Page): Promise<boolean> {
  return page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth + 1');
}

export interface Merchant {
  url: string;
  /** Pages the site serves besides its landing pages, by path (`/forge` …). */
  pages: Map<string, string>;
  close(): Promise<void>;
}

/** The merchant's site on another origin: the page a test put at a path, else a landing page naming the path. */
export async function startMerchant(): Promise<Merchant> {
  const pages = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      pages.get(req.url ?? '') ??
        `<!doctype html><title>merchant</title><link rel="icon" href="data:,"><h1 id="landed">merchant ${req.url}</h1>`,
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pages,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

/** A session of a documented variant (with `changes` over it) whose return URLs are the merchant's `/success`, `/failure`, `/expiration`. */
export async function sessionReturningTo(
  sandbox: Harness,
  merchant: Merchant,
  name: string,
  changes: Record<string, unknown> = {},
): Promise<Record<string, any>> {
  const body = documentedRequest(name, sandbox.running.sandbox.clock.now(), {
    redirectUrl: {
      successReturnUrl: `${merchant.url}/success`,
      failureReturnUrl: `${merchant.url}/failure`,
      expirationReturnUrl: `${merchant.url}/expiration`,
    },
    ...changes,
  });
  const answer = await sandbox.call('createPaymentSession', { body });
  if (answer.status !== 200) throw new Error(`create ${name} answered ${answer.status}: ${answer.text}`);
  return answer.body.data;
}

/**
 * The README's screenshots (docs/images/), written only when `PIVOT_SANDBOX_SCREENSHOTS=1`: a normal test
 * run leaves the committed images alone, so they change only when someone means to renew them.
 */
export async function readmeScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.PIVOT_SANDBOX_SCREENSHOTS !== '1') return;
  const folder = join(import.meta.dirname, '..', '..', 'docs', 'images');
  mkdirSync(folder, { recursive: true });
  await page.screenshot({ path: join(folder, name), fullPage: true, animations: 'disabled', caret: 'hide' });
}
