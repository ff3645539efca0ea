/**
 * One session on the dashboard (`GET /_sandbox/sessions/{id}` asked for as HTML): what it is, its
 * timeline (each status change with its sandbox time of day, what caused it and the callbacks it sent),
 * its charges, its refunds, and every callback delivery with the body posted and each attempt's status
 * and answer; and the actions a tester takes, each calling a control route (pay, fail, expire, capture,
 * cancel, review, refund, resend). Pure: data in, HTML out.
 */
import { maskedCard } from '../card-charge.ts';
import { escapeHtml } from '../html.ts';
import { REFUND_REASONS } from '../refunds.ts';
import { TEST_CARD_TABLE } from '../test-cards.ts';
import type { TimelineEntry } from '../timeline.ts';
import { frame, statusBadge } from './frame.ts';
import {
  chargeStatusInWords,
  dateInWords,
  deliveryStateInWords,
  methodInWords,
  refundStatusInWords,
  rupiah,
  sessionStatusInWords,
  timeOfDay,
} from './words.ts';

type Json = Record<string, any>;

export interface SessionViewData {
  session: Json;
  timeline: TimelineEntry[];
  refunds: Json[];
  deliveries: Json[];
  now: number;
  /** The outcome the customer was sent back to the merchant with, when they just came back. */
  returned?: string;
}

const OPEN = new Set(['REQUIRE_PAYMENT_METHOD', 'REQUIRE_CONFIRMATION', 'REQUIRE_ACTION', 'PROCESSING']);

function timeline(entries: TimelineEntry[]): string {
  if (entries.length === 0) return '<p class="note">Nothing recorded yet.</p>';
  return `<ol class="timeline" id="timeline">
${entries
  .map(
    (entry) => `<li><time datetime="${new Date(entry.at).toISOString()}">${escapeHtml(timeOfDay(entry.at))}</time>
${statusBadge(entry.status, sessionStatusInWords(entry.status))}${entry.chargeStatus ? ` <span class="note">charge: ${escapeHtml(chargeStatusInWords(entry.chargeStatus))}</span>` : ''}
<div>${escapeHtml(entry.cause)}${entry.events.length ? ` <span class="note">→ ${entry.events.map((event) => `<code>${escapeHtml(event)}</code>`).join(', ')}</span>` : ''}</div></li>`,
  )
  .join('\n')}
</ol>`;
}

function chargeDetails(charge: Json): string {
  if (charge.card?.last4) {
    const auth = charge.card.authenticationResult;
    return `${escapeHtml(maskedCard({ brand: charge.card.binInformations?.brand, last4: charge.card.last4 }))}${auth ? ` · 3DS ${escapeHtml(auth.threeDsResult)}` : ''}`;
  }
  if (charge.virtualAccount)
    return `${escapeHtml(charge.virtualAccount.channel)} ${escapeHtml(charge.virtualAccount.virtualAccountNumber)}`;
  if (charge.qr) return `QRIS ${escapeHtml(String(charge.qr.qrContent).slice(0, 24))}…`;
  if (charge.ewallet) return escapeHtml(charge.ewallet.channel);
  return '';
}

function charges(session: Json): string {
  const list = (session.chargeDetails ?? []) as Json[];
  if (list.length === 0) return '<p class="note">No charge yet.</p>';
  return `<div class="table-wrap"><table id="charges"><thead><tr><th>Charge</th><th>Status</th><th class="num">Amount</th><th>Paid with</th><th>Failure</th><th>FDS</th></tr></thead><tbody>
${list
  .map(
    (
      charge,
    ) => `<tr><td><code>${escapeHtml(charge.id)}</code></td><td>${statusBadge(charge.status, chargeStatusInWords(charge.status))}</td>
<td class="num">${escapeHtml(rupiah(charge.amount))}${charge.capturedAmount && charge.status === 'WAITING_FOR_CAPTURE' ? `<br><span class="note">captured ${escapeHtml(rupiah(charge.capturedAmount))}</span>` : ''}</td>
<td>${chargeDetails(charge)}</td>
<td>${charge.failureCode ? `<code>${escapeHtml(charge.failureCode)}</code> ${escapeHtml(charge.failureMessage)}` : '—'}</td>
<td>${escapeHtml(charge.fdsRiskAssessment?.status ?? '—')}</td></tr>`,
  )
  .join('\n')}
</tbody></table></div>`;
}

