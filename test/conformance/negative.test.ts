/**
 * One invalid payload per documented rule — every length limit, enum, format, type, required field,
 * cross-field rule and unknown property — each rejected at the expected instance path. Every case
 * starts from a documented example (which must itself be valid) and breaks exactly one rule.
 */
import { describe, expect, it } from 'vitest';
import type { Operation } from 'fast-json-patch';
import * as jsonPatch from 'fast-json-patch/index.mjs';
import { listOperations, listSchemaExamples } from '../../scripts/lib/contract.ts';
import { validate as standaloneValidate } from '../../generated/validators/index.js';
import { bundledSpec, runtimeViolations } from '../helpers.ts';

const spec = await bundledSpec();
const violations = await runtimeViolations();

/** `operationId/slot/example`, or `schema:Name/example` for an object-page example. */
type Base = `${string}/${string}/${string}` | `schema:${string}/${string}`;

/** A fresh copy of a documented example: `createPaymentSession/request/card-redirect`, `schema:PaymentSession/payment-session-object`. */
function example(base: Base): unknown {
  if (base.startsWith('schema:')) {
    const name = base.split('/')[1];
    const found = listSchemaExamples(spec).find((entry) => entry.name === name);
    return structuredClone(found!.example.value);
  }
  const [operationId, slot, name] = base.split('/');
  const operation = listOperations(spec).find((candidate) => candidate.operationId === operationId)!;
  const message = slot === 'request' ? operation.request! : operation.responses[slot!]!;
  return structuredClone(message.examples.find((entry) => entry.name === name)!.example.value);
}

interface Case {
  rule: string;
  schema: string;
  base: Base;
  /** Applied with RFC 6902 semantics to the base example. */
  patch: Operation[];
  /** Instance paths that must be reported. */
  errors: string[];
}

const set = (path: string, value: unknown): Operation => ({ op: 'add', path, value });
const remove = (path: string): Operation => ({ op: 'remove', path });
const CREATE = 'CreatePaymentSessionRequest';
const SESSION = 'PaymentSessionResponse';
const CARD: Base = 'createPaymentSession/request/card-redirect';
const long = (length: number) => 'a'.repeat(length);

