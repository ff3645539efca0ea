/**
 * Copies every documented JSON example out of Pivot's documentation pages into
 * `spec/errata/published/`, byte for byte, with an index naming each example's page,
 * section and contract target. Maintainer tool: run it when the docs in `../shared/pivot-docs`
 * change, then review the diff and the errata test.
 *
 *   tsx scripts/maintainer/extract-published-examples.ts [docsDir]
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
// `yaml`, as scripts/maintainer/errata.ts: the index keeps the layout it was written in.
import { stringify } from 'yaml';

// Most of this file is the table of published sources (page, section, marker, target); the extraction
// itself is the three functions at the end. One file, so the table and what reads it stay together.
const DOCS_BASE = 'https://pivot-payment.gitbook.io/pivot-docs';
const OUT_DIR = resolve(import.meta.dirname, '../../spec/errata/published');
const TRUNCATION_MARKER = '[... excerpt ends here';

type Target =
  | { operationId: string; in: 'request'; example: string }
  | { operationId: string; in: 'response'; status: string; example: string }
  | { webhook: string; in: 'request'; example: string }
  | { schema: string; example: string; pointer?: string };

interface Source {
  file: string;
  docsFile: string;
  page: string;
  section: string;
  /** Text that precedes the example; the example is the first `{` after its `nth` occurrence. */
  after: string;
  nth?: number;
  targets: Target[];
  note?: string;
  /** Hand-written remainder of a truncated example, in spec/errata/completions/. */
  completion?: string;
}

const CREATE = 'api-references/api-lists/payments/payment-session/create-payment-session';
const createRequests: Array<[string, string]> = [
  ['payment-ui', "Request › Payment UI › Pivot's Payment UI"],
  ['card-redirect', "Request › Card Payment Method › Pivot's Payment Redirection"],
  ['card-encryption', "Request › Card Payment Method › Merchant's customized Payment Page — Card Encryption"],
  [
    'card-tokenization-redirect-save',
    "Request › Card Payment Method › Save Card with Pivot's Payment Redirection (Card Tokenization) › Initiation",
  ],
  [
    'card-tokenization-redirect-use',
    "Request › Card Payment Method › Save Card with Pivot's Payment Redirection (Card Tokenization) › Use Tokenized Card",
  ],
  [
    'card-tokenization-api-save',
    "Request › Card Payment Method › Save Card with Merchant's customized Payment Page (Card Tokenization) › Initiation",
  ],
  [
    'card-tokenization-api-use',
    "Request › Card Payment Method › Save Card with Merchant's customized Payment Page (Card Tokenization) › Use Tokenized Card",
  ],
  [
    'card-recurring-first-authorization',
    'Request › Card Payment Method › Subscription and Automated Billing (Recurring) › First Authorization',
  ],
  [
    'card-recurring-subsequent',
    'Request › Card Payment Method › Subscription and Automated Billing (Recurring) › Subsequent Transaction (Merchant managed scheduler)',
  ],
  [
    'card-recurring-update',
    'Request › Card Payment Method › Subscription and Automated Billing (Recurring) › Update Payment Method for ongoing Recurring Plan',
  ],
  ['va-redirect', "Request › Virtual Account Payment Method › Pivot's Payment Redirection"],
  ['va-api', "Request › Virtual Account Payment Method › Merchant's customized Payment Page"],
  ['va-static', "Request › Virtual Account Payment Method › Virtual Account Static with Merchant's customized Payment Page"],
  ['qr-redirect', "Request › QR Payment Method › Pivot's Payment Redirection"],
  ['qr-api', "Request › QR Payment Method › Merchant's customized Payment Page"],
  ['qr-static', "Request › QR Payment Method › QR Static with Merchant's customized Payment Page"],
  ['ewallet-redirect', "Request › E-Wallet Payment Method › Pivot's Payment Redirection"],
  ['ewallet-api', "Request › E-Wallet Payment Method › Merchant's customized Payment Page"],
];
const createResponses: Array<[string, string]> = [
  ['payment-ui', "Response › Payment UI › Pivot's Payment UI"],
  ['card-redirect', "Response › Card Payment Method › Pivot's Payment Redirection"],
  ['card-encryption', "Response › Card Payment Method › Merchant's customized Payment Page — Card Encryption"],
  [
    'card-tokenization-redirect-save',
    "Response › Card Payment Method › Save Card with Pivot's Payment Redirection (Card Tokenization) › Initiation",
  ],
  [
    'card-tokenization-redirect-use',
    "Response › Card Payment Method › Save Card with Pivot's Payment Redirection (Card Tokenization) › Use Tokenized Card",
  ],
  [
    'card-tokenization-api-save',
    "Response › Card Payment Method › Save Card with Merchant's customized Payment Page (Card Tokenization) › Initiation",
  ],
  [
    'card-tokenization-api-use',
    "Response › Card Payment Method › Save Card with Merchant's customized Payment Page (Card Tokenization) › Use Tokenized Card",
  ],
  [
    'card-recurring-first-authorization',
    'Response › Card Payment Method › Subscription and Automated Billing (Recurring) › First Authorization',
  ],
  [
    'card-recurring-subsequent',
    'Response › Card Payment Method › Subscription and Automated Billing (Recurring) › Subsequent Transaction (Merchant managed scheduler)',
  ],
  ['va-redirect', "Response › Virtual Account Payment Method › Pivot's Payment Redirection"],
  ['va-api', "Response › Virtual Account Payment Method › Merchant's customized Payment Page"],
  ['va-static', "Response › Virtual Account Payment Method › Virtual Account Static with Merchant's customized Payment Page"],
  ['qr-redirect', "Response › QR Payment Method › Pivot's Payment Redirection"],
  ['qr-api', "Response › QR Payment Method › Merchant's customized Payment Page"],
  ['qr-static', "Response › QR Payment Method › QR Static with Merchant's customized Payment Page"],
  ['ewallet-redirect', "Response › E-Wallet Payment Method › Pivot's Payment Redirection"],
  ['ewallet-api', "Response › E-Wallet Payment Method › Merchant's customized Payment Page"],
];