function refunds(list: Json[]): string {
  if (list.length === 0) return '<p class="note">No refund.</p>';
  return `<div class="table-wrap"><table id="refunds"><thead><tr><th>Refund</th><th>Status</th><th class="num">Amount</th><th>Reason</th><th>To</th><th>Updated</th></tr></thead><tbody>
${list
  .map(
    (
      refund,
    ) => `<tr><td><code>${escapeHtml(refund.id)}</code><br><span class="note">${escapeHtml(refund.clientReferenceId)}</span></td>
<td>${statusBadge(refund.status, refundStatusInWords(refund.status))}</td>
<td class="num">${escapeHtml(rupiah({ value: Number(refund.amount?.value), currency: refund.amount?.currency }))}</td>
<td>${escapeHtml(refund.reason)}</td><td>${escapeHtml(refund.destinationType)}${refund.transferDestination ? ` ${escapeHtml(refund.transferDestination.channelCode)} ${escapeHtml(refund.transferDestination.channelInformation.accountNumber)}` : ''}</td>
<td>${escapeHtml(dateInWords(refund.updatedAt))}</td></tr>`,
  )
  .join('\n')}
</tbody></table></div>`;
}

function deliveries(list: Json[]): string {
  if (list.length === 0) return '<p class="note">No callback for this session yet.</p>';
  return list
    .map(
      (
        delivery,
      ) => `<details class="delivery" data-delivery="${escapeHtml(delivery.id)}"${delivery.state === 'delivered' ? '' : ' open'}>
<summary><code>${escapeHtml(delivery.event)}</code> · ${statusBadge(delivery.state, deliveryStateInWords(delivery.state))} · ${escapeHtml(String(delivery.attempts.length))} attempt(s)${delivery.nextAttemptAt ? ` · next ${escapeHtml(dateInWords(delivery.nextAttemptAt))}` : ''}</summary>
<div class="table-wrap"><table><thead><tr><th>Attempt</th><th>At</th><th>Answer</th></tr></thead><tbody>
${(delivery.attempts as Json[]).map((attempt, index) => `<tr><td>${index + 1}</td><td>${escapeHtml(dateInWords(attempt.at))}</td><td>${attempt.status !== null ? `HTTP ${escapeHtml(attempt.status)}` : escapeHtml(attempt.error)}${attempt.answer ? ` <code>${escapeHtml(String(attempt.answer).slice(0, 200))}</code>` : ''}</td></tr>`).join('\n') || '<tr><td colspan="3" class="note">Not sent (no callback URL) or not yet.</td></tr>'}
</tbody></table></div>
<p class="note">Request body (POST to the callback URL with X-API-Key):</p>
<pre>${escapeHtml(JSON.stringify(delivery.body, null, 2))}</pre>
<button type="button" data-control="/_sandbox/callbacks/${escapeHtml(delivery.id)}/resend">Resend now</button>
</details>`,
    )
    .join('\n');
}

/** The actions this session's status allows, each a control route. */
function actions(session: Json): string {
  const base = `/_sandbox/sessions/${escapeHtml(session.id)}`;
  const type = session.paymentMethod?.type as string | undefined;
  const charge = ((session.chargeDetails ?? []) as Json[]).at(-1);
  const parts: string[] = [];
  const waiting =
    session.status === 'REQUIRE_ACTION' || (session.status === 'PROCESSING' && charge?.status === 'WAITING_FOR_AUTHENTICATION');
  if (waiting && type === 'CARD') {
    const cards = TEST_CARD_TABLE.map((row) => `<option value="${row.numbers.VISA}">${escapeHtml(row.scenario)}</option>`).join(
      '',
    );
    parts.push(`<form data-control="${base}/pay" class="toolbar" id="pay-form">
<select name="card.number" aria-label="Test card">${cards}</select>
<select name="threeDs" aria-label="3DS"><option value="passed">3DS passed</option><option value="failed">3DS failed</option></select>
<input type="hidden" name="card.expMonth" value="12" data-type="number"><input type="hidden" name="card.expYear" value="39" data-type="number">
<button type="submit" class="good" id="action-pay">Pay with this card</button></form>`);
  } else if (waiting)
    parts.push(`<button type="button" data-control="${base}/pay" class="good" id="action-pay">Customer pays</button>`);
  if (session.status === 'ACTIVE')
    parts.push(
      `<form data-control="${base}/pay" class="toolbar"><input name="amount" data-type="number" required inputmode="numeric" pattern="[0-9]+" placeholder="amount" aria-label="Amount"><button type="submit" class="good" id="action-pay">Simulate a payment</button></form>`,
    );
  if (
    waiting ||
    (session.status === 'PROCESSING' &&
      charge?.status === 'PROCESSING' &&
      session.investigationStatus !== 'INVESTIGATION_IN_PROCESS')
  )
    parts.push(`<button type="button" data-control="${base}/fail" class="bad" id="action-fail">Payment fails</button>`);
  if (
    ['REQUIRE_PAYMENT_METHOD', 'REQUIRE_CONFIRMATION', 'REQUIRE_ACTION'].includes(session.status) ||
    charge?.status === 'WAITING_FOR_AUTHENTICATION'
  )
    parts.push(`<button type="button" data-control="${base}/expire" id="action-expire">Expire now</button>`);
  if (['REQUIRE_PAYMENT_METHOD', 'REQUIRE_CONFIRMATION'].includes(session.status))
    parts.push(
      `<button type="button" data-control="${base}/cancel" data-body='{"cancellationReason":"VOID_SESSION"}' id="action-cancel">Cancel (merchant)</button>`,
    );
  if (charge?.status === 'WAITING_FOR_CAPTURE')
    parts.push(`<form data-control="${base}/capture" class="toolbar"><input name="amount.value" data-type="number" inputmode="numeric" placeholder="all" aria-label="Amount to capture"><input type="hidden" name="amount.currency" value="IDR">
<label class="note"><input type="checkbox" name="releaseRemainingAmount" value="true" data-type="boolean" checked style="width:auto"> release the rest</label>
<button type="submit" class="good" id="action-capture">Capture</button></form>`);
  if (session.investigationStatus === 'INVESTIGATION_IN_PROCESS')
    parts.push(`<button type="button" data-control="${base}/review" data-body='{"approve":true}' class="good" id="action-approve">Approve the review</button>
<button type="button" data-control="${base}/review" data-body='{"approve":false}' class="bad" id="action-reject">Reject the review</button>`);
  if (session.status === 'PAID' || (session.status === 'ACTIVE' && session.chargeDetails?.length))
    parts.push(`<form data-control="${base}/refunds" class="toolbar" id="refund-form">
<input name="amount.value" data-type="number" inputmode="numeric" placeholder="all" aria-label="Amount to refund" id="refund-amount"><input type="hidden" name="amount.currency" value="IDR">
<select name="reason" aria-label="Reason">${REFUND_REASONS.map((reason) => `<option${reason === 'REQUESTED_BY_CUSTOMER' ? ' selected' : ''}>${reason}</option>`).join('')}</select>
<select name="outcome" aria-label="Outcome"><option value="SUCCESS">ends SUCCESS</option><option value="FAILED">ends FAILED</option><option value="CANCELLED">ends CANCELLED</option></select>
<button type="submit" id="action-refund">Refund</button></form>`);
  if (parts.length === 0)
    return '<p class="note" id="no-actions">This session is final: nothing left to do but refund a payment or resend a callback.</p>';
  return `<div class="toolbar" id="actions">${parts.join('\n')}</div>`;
}

