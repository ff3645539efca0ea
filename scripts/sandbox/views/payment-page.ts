/**
 * The hosted payment page, a stand-in for Pivot's (Build Redirect Payment Page): what is paid and to
 * whom, then the page of the session's method as its customer sees it (card form and 3DS, QRIS code,
 * virtual account, e-wallet), a choice of method for a Payment UI session, and the outcome in words.
 * Pure: a `PageView` in, HTML out; `page.ts` serves it.
 */
import { escapeHtml } from '../html.ts';
import { cardFormView, challengeView, knownCardView } from './card.ts';
import { ewalletView } from './ewallet.ts';
import { frame, statusBadge } from './frame.ts';
import { qrView, virtualAccountView } from './push.ts';
import type { PageView } from './view.ts';
import {
  EWALLET_CHANNELS,
  VIRTUAL_ACCOUNT_BANKS,
  bankName,
  dateInWords,
  ewalletName,
  methodInWords,
  rupiah,
  sessionStatusInWords,
} from './words.ts';

type Json = Record<string, any>;

const FINAL = new Set(['PAID', 'EXPIRED', 'CANCELLED']);

function summary(session: Json): string {
  return `<header class="top"><span class="badge">Pivot sandbox</span>${statusBadge(session.status, sessionStatusInWords(session.status), 'status')}</header>
<section class="panel">
<p class="merchant" id="merchant">${escapeHtml(session.statementDescriptor)}</p>
<p class="amount" id="amount">${escapeHtml(rupiah(session.amount))}</p>
<dl class="facts">
<dt>Order</dt><dd id="reference">${escapeHtml(session.clientReferenceId)}</dd>
<dt>Pay with</dt><dd id="method">${escapeHtml(methodInWords(session))}</dd>
${session.expiryAt && !FINAL.has(session.status) ? `<dt>Pay by</dt><dd id="expires">${escapeHtml(dateInWords(session.expiryAt))}</dd>` : ''}
</dl>
</section>`;
}

/** Payment UI: the customer picks a method; a VA or e-wallet also its bank or channel. */
function methodChoice(view: PageView): string {
  const choice = (value: string, label: string) =>
    `<button type="submit" name="choice" value="${escapeHtml(value)}">${escapeHtml(label)}</button>`;
  return `<h1>How would you like to pay?</h1>
<form method="post" action="${escapeHtml(view.base)}" class="choices" id="choices">${view.hidden}
<input type="hidden" name="action" value="choose">
<div class="group">Card</div>
${choice('CARD', 'Credit or debit card')}
<div class="group">QRIS</div>
${choice('QR', 'QRIS (any bank or e-wallet app)')}
<div class="group">Bank transfer (virtual account)</div>
${VIRTUAL_ACCOUNT_BANKS.map((bank) => choice(`VIRTUAL_ACCOUNT:${bank}`, `${bankName(bank)} virtual account`)).join('\n')}
<div class="group">E-wallet</div>
${EWALLET_CHANNELS.map((channel) => choice(`EWALLET:${channel}`, ewalletName(channel))).join('\n')}
</form>`;
}

/** REQUIRE_CONFIRMATION with a method: the customer goes on with it (Build Redirect Payment Page › late finalisation). */
function continueWith(view: PageView): string {
  const type = view.session.paymentMethod?.type as string;
  return `<p>Continue to pay with <strong>${escapeHtml(methodInWords(view.session))}</strong>.</p>
<form method="post" action="${escapeHtml(view.base)}">${view.hidden}<input type="hidden" name="action" value="choose">
<div class="actions"><button type="submit" name="choice" value="${escapeHtml(type)}" class="primary" id="continue">Continue</button></div></form>`;
}