function createPaymentSessionSources(): Source[] {
  const requests = createRequests.map(([name, section], index): Source => ({
    file: `createPaymentSession.request.${name}.txt`,
    docsFile: 'create-payment-session.md',
    page: `${DOCS_BASE}/${CREATE}`,
    section,
    after: '```json',
    nth: index + 1,
    targets:
      name === 'card-recurring-update'
        ? [
            { operationId: 'createPaymentSession', in: 'request', example: 'card-recurring-update-encryption' },
            { operationId: 'createPaymentSession', in: 'request', example: 'card-recurring-update-token' },
          ]
        : [{ operationId: 'createPaymentSession', in: 'request', example: name }],
    ...(name === 'card-recurring-update'
      ? { note: 'One code block holding two request bodies, each introduced by a line of prose.' }
      : {}),
  }));
  const responses = createResponses.map(([name, section], index): Source => ({
    file: `createPaymentSession.response.${name}.txt`,
    docsFile: 'create-payment-session.md',
    page: `${DOCS_BASE}/${CREATE}`,
    section,
    after: '```json',
    nth: createRequests.length + index + 1,
    targets: [{ operationId: 'createPaymentSession', in: 'response', status: '200', example: name }],
  }));
  return [...requests, ...responses];
}

const REDIRECT_GUIDE = `${DOCS_BASE}/payments/accept-payment/build-redirect-payment-page`;
const otherSources: Source[] = [
  {
    file: 'createPaymentSession.request.redirect-guide-va.txt',
    docsFile: 'build-redirect-payment-page.txt',
    page: REDIRECT_GUIDE,
    section: 'Finalize Payment Method early › Create Payment Session',
    after: 'POST [BASE_URL]/v2/payments\n',
    nth: 1,
    targets: [{ operationId: 'createPaymentSession', in: 'request', example: 'redirect-guide-va' }],
  },
  {
    file: 'createPaymentSession.request.redirect-guide-confirm-later.txt',
    docsFile: 'build-redirect-payment-page.txt',
    page: REDIRECT_GUIDE,
    section: 'Finalize Payment Method later › Create Payment Session',
    after: 'POST [BASE_URL]/v2/payments\n',
    nth: 2,
    targets: [{ operationId: 'createPaymentSession', in: 'request', example: 'redirect-guide-confirm-later' }],
  },
  {
    file: 'createPaymentSession.request.static-guide-va-closed.txt',
    docsFile: 'excerpts/payments__accept-payment__build-static-payment.md',
    page: `${DOCS_BASE}/payments/accept-payment/build-static-payment`,
    section: 'Finalize Payment Method early › Create Payment Static (newest crawl)',
    after: 'POST [BASE_URL]/v2/payments\n',
    targets: [{ operationId: 'createPaymentSession', in: 'request', example: 'static-guide-va-closed' }],
  },
  {
    file: 'confirmPaymentSession.request.redirect-guide-va.txt',
    docsFile: 'build-redirect-payment-page.txt',
    page: REDIRECT_GUIDE,
    section: 'Finalize Payment Method later › Confirm Payment Session',
    after: 'POST [BASE_URL]/v2/payments/{id}/confirm\n',
    targets: [{ operationId: 'confirmPaymentSession', in: 'request', example: 'redirect-guide-va' }],
  },
  {
    file: 'cancelPaymentSession.request.requested-by-customer.txt',
    docsFile: 'excerpts/api-lists__payments__payment-session__cancel-payment-session.md',
    page: `${DOCS_BASE}/api-references/api-lists/payments/payment-session/cancel-payment-session`,
    section: 'Request › Request Body',
    after: '**Request Body**',
    targets: [{ operationId: 'cancelPaymentSession', in: 'request', example: 'requested-by-customer' }],
  },
  {
    file: 'cancelPaymentSession.response.requested-by-customer.txt',
    docsFile: 'excerpts/payments-v.2__payment-session__cancel-payment-session.md',
    page: `${DOCS_BASE}/api-references/payments-v.2/payment-session/cancel-payment-session`,
    section: 'Response › Response Body',
    after: 'Response Body',
    targets: [{ operationId: 'cancelPaymentSession', in: 'response', status: '200', example: 'requested-by-customer' }],
    note: 'The newer api-lists page was captured only up to the middle of paymentUrl; this is the complete older crawl of the same example.',
  },
  {
    file: 'capturePaymentSession.request.partial-release-remaining.txt',
    docsFile: 'excerpts/api-lists__payments__capture.md',
    page: `${DOCS_BASE}/api-references/api-lists/payments/capture`,
    section: 'Request › Request Body',
    after: '**Request Body**',
    targets: [{ operationId: 'capturePaymentSession', in: 'request', example: 'partial-release-remaining' }],
  },
  {
    file: 'capturePaymentSession.response.partial-release-remaining.txt',
    docsFile: 'excerpts/api-lists__payments__capture.md',
    page: `${DOCS_BASE}/api-references/api-lists/payments/capture`,
    section: 'Response › Response Body',
    after: '**Response Body**',
    targets: [{ operationId: 'capturePaymentSession', in: 'response', status: '200', example: 'partial-release-remaining' }],
  },
  {
    file: 'simulatePayment.request.success.txt',
    docsFile: 'excerpts/api-lists__payments__payment-simulation.md',
    page: `${DOCS_BASE}/api-references/api-lists/payments/payment-simulation`,
    section: 'Simulate via API › Request › Request Body',
    after: '**Request Body**',
    targets: [{ operationId: 'simulatePayment', in: 'request', example: 'success' }],
  },
  {
    file: 'simulatePayment.response.success.txt',
    docsFile: 'excerpts/api-lists__payments__payment-simulation.md',
    page: `${DOCS_BASE}/api-references/api-lists/payments/payment-simulation`,
    section: 'Simulate via API › Response › Response Body',
    after: '**Response Body**',
    targets: [{ operationId: 'simulatePayment', in: 'response', status: '200', example: 'success' }],
  },
  {
    file: 'createAccessToken.request.client-credentials.txt',
    docsFile: 'excerpts/api-information__authentication.md',
    page: `${DOCS_BASE}/api-references/api-information/authentication`,
    section: 'Access Token › Request Body',
    after: '**Request Body**',
    targets: [{ operationId: 'createAccessToken', in: 'request', example: 'client-credentials' }],
  },
  {
    file: 'createAccessToken.response.client-credentials.txt',
    docsFile: 'excerpts/api-information__authentication.md',
    page: `${DOCS_BASE}/api-references/api-information/authentication`,
    section: 'Access Token › Response Body',
    after: '**Response Body**',
    targets: [{ operationId: 'createAccessToken', in: 'response', status: '200', example: 'client-credentials' }],
  },
  {
    file: 'getCustomer.response.with-stored-card.txt',
    docsFile: 'excerpts/api-lists__core-resources__customers__retrieve-customer.md',
    page: `${DOCS_BASE}/api-references/api-lists/core-resources/customers/retrieve-customer`,
    section: 'Response › Response Body',
    after: 'Response Body',
    targets: [{ operationId: 'getCustomer', in: 'response', status: '200', example: 'with-stored-card' }],
  },
  {
    file: 'paymentCallback.request.payment-paid.txt',
    docsFile: 'excerpts/payments-v.2__payment-callback.md',
    page: `${DOCS_BASE}/api-references/payments-v.2/payment-callback`,
    section: 'Request › Request Body',
    after: 'Description\n',
    targets: [{ webhook: 'paymentCallback', in: 'request', example: 'payment-paid' }],
    note: 'Both crawls of the callback page end inside the example; this older crawl reaches furthest (into card.binInformations). The remainder is written by the contract from the Payment Session object page (same session id).',
    completion: 'paymentCallback.request.payment-paid.txt',
  },
  {
    file: 'refundCallback.request.refund-success.txt',
    docsFile: 'excerpts/api-lists__refunds__refund-callback.md',
    page: `${DOCS_BASE}/api-references/api-lists/refunds/refund-callback`,
    section: 'Request › Request Body',
    after: '```json',
    targets: [{ webhook: 'refundCallback', in: 'request', example: 'refund-success' }],
  },
  {
    file: 'Refund.refund-object.txt',
    docsFile: 'excerpts/api-lists__refunds__refund-object.md',
    page: `${DOCS_BASE}/api-references/api-lists/refunds/refund-object`,
    section: 'Refund Object',
    after: 'A refund object is created when you initiate a refund request.\n',
    targets: [{ schema: 'Refund', example: 'refund-object' }],
  },
  {
    file: 'ErrorResponse.error-object.txt',
    docsFile: 'excerpts/api-information__errors.md',
    page: `${DOCS_BASE}/api-references/api-information/errors`,
    section: 'Error Object',
    after: 'Error Object\n',
    targets: [{ schema: 'ErrorResponse', example: 'error-object' }],
  },
  {
    file: 'PaymentSession.payment-session-object.txt',
    docsFile: 'payment-session-object.md',
    page: `${DOCS_BASE}/api-references/api-lists/payments/object/payment-session-object`,
    section: 'Payment Session Object',
    after: '```json',
    targets: [{ schema: 'PaymentSession', example: 'payment-session-object' }],
  },
  {
    file: 'Charge.charge-object.txt',
    docsFile: 'charge-object.md',
    page: `${DOCS_BASE}/api-references/api-lists/payments/object/charge-object`,
    section: 'Charge Object (markdown source)',
    after: '```json',
    targets: [{ schema: 'Charge', example: 'charge-object', pointer: '/chargeDetails/0' }],
  },
  {
    file: 'Charge.charge-object-rendered.txt',
    docsFile: 'charge-object.rendered.txt',
    page: `${DOCS_BASE}/api-references/api-lists/payments/object/charge-object`,
    section: 'Charge Object (rendered page, other crawl)',
    after: 'Charge Object\n',
    targets: [{ schema: 'Charge', example: 'charge-object-rendered', pointer: '/chargeDetails/0' }],
  },
  {
    file: 'Customer.customer-object.txt',
    docsFile: 'excerpts/api-lists__core-resources__customers__customer-object.md',
    page: `${DOCS_BASE}/api-references/api-lists/core-resources/customers/customer-object`,
    section: 'Customer Object',
    after: '```json',
    targets: [{ schema: 'Customer', example: 'customer-object', pointer: '/customer' }],
  },
  {
    file: 'Customer.customer-object-older.txt',
    docsFile: 'excerpts/payments-v.2__object__customer-object.md',
    page: `${DOCS_BASE}/api-references/payments-v.2/object/customer-object`,
    section: 'Customer Object (older tree)',
    after: 'Customer Object\n',
    targets: [{ schema: 'Customer', example: 'customer-object-older', pointer: '/customer' }],
  },
  {
    file: 'Charge.charge-object-older.txt',
    docsFile: 'excerpts/payments-v.2__object__charge-object.md',
    page: `${DOCS_BASE}/api-references/payments-v.2/object/charge-object`,
    section: 'Charge Object (older tree)',
    after: 'Charge Object\n',
    targets: [{ schema: 'Charge', example: 'charge-object-older', pointer: '/chargeDetails/0' }],
  },
  {
    file: 'CardCharge.card-charge-object.txt',
    docsFile: 'excerpts/payments-v.2__object__charge-object__card-charge-object.md',
    page: `${DOCS_BASE}/api-references/payments-v.2/object/charge-object/card-charge-object`,
    section: 'Card Charge Object (older tree)',
    after: 'Card Charge Object\n',
    targets: [{ schema: 'CardCharge', example: 'card-charge-object' }],
  },
  {
    file: 'Amount.amount-object.txt',
    docsFile: 'excerpts/api-lists__payments__object__amount-object.md',
    page: `${DOCS_BASE}/api-references/api-lists/payments/object/amount-object`,
    section: 'Amount Object',
    after: 'Amount Object\n',
    targets: [{ schema: 'Amount', example: 'amount-object', pointer: '/amount' }],
  },
  {
    file: 'RedirectUrl.redirect-object.txt',
    docsFile: 'excerpts/api-lists__payments__object__redirect-object.md',
    page: `${DOCS_BASE}/api-references/api-lists/payments/object/redirect-object`,
    section: 'Redirect Object',
    after: 'Redirect Object\n',
    targets: [{ schema: 'RedirectUrl', example: 'redirect-object', pointer: '/redirectUrl' }],
  },
  {
    file: 'OrderInformation.order-object.txt',
    docsFile: 'excerpts/api-lists__payments__object__order-object.md',
    page: `${DOCS_BASE}/api-references/api-lists/payments/object/order-object`,
    section: 'Order Object',
    after: 'Order Object\n',
    targets: [{ schema: 'OrderInformation', example: 'order-object', pointer: '/orderInformation' }],
  },
  {
    file: 'PaymentMethodOptions.payment-method-options-object.txt',
    docsFile: 'excerpts/api-lists__payments__object__payment-method-options-object.md',
    page: `${DOCS_BASE}/api-references/api-lists/payments/object/payment-method-options-object`,
    section: 'Payment Method Options Object (newer crawl)',
    after: '```json',
    targets: [{ schema: 'PaymentMethodOptions', example: 'payment-method-options-object' }],
  },
  {
    file: 'PaymentMethodInput.payment-method-object.txt',
    docsFile: 'excerpts/api-lists__payments__object__payment-method-object.md',
    page: `${DOCS_BASE}/api-references/api-lists/payments/object/payment-method-object`,
    section: 'Payment Method Object',
    after: 'Payment Method Object\n',
    targets: [{ schema: 'PaymentMethodInput', example: 'payment-method-object' }],
  },
  {
    file: 'QrCharge.qr-charge-object.txt',
    docsFile: 'excerpts/api-lists__payments__object__charge-object__qr-charge-object.md',
    page: `${DOCS_BASE}/api-references/api-lists/payments/object/charge-object/qr-charge-object`,
    section: 'QR Charge Object',
    after: '```json',
    targets: [{ schema: 'QrCharge', example: 'qr-charge-object' }],
  },
  {
    file: 'VirtualAccountCharge.virtual-account-charge-object.txt',
    docsFile: 'excerpts/api-lists__payments__object__charge-object__virtual-account-charge-object.md',
    page: `${DOCS_BASE}/api-references/api-lists/payments/object/charge-object/virtual-account-charge-object`,
    section: 'Virtual Account Charge Object',
    after: '```json',
    targets: [{ schema: 'VirtualAccountCharge', example: 'virtual-account-charge-object' }],
  },
  {
    file: 'FdsRiskAssessment.fds-object.txt',
    docsFile: 'excerpts/payments-v.2__object__fds-object.md',
    page: `${DOCS_BASE}/api-references/payments-v.2/object/fds-object`,
    section: 'FDS Object',
    after: 'FDS Object\n',
    targets: [{ schema: 'FdsRiskAssessment', example: 'fds-object', pointer: '/fdsRiskAssessment' }],
  },
];

