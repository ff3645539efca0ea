/**
 * What the browser tests of the sandbox share: Debian's Chromium driven by playwright-core, and a local
 * "merchant" site on another origin (its return URLs, and any page a test has it serve).
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { documentedRequest, type Harness } from './harness.ts';

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

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)`);
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 60_000 });
}

export interface Merchant {
  url: string;
  /** Pages the site serves besides its landing pages, by path (`/forge` …). */
  pages: Map<string, string>;
  close(): Promise<void>;
}

/** The merchant's site on 127.0.0.1: `<h1 id="landed">` for any path, or the page a test put there. */
export async function startMerchant(): Promise<Merchant> {
  const pages = new Map<string, string>();
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(pages.get(req.url ?? '') ?? `<h1 id="landed">merchant ${req.url}</h1>`);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pages,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** A session of a documented variant whose return URLs are the merchant's `/success`, `/failure`, `/expiration`. */
export async function sessionReturningTo(
  sandbox: Harness,
  merchant: Merchant,
  name: string,
): Promise<{ id: string; paymentUrl: string; clientReferenceId: string }> {
  const body = documentedRequest(name, sandbox.running.sandbox.clock.now(), {
    redirectUrl: {
      successReturnUrl: `${merchant.url}/success`,
      failureReturnUrl: `${merchant.url}/failure`,
      expirationReturnUrl: `${merchant.url}/expiration`,
    },
  });
  const answer = await sandbox.call('createPaymentSession', { body });
  if (answer.status !== 200) throw new Error(`create ${name} answered ${answer.status}: ${answer.text}`);
  return answer.body.data;
}
