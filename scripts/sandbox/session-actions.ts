/**
 * Control routes that act on one session, as a tester (or the dashboard, which calls exactly these)
 * would: the customer pays or fails, the session expires, the merchant captures or cancels, an FDS
 * review ends, a refund is made. Not part of Pivot's API (`/_sandbox/…`); each moves the session through
 * the same state machine as the API and the hosted page, and answers in the contract's shapes: the
 * session in the `PaymentSessionResponse` envelope, a refund in `{ code, message, data }`, a refusal as an
 * `ErrorResponse`.
 *
 * Also `POST /_sandbox/sessions`: a new session from a documented example, made through the sandbox's
 * own API (token, then createPaymentSession), for a person who starts from the dashboard.
 */
import type { Hono } from 'hono';
import { getFixture } from 'pivot-payments-contract/fixtures';
import { jsonResponse, validationErrorBody } from '../http/errors.ts';
import { missingSession, ok, refusal } from './api.ts';
import { cardOfInput } from './card-encryption.ts';
import {
  cancelSession,
  captureSession,
  customerPays,
  endUnpaid,
  isRefused,
  resolveReview,
  staticPayment,
  type Moment,
  type Outcome,
  type SessionRecord,
} from './lifecycle.ts';
import { checkRefundRequest, createRefund } from './refunds.ts';
import type { SandboxState } from './state.ts';

type Json = Record<string, any>;

/** The documented requests a person can start a session from, by what they show. */
export const STARTING_EXAMPLES: Record<string, string> = {
  'payment-ui': 'Payment UI: the customer picks the method',
  'card-redirect': 'Card (3DS challenge)',
  'card-tokenization-redirect-save': 'Card, saved for later (saveForFutureUse)',
  'va-redirect': 'Virtual account (PermataBank)',
  'qr-redirect': 'QRIS',
  'ewallet-redirect': 'E-wallet (DANA)',
  'va-static': 'Static virtual account (many payments)',
  'qr-static': 'Static QRIS (many payments)',
};

export interface ActionCredentials {
  merchantId: string;
  merchantSecret: string;
}

