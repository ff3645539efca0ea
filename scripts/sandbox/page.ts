/**
 * The sandbox's pages, plain HTML with no framework: the hosted payment page a REDIRECT session's
 * `paymentUrl` points at (Build Redirect Payment Page: the customer pays on Pivot's page and is sent on
 * to the merchant's `redirectUrl`), and `GET /_sandbox`, a list of sessions and callback deliveries.
 */
import type { Delivery } from './callbacks.ts';

type Json = Record<string, any>;

export type PageAction = 'pay' | 'fail' | 'cancel';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

/** `Rp 10.000` (Indonesian grouping), or the raw value for another currency. */
export function formatAmount(amount: Json | undefined): string {
  if (!amount) return '';
  const value = Number(amount.value);
  if (amount.currency === 'IDR') return `Rp ${value.toLocaleString('id-ID')}`;
  return `${amount.currency} ${value}`;
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 48rem; padding: 0 1rem; color: #1d1d1f; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1rem; }
dt { color: #666; }
button { font-size: 1rem; padding: .6rem 1.2rem; margin-right: .5rem; border-radius: .4rem; border: 1px solid #888; cursor: pointer; }
button[value=pay] { background: #0a7d32; color: #fff; border-color: #0a7d32; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
td, th { border-bottom: 1px solid #ddd; padding: .3rem; text-align: left; }
.note { color: #666; font-size: .85rem; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

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

/** `GET /_sandbox`: the newest sessions and deliveries, for a person to look at. */
export function dashboardPage(sessions: Json[], deliveries: Delivery[], now: string): string {
  const sessionRows = sessions
    .map(
      (session) =>
        `<tr><td><a href="/_sandbox/sessions/${escapeHtml(session.id)}">${escapeHtml(session.id)}</a></td><td>${escapeHtml(session.clientReferenceId)}</td><td>${escapeHtml(session.paymentMethod?.type ?? '—')}</td><td>${escapeHtml(formatAmount(session.amount))}</td><td>${escapeHtml(session.status)}</td><td>${escapeHtml(session.updatedAt)}</td><td>${session.paymentUrl?.includes('/_sandbox/pay/') ? `<a href="${escapeHtml(session.paymentUrl)}">page</a>` : ''}</td></tr>`,
    )
    .join('\n');
  const deliveryRows = deliveries
    .map(
      (delivery) =>
        `<tr><td>${escapeHtml(delivery.id)}</td><td>${escapeHtml(delivery.event)}</td><td>${escapeHtml(delivery.paymentSessionId)}</td><td>${escapeHtml(delivery.state)}</td><td>${delivery.attempts.map((attempt) => escapeHtml(attempt.status ?? attempt.error)).join(', ')}</td><td>${escapeHtml(delivery.nextAttemptAt ?? '')}</td></tr>`,
    )
    .join('\n');
  return layout(
    'Pivot sandbox',
    `<h1>Pivot sandbox</h1>
<p>Sandbox time: <code id="now">${escapeHtml(now)}</code></p>
<h2>Payment sessions (${sessions.length})</h2>
<table><thead><tr><th>id</th><th>reference</th><th>method</th><th>amount</th><th>status</th><th>updated</th><th></th></tr></thead>
<tbody>
${sessionRows}
</tbody></table>
<h2>Callback deliveries (${deliveries.length})</h2>
<table><thead><tr><th>id</th><th>event</th><th>session</th><th>state</th><th>attempts</th><th>next retry</th></tr></thead>
<tbody>
${deliveryRows}
</tbody></table>`,
  );
}