function methodPage(view: PageView): string {
  const { session } = view;
  switch (session.paymentMethod?.type) {
    case 'CARD':
      if (view.card && view.challenge) return challengeView(view);
      return view.card ? knownCardView(view) : cardFormView(view);
    case 'QR':
      return qrView(view);
    case 'VIRTUAL_ACCOUNT':
      return virtualAccountView(view);
    case 'EWALLET':
      return ewalletView(view);
    default:
      return methodChoice(view);
  }
}

function cancelForm(view: PageView): string {
  return `<form method="post" action="${escapeHtml(view.base)}" id="cancel-form">${view.hidden}
<div class="actions row"><button type="submit" name="action" value="cancel" class="link" id="cancel">Cancel and go back to the merchant</button></div></form>`;
}

/** The outcome in words, and the way back to the merchant. */
function outcome(view: PageView, backTo: string | undefined): string {
  const { session } = view;
  const charge = (session.chargeDetails as Json[] | null)?.at(-1);
  const text =
    session.status === 'PAID'
      ? `Payment of ${rupiah(session.amount)} received. Thank you!`
      : session.status === 'CANCELLED'
        ? 'This payment was cancelled.'
        : charge?.status === 'FAILED'
          ? `The payment failed: ${charge.failureMessage ?? 'declined'}.`
          : 'This payment expired before it was paid.';
  return `<h1 id="final">${escapeHtml(text)}</h1>
${charge?.failureCode ? `<p class="note">Failure code <code id="failure-code">${escapeHtml(charge.failureCode)}</code></p>` : ''}
${backTo ? `<div class="actions"><a class="button primary" id="back" href="${escapeHtml(backTo)}">Back to ${escapeHtml(session.statementDescriptor)}</a></div>` : ''}`;
}

function processing(view: PageView): string {
  const review = view.session.investigationStatus === 'INVESTIGATION_IN_PROCESS';
  const capture = (view.session.chargeDetails as Json[] | null)?.some((charge) => charge.status === 'WAITING_FOR_CAPTURE');
  const text = review
    ? 'Your payment is under review. The merchant will let you know the result.'
    : capture
      ? 'Your card is authorised. The merchant completes the payment when your order is confirmed.'
      : 'Your payment is being processed.';
  return `<h1 id="processing">${escapeHtml(text)}</h1><p class="note">This page updates by itself.</p>`;
}

/** The whole page of a session; `backTo` is the merchant URL of a final outcome, if any. */
export function paymentPage(view: PageView, backTo?: string): string {
  const { session } = view;
  const waitsForCard = session.status === 'PROCESSING' && view.card && view.challenge;
  let body: string;
  if (FINAL.has(session.status)) body = outcome(view, backTo);
  else if (session.status === 'REQUIRE_PAYMENT_METHOD') body = `${methodChoice(view)}${cancelForm(view)}`;
  else if (session.status === 'REQUIRE_CONFIRMATION') body = `${continueWith(view)}${cancelForm(view)}`;
  else if (session.status === 'REQUIRE_ACTION') body = `${methodPage(view)}${cancelForm(view)}`;
  else if (session.status === 'ACTIVE') body = methodPage(view);
  else if (waitsForCard) body = challengeView(view);
  else body = processing(view);
  const error = view.error ? `<p class="error" id="error" role="alert">${escapeHtml(view.error)}</p>` : '';
  return frame({
    title: `Pay ${rupiah(session.amount)} to ${session.statementDescriptor} · Pivot sandbox`,
    scripts: ['page.js'],
    body: `<div id="page" data-watch="${escapeHtml(view.base)}/status" data-status="${escapeHtml(session.status)}" data-sandbox-now="${view.now}">
${summary(session)}
${error}
<section class="panel" id="method-page">
${body}
</section>
</div>`,
  });
}

/** Where a customer lands without a merchant URL for the outcome, or on an unknown session. */
export function notFoundPage(text: string): string {
  return frame({
    title: 'Pivot sandbox',
    body: `<header class="top"><span class="badge">Pivot sandbox</span></header><section class="panel"><h1 id="final">${escapeHtml(text)}</h1></section>`,
  });
}
