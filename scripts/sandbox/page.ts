/**
 * The hosted payment page's routes: the page a REDIRECT session's `paymentUrl` points at, and the 3DS
 * page of an API-mode card (Build Redirect Payment Page: the customer pays on Pivot's page and is sent
 * on to the merchant's `redirectUrl`). What the customer does is read from the form (`readPageForm`),
 * turned into a move of the state machine (`pageMove`), committed, and the browser sent on.
 *
 * Routes: `GET /_sandbox/pay/{id}` (the page), `POST` (the customer's choice), `GET|POST …/3ds` (the
 * challenge), `GET …/qr.png` (the QRIS code), `GET …/status` (what the page's script follows).
 *
 * Every form carries a CSRF token in a hidden field (an HMAC of the session id under the sandbox's
 * secret), so a plain form works without JavaScript and cookies while a form on another site, which
 * cannot read the page, cannot pay (decision `sandbox-same-origin`). The method a customer picks is
 * checked against the contract's `PaymentMethodType` (decision `page-method`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import QRCode from 'qrcode';
import { SANDBOX_ENCRYPTION_KEY, decryptCard } from './card-encryption.ts';
import { cardOf } from './card-charge.ts';
import { documentedError, jsonResponse } from '../http/errors.ts';
import { escapeHtml, html } from './html.ts';
import {
  cancelSession,
  challengeAhead,
  confirmSession,
  customerPays,
  endUnpaid,
  isRefused,
  presentCard,
  staticPayment,
  type Moment,
  type Outcome,
  type SessionRecord,
} from './lifecycle.ts';
import type { SandboxState } from './state.ts';
import { enterCard, passesLuhn, storedAsEntered, type EnteredCard } from './test-cards.ts';
import { notFoundPage, paymentPage } from './views/payment-page.ts';
import type { PageView } from './views/view.ts';

type Json = Record<string, any>;

/** The payment method types the contract lists (`PaymentMethodType`), in its order: what a page may pick. */
export function methodTypes(document: Json): string[] {
  const types = document.components?.schemas?.PaymentMethodType?.enum;
  if (!Array.isArray(types) || types.length === 0) throw new Error('the contract lists no PaymentMethodType values');
  return types.map(String);
}

/** The page's CSRF token for a session: HMAC-SHA256 of its id under the sandbox's secret, base64url. */
export function pageToken(secret: string, sessionId: string): string {
  return createHmac('sha256', secret).update(`pay:${sessionId}`).digest('base64url');
}

/** The CSRF token in a payment page's forms (what a client driving the page posts back), if it has one. */
export function pageFormToken(page: string): string | undefined {
  return /<input type="hidden" name="csrf" value="([^"]*)">/.exec(page)?.[1];
}

function isPageToken(given: unknown, secret: string, sessionId: string): boolean {
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(pageToken(secret, sessionId));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The 403 of a form posted without the page's token (from another site, or made up). */
function forgedForm(): Response {
  return jsonResponse(
    403,
    documentedError('createPaymentSession', '403', 'forbidden-access', {
      code: 'forbidden_access',
      message: 'The form has no valid CSRF token: pay from the payment page itself (GET /_sandbox/pay/{id})',
      type: 'API_ERROR',
    }),
  );
}

/** The method type a request picks, if any (`paymentMethod` of "pay", the type part of a Payment UI choice). */
function pickedMethod(request: PageRequest): string | undefined {
  if (request.action === 'pay') return request.paymentMethod;
  if (request.action === 'choose') return request.choice.split(':')[0];
  return undefined;
}

/** What the customer asked for on the page. */
export type PageRequest =
  /** Pay (quick pay without a card typed; a push payment simulated; an e-wallet approved); `paymentMethod` picks one first. */
  | { action: 'pay'; paymentMethod?: string }
  | { action: 'fail' }
  | { action: 'cancel' }
  /** Payment UI: a method, `VIRTUAL_ACCOUNT:BCA` or `EWALLET:DANA` with its channel. */
  | { action: 'choose'; choice: string }
  | { action: 'card'; card: EnteredCard }
  | { action: 'saved'; token: string }
  | { action: 'static'; amount: number }
  | { action: 'threeDs'; answer: 'passed' | 'failed' };

/** The form a page posted, checked: the request, or what to tell the customer. */
export function readPageForm(form: Record<string, unknown>, now: number): PageRequest | { error: string } {
  const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string).trim() : '');
  const action = text('action');
  switch (action) {
    case 'pay':
      return { action, ...(text('paymentMethod') ? { paymentMethod: text('paymentMethod') } : {}) };
    case 'fail':
    case 'cancel':
      return { action };
    case 'choose':
      return text('choice') ? { action, choice: text('choice') } : { error: 'Choose a payment method.' };
    case 'saved':
      return text('token') ? { action, token: text('token') } : { error: 'Choose one of your saved cards.' };
    case 'static': {
      const amount = Number(text('amount'));
      return Number.isInteger(amount) && amount > 0 ? { action, amount } : { error: 'Enter the amount paid, in whole Rupiah.' };
    }
    case 'card':
      return readCard(form, now);
    default:
      return { error: `Unknown action "${action}".` };
  }
}

