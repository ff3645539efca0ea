/**
 * The hosted payment page, plain HTML with no framework: the page a REDIRECT session's
 * `paymentUrl` points at (Build Redirect Payment Page: the customer pays on Pivot's page and is sent on
 * to the merchant's `redirectUrl`). Its form carries a CSRF token in a hidden field (an HMAC of the
 * session id under the sandbox's secret), so a plain form works without JavaScript and cookies while a
 * form on another site, which cannot read the page, cannot pay (decision `sandbox-same-origin`). The
 * method a customer picks is checked against the contract's `PaymentMethodType` (decision `page-method`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import { documentedError, jsonResponse } from '../http/errors.ts';
import { escapeHtml, formatAmount, html, layout } from './html.ts';
import {
  cancelSession,
  confirmSession,
  customerPays,
  endUnpaid,
  isRefused,
  type Moment,
  type Outcome,
  type SessionRecord,
} from './lifecycle.ts';
import type { SandboxState } from './state.ts';

type Json = Record<string, any>;

export type PageAction = 'pay' | 'fail' | 'cancel';

/** The payment method types the contract lists (`PaymentMethodType`), in its order: the page's choices. */
export function methodTypes(document: Json): string[] {
  const types = document.components?.schemas?.PaymentMethodType?.enum;
  if (!Array.isArray(types) || types.length === 0) throw new Error('the contract lists no PaymentMethodType values');
  return types.map(String);
}

/** The page's CSRF token for a session: HMAC-SHA256 of its id under the sandbox's secret, base64url. */
export function pageToken(secret: string, sessionId: string): string {
  return createHmac('sha256', secret).update(`pay:${sessionId}`).digest('base64url');
}

/** The CSRF token in a payment page's form (what a client driving the page posts back), if it has one. */
export function pageFormToken(page: string): string | undefined {
  return /<input type="hidden" name="csrf" value="([^"]*)">/.exec(page)?.[1];
}