/** The part the script refreshes. */
export function sessionLive(data: SessionViewData): string {
  const { session } = data;
  return `<section class="panel">
<p>${statusBadge(session.status, sessionStatusInWords(session.status), 'session-status')}${session.investigationStatus ? ` <span class="note">review: ${escapeHtml(session.investigationStatus)}</span>` : ''}</p>
<dl class="facts">
<dt>Amount</dt><dd>${escapeHtml(rupiah(session.amount))}</dd>
<dt>Method</dt><dd>${escapeHtml(methodInWords(session))} <span class="note">(${escapeHtml(session.mode)}, ${escapeHtml(session.paymentType)})</span></dd>
<dt>Created</dt><dd>${escapeHtml(dateInWords(session.createdAt))}</dd>
<dt>Expires</dt><dd>${escapeHtml(dateInWords(session.expiryAt))}</dd>
<dt>Sandbox time</dt><dd id="now">${escapeHtml(timeOfDay(data.now))}</dd>
</dl>
${actions(session)}
</section>
<section class="panel"><h2>Timeline</h2>${timeline(data.timeline)}</section>
<section class="panel"><h2>Charges</h2>${charges(session)}</section>
<section class="panel"><h2>Refunds</h2>${refunds(data.refunds)}</section>
<section class="panel"><h2>Callbacks</h2><div id="callbacks">${deliveries(data.deliveries)}</div></section>`;
}

export function sessionPage(data: SessionViewData): string {
  const { session } = data;
  const pageLink =
    session.paymentUrl?.includes('/_sandbox/pay/') && OPEN.has(session.status)
      ? `<a class="button" href="${escapeHtml(session.paymentUrl)}" id="open-page">Open the payment page</a>`
      : '';
  return frame({
    title: `${session.clientReferenceId} · Pivot sandbox`,
    wide: true,
    scripts: ['dashboard.js'],
    body: `<header class="top"><div><a href="/_sandbox">← All sessions</a><h1>${escapeHtml(session.clientReferenceId)}</h1><code class="note">${escapeHtml(session.id)}</code></div>${pageLink}</header>
${data.returned ? `<p class="panel" id="returned">The customer was sent back to the merchant: <strong>${escapeHtml(data.returned)}</strong>.</p>` : ''}
<p class="flash note" id="flash" role="status"></p>
<div id="live" data-live="1">
${sessionLive(data)}
</div>
<p class="note"><a href="/_sandbox/sessions/${escapeHtml(session.id)}?format=json">The session as JSON</a></p>`,
  });
}