/** The card form: an `encryptedCard` made in the browser, or the fields in clear (no script). Checked as card forms check. */
function readCard(form: Record<string, unknown>, now: number): PageRequest | { error: string } {
  const value = (name: string) => (typeof form[name] === 'string' ? (form[name] as string).trim() : '');
  let typed: { number: string; expMonth: number; expYear: number; cvc?: string };
  if (value('encryptedCard')) {
    const card = decryptCard(value('encryptedCard'));
    if (!card) return { error: 'The card could not be read. Please enter it again.' };
    typed = card;
  } else {
    const expiry = /^(0[1-9]|1[0-2])\s*\/\s*([0-9]{2}|[0-9]{4})$/.exec(value('cardExpiry'));
    if (!expiry) return { error: 'Enter the expiry date as MM/YY.' };
    typed = {
      number: value('cardNumber').replace(/[\s-]/g, ''),
      expMonth: Number(expiry[1]),
      expYear: Number(expiry[2]),
      cvc: value('cardCvc'),
    };
  }
  if (!/^[0-9]{12,19}$/.test(typed.number)) return { error: 'Enter the card number: 12 to 19 digits.' };
  if (!/^[0-9]{3,4}$/.test(typed.cvc ?? '')) return { error: 'Enter the 3-digit security code (CVC).' };
  // decision `unknown-test-card`: any number works, but a typo (Luhn) or a past expiry is caught here.
  if (!passesLuhn(typed.number)) return { error: 'This card number is not valid: please check it.' };
  const year = 2000 + (typed.expYear % 100);
  const today = new Date(now);
  if (year < today.getUTCFullYear() || (year === today.getUTCFullYear() && typed.expMonth < today.getUTCMonth() + 1))
    return { error: 'This card has expired: check the expiry date.' };
  return { action: 'card', card: enterCard(typed.number, typed.expMonth, typed.expYear % 100, value('cardName') || undefined) };
}

/** Payment UI's choice as a confirm request: `VIRTUAL_ACCOUNT:BCA` → the method and its channel. */
function chosenMethod(choice: string): Json | undefined {
  const [type, channel] = choice.split(':');
  if (type === 'CARD' || type === 'QR') return { paymentMethod: { type } };
  if (type === 'VIRTUAL_ACCOUNT' && channel && /^[A-Z][A-Z0-9_]*$/.test(channel))
    return { paymentMethod: { type }, paymentMethodOptions: { virtualAccount: { channel } } };
  if (type === 'EWALLET' && ['DANA', 'OVO', 'SHOPEEPAY'].includes(channel ?? ''))
    return { paymentMethod: { type }, paymentMethodOptions: { ewallet: { channel } } };
  return undefined;
}

/**
 * What the customer's request does to the session. Before a charge exists, "pay" and "fail" first
 * confirm the session with its method (or the one picked): Build Redirect Payment Page › late
 * finalisation, where the customer picks the method on Pivot's page.
 */