const cases: Case[] = [
  // Lengths
  {
    rule: 'clientReferenceId at most 100 characters',
    schema: CREATE,
    base: CARD,
    patch: [set('/clientReferenceId', long(101))],
    errors: ['/clientReferenceId'],
  },
  {
    rule: 'clientReferenceId at least 1 character',
    schema: CREATE,
    base: CARD,
    patch: [set('/clientReferenceId', '')],
    errors: ['/clientReferenceId'],
  },
  {
    rule: 'clientReferenceId alphanumeric',
    schema: CREATE,
    base: CARD,
    patch: [set('/clientReferenceId', 'INV-001')],
    errors: ['/clientReferenceId'],
  },
  {
    rule: 'statementDescriptor at most 20 characters',
    schema: CREATE,
    base: CARD,
    patch: [set('/statementDescriptor', 'Reforza Pivot Store 1')],
    errors: ['/statementDescriptor'],
  },
  {
    rule: 'customerId at most 255 characters',
    schema: CREATE,
    base: 'createPaymentSession/request/card-tokenization-redirect-use',
    patch: [set('/customerId', long(256))],
    errors: ['/customerId'],
  },
  {
    rule: 'customer.givenName at most 255 characters',
    schema: CREATE,
    base: CARD,
    patch: [set('/customer/givenName', long(256))],
    errors: ['/customer/givenName'],
  },
  {
    rule: 'redirect URLs at most 255 characters',
    schema: CREATE,
    base: CARD,
    patch: [set('/redirectUrl/successReturnUrl', `https://merchant.com/${long(240)}`)],
    errors: ['/redirectUrl/successReturnUrl'],
  },
  {
    rule: 'amount.value at most 18 digits',
    schema: CREATE,
    base: CARD,
    patch: [set('/amount/value', 1e19)],
    errors: ['/amount/value'],
  },
  {
    rule: 'encryptedCard at most 500 characters',
    schema: CREATE,
    base: 'createPaymentSession/request/card-encryption',
    patch: [set('/paymentMethod/card', { encryptedCard: long(501) })],
    errors: ['/paymentMethod/card/encryptedCard'],
  },
  {
    rule: 'cvc at most 3 digits',
    schema: CREATE,
    base: 'createPaymentSession/request/card-tokenization-api-use',
    patch: [set('/paymentMethod/card/cvc', '1234')],
    errors: ['/paymentMethod/card/cvc'],
  },
  {
    rule: 'processingConfig ids at most 50 characters',
    schema: CREATE,
    base: CARD,
    patch: [set('/paymentMethodOptions/card/processingConfig', { bankMerchantId: long(51) })],
    errors: ['/paymentMethodOptions/card/processingConfig/bankMerchantId'],
  },
  {
    rule: 'VA channel at most 100 characters',
    schema: CREATE,
    base: 'createPaymentSession/request/va-api',
    patch: [set('/paymentMethodOptions/virtualAccount/channel', `P${'A'.repeat(100)}`)],
    errors: ['/paymentMethodOptions/virtualAccount/channel'],
  },
  {
    rule: 'VA name at most 100 characters',
    schema: CREATE,
    base: 'createPaymentSession/request/va-api',
    patch: [set('/paymentMethodOptions/virtualAccount/virtualAccountName', long(101))],
    errors: ['/paymentMethodOptions/virtualAccount/virtualAccountName'],
  },
  {
    rule: 'at least one product',
    schema: CREATE,
    base: CARD,
    patch: [set('/orderInformation/productDetails', [])],
    errors: ['/orderInformation/productDetails'],
  },
  // Enums
  {
    rule: 'paymentType SINGLE | MULTIPLE',
    schema: CREATE,
    base: CARD,
    patch: [set('/paymentType', 'DOUBLE')],
    errors: ['/paymentType'],
  },
  { rule: 'mode REDIRECT | API', schema: CREATE, base: CARD, patch: [set('/mode', 'IFRAME')], errors: ['/mode'] },
  {
    rule: 'paymentMethod.type',
    schema: CREATE,
    base: CARD,
    patch: [set('/paymentMethod/type', 'CASH')],
    errors: ['/paymentMethod/type'],
  },
  {
    rule: 'captureMethod is lower case (not the comment\'s "MANUAL")',
    schema: CREATE,
    base: CARD,
    patch: [set('/paymentMethodOptions/card/captureMethod', 'MANUAL')],
    errors: ['/paymentMethodOptions/card/captureMethod'],
  },
  {
    rule: 'threeDsMethod',
    schema: CREATE,
    base: CARD,
    patch: [set('/paymentMethodOptions/card/threeDsMethod', 'ALWAYS')],
    errors: ['/paymentMethodOptions/card/threeDsMethod'],
  },
  {
    rule: 'expirationMode LOOSE | STRICT',
    schema: CREATE,
    base: CARD,
    patch: [set('/expirationMode', 'NEVER')],
    errors: ['/expirationMode'],
  },
  {
    rule: 'e-wallet channel DANA | OVO | SHOPEEPAY',
    schema: CREATE,
    base: 'createPaymentSession/request/ewallet-api',
    patch: [set('/paymentMethodOptions/ewallet/channel', 'GOPAY')],
    errors: ['/paymentMethodOptions/ewallet/channel'],
  },
  {
    rule: 'product type',
    schema: CREATE,
    base: CARD,
    patch: [set('/orderInformation/productDetails/0/type', 'GOODS')],
    errors: ['/orderInformation/productDetails/0/type'],
  },
  {
    rule: 'refund method AUTO | TRANSFER_ONLY',
    schema: CREATE,
    base: CARD,
    patch: [set('/customer/refundPreference/method', 'CASH')],
    errors: ['/customer/refundPreference/method'],
  },
  {
    rule: 'merchants cancel only with merchant reasons',
    schema: 'CancelPaymentSessionRequest',
    base: 'cancelPaymentSession/request/requested-by-customer',
    patch: [set('/cancellationReason', 'FRAUDULENT')],
    errors: ['/cancellationReason'],
  },
  {
    rule: 'simulated charge status SUCCESS | EXPIRED',
    schema: 'SimulatePaymentRequest',
    base: 'simulatePayment/request/success',
    patch: [set('/chargeStatus', 'PAID')],
    errors: ['/chargeStatus'],
  },
  {
    rule: 'grantType client_credentials',
    schema: 'AccessTokenRequest',
    base: 'createAccessToken/request/client-credentials',
    patch: [set('/grantType', 'password')],
    errors: ['/grantType'],
  },
  {
    rule: 'tokenType Bearer',
    schema: 'AccessTokenResponse',
    base: 'createAccessToken/200/client-credentials',
    patch: [set('/data/tokenType', 'Basic')],
    errors: ['/data/tokenType'],
  },
  {
    rule: 'session status',
    schema: SESSION,
    base: 'createPaymentSession/200/card-redirect',
    patch: [set('/data/status', 'REQUIRE ACTION')],
    errors: ['/data/status'],
  },
  {
    rule: 'charge status',
    schema: SESSION,
    base: 'createPaymentSession/200/card-redirect',
    patch: [set('/data/chargeDetails/0/status', 'PENDING')],
    errors: ['/data/chargeDetails/0/status'],
  },
  {
    rule: 'stored payment method in upper case',
    schema: 'CustomerResponse',
    base: 'getCustomer/200/with-stored-card',
    patch: [set('/data/storedPaymentMethods/0/paymentMethod', 'cards')],
    errors: ['/data/storedPaymentMethods/0/paymentMethod'],
  },
  {
    rule: 'error type API_ERROR | GATEWAY_ERROR',
    schema: 'ErrorResponse',
    base: 'schema:ErrorResponse/error-object',
    patch: [set('/error/type', 'PARTNER_ERROR')],
    errors: ['/error/type'],
  },
  {
    rule: 'error source',
    schema: 'ErrorResponse',
    base: 'schema:ErrorResponse/error-object',
    patch: [set('/error/source', 'MERCHANT')],
    errors: ['/error/source'],
  },
  {
    rule: 'callback event',
    schema: 'PaymentCallback',
    base: 'paymentCallback/request/payment-paid',
    patch: [set('/event', 'PAYMENT.SUCCESS')],
    errors: ['/event'],
  },
  {
    rule: 'FDS recommendation Approve | Reject',
    schema: 'Charge',
    base: 'schema:Charge/charge-object',
    patch: [set('/fdsRiskAssessment/recommendation', 'Review')],
    errors: ['/fdsRiskAssessment/recommendation'],
  },
  {
    rule: 'ECI code',
    schema: 'Charge',
    base: 'schema:Charge/charge-object',
    patch: [set('/card/authenticationResult/eciCode', '03')],
    errors: ['/card/authenticationResult/eciCode'],
  },
  {
    rule: 'capture history status',
    schema: 'Charge',
    base: 'schema:Charge/charge-object',
    patch: [set('/captureHistories/0/status', 'DONE')],
    errors: ['/captureHistories/0/status'],
  },
  {
    rule: 'QR acquirer BRI | BNC',
    schema: 'QrCharge',
    base: 'schema:QrCharge/qr-charge-object',
    patch: [set('/acquirer', 'BCA')],
    errors: ['/acquirer'],
  },
  // Formats and patterns
  {
    rule: 'customer email',
    schema: CREATE,
    base: CARD,
    patch: [set('/customer/email', 'reforza-at-pivot')],
    errors: ['/customer/email'],
  },
  {
    rule: 'expiryAt in YYYY-MM-DDTHH:MM:SSZ',
    schema: CREATE,
    base: CARD,
    patch: [set('/expiryAt', '2025-12-30 23:59:00')],
    errors: ['/expiryAt'],
  },
  {
    rule: 'expiryAt without fractional seconds',
    schema: CREATE,
    base: CARD,
    patch: [set('/expiryAt', '2025-12-30T23:59:00.5Z')],
    errors: ['/expiryAt'],
  },
  {
    rule: 'recurringId is a UUID',
    schema: CREATE,
    base: 'createPaymentSession/request/card-recurring-subsequent',
    patch: [set('/recurringId', 'plan-42')],
    errors: ['/recurringId'],
  },
  {
    rule: 'paymentSessionId is a UUID',
    schema: 'SimulatePaymentRequest',
    base: 'simulatePayment/request/success',
    patch: [set('/paymentSessionId', '123')],
    errors: ['/paymentSessionId'],
  },
  {
    rule: 'redirect URL is a URL',
    schema: CREATE,
    base: CARD,
    patch: [set('/redirectUrl/failureReturnUrl', 'merchant failure page')],
    errors: ['/redirectUrl/failureReturnUrl'],
  },
  {
    rule: 'phone number starts with 8',
    schema: CREATE,
    base: CARD,
    patch: [set('/customer/phoneNumber/number', '089699990001')],
    errors: ['/customer/phoneNumber/number'],
  },
  {
    rule: 'phone country code +NN',
    schema: CREATE,
    base: CARD,
    patch: [set('/customer/phoneNumber/countryCode', '62')],
    errors: ['/customer/phoneNumber/countryCode'],
  },
  {
    rule: 'currency is ISO 4217',
    schema: CREATE,
    base: CARD,
    patch: [set('/amount/currency', 'Rp')],
    errors: ['/amount/currency'],
  },
  {
    rule: 'billing country is ISO 3166-1 alpha-2',
    schema: CREATE,
    base: CARD,
    patch: [set('/orderInformation/billingInfo/country', 'IDN')],
    errors: ['/orderInformation/billingInfo/country'],
  },
  {
    rule: 'card number is 12-19 digits',
    schema: 'PaymentMethodInput',
    base: 'schema:PaymentMethodInput/payment-method-object',
    patch: [set('/card/number', '4440-0001-1220-0001')],
    errors: ['/card/number'],
  },
  {
    rule: 'session timestamps are date-times',
    schema: SESSION,
    base: 'createPaymentSession/200/card-redirect',
    patch: [set('/data/createdAt', 'yesterday')],
    errors: ['/data/createdAt'],
  },
  {
    rule: 'session id is a UUID',
    schema: SESSION,
    base: 'createPaymentSession/200/card-redirect',
    patch: [set('/data/id', 'ps_123')],
    errors: ['/data/id'],
  },
  {
    rule: 'success code is "00"',
    schema: SESSION,
    base: 'createPaymentSession/200/card-redirect',
    patch: [set('/code', '0')],
    errors: ['/code'],
  },
  {
    rule: 'error code is snake_case',
    schema: 'ErrorResponse',
    base: 'schema:ErrorResponse/error-object',
    patch: [set('/code', '400100xxx')],
    errors: ['/code'],
  },
  {
    rule: 'expiresIn is digits',
    schema: 'AccessTokenResponse',
    base: 'createAccessToken/200/client-credentials',
    patch: [set('/data/expiresIn', '15m')],
    errors: ['/data/expiresIn'],
  },
  // Types and ranges
  {
    rule: 'amount.value is a number',
    schema: CREATE,
    base: CARD,
    patch: [set('/amount/value', '10000')],
    errors: ['/amount/value'],
  },
  {
    rule: 'request amounts are positive',
    schema: CREATE,
    base: CARD,
    patch: [set('/amount/value', 0)],
    errors: ['/amount/value'],
  },
  {
    rule: 'amounts are never negative',
    schema: SESSION,
    base: 'createPaymentSession/200/va-static',
    patch: [set('/data/amount/value', -1)],
    errors: ['/data/amount/value'],
  },
  {
    rule: 'product price is positive',
    schema: CREATE,
    base: CARD,
    patch: [set('/orderInformation/productDetails/0/price/value', 0)],
    errors: ['/orderInformation/productDetails/0/price/value'],
  },
  {
    rule: 'quantity is positive',
    schema: CREATE,
    base: CARD,
    patch: [set('/orderInformation/productDetails/0/quantity', 0)],
    errors: ['/orderInformation/productDetails/0/quantity'],
  },
  {
    rule: 'autoConfirm is a boolean',
    schema: CREATE,
    base: CARD,
    patch: [set('/autoConfirm', 'true')],
    errors: ['/autoConfirm'],
  },
  {
    rule: 'releaseRemainingAmount is a boolean',
    schema: 'CapturePaymentSessionRequest',
    base: 'capturePaymentSession/request/partial-release-remaining',
    patch: [set('/releaseRemainingAmount', 'yes')],
    errors: ['/releaseRemainingAmount'],
  },
  {
    rule: 'capture amount is positive',
    schema: 'CapturePaymentSessionRequest',
    base: 'capturePaymentSession/request/partial-release-remaining',
    patch: [set('/amount/value', 0)],
    errors: ['/amount/value'],
  },
  {
    rule: 'card expiry month 1-12',
    schema: 'PaymentMethodInput',
    base: 'schema:PaymentMethodInput/payment-method-object',
    patch: [set('/card/expMonth', 13)],
    errors: ['/card/expMonth'],
  },
  {
    rule: 'installment is null until documented',
    schema: CREATE,
    base: CARD,
    patch: [set('/paymentMethodOptions/card/installment', { tenor: 3 })],
    errors: ['/paymentMethodOptions/card/installment'],
  },
  {
    rule: 'simulation "updated" is a boolean or its string',
    schema: 'PaymentSimulationResponse',
    base: 'simulatePayment/200/success',
    patch: [set('/data/updated', 'yes')],
    errors: ['/data/updated'],
  },
  // Required fields
  {
    rule: 'clientReferenceId is required',
    schema: CREATE,
    base: CARD,
    patch: [remove('/clientReferenceId')],
    errors: ['/clientReferenceId'],
  },
  {
    rule: 'customer email is required',
    schema: CREATE,
    base: CARD,
    patch: [remove('/customer/email')],
    errors: ['/customer/email'],
  },
  {
    rule: 'productDetails is required',
    schema: CREATE,
    base: CARD,
    patch: [remove('/orderInformation/productDetails')],
    errors: ['/orderInformation/productDetails'],
  },
  {
    rule: 'product price is required',
    schema: CREATE,
    base: CARD,
    patch: [remove('/orderInformation/productDetails/0/price')],
    errors: ['/orderInformation/productDetails/0/price'],
  },
  {
    rule: 'billing email is required',
    schema: CREATE,
    base: CARD,
    patch: [remove('/orderInformation/billingInfo/email')],
    errors: ['/orderInformation/billingInfo/email'],
  },
  {
    rule: 'amount currency is required',
    schema: CREATE,
    base: CARD,
    patch: [remove('/amount/currency')],
    errors: ['/amount/currency'],
  },
  {
    rule: 'cancellationReason is required',
    schema: 'CancelPaymentSessionRequest',
    base: 'cancelPaymentSession/request/requested-by-customer',
    patch: [remove('/cancellationReason')],
    errors: ['/cancellationReason'],
  },
  {
    rule: 'releaseRemainingAmount is required',
    schema: 'CapturePaymentSessionRequest',
    base: 'capturePaymentSession/request/partial-release-remaining',
    patch: [remove('/releaseRemainingAmount')],
    errors: ['/releaseRemainingAmount'],
  },
  {
    rule: 'confirm needs a payment method',
    schema: 'ConfirmPaymentSessionRequest',
    base: 'confirmPaymentSession/request/redirect-guide-va',
    patch: [remove('/paymentMethod')],
    errors: ['/paymentMethod'],
  },
  {
    rule: 'QR options need expiryAt',
    schema: CREATE,
    base: 'createPaymentSession/request/qr-api',
    patch: [remove('/paymentMethodOptions/qr/expiryAt')],
    errors: ['/paymentMethodOptions/qr/expiryAt'],
  },
  {
    rule: 'session status is required',
    schema: SESSION,
    base: 'createPaymentSession/200/card-redirect',
    patch: [remove('/data/status')],
    errors: ['/data/status'],
  },
  {
    rule: 'charge id is required',
    schema: SESSION,
    base: 'createPaymentSession/200/card-redirect',
    patch: [remove('/data/chargeDetails/0/id')],
    errors: ['/data/chargeDetails/0/id'],
  },
  {
    rule: 'error trace_id is required',
    schema: 'ErrorResponse',
    base: 'schema:ErrorResponse/error-object',
    patch: [remove('/error/trace_id')],
    errors: ['/error/trace_id'],
  },
  // Unknown properties (requests are strict)
  {
    rule: '`sureName` is not a field',
    schema: CREATE,
    base: CARD,
    patch: [{ op: 'move', from: '/customer/surname', path: '/customer/sureName' }],
    errors: ['/customer/sureName'],
  },
  {
    rule: '`saveForFuture` is not a field',
    schema: CREATE,
    base: 'createPaymentSession/request/card-tokenization-redirect-save',
    patch: [{ op: 'move', from: '/saveForFutureUse', path: '/saveForFuture' }],
    errors: ['/saveForFuture'],
  },
  {
    rule: 'unknown property in a nested request object',
    schema: CREATE,
    base: CARD,
    patch: [set('/redirectUrl/cancelReturnUrl', 'https://merchant.com/cancel')],
    errors: ['/redirectUrl/cancelReturnUrl'],
  },
  {
    rule: 'unknown property in a strict response',
    schema: SESSION,
    base: 'createPaymentSession/200/card-redirect',
    patch: [set('/data/riskScore', 3)],
    errors: ['/data/riskScore'],
  },
  // Cross-field rules: requests
  {
    rule: 'redirectUrl required in REDIRECT mode',
    schema: CREATE,
    base: CARD,
    patch: [remove('/redirectUrl')],
    errors: ['/redirectUrl'],
  },
  {
    rule: 'redirectUrl required when mode defaults to REDIRECT',
    schema: CREATE,
    base: CARD,
    patch: [remove('/redirectUrl'), remove('/mode')],
    errors: ['/redirectUrl'],
  },
  {
    rule: 'customer or customerId is required',
    schema: CREATE,
    base: CARD,
    patch: [remove('/customer')],
    errors: ['/customer', '/customerId'],
  },
  {
    rule: 'not both customer and customerId',
    schema: CREATE,
    base: CARD,
    patch: [set('/customerId', '0197e3f5-1a17-7d43-b2f9-1b51479fb8a9')],
    errors: ['/customerId'],
  },
  { rule: 'amount required for a SINGLE session', schema: CREATE, base: CARD, patch: [remove('/amount')], errors: ['/amount'] },
  {
    rule: 'orderInformation required outside recurring and static',
    schema: CREATE,
    base: CARD,
    patch: [remove('/orderInformation')],
    errors: ['/orderInformation'],
  },
  {
    rule: 'MULTIPLE only with QR or VIRTUAL_ACCOUNT',
    schema: CREATE,
    base: 'createPaymentSession/request/card-encryption',
    patch: [set('/paymentType', 'MULTIPLE')],
    errors: ['/paymentMethod/type'],
  },
  {
    rule: 'MULTIPLE only in API mode',
    schema: CREATE,
    base: 'createPaymentSession/request/va-redirect',
    patch: [set('/paymentType', 'MULTIPLE')],
    errors: ['/mode'],
  },
  {
    rule: 'options match the payment method type',
    schema: CREATE,
    base: 'createPaymentSession/request/va-api',
    patch: [set('/paymentMethodOptions/qr', { expiryAt: '2025-12-30T23:59:00Z' })],
    errors: ['/paymentMethodOptions/qr'],
  },
  {
    rule: 'options need a payment method',
    schema: CREATE,
    base: 'createPaymentSession/request/va-api',
    patch: [remove('/paymentMethod')],
    errors: ['/paymentMethod'],
  },
  {
    rule: 'expirationMode only for CARD and EWALLET',
    schema: CREATE,
    base: 'createPaymentSession/request/qr-api',
    patch: [set('/expirationMode', 'STRICT')],
    errors: ['/expirationMode'],
  },
  {
    rule: 'bypassStatusPage only in REDIRECT mode',
    schema: CREATE,
    base: 'createPaymentSession/request/card-encryption',
    patch: [set('/bypassStatusPage', true)],
    errors: ['/bypassStatusPage'],
  },
  {
    rule: 'showSavedPayment only in REDIRECT mode',
    schema: CREATE,
    base: 'createPaymentSession/request/card-tokenization-api-save',
    patch: [set('/showSavedPayment', true)],
    errors: ['/showSavedPayment'],
  },
  {
    rule: 'saveForFutureUse only for CARD and EWALLET',
    schema: CREATE,
    base: 'createPaymentSession/request/va-api',
    patch: [set('/saveForFutureUse', true)],
    errors: ['/saveForFutureUse'],
  },
  {
    rule: 'encryptedCard only in API mode with autoConfirm false',
    schema: CREATE,
    base: 'createPaymentSession/request/card-encryption',
    patch: [set('/paymentMethod/card', { encryptedCard: 'eyJhbGciOiJSU0EtT0FFUCJ9' }), set('/autoConfirm', true)],
    errors: ['/autoConfirm'],
  },
  {
    rule: 'initiateFirstAuthorization needs recurringId',
    schema: CREATE,
    base: 'createPaymentSession/request/card-encryption',
    patch: [set('/initiateFirstAuthorization', true)],
    errors: ['/recurringId'],
  },
  {
    rule: 'recurring payments are card payments',
    schema: CREATE,
    base: 'createPaymentSession/request/card-recurring-first-authorization',
    patch: [set('/paymentMethod/type', 'QR')],
    errors: ['/paymentMethod/type'],
  },
  {
    rule: 'one card source: not token and number',
    schema: CREATE,
    base: 'createPaymentSession/request/card-tokenization-api-use',
    patch: [set('/paymentMethod/card/number', '4440000112200001')],
    errors: ['/paymentMethod/card/number'],
  },
  {
    rule: 'full card needs expiry',
    schema: 'PaymentMethodInput',
    base: 'schema:PaymentMethodInput/payment-method-object',
    patch: [remove('/card/expMonth')],
    errors: ['/card/expMonth'],
  },
  {
    rule: 'full card needs the card holder',
    schema: 'PaymentMethodInput',
    base: 'schema:PaymentMethodInput/payment-method-object',
    patch: [remove('/card/cardHolderFirstName')],
    errors: ['/card/cardHolderFirstName'],
  },
  {
    rule: 'payment method data matches its type',
    schema: 'PaymentMethodInput',
    base: 'schema:PaymentMethodInput/payment-method-object',
    patch: [set('/type', 'VIRTUAL_ACCOUNT')],
    errors: ['/card'],
  },
  {
    rule: 'threeDsInfo required with EXTERNAL',
    schema: CREATE,
    base: CARD,
    patch: [set('/paymentMethodOptions/card/threeDsMethod', 'EXTERNAL')],
    errors: ['/paymentMethodOptions/card/threeDsInfo'],
  },
  {
    rule: 'threeDsInfo only with EXTERNAL',
    schema: 'PaymentMethodOptions',
    base: 'schema:PaymentMethodOptions/payment-method-options-object',
    patch: [set('/card/threeDsMethod', 'CHALLENGE')],
    errors: ['/card/threeDsInfo'],
  },
  {
    rule: 'TRANSFER_ONLY refunds need a destination',
    schema: CREATE,
    base: CARD,
    patch: [set('/customer/refundPreference/method', 'TRANSFER_ONLY'), remove('/customer/refundPreference/transferDestination')],
    errors: ['/customer/refundPreference/transferDestination'],
  },
  {
    rule: 'confirm options match the payment method type',
    schema: 'ConfirmPaymentSessionRequest',
    base: 'confirmPaymentSession/request/redirect-guide-va',
    patch: [set('/paymentMethodOptions/ewallet', { channel: 'DANA' })],
    errors: ['/paymentMethodOptions/ewallet'],
  },
  // Cross-field rules: responses
  {
    rule: 'REDIRECT session has a paymentUrl',
    schema: SESSION,
    base: 'createPaymentSession/200/card-redirect',
    patch: [remove('/data/paymentUrl')],
    errors: ['/data/paymentUrl'],
  },
  {
    rule: 'no paymentUrl for VA in API mode',
    schema: SESSION,
    base: 'createPaymentSession/200/va-api',
    patch: [set('/data/paymentUrl', 'https://pay.pivot-payment.com/detail?token=x')],
    errors: ['/data/paymentMethod/type'],
  },
  {
    rule: 'encryptionKey only for CARD, API, unconfirmed',
    schema: SESSION,
    base: 'createPaymentSession/200/card-redirect',
    patch: [set('/data/encryptionKey', 'Eykc6QYeUuG5aKcPMrUsaZq0bWWCGLJY')],
    errors: ['/data/mode'],
  },
  {
    rule: 'MULTIPLE sessions are ACTIVE',
    schema: SESSION,
    base: 'createPaymentSession/200/va-static',
    patch: [set('/data/status', 'REQUIRE_ACTION')],
    errors: ['/data/status'],
  },
  {
    rule: 'SINGLE sessions expire',
    schema: SESSION,
    base: 'createPaymentSession/200/va-api',
    patch: [set('/data/expiryAt', null)],
    errors: ['/data/expiryAt'],
  },
  {
    rule: 'SINGLE sessions have a positive amount',
    schema: SESSION,
    base: 'createPaymentSession/200/va-api',
    patch: [set('/data/amount/value', 0)],
    errors: ['/data/amount/value'],
  },
  {
    rule: 'CANCELLED sessions say when',
    schema: SESSION,
    base: 'cancelPaymentSession/200/requested-by-customer',
    patch: [remove('/data/cancelledAt')],
    errors: ['/data/cancelledAt'],
  },
  {
    rule: 'only CANCELLED sessions carry a cancellation reason',
    schema: SESSION,
    base: 'createPaymentSession/200/card-redirect',
    patch: [set('/data/cancellationReason', 'DUPLICATED')],
    errors: ['/data/cancellationReason'],
  },
  {
    rule: 'PAID sessions have a SUCCESS charge',
    schema: 'PaymentSession',
    base: 'schema:PaymentSession/payment-session-object',
    patch: [set('/status', 'PAID'), set('/chargeDetails/0/status', 'PROCESSING'), set('/chargeDetails/0/paidAt', null)],
    errors: ['/chargeDetails'],
  },
  {
    rule: 'SUCCESS charges have paidAt',
    schema: 'Charge',
    base: 'schema:Charge/charge-object',
    patch: [set('/paidAt', null)],
    errors: ['/paidAt'],
  },
  {
    rule: 'waiting charges have no paidAt',
    schema: SESSION,
    base: 'createPaymentSession/200/card-redirect',
    patch: [set('/data/chargeDetails/0/paidAt', '2025-10-02T08:50:44Z')],
    errors: ['/data/chargeDetails/0/paidAt'],
  },
  {
    rule: 'bypassStatusPage true only in REDIRECT mode (responses)',
    schema: SESSION,
    base: 'createPaymentSession/200/card-recurring-subsequent',
    patch: [set('/data/bypassStatusPage', true)],
    errors: ['/data/bypassStatusPage'],
  },
  {
    rule: 'error details only for validation errors',
    schema: 'ErrorResponse',
    base: 'schema:ErrorResponse/error-object',
    patch: [set('/code', 'credentials_invalid')],
    errors: ['/code'],
  },
  {
    rule: 'blanked card secrets in responses',
    schema: SESSION,
    base: 'createPaymentSession/200/card-tokenization-api-use',
    patch: [set('/data/paymentMethod/card/cvc', '123')],
    errors: ['/data/paymentMethod/card/cvc'],
  },
];

