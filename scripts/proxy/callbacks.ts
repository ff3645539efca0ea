/**
 * The callbacks path: `POST /_proxy/callbacks` is the URL a merchant registers at Pivot while testing
 * (Dashboard → Setting → Developer Settings → Callbacks); the proxy passes each callback on unchanged to
 * the merchant's own endpoint (`--callback-to`) and the merchant's answer back to Pivot, then checks:
 *
 * - Pivot's side (in the proxy's mode, as data Pivot produces): the body is a payment or a refund
 *   callback, told apart by its `event` (`paymentCallback`, `refundCallback` webhooks; Payment Callback,
 *   Refund Callback pages), and valid for it, as JSON (Payment Callback › Header Request:
 *   `Content-Type: application/JSON`); `X-API-Key` is there (M) and, with `--callback-api-key`,
 *   is that key (compared in constant time; Callback: "validate the Callback source using your Callback
 *   API Key").
 * - the merchant's side: an authentic, valid callback is answered with a status the webhook documents
 *   (200: Payment Notify asks endpoints to "return only HTTP Response 200"; Pivot retries on 5xx, 408
 *   and 429, Callback › Delivery Retries), and a callback whose key is missing or wrong is not
 *   accepted (no 2xx).
 */
import { callbackKind, safeEqual, webhooks, type CallbackKind } from 'pivot-payments-contract/callbacks';
import { validate, type Mode } from 'pivot-payments-contract/validators';
import { headerOf, type ReadExchange } from './captured-body.ts';
import { addResult, checkJsonContentType, emptyFindings, excerpt, type Findings } from './findings.ts';
import type { CapturedExchange, UpstreamTarget } from './forward.ts';

/** Where the proxy takes callbacks, under a prefix Pivot's API does not use. */
export const CALLBACK_PATH = '/_proxy/callbacks';
export const PROXY_PREFIX = '/_proxy/';

type Json = Record<string, any>;

/** The merchant's endpoint for one callback: `--callback-to` as given, with the callback's own query (if any) added. */
export function callbackTarget(callbackTo: URL, target: string): UpstreamTarget {
  const query = target.includes('?') ? target.slice(target.indexOf('?') + 1) : '';
  const search = [callbackTo.search.slice(1), query].filter((part) => part !== '').join('&');
  const path = `${callbackTo.pathname}${search === '' ? '' : `?${search}`}`;
  return { origin: new URL(callbackTo.origin), path, href: `${callbackTo.origin}${path}` };
}

/** The statuses each webhook documents for the merchant's answer (`200`), from the bundled document. */
export function webhookStatuses(document: Json): Record<string, string[]> {
  const statuses: Record<string, string[]> = {};
  for (const [name, item] of Object.entries((document.webhooks ?? {}) as Record<string, Json>))
    statuses[name] = Object.keys(item.post?.responses ?? {});
  return statuses;
}

export interface CallbackCheck {
  mode: Mode;
  /** The callback API key a genuine callback carries (`--callback-api-key`), when known. */
  apiKey?: string;
  /** Each webhook's documented answer statuses (`webhookStatuses`). */
  statuses: Record<string, string[]>;
}

const known = () => Object.values(webhooks).flatMap((webhook) => webhook.events);

/** Pivot's callback: the key, then the body by its `event`. Returns whether it is authentic (as far as can be told). */
function checkCallbackRequest(findings: Findings, exchange: CapturedExchange, read: ReadExchange, check: CallbackCheck): boolean {
  const presented = headerOf(exchange.request, 'x-api-key');
  let authentic = true;
  if (presented === undefined) {
    authentic = false;
    findings.violations.push({
      where: 'request',
      path: 'X-API-Key',
      message: 'X-API-Key: missing (every callback carries the callback API key)',
    });
  } else if (check.apiKey !== undefined && !safeEqual(presented, check.apiKey)) {
    authentic = false;
    findings.violations.push({
      where: 'request',
      path: 'X-API-Key',
      message: 'X-API-Key: not the callback API key given with --callback-api-key',
    });
  }
  const body = read.request;
  if (body.kind === 'unread') {
    findings.notes.push(`request ${body.reason}`);
    return authentic;
  }
  if (body.kind === 'none') {
    findings.violations.push({ where: 'request', path: '', message: 'the callback has no body' });
    return authentic;
  }
  checkJsonContentType(findings, 'request', headerOf(exchange.request, 'content-type'));
  const json = body.json;
  if ('error' in json) {
    findings.violations.push({ where: 'request', path: '', message: `the callback is not JSON: ${excerpt(body.text)}` });
    return authentic;
  }
  const kind = callbackKind(json.value);
  if (kind === undefined) {
    const event = (json.value as Json | null)?.event;
    findings.violations.push({
      where: 'request',
      path: '/event',
      message: `/event ${JSON.stringify(event ?? null)} is no documented callback event (${known().join(', ')})`,
    });
    return authentic;
  }
  findings.operationId = kind;
  addResult(findings, 'request', validate(webhooks[kind].schema, json.value, { mode: check.mode }));
  return authentic;
}

/** The findings of one callback passed on to the merchant. */
export function validateCallback(exchange: CapturedExchange, read: ReadExchange, check: CallbackCheck): Findings {
  const findings = emptyFindings(null);
  const authentic = checkCallbackRequest(findings, exchange, read, check);
  if (exchange.failure?.kind === 'client-gone') {
    findings.notes.push(`the merchant's answer is not checked: ${exchange.failure.reason}`);
    return findings;
  }
  if (exchange.failure !== undefined) {
    const proxyAnswered = exchange.failure.kind === 'no-answer' ? ` (the proxy answered ${exchange.status})` : '';
    findings.violations.push({ where: 'response', path: '', message: `${exchange.failure.reason}${proxyAnswered}` });
    return findings;
  }
  const accepted = exchange.status >= 200 && exchange.status < 300;
  if (!authentic && accepted)
    findings.violations.push({
      where: 'response',
      path: '',
      message: `the merchant accepted (${exchange.status}) a callback without the callback API key: check X-API-Key before trusting a callback`,
    });
  const kind = findings.operationId as CallbackKind | null;
  const valid = findings.violations.length === 0;
  const documented = kind === null ? [] : (check.statuses[kind] ?? []);
  if (authentic && valid && kind !== null && !documented.includes(String(exchange.status)))
    findings.violations.push({
      where: 'response',
      path: '',
      message: `the merchant answered ${exchange.status} to a valid callback (documented: ${documented.join(', ') || 'none'}; Pivot retries on 5xx, 408 and 429)`,
    });
  return findings;
}