export function pageMove(record: SessionRecord, request: PageRequest, moment: Moment, storedCard?: Json): Outcome {
  const status = record.session.status;
  switch (request.action) {
    case 'cancel':
      // Pre-charge: the customer cancels (REQUESTED_BY_CUSTOMER); with a charge waiting: the customer left
      // (EXPIRED); decision `page-cancel`.
      return status === 'REQUIRE_ACTION' || status === 'PROCESSING'
        ? endUnpaid(record, 'expired', moment)
        : cancelSession(record, 'REQUESTED_BY_CUSTOMER', moment);
    case 'choose': {
      const confirm = chosenMethod(request.choice);
      if (!confirm) return { refused: 400, field: 'choice', message: `choice ${request.choice} is not a payment method` };
      return confirmSession(record, confirm, moment, record.internal.storedCard);
    }
    case 'card':
      return presentCard(record, request.card, undefined, moment);
    case 'saved':
      if (!storedCard) return { refused: 404, message: `The stored payment method with token ${request.token} cannot be found` };
      return presentCard(record, storedAsEntered(storedCard), storedCard, moment);
    case 'static':
      return staticPayment(record, { value: request.amount, currency: record.session.amount.currency }, moment);
    case 'threeDs':
      return customerPays(record, moment, request.answer);
    case 'pay':
    case 'fail': {
      let current: Outcome = { record, callbacks: [] };
      if (status === 'REQUIRE_PAYMENT_METHOD' || status === 'REQUIRE_CONFIRMATION') {
        const picked = request.action === 'pay' ? request.paymentMethod : undefined;
        const chosen = record.session.paymentMethod?.type ?? picked ?? 'CARD';
        current = confirmSession(record, { paymentMethod: { type: chosen } }, moment, record.internal.storedCard);
        if (isRefused(current)) return current;
      }
      const next = request.action === 'pay' ? customerPays(current.record, moment) : endUnpaid(current.record, 'failed', moment);
      if (isRefused(next)) return next;
      return { ...next, callbacks: [...current.callbacks, ...next.callbacks] };
    }
  }
}

/** Which return URL a session's state sends the customer to, once their part is over; undefined while it is not. */
export function customerOutcome(session: Json): 'success' | 'failure' | 'expiration' | undefined {
  const charges = (session.chargeDetails ?? []) as Json[];
  if (session.status === 'PAID') return 'success';
  if (session.status === 'PROCESSING')
    return session.investigationStatus === 'INVESTIGATION_IN_PROCESS' ||
      charges.some((charge) => charge.status === 'WAITING_FOR_CAPTURE')
      ? 'success'
      : undefined;
  if (session.status === 'EXPIRED') return charges.some((charge) => charge.status === 'FAILED') ? 'failure' : 'expiration';
  if (session.status === 'CANCELLED') return 'expiration';
  return undefined;
}

/** Where the customer is sent after the page; DANA uses `successReturnUrl` for every outcome (E-Wallet hint). */
export function returnUrl(session: Json, outcome: 'success' | 'failure' | 'expiration'): string | undefined {
  const urls = (session.redirectUrl ?? {}) as Json;
  const dana = session.chargeDetails?.at(-1)?.ewallet?.channel === 'DANA';
  return dana ? urls.successReturnUrl : urls[`${outcome}ReturnUrl`];
}

/** Whether a record's known card meets a challenge now (the 3DS page shows, not the method page). */
function knownCard(record: SessionRecord): EnteredCard | undefined {
  const { session } = record;
  if (session.paymentMethod?.type !== 'CARD' || !(record.internal.card || record.internal.storedCard)) return undefined;
  return cardOf(record.internal);
}

function waitsForChallenge(record: SessionRecord): boolean {
  return (
    knownCard(record) !== undefined &&
    (record.session.status === 'REQUIRE_ACTION'
      ? challengeAhead(record)
      : record.session.chargeDetails?.at(-1)?.status === 'WAITING_FOR_AUTHENTICATION')
  );
}

/** The view of a record: what the page shows it with. */
async function viewOf(record: SessionRecord, state: SandboxState, extra: Partial<PageView> = {}): Promise<PageView> {
  const { session } = record;
  const known = knownCard(record);
  const customer =
    session.showSavedPayment === true && session.customerId ? await state.customers.get(session.customerId) : undefined;
  const savedCards = ((customer?.storedPaymentMethods ?? []) as Json[]).filter(
    (method) => String(method.paymentMethod).toUpperCase() === 'CARD' && method.status !== 'INACTIVE' && method.card,
  );
  return {
    session,
    now: state.clock.now(),
    base: `/_sandbox/pay/${session.id}`,
    hidden: `<input type="hidden" name="csrf" value="${escapeHtml(pageToken(state.secret(), session.id))}">`,
    ...(known ? { card: known } : {}),
    challenge: waitsForChallenge(record),
    savedCards,
    encryptionKey: session.encryptionKey ?? SANDBOX_ENCRYPTION_KEY,
    ...extra,
  };
}