function isPageToken(given: unknown, secret: string, sessionId: string): boolean {
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(pageToken(secret, sessionId));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The hosted payment page of a session: what is paid, and the customer's three choices (posted back to its own URL). */
export function paymentPage(session: Json, csrf: string, methods: readonly string[]): string {
  const method = session.paymentMethod?.type as string | undefined;
  const open = ['REQUIRE_PAYMENT_METHOD', 'REQUIRE_CONFIRMATION', 'REQUIRE_ACTION'].includes(session.status);
  const charge = (session.chargeDetails as Json[] | null)?.at(-1);
  const va = charge?.virtualAccount;
  const choice = method
    ? `<dd id="method">${escapeHtml(method)}</dd>`
    : `<dd><select id="method" name="paymentMethod" form="actions">${methods.map((type) => `<option>${escapeHtml(type)}</option>`).join('')}</select></dd>`;
  const form = open
    ? `<form id="actions" method="post">
<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">
<button type="submit" name="action" value="pay">Pay</button>
<button type="submit" name="action" value="fail">Fail</button>
<button type="submit" name="action" value="cancel">Cancel</button>
</form>
<p class="note">Pivot sandbox: "Pay" completes the payment as the customer would (card: test card 4440 0001 1220 0001, 3DS passed),
"Fail" makes the charge fail, "Cancel" leaves the page. You are then sent to the merchant's return URL.</p>`
    : `<p id="final">This payment session is ${escapeHtml(session.status)}: nothing left to do here.</p>`;
  return layout(
    `Pay ${formatAmount(session.amount)} · Pivot sandbox`,
    `<h1>Pivot sandbox payment</h1>
<dl>
<dt>Amount</dt><dd id="amount">${escapeHtml(formatAmount(session.amount))}</dd>
<dt>Merchant reference</dt><dd id="reference">${escapeHtml(session.clientReferenceId)}</dd>
<dt>Merchant</dt><dd>${escapeHtml(session.statementDescriptor)}</dd>
<dt>Payment method</dt>${choice}
${va ? `<dt>Virtual account</dt><dd>${escapeHtml(va.channel)} ${escapeHtml(va.virtualAccountNumber)}</dd>` : ''}
<dt>Status</dt><dd id="status">${escapeHtml(session.status)}</dd>
<dt>Expires</dt><dd>${escapeHtml(session.expiryAt)}</dd>
</dl>
${form}`,
  );
}

/** Where the customer goes when the merchant gave no return URL for the outcome. */
export function returnPage(sessionId: string, outcome: string): string {
  return layout(
    'Pivot sandbox · back to the merchant',
    `<h1>Payment ${escapeHtml(outcome)}</h1>
<p>Session <code>${escapeHtml(sessionId)}</code>. The merchant's <code>redirectUrl</code> has no URL for this outcome, so the sandbox shows this page.</p>`,
  );
}

/** What a customer's choice on the hosted page does to the session. */
export function pageAction(record: SessionRecord, action: PageAction, method: string | undefined, base: Moment): Outcome {
  const status = record.session.status;
  if (action === 'cancel') {
    // Pre-charge: the customer cancels (REQUESTED_BY_CUSTOMER); with a charge waiting: the customer left (EXPIRED);
    // decision `page-cancel`.
    return status === 'REQUIRE_ACTION'
      ? endUnpaid(record, 'expired', base)
      : cancelSession(record, 'REQUESTED_BY_CUSTOMER', base);
  }
  let current: Outcome = { record, callbacks: [] };
  if (status === 'REQUIRE_PAYMENT_METHOD' || status === 'REQUIRE_CONFIRMATION') {
    // Build Redirect Payment Page › late finalisation: the customer picks the method on Pivot's page.
    const type = record.session.paymentMethod?.type ?? method ?? 'CARD';
    current = confirmSession(record, { paymentMethod: { type } }, base, record.internal.storedCard);
    if (isRefused(current)) return current;
  }
  const confirmed = current.record;
  const next = action === 'pay' ? customerPays(confirmed, base) : endUnpaid(confirmed, 'failed', base);
  if (isRefused(next)) return next;
  return { ...next, callbacks: [...current.callbacks, ...next.callbacks] };
}

/** Where the customer is sent after the page; DANA uses `successReturnUrl` for every outcome (E-Wallet hint). */
export function returnUrl(session: Json, outcome: 'success' | 'failure' | 'expiration'): string | undefined {
  const urls = (session.redirectUrl ?? {}) as Json;
  const dana = session.chargeDetails?.at(-1)?.ewallet?.channel === 'DANA';
  return dana ? urls.successReturnUrl : urls[`${outcome}ReturnUrl`];
}

/** `GET /_sandbox/pay/{id}` shows the page; `POST` is the customer's choice, then the merchant's return URL. */
export function pageRoutes(app: Hono, state: SandboxState, methods: readonly string[]): void {
  const token = (id: string) => pageToken(state.secret(), id);
  app.get('/_sandbox/pay/:id', async (c) => {
    const record = await state.session(c.req.param('id'));
    if (!record) return html(returnPage(c.req.param('id'), 'not found: no such payment session'), 404);
    return html(paymentPage(record.session, token(record.session.id), methods));
  });
  app.post('/_sandbox/pay/:id', async (c) => {
    const id = c.req.param('id');
    // The whole form first: the session is read after it, so a slow body never moves a stale copy.
    const form = await c.req.parseBody();
    if (!isPageToken(form.csrf, state.secret(), id))
      return jsonResponse(
        403,
        documentedError('createPaymentSession', '403', 'forbidden-access', {
          code: 'forbidden_access',
          message: 'The form has no valid CSRF token: pay from the payment page itself (GET /_sandbox/pay/{id})',
          type: 'API_ERROR',
        }),
      );
    const action = String(form.action ?? '');
    if (action !== 'pay' && action !== 'fail' && action !== 'cancel')
      return html(returnPage(id, `unknown action "${action}"`), 400);
    const method = typeof form.paymentMethod === 'string' ? form.paymentMethod : undefined;
    if (method !== undefined && !methods.includes(method))
      return html(returnPage(id, `unknown payment method "${method}" (one of ${methods.join(', ')})`), 400);
    let shown: SessionRecord | undefined;
    const outcome = await state.change(id, (record) => {
      shown = record;
      return pageAction(record, action, method, state.moment());
    });
    if (!outcome) return html(returnPage(id, 'not found: no such payment session'), 404);
    if (isRefused(outcome))
      return html(
        paymentPage(shown!.session, token(id), methods).replace('<h1>', `<p id="error">${escapeHtml(outcome.message)}</p>\n<h1>`),
        422,
      );
    const target = returnUrl(outcome.record.session, action === 'pay' ? 'success' : action === 'fail' ? 'failure' : 'expiration');
    const outcomeName = action === 'pay' ? 'paid' : action === 'fail' ? 'failed' : 'cancelled';
    return target ? c.redirect(target, 303) : html(returnPage(id, outcomeName));
  });
}
