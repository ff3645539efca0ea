/**
 * The push-payment views of the hosted page: the customer pays outside the page, by scanning a QRIS
 * code or transferring to a virtual account (State and Status › Push: "Customer has paid Virtual
 * Account Number or QRIS"). The page shows what they need (the QR code of `qrContent`, the bank and the
 * VA number to copy, how much, until when) and follows the session until it is paid. In the sandbox
 * nobody pays a real bank, so the page also offers the payment as Payment Simulation would make it.
 *
 * QR Charge Object and Virtual Account Charge Object pages (api-lists/payments/object/charge-object/…).
 */
import { escapeHtml } from '../html.ts';
import type { PageView } from './view.ts';
import { bankName, dateInWords, rupiah } from './words.ts';

type Json = Record<string, any>;

/** The countdown to an expiry, counted in the browser from sandbox time; "no expiry" for a static code. */
function expiryLine(expiryAt: string | null | undefined): string {
  if (!expiryAt || Date.parse(expiryAt) < Date.UTC(1000, 0, 1))
    return '<p class="note" id="expiry">This code does not expire: it can be paid again and again.</p>';
  return `<p id="expiry">Pay before <strong>${escapeHtml(dateInWords(expiryAt))}</strong>
(<span data-countdown="${escapeHtml(expiryAt)}" id="countdown">time left</span>).</p>`;
}

/** The sandbox's stand-in for the customer's bank: simulate the payment (single) or a payment of an amount (static). */
function simulateForm(view: PageView, what: string): string {
  const { session } = view;
  if (session.paymentType === 'MULTIPLE') {
    const closed = Number(session.amount?.value) > 0;
    return `<form method="post" action="${escapeHtml(view.base)}" class="panel">${view.hidden}
<h2>Sandbox: simulate a payment</h2>
<input type="hidden" name="action" value="static">
<label for="static-amount">Amount paid (Rp)</label>
<input id="static-amount" name="amount" inputmode="numeric" required pattern="[0-9]+" value="${closed ? escapeHtml(String(session.amount.value)) : ''}"${closed ? ' readonly' : ''}>
<div class="actions"><button type="submit" class="good" id="simulate">${escapeHtml(what)}</button></div>
</form>`;
  }
  return `<form method="post" action="${escapeHtml(view.base)}" class="panel">${view.hidden}
<h2>Sandbox: the customer's side</h2>
<p class="note">No real bank pays in the sandbox. This does what the customer's payment would do (Payment Simulation, SUCCESS).</p>
<div class="actions"><button type="submit" name="action" value="pay" class="good" id="simulate">${escapeHtml(what)}</button></div>
</form>`;
}

/** QRIS: the QR image of exactly `qrContent`, served by the sandbox, and its expiry counting down. */
export function qrView(view: PageView): string {
  const qr = (view.session.chargeDetails as Json[] | null)?.at(-1)?.qr ?? view.session.paymentMethod?.qr;
  if (!qr) return '<p>The QR code is being prepared.</p>';
  return `<h2>Scan to pay with QRIS</h2>
<img class="qr" id="qr" src="${escapeHtml(view.base)}/qr.png" width="288" height="288" alt="QRIS code for ${escapeHtml(rupiah(view.session.amount))}">
${expiryLine(qr.expiryAt ?? view.session.expiryAt)}
<ol class="steps">
<li>Open any QRIS app: your mobile banking or an e-wallet (GoPay, OVO, DANA, ShopeePay …).</li>
<li>Choose “Scan QR” and point the camera at the code.</li>
<li>Check that the merchant is <strong>${escapeHtml(qr.merchantName ?? view.session.statementDescriptor)}</strong> and the amount is <strong>${escapeHtml(rupiah(view.session.amount))}</strong>, then confirm.</li>
</ol>
<details><summary>QR content</summary><p><code id="qr-content">${escapeHtml(qr.qrContent)}</code></p></details>
${simulateForm(view, 'The customer scanned and paid')}`;
}

/** Virtual account: the bank, the number to copy, the amount and how to pay. */
export function virtualAccountView(view: PageView): string {
  const va = (view.session.chargeDetails as Json[] | null)?.at(-1)?.virtualAccount ?? view.session.paymentMethod?.virtualAccount;
  if (!va) return '<p>The virtual account is being prepared.</p>';
  const bank = bankName(va.channel);
  const amountText =
    view.session.paymentType === 'MULTIPLE' && !(Number(view.session.amount?.value) > 0)
      ? 'any amount'
      : rupiah(view.session.amount);
  return `<h2>Transfer to this virtual account</h2>
<dl class="facts">
<dt>Bank</dt><dd id="bank">${escapeHtml(bank)}</dd>
<dt>Account name</dt><dd id="va-name">${escapeHtml(va.virtualAccountName)}</dd>
<dt>Amount</dt><dd>${escapeHtml(amountText)}</dd>
</dl>
<p class="note">Virtual account number</p>
<div class="copy-row"><span class="big-number" id="va-number">${escapeHtml(va.virtualAccountNumber)}</span>
<button type="button" data-copy="${escapeHtml(va.virtualAccountNumber)}" id="copy-va">Copy</button></div>
${expiryLine(va.expiryAt ?? view.session.expiryAt)}
<h3>How to pay</h3>
<ol class="steps">
<li>Open ${escapeHtml(bank)} mobile banking or internet banking, or go to an ATM.</li>
<li>Choose <em>Transfer</em> → <em>Virtual Account</em>${va.channel === 'BCA' ? ' (BCA Virtual Account)' : ''}.</li>
<li>Enter the number <strong>${escapeHtml(va.virtualAccountNumber)}</strong>.</li>
<li>Check that the name is <strong>${escapeHtml(va.virtualAccountName)}</strong> and pay ${escapeHtml(amountText)}.</li>
</ol>
<p class="note">From another bank, use an interbank transfer to ${escapeHtml(bank)} with the same number.</p>
${simulateForm(view, 'The customer transferred the money')}`;
}