/**
 * Every page of the docs folder that no example is extracted from, and why. A page that appears in the
 * docs and is neither a source above nor listed here stops the extraction: each page gets a decision.
 */
const NOT_EXTRACTED: Record<string, string> = {
  'excerpts/api-information__callback.md': 'no JSON example (headers and the retry schedule, in prose)',
  'excerpts/api-information__idempotency.md': 'no JSON example',
  'excerpts/api-information__response.md':
    'a format template whose error and data are `//` placeholders, not data Pivot sends (the envelope is the examples of every operation)',
  'excerpts/api-lists__payments__object__charge-object.md':
    'truncated captures of the Charge object; the complete example is charge-object.md (Charge.charge-object.txt)',
  'excerpts/api-lists__payments__object__payment-session-object.md':
    'truncated captures of the Payment Session object; the complete example is payment-session-object.md',
  'excerpts/api-lists__payments__payment-callback.md':
    'truncated captures of the payment callback; the older crawl reaches further (paymentCallback.request.payment-paid.txt)',
  'excerpts/api-lists__payments__payment-session__create-payment-session.md':
    'truncated captures of the create requests; the complete page is create-payment-session.md',
  'excerpts/api-lists__payments__response-and-failure-code.md': 'no JSON example (code tables)',
  'excerpts/api-lists__payments__status.md': 'no JSON example (status tables)',
  'excerpts/payments-v.2__failure-code-and-message.md': 'no JSON example (code tables)',
  'excerpts/payments-v.2__object__amount-object.md': 'the same JSON as the newer Amount object page (Amount.amount-object.txt)',
  'excerpts/payments-v.2__object__charge-object__virtual-account-charge-object.md':
    'the same JSON as the newer Virtual Account Charge object page (VirtualAccountCharge.virtual-account-charge-object.txt)',
  'excerpts/payments-v.2__object__order-object.md':
    'a request object (what a merchant sends, not Pivot output); the newer Order object page is extracted (OrderInformation.order-object.txt)',
  'excerpts/payments-v.2__object__payment-method-options-object.md':
    'a request object (what a merchant sends, not Pivot output); the newer page is extracted (PaymentMethodOptions.payment-method-options-object.txt)',
  'excerpts/payments-v.2__object__payment-session-object.md':
    'a truncated capture of the Payment Session object; the complete example is payment-session-object.md',
  'excerpts/payments-v.2__object__redirect-object.md':
    'the same JSON as the newer Redirect object page (RedirectUrl.redirect-object.txt)',
  'excerpts/payments-v.2__payment-session__create-payment-session.md':
    'a truncated capture of a create request; the complete page is create-payment-session.md',
  'excerpts/payments-v.2__payment-simulation.md':
    'the same request and response as the newer Payment Simulation page (simulatePayment.request.success.txt, simulatePayment.response.success.txt)',
  'excerpts/payments__accept-payment__build-cards-encryption-flow.md': 'a truncated capture of a create request (a guide)',
  'excerpts/payments__accept-payment__build-full-api-mode.md': 'a truncated capture of a create request (a guide)',
  'excerpts/payments__accept-payment__build-non-3ds-and-foreign-card-with-avs.md':
    'a truncated capture of a create request (a guide)',
  'excerpts/payments__accept-payment__build-redirect-payment-page.md':
    'a truncated capture of the guide; the complete page is build-redirect-payment-page.txt',
  'excerpts/payments__accept-payment__build-saved-payment-flow-tokenization.md':
    'a truncated capture of a create request (a guide)',
  'excerpts/payments__after-the-payment__payment-notify.md': 'no JSON example (the event list, in prose)',
  'excerpts/payments__after-the-payment__redirect-page-for-fulfillment.md':
    'a fragment of a create request (redirectUrl); the Redirect object page is extracted',
  'excerpts/payments__state-and-status.md': 'no JSON example (status tables)',
  'excerpts/quick-start__accept-a-payment.md': 'no JSON example',
};

