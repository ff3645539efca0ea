/**
 * The card views of the hosted page: the card form (standard autocomplete fields `cc-name`,
 * `cc-number`, `cc-exp`, `cc-csc`), the customer's saved cards masked for `showSavedPayment` (Payment
 * Session Object › showSavedPayment: "Show saved Payment Information for CARD & EWALLET Payment method in
 * Payment Redirection"), the docs' test cards to pick from, the 3DS challenge page, and the last step
 * of a card already known (API mode).
 *
 * The form encrypts the card in the browser with the session's `encryptionKey` before it is sent
 * (Build Cards Encryption Flow; decision `card-encryption-format`), so only `encryptedCard` leaves the page.
 */
import { escapeHtml } from '../html.ts';
import { maskedCard, scenarioName } from '../card-charge.ts';
import { TEST_CARD_TABLE } from '../test-cards.ts';
import type { PageView } from './view.ts';
import { rupiah } from './words.ts';

/** `4440 0001 1220 0001`: a number as it is printed on a card. */
function grouped(number: string): string {
  return number.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** The docs' test-card table, each number a button that fills the form (Payment Simulation › Cards). */
export function testCardTable(): string {
  const rows = TEST_CARD_TABLE.map(
    (row) =>
      `<tr><td>${escapeHtml(row.scenario)}</td>${(['VISA', 'MASTERCARD', 'JCB'] as const)
        .map(
          (brand) =>
            `<td><button type="button" class="link" data-card="${row.numbers[brand]}" title="Use this ${brand} card">${grouped(row.numbers[brand])}</button></td>`,
        )
        .join('')}</tr>`,
  ).join('\n');
  return `<details class="test-cards" id="test-cards">
<summary>Test cards (Pivot's Payment Simulation)</summary>
<p class="note">Each card gives its scenario: use any future expiry date and any 3-digit CVC. Any other card number succeeds.</p>
<div class="table-wrap"><table>
<thead><tr><th>Scenario</th><th>Visa</th><th>Mastercard</th><th>JCB</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>
</details>`;
}

function savedCardList(view: PageView): string {
  if (view.savedCards.length === 0) return '';
  const items = view.savedCards
    .map((method) => {
      const card = method.card as { network?: string; last4: string; expMonth: string; expYear: string };
      return `<form method="post" action="${escapeHtml(view.base)}">${view.hidden}
<input type="hidden" name="action" value="saved"><input type="hidden" name="token" value="${escapeHtml(method.token)}">
<button type="submit" class="saved-card">${escapeHtml(maskedCard(card))} · expires ${escapeHtml(card.expMonth)}/${escapeHtml(String(card.expYear).slice(-2))}</button>
</form>`;
    })
    .join('\n');
  return `<h2>Your saved cards</h2>
<div class="saved" id="saved-cards">
${items}
</div>
<h2>Or pay with another card</h2>`;
}

/** The card form of a session waiting for a card (REDIRECT mode). */
export function cardFormView(view: PageView): string {
  const amount = rupiah(view.session.amount);
  return `${savedCardList(view)}
<form method="post" action="${escapeHtml(view.base)}" id="card-form" data-encrypt-key="${escapeHtml(view.encryptionKey)}" novalidate>
${view.hidden}<input type="hidden" name="action" value="card"><input type="hidden" name="encryptedCard" value="">
<label for="card-name">Name on card</label>
<input id="card-name" name="cardName" autocomplete="cc-name" required maxlength="100">
<label for="card-number">Card number</label>
<input id="card-number" name="cardNumber" autocomplete="cc-number" inputmode="numeric" required pattern="[0-9 ]{12,23}" placeholder="1234 5678 9012 3456">
<div class="two">
<div><label for="card-expiry">Expiry date</label>
<input id="card-expiry" name="cardExpiry" autocomplete="cc-exp" inputmode="numeric" required pattern="(0[1-9]|1[0-2]) ?/ ?([0-9]{2}|[0-9]{4})" placeholder="MM/YY"></div>
<div><label for="card-cvc">Security code (CVC)</label>
<input id="card-cvc" name="cardCvc" autocomplete="cc-csc" inputmode="numeric" required pattern="[0-9]{3,4}" placeholder="123"></div>
</div>
<p class="note">Your card is encrypted in this browser with the payment's key before it is sent.</p>
<div class="actions"><button type="submit" class="primary" id="pay">Pay ${escapeHtml(amount)}</button></div>
</form>
${testCardTable()}`;
}

/** A card already known (API mode, a token): the customer only completes the payment. */
export function knownCardView(view: PageView): string {
  const card = view.card!;
  return `<p>You are paying with <strong id="card">${escapeHtml(maskedCard(card))}</strong>.</p>
<p class="note">Sandbox: this card's scenario is “${escapeHtml(scenarioName(card))}”.</p>
<form method="post" action="${escapeHtml(view.base)}">${view.hidden}
<div class="actions"><button type="submit" name="action" value="pay" class="primary" id="pay">Pay ${escapeHtml(rupiah(view.session.amount))}</button></div>
</form>`;
}

/**
 * The 3DS challenge, as the issuer's page would show it: pass or fail (Payment Simulation › Cards,
 * "Need Mock 3DS"). The session moves only when the customer answers.
 */
export function challengeView(view: PageView): string {
  const card = view.card!;
  return `<section class="panel acs" aria-labelledby="acs-title">
<p class="badge">3-D Secure</p>
<h1 id="acs-title">Verify it's you</h1>
<p>Pivot Sandbox Bank asks you to confirm a payment of <strong>${escapeHtml(rupiah(view.session.amount))}</strong>
to <strong>${escapeHtml(view.session.statementDescriptor)}</strong> with <strong id="card">${escapeHtml(maskedCard(card))}</strong>.</p>
<form method="post" action="${escapeHtml(view.base)}/3ds">${view.hidden}
<label for="otp">One-time code</label>
<input id="otp" name="otp" autocomplete="one-time-code" inputmode="numeric" maxlength="6" placeholder="Any code works in the sandbox">
<div class="actions">
<button type="submit" name="threeDs" value="passed" class="primary" id="pass-3ds">Confirm payment (pass 3DS)</button>
<button type="submit" name="threeDs" value="failed" class="bad" id="fail-3ds">Reject (fail 3DS)</button>
</div>
</form>
<p class="note">Sandbox: the card's scenario is “${escapeHtml(scenarioName(card))}”; failing here gives AUTHENTICATION_FAILED for any card.</p>
</section>`;
}