describe('negative table', () => {
  it('covers every kind of rule', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
  });

  it.each(cases)('$rule ($schema)', ({ schema, base, patch, errors }) => {
    const valid = example(base);
    expect(violations(schema, valid), `base ${base} must be valid`).toEqual([]);
    const invalid = jsonPatch.applyPatch(valid, patch, true, false).newDocument;
    const runtime = violations(schema, invalid);
    expect(runtime.map((violation) => violation.path)).toEqual(expect.arrayContaining(errors));
    // The generated standalone validators say exactly the same.
    expect(standaloneValidate(schema as never, invalid)).toEqual({ valid: false, errors: runtime });
  });
});

describe('X-REQUEST-ID header', () => {
  const parameter = spec.components!.parameters!.XRequestId as { schema: { pattern: string } };
  const pattern = new RegExp(parameter.schema.pattern);
  it.each([
    ['01JD8ZQ4Y7K3M2N5P6R8S9T0VW', true],
    ['a'.repeat(16), true],
    ['a'.repeat(36), true],
    ['a'.repeat(15), false],
    ['a'.repeat(37), false],
    ['0123456789abcdef-', false],
  ])('%s valid=%s (alphanumeric, 16–36)', (value, valid) => {
    expect(pattern.test(value)).toBe(valid);
  });
});