/** Every page of the docs folder (README.md aside), as `excerpts/…` or a top-level file name. */
function docsPages(docsDir: string): string[] {
  const top = readdirSync(docsDir).filter((name) => /\.(md|txt)$/.test(name) && name !== 'README.md');
  const excerpts = readdirSync(join(docsDir, 'excerpts')).map((name) => `excerpts/${name}`);
  return [...top, ...excerpts].sort();
}

/** What became of each page: the examples extracted from it, or why none is. Throws on a page without a decision. */
function pageDispositions(
  docsDir: string,
  sources: Source[],
): Array<{ docsFile: string; extracted?: string[]; notExtracted?: string }> {
  const pages = docsPages(docsDir);
  const undecided = pages.filter((page) => !sources.some((source) => source.docsFile === page) && !(page in NOT_EXTRACTED));
  if (undecided.length > 0)
    throw new Error(`pages with neither an extracted example nor a reason in NOT_EXTRACTED: ${undecided.join(', ')}`);
  const stale = Object.keys(NOT_EXTRACTED).filter((page) => !pages.includes(page));
  if (stale.length > 0) throw new Error(`NOT_EXTRACTED names pages the docs no longer have: ${stale.join(', ')}`);
  return pages.map((docsFile) => {
    const extracted = sources.filter((source) => source.docsFile === docsFile).map((source) => source.file);
    return extracted.length > 0 ? { docsFile, extracted } : { docsFile, notExtracted: NOT_EXTRACTED[docsFile] };
  });
}