export function pageRoutes(app: Hono, state: SandboxState, methods: readonly string[]): void {
  const notFound = (id: string) => html(notFoundPage(`No payment session ${id} here: the link may be wrong or old.`), 404);
  const render = async (record: SessionRecord, status = 200, error?: string) => {
    const outcome = customerOutcome(record.session);
    const backTo = outcome && returnUrl(record.session, outcome);
    return html(paymentPage(await viewOf(record, state, error ? { error } : {}), backTo), status);
  };
  const pageOf = (id: string) => `/_sandbox/pay/${id}`;
  const seeOther = (location: string) => new Response(null, { status: 303, headers: { location } });

  // The challenge is its own page: a card session whose known card meets one is shown at `…/3ds`.
  app.get('/_sandbox/pay/:id', async (c) => {
    const record = await state.session(c.req.param('id'));
    if (!record) return notFound(c.req.param('id'));
    return waitsForChallenge(record) ? seeOther(`${pageOf(record.session.id)}/3ds`) : render(record);
  });
  app.get('/_sandbox/pay/:id/3ds', async (c) => {
    const record = await state.session(c.req.param('id'));
    if (!record) return notFound(c.req.param('id'));
    return waitsForChallenge(record) ? render(record) : seeOther(pageOf(record.session.id));
  });

  /** Applies the customer's request, then sends the browser on: the merchant once their part is over, else the page. */
  async function apply(id: string, request: PageRequest | { error: string }): Promise<Response> {
    const picked = 'error' in request ? undefined : pickedMethod(request);
    if (picked !== undefined && !methods.includes(picked)) {
      // Not a choice the page offers: a made-up form, answered as a bad request.
      const record = await state.session(id);
      return record ? render(record, 400, `Unknown payment method "${picked}" (one of ${methods.join(', ')}).`) : notFound(id);
    }
    if ('error' in request) {
      // A mistake in a form is shown on the page for the customer to correct: an ordinary page (200),
      // so the browser logs no failed request.
      const record = await state.session(id);
      return record ? render(record, 200, request.error) : notFound(id);
    }
    const stored = request.action === 'saved' ? await state.customers.storedCard(request.token) : undefined;
    let shown: SessionRecord | undefined;
    const moved = await state.change(
      id,
      (record) => {
        shown = record;
        return pageMove(record, request, state.moment(), stored);
      },
      { via: 'hosted page' },
    );
    if (!moved) return notFound(id);
    if (isRefused(moved)) return render(shown!, moved.refused === 400 ? 400 : 422, moved.message);
    const outcome = customerOutcome(moved.record.session);
    const target = outcome ? returnUrl(moved.record.session, outcome) : undefined;
    if (target) return Response.redirect(target, 303);
    if (outcome) return render(moved.record);
    return seeOther(waitsForChallenge(moved.record) ? `${pageOf(id)}/3ds` : pageOf(id));
  }

  app.post('/_sandbox/pay/:id', async (c) => {
    // The whole form first: the session is read after it, so a slow body never moves a stale copy.
    const form = await c.req.parseBody();
    if (!isPageToken(form.csrf, state.secret(), c.req.param('id'))) return forgedForm();
    return apply(c.req.param('id'), readPageForm(form, state.clock.now()));
  });
  app.post('/_sandbox/pay/:id/3ds', async (c) => {
    const form = await c.req.parseBody();
    if (!isPageToken(form.csrf, state.secret(), c.req.param('id'))) return forgedForm();
    const answer = form.threeDs === 'failed' || form.threeDs === 'passed' ? form.threeDs : undefined;
    const request: PageRequest | { error: string } = answer
      ? { action: 'threeDs', answer }
      : { error: 'Confirm or reject the payment.' };
    return apply(c.req.param('id'), request);
  });

  app.get('/_sandbox/pay/:id/qr.png', async (c) => {
    const record = await state.session(c.req.param('id'));
    const qr = record?.session.chargeDetails?.at(-1)?.qr ?? record?.session.paymentMethod?.qr;
    if (!qr?.qrContent) return notFound(c.req.param('id'));
    const png = await QRCode.toBuffer(qr.qrContent as string, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 8 });
    return new Response(new Uint8Array(png), { headers: { 'content-type': 'image/png', 'cache-control': 'no-store' } });
  });

  app.get('/_sandbox/pay/:id/status', async (c) => {
    const record = await state.session(c.req.param('id'));
    if (!record) return Response.json({ status: 'UNKNOWN', next: pageOf(c.req.param('id')) }, { status: 404 });
    const { session } = record;
    const outcome = customerOutcome(session);
    const next = (outcome && returnUrl(session, outcome)) ?? pageOf(session.id);
    return Response.json({ status: session.status, chargeStatus: session.chargeDetails?.at(-1)?.status ?? null, next });
  });
}
