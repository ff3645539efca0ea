/**
 * The hosted payment page, plain HTML with no framework: the page a REDIRECT session's
 * `paymentUrl` points at (Build Redirect Payment Page: the customer pays on Pivot's page and is sent on
 * to the merchant's `redirectUrl`).
 */
import type { Hono } from 'hono';
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

const METHOD_CHOICES = ['CARD', 'VIRTUAL_ACCOUNT', 'QR', 'EWALLET'];

/** The hosted payment page of a session: what is paid, and the customer's three choices. */
export function paymentPage(session: Json, actionPath: string): string {
  const method = session.paymentMethod?.type as string | undefined;
  const open = ['REQUIRE_PAYMENT_METHOD', 'REQUIRE_CONFIRMATION', 'REQUIRE_ACTION'].includes(session.status);
  const charge = (session.chargeDetails as Json[] | null)?.at(-1);
  const va = charge?.virtualAccount;
  const choice = method
    ? `<dd id="method">${escapeHtml(method)}</dd>`
    : `<dd><select id="method" name="paymentMethod" form="actions">${METHOD_CHOICES.map((type) => `<option>${type}</option>`).join('')}</select></dd>`;
  const form = open
    ? `<form id="actions" method="post" action="${escapeHtml(actionPath)}">
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
export function pageRoutes(app: Hono, state: SandboxState): void {
  app.get('/_sandbox/pay/:id', async (c) => {
    const record = await state.session(c.req.param('id'));
    if (!record) return html(returnPage(c.req.param('id'), 'not found: no such payment session'), 404);
    return html(paymentPage(record.session, `/_sandbox/pay/${record.session.id}`));
  });
  app.post('/_sandbox/pay/:id', async (c) => {
    const id = c.req.param('id');
    // The whole form first: the session is read after it, so a slow body never moves a stale copy.
    const form = await c.req.parseBody();
    const action = String(form.action ?? '');
    if (action !== 'pay' && action !== 'fail' && action !== 'cancel')
      return html(returnPage(id, `unknown action "${action}"`), 400);
    const method = typeof form.paymentMethod === 'string' ? form.paymentMethod : undefined;
    let shown: SessionRecord | undefined;
    const outcome = await state.change(id, (record) => {
      shown = record;
      return pageAction(record, action, method, state.moment());
    });
    if (!outcome) return html(returnPage(id, 'not found: no such payment session'), 404);
    if (isRefused(outcome))
      return html(
        paymentPage(shown!.session, `/_sandbox/pay/${id}`).replace(
          '<h1>',
          `<p id="error">${escapeHtml(outcome.message)}</p>\n<h1>`,
        ),
        422,
      );
    const target = returnUrl(outcome.record.session, action === 'pay' ? 'success' : action === 'fail' ? 'failure' : 'expiration');
    const outcomeName = action === 'pay' ? 'paid' : action === 'fail' ? 'failed' : 'cancelled';
    return target ? c.redirect(target, 303) : html(returnPage(id, outcomeName));
  });
}