/** The body of a control POST: a JSON object, or undefined when it is not one. */
async function jsonObject(request: Request): Promise<Json | undefined> {
  const text = await request.text();
  if (text.trim() === '') return {};
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const notAnObject = () =>
  jsonResponse(400, validationErrorBody('createPaymentSession', [{ field: 'body', message: 'body must be a JSON object' }]));

/** A fresh documented request: a new reference, an expiry an hour ahead, the amount asked for. */
export function startingRequest(example: string, now: number, amount?: number, origin?: string): Json {
  const body = getFixture({ operationId: 'createPaymentSession', kind: 'request', name: example } as never) as Json;
  body.clientReferenceId = `sbx${now.toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const expiryAt = new Date(now + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  if (body.expiryAt !== undefined) body.expiryAt = expiryAt;
  for (const options of Object.values((body.paymentMethodOptions ?? {}) as Json))
    if (options && typeof options === 'object' && 'expiryAt' in options) options.expiryAt = expiryAt;
  // The customer comes back to the sandbox's dashboard, not to the docs' merchant.com.
  if (origin !== undefined)
    body.redirectUrl = Object.fromEntries(
      ['success', 'failure', 'expiration'].map((outcome) => [
        `${outcome}ReturnUrl`,
        `${origin}/_sandbox/returned/${outcome}/${body.clientReferenceId}`,
      ]),
    );
  if (amount !== undefined && body.paymentType !== 'MULTIPLE') {
    body.amount = { value: amount, currency: 'IDR' };
    for (const product of (body.orderInformation?.productDetails ?? []) as Json[])
      product.price = { value: amount, currency: 'IDR' };
    if (body.orderInformation?.productDetails?.length)
      body.orderInformation.productDetails = [body.orderInformation.productDetails[0]];
    const first = body.orderInformation?.productDetails?.[0];
    if (first) first.quantity = 1;
  }
  return body;
}

export function sessionActionRoutes(app: Hono, state: SandboxState, credentials: ActionCredentials): void {
  /**
   * One move of one session: `check` may refuse the body first; the move runs on the stored session
   * (compare-and-set, `state.change`) and the session is answered (or the move's `answer`).
   */
  function act(
    path: string,
    move: (record: SessionRecord, body: Json, moment: Moment) => Outcome,
    check: (body: Json) => Response | undefined = () => undefined,
  ): void {
    app.post(`/_sandbox/sessions/:id/${path}`, async (c) => {
      const body = await jsonObject(c.req.raw);
      if (!body) return notAnObject();
      const refused = check(body);
      if (refused) return refused;
      const id = c.req.param('id');
      const outcome = await state.change(id, (record) => move(record, body, state.moment()), { via: `control route ${path}` });
      if (!outcome) return missingSession('createPaymentSession', id);
      if (isRefused(outcome)) return refusal('createPaymentSession', outcome);
      return ok(outcome.answer ?? outcome.record.session);
    });
  }
  const invalid = (field: string, message: string) =>
    jsonResponse(400, validationErrorBody('createPaymentSession', [{ field, message }]));

  // The customer pays: a card (`card`: number, expMonth, expYear, or encryptedCard) and the 3DS answer
  // (`threeDs`: passed, failed) may be given; a static session takes `amount` (Payment Simulation:
  // "Mandatory if Payment Type is MULTIPLE").
  act(
    'pay',
    (record, body, moment) => {
      if (record.session.paymentType === 'MULTIPLE') {
        const value = Number(body.amount?.value ?? body.amount);
        const amount = Number.isFinite(value) && value > 0 ? { value, currency: record.session.amount.currency } : undefined;
        return staticPayment(record, amount, moment);
      }
      const threeDs = body.threeDs === 'failed' ? 'failed' : 'passed';
      if (body.card === undefined) return customerPays(record, moment, threeDs);
      if (record.session.paymentMethod?.type !== 'CARD')
        return { refused: 422, message: `${record.session.id} is not a card session` };
      return customerPays({ ...record, internal: { ...record.internal, card: cardOfInput(body.card)! } }, moment, threeDs);
    },
    (body) =>
      body.card !== undefined && !cardOfInput(body.card)
        ? invalid('card', 'card needs number, expMonth and expYear (or an encryptedCard the sandbox can read)')
        : undefined,
  );
  act('fail', (record, _body, moment) => endUnpaid(record, 'failed', moment));
  act('expire', (record, _body, moment) => endUnpaid(record, 'expired', moment));
  act('capture', (record, body, moment) => captureSession(record, body, moment));
  act('cancel', (record, body, moment) => cancelSession(record, String(body.cancellationReason ?? 'VOID_SESSION'), moment));
  act(
    'review',
    (record, body, moment) => resolveReview(record, body.approve === true, moment),
    (body) => (typeof body.approve === 'boolean' ? undefined : invalid('approve', 'approve must be true or false')),
  );

  // A refund: Refund Object fields (reason, isFullAmount, amount, clientReferenceId, chargeId, description,
  // metadata, transferDestination) and the sandbox's `outcome`; answers the Refund, PENDING.
  app.post('/_sandbox/sessions/:id/refunds', async (c) => {
    const body = await jsonObject(c.req.raw);
    if (!body) return notAnObject();
    const request = checkRefundRequest(body);
    if ('problems' in request) return jsonResponse(400, validationErrorBody('createPaymentSession', request.problems));
    const id = c.req.param('id');
    const outcome = await state.change(
      id,
      (record): Outcome => {
        const made = createRefund(record.session, record.refunds ?? [], request, state.moment());
        if ('refused' in made) return made;
        return {
          record: { ...record, refunds: made.refunds },
          callbacks: [],
          refundCallbacks: made.callbacks,
          cause: made.cause,
        };
      },
      { via: 'control route refunds' },
    );
    if (!outcome) return missingSession('createPaymentSession', id);
    if (isRefused(outcome)) return refusal('createPaymentSession', outcome);
    return jsonResponse(200, { code: '00', message: 'Success', data: outcome.record.refunds!.at(-1)!.refund });
  });
  app.get('/_sandbox/sessions/:id/refunds', async (c) => {
    const record = await state.session(c.req.param('id'));
    if (!record) return missingSession('createPaymentSession', c.req.param('id'));
    return jsonResponse(200, { code: '00', message: 'Success', data: (record.refunds ?? []).map(({ refund }) => refund) });
  });

  // A new session from a documented example, through the sandbox's own API.
  app.post('/_sandbox/sessions', async (c) => {
    const body = await jsonObject(c.req.raw);
    if (!body) return notAnObject();
    const example = String(body.example ?? '');
    if (!Object.hasOwn(STARTING_EXAMPLES, example))
      return invalid('example', `example must be one of ${Object.keys(STARTING_EXAMPLES).join(', ')}`);
    const amount = body.amount === undefined || body.amount === '' ? undefined : Number(body.amount);
    if (amount !== undefined && !(Number.isInteger(amount) && amount > 0 && amount <= 10_000_000_000))
      return invalid('amount', 'amount must be a whole number of Rupiah above 0');
    const base = new URL(c.req.url).origin;
    const token = await app.request(`${base}/v1/access-token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-merchant-id': credentials.merchantId,
        'x-merchant-secret': credentials.merchantSecret,
      },
      body: JSON.stringify({ grantType: 'client_credentials' }),
    });
    const accessToken = ((await token.json()) as Json).data?.accessToken as string;
    const request = startingRequest(example, state.clock.now(), amount, state.publicUrl());
    return app.request(`${base}/v2/payments`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${accessToken}`,
        'x-request-id': `dashboard${request.clientReferenceId}`.slice(0, 36),
      },
      body: JSON.stringify(request),
    });
  });
}