/** Index just past the `nth` occurrence of `marker`. */
function indexAfter(text: string, marker: string, nth: number): number {
  let at = -1;
  for (let seen = 0; seen < nth; seen++) {
    at = text.indexOf(marker, at + 1);
    if (at < 0) throw new Error(`marker ${JSON.stringify(marker)} #${nth} not found`);
  }
  return at + marker.length;
}

/**
 * The example text starting at the first `{` from `from`: up to its matching brace, or, for a
 * fenced block, up to the closing fence (a block may hold prose and more than one document), or
 * up to the capture's truncation marker. Strings are skipped so braces inside them don't count.
 */
function sliceExample(text: string, from: number, fenced: boolean): { text: string; truncated: boolean } {
  if (fenced) {
    const start = text.indexOf('\n', from) + 1;
    const end = text.indexOf('\n```', start);
    return { text: text.slice(start, end), truncated: false };
  }
  const start = text.indexOf('{', from);
  const truncationAt = text.indexOf(TRUNCATION_MARKER, start);
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    if (truncationAt >= 0 && i === truncationAt) {
      return { text: text.slice(start, i).replace(/\n$/, ''), truncated: true };
    }
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return { text: text.slice(start, i + 1), truncated: false };
  }
  // Unbalanced without a truncation marker: the published example itself is missing braces.
  const stop = truncationAt >= 0 ? truncationAt : text.indexOf('\n\nThe error object', start);
  return { text: text.slice(start, stop).replace(/\n+$/, ''), truncated: truncationAt >= 0 };
}

function main(docsDir: string): void {
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const sources = [...createPaymentSessionSources(), ...otherSources];
  const pages = pageDispositions(docsDir, sources);
  const index = sources.map((source) => {
    const page = readFileSync(join(docsDir, source.docsFile), 'utf8');
    const fenced = source.after === '```json';
    const { text, truncated } = sliceExample(page, indexAfter(page, source.after, source.nth ?? 1), fenced);
    writeFileSync(join(OUT_DIR, source.file), `${text}\n`);
    return {
      file: source.file,
      page: source.page,
      section: source.section,
      docsFile: source.docsFile,
      ...(truncated ? { truncated: true } : {}),
      ...(source.note ? { note: source.note } : {}),
      ...(source.completion ? { completion: source.completion } : {}),
      targets: source.targets,
    };
  });
  const header = '# Generated by scripts/maintainer/extract-published-examples.ts from ../shared/pivot-docs: do not edit.\n';
  writeFileSync(join(OUT_DIR, 'index.yaml'), header + stringify({ sources: index, pages }, { lineWidth: 0 }));
  console.log(`${index.length} published examples written to ${OUT_DIR}`);
}

main(resolve(process.argv[2] ?? resolve(import.meta.dirname, '../../../shared/pivot-docs')));
