/**
 * The e-wallet view of the hosted page: the channel (DANA, OVO, ShopeePay) and the customer's step in
 * its app, approve or decline (State and Status › Pull: "Customer input … E-Wallet OTP/PIN"; Payment
 * Method Options Object › ewallet.channel). DANA sends the customer back to `successReturnUrl` whatever
 * the outcome (E-Wallet hint of Create Payment Session).
 */
import { escapeHtml } from '../html.ts';
import type { PageView } from './view.ts';
import { ewalletName, rupiah } from './words.ts';

type Json = Record<string, any>;

export function ewalletView(view: PageView): string {
  const charge = (view.session.chargeDetails as Json[] | null)?.at(-1);
  const channel = (charge?.ewallet?.channel ?? 'SHOPEEPAY') as string;
  const name = ewalletName(channel);
  const how =
    channel === 'OVO'
      ? `OVO sends a notification to the phone number of your OVO account. Open it in the OVO app and approve within the time limit.`
      : `Open the ${escapeHtml(name)} app (on a phone this page opens it for you), log in and approve the payment with your PIN.`;
  return `<h2>Pay with <span id="channel">${escapeHtml(name)}</span></h2>
<ol class="steps">
<li>${how}</li>
<li>Check the amount, <strong>${escapeHtml(rupiah(view.session.amount))}</strong>, to <strong>${escapeHtml(view.session.statementDescriptor)}</strong>.</li>
<li>Approve in the app. This page moves on by itself once ${escapeHtml(name)} confirms.</li>
</ol>
<form method="post" action="${escapeHtml(view.base)}" class="panel">${view.hidden}
<h3>Sandbox: the customer in the ${escapeHtml(name)} app</h3>
<div class="actions">
<button type="submit" name="action" value="pay" class="good" id="approve">Approve in ${escapeHtml(name)}</button>
<button type="submit" name="action" value="fail" class="bad" id="decline">Decline in ${escapeHtml(name)}</button>
</div>
</form>`;
}
