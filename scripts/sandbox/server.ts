/**
 * The sandbox: a stateful Pivot Payments v2 server on the shared contract core. The core routes, checks
 * credentials are present and validates every request; this module is the backend behind it (tokens,
 * idempotency, customers, the state machine of `lifecycle.ts`, callbacks) plus the control routes under
 * `/_sandbox` that Pivot's API does not have (clock, session read-out, deliveries, reset, hosted page).
 */
import { createHash } from 'node:crypto';
import type { Hono } from 'hono';
import { getFixture, listFixtures } from 'pivot-payments-contract/fixtures';
import { createContractApp, type ContractCall, type FetchHandler } from '../http/core.ts';
import {
  idempotencyErrorBody,
  invalidStateBody,
  jsonResponse,
  resourceMissingBody,
  validationErrorBody,
} from '../http/errors.ts';
import { serveHandler, type ServedHandler, type ServeOptions } from '../http/serve.ts';
import { callbackQueue, type CallbackQueue } from './callbacks.ts';
import { sandboxClock, type Clock } from './clock.ts';
import { idSource } from './ids.ts';
import {
  cancelSession,
  captureSession,
  confirmSession,
  createSession,
  customerPays,
  endUnpaid,
  isDue,
  isRefused,
  staticPayment,
  type CallbackEvent,
  type Moment,
  type Moved,
  type Outcome,
  type Resolved,
  type SessionRecord,
} from './lifecycle.ts';
import { dashboardPage, paymentPage, returnPage, type PageAction } from './page.ts';
import { DEFAULT_SESSION_SECONDS, IDEMPOTENCY_TTL_SECONDS, SIMULATED_TYPES, TOKEN_TTL_SECONDS } from './rules.ts';
import { memoryStore, type SessionStore } from './store.ts';

type Json = Record<string, any>;

export const SANDBOX_DEFAULTS = {
  port: 4011,
  host: '127.0.0.1',
  merchantId: 'sandbox-merchant',
  merchantSecret: 'sandbox-secret',
  callbackApiKey: 'sandbox-callback-key',
  maxSessions: 100_000,
};

export interface SandboxOptions {
  /** The bundled OpenAPI document the core routes and validates with. */
  document: Json;
  callbackUrl?: string;
  callbackApiKey?: string;
  merchantId?: string;
  merchantSecret?: string;
  /** Reproducible ids (session, charge, token, VA number …). */
  seed?: string;
  /** Sessions kept; the oldest is evicted first. */
  maxSessions?: number;
  clock?: Clock;
  store?: SessionStore<SessionRecord>;
  /** Posts callbacks (default: global fetch). */
  send?: typeof fetch;
  log?: (line: string) => void;
  /** The one browser origin allowed to call the sandbox (CORS off without it; never with credentials). */
  cors?: string;
  /** TEST ONLY: planted failures for the tests of `verify --flows`; the CLI never sets them. */
  faults?: SandboxFaults;
}

/**
 * TEST ONLY. Each fault fires once, at its first chance, so a test can prove that `verify --flows`
 * reports exactly the failures planted and nothing else. Never set by `pivot-contract sandbox`.
 */
export interface SandboxFaults {
  /** The first successful call of this operation answers as usual but leaves the session where it was. */
  skipTransition?: string;
  /** The first 200 answer of this operation has `data[field]` replaced by a value the contract forbids. */
  corruptField?: { operationId: string; field: string };
  /** The first callback with this event is never sent. */
  dropCallback?: CallbackEvent;
  /** The first replay (same key, same payload) is answered as a new create instead of the first answer. */
  differentReplay?: boolean;
}

/** Whether a planted fault fires now: the first time it applies, never again. */
function faultSwitch(faults: SandboxFaults = {}) {
  const fired = new Set<keyof SandboxFaults>();
  return <K extends keyof SandboxFaults>(name: K, applies: (fault: NonNullable<SandboxFaults[K]>) => boolean): boolean => {
    const fault = faults[name];
    if (fault === undefined || fired.has(name) || !applies(fault)) return false;
    fired.add(name);
    return true;
  };
}

export interface Sandbox {
  fetch: FetchHandler;
  clock: Clock;
  store: SessionStore<SessionRecord>;
  callbacks: CallbackQueue;
  /** Runs what sandbox time has made due: session expiry, then callback attempts. */
  tick(): Promise<void>;
  /** Forgets every session, token, key, customer and delivery (the documented test data comes back). */
  reset(): void;
  /** Resolves when every callback attempt started so far has finished. */
  idle(): Promise<void>;
}

/**
 * What a key remembers: a hash of its payload and the session it created. The first answer is the
 * session as first stored, so it is rebuilt from the store until the session changes; only then is the
 * first answer's text kept here (one copy of each session in memory, not two).
 */
interface IdempotentAnswer {
  fingerprint: string;
  sessionId: string;
  text?: string;
  expiresMs: number;
}

/** The `{ code, message, data }` envelope of a session, as every session operation answers it. */
function envelope(session: Json): string {
  return JSON.stringify({ code: '00', message: 'Success', data: session });
}

/** SHA-256 of the payload as parsed JSON: whitespace and number spelling do not count, key order does. */
function payloadHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('base64');
}

interface StoredMethodRef {
  customerId: string | undefined;
  card: Json;
}

/** A Map that forgets its oldest entries beyond a capacity: every table of the sandbox is bounded. */
function boundedMap<K, V>(capacity: number): Map<K, V> {
  const map = new Map<K, V>();
  const set = map.set.bind(map);
  map.set = (key, value) => {
    if (!map.has(key)) while (map.size >= capacity) map.delete(map.keys().next().value as K);
    return set(key, value);
  };
  return map;
}

function ok(data: unknown, headers: Record<string, string> = {}): Response {
  return jsonResponse(200, { code: '00', message: 'Success', data }, headers);
}

/** The documented test data (Retrieve Customer, tokenized and recurring examples), so documented requests work as sent (decision `documented-test-data`). */
function documentedData(): { customers: Array<{ id: string; customer: Json }>; recurring: Array<{ id: string; token: string }> } {
  const customer = (getFixture({ operationId: 'getCustomer', kind: 'response', status: '200', name: 'with-stored-card' }) as Json)
    .data;
  const ids = new Set<string>(['0197e3f5-1a17-7d43-b2f9-1b51479fb8a9']);
  const recurring: Array<{ id: string; token: string }> = [];
  const token = customer.storedPaymentMethods?.[0]?.token as string;
  for (const info of listFixtures()) {
    if (info.operationId !== 'createPaymentSession' || info.kind !== 'request') continue;
    const body = getFixture(info) as Json;
    if (typeof body.customerId === 'string') ids.add(body.customerId);
    if (typeof body.recurringId === 'string' && body.initiateFirstAuthorization !== true)
      recurring.push({ id: body.recurringId, token });
  }
  return { customers: [...ids].map((id) => ({ id, customer })), recurring };
}

export function createSandbox(options: SandboxOptions): Sandbox {
  const clock = options.clock ?? sandboxClock();
  const ids = idSource(options.seed);
  const maxSessions = options.maxSessions ?? SANDBOX_DEFAULTS.maxSessions;
  const store = options.store ?? memoryStore<SessionRecord>(maxSessions);
  const merchantId = options.merchantId ?? SANDBOX_DEFAULTS.merchantId;
  const merchantSecret = options.merchantSecret ?? SANDBOX_DEFAULTS.merchantSecret;
  const callbacks = callbackQueue(
    {
      url: options.callbackUrl,
      apiKey: options.callbackApiKey ?? SANDBOX_DEFAULTS.callbackApiKey,
      maxDeliveries: Math.min(maxSessions * 4, 100_000),
    },
    clock,
    ids,
    options.send,
  );
  const tokens = boundedMap<string, number>(10_000);
  const idempotency = boundedMap<string, IdempotentAnswer>(maxSessions);
  const customers = boundedMap<string, Json>(maxSessions);
  const customerByEmail = boundedMap<string, string>(maxSessions);
  const storedMethods = boundedMap<string, StoredMethodRef>(maxSessions);
  const recurring = boundedMap<string, { token: string; card: Json; amount?: Json }>(maxSessions);
  /** Expiry index: sessions the clock can expire, so a tick reads no session that is not due. */
  const expiries = new Map<string, number>();
  const pending = new Set<Promise<unknown>>();
  const fault = faultSwitch(options.faults);

  function seedDocumentedData(): void {
    const data = documentedData();
    for (const { id, customer } of data.customers) {
      customers.set(id, structuredClone(customer));
      for (const method of customer.storedPaymentMethods ?? [])
        storedMethods.set(method.token, { customerId: id, card: method.card });
    }
    for (const { id, token } of data.recurring) {
      const card = storedMethods.get(token)?.card;
      if (card) recurring.set(id, { token, card });
    }
  }
  seedDocumentedData();

  const moment = (call: { request: Request }): Moment => ({ now: clock.now(), ids, baseUrl: new URL(call.request.url).origin });

  function track(promise: Promise<unknown>): void {
    pending.add(promise);
    void promise.finally(() => pending.delete(promise));
  }

  /** Stores the moved session, keeps what a successful charge saved, and queues its callbacks. */
  function commit(moved: Moved, call: { request: Request }): void {
    const { session } = moved.record;
    const key = moved.record.internal.idempotencyKey;
    const remembered = key === undefined ? undefined : idempotency.get(key);
    if (remembered && remembered.text === undefined && remembered.sessionId === session.id) {
      const first = store.get(session.id);
      if (first) remembered.text = envelope(first.session); // the session changes: keep its first answer
    }
    store.put(session.id, moved.record);
    if (typeof session.expiryAt === 'string' && session.paymentType !== 'MULTIPLE')
      expiries.set(session.id, Date.parse(session.expiryAt));
    else expiries.delete(session.id);
    if (moved.saved) {
      const { customerId, recurringId, method } = moved.saved;
      storedMethods.set(method.token, { customerId, card: method.card });
      if (customerId && customers.has(customerId)) {
        const customer = customers.get(customerId)!;
        customer.storedPaymentMethods = [...(customer.storedPaymentMethods ?? []), method];
      }
      if (recurringId) recurring.set(recurringId, { token: method.token, card: method.card, amount: session.amount });
    }
    for (const { event, session: body } of moved.callbacks)
      if (!fault('dropCallback', (dropped) => dropped === event)) callbacks.enqueue(event, body);
    if (moved.followUp === 'complete') {
      const id = session.id;
      track(
        Promise.resolve().then(() => {
          const record = store.get(id);
          if (!record) return;
          const outcome = customerPays(record, moment(call));
          if (!isRefused(outcome)) commit(outcome, call);
        }),
      );
    }
    track(callbacks.runDue());
  }

  function refusal(operationId: string, outcome: Exclude<Outcome, Moved>): Response {
    if (outcome.refused === 400)
      return jsonResponse(
        400,
        validationErrorBody(operationId, [
          { field: outcome.field ?? 'body', message: `${outcome.field ?? 'body'} ${outcome.message.replace(/^\S+ /, '')}` },
        ]),
      );
    if (outcome.refused === 404) return jsonResponse(404, resourceMissingBody(operationId, outcome.message));
    return jsonResponse(422, invalidStateBody(operationId, outcome.message));
  }

  function missingSession(operationId: string, id: string): Response {
    return jsonResponse(404, resourceMissingBody(operationId, `The payment session with ID ${id} cannot be found`));
  }

  /** Customer, stored card and recurring card a create request refers to; a refusal when one is unknown. */
  function resolve(body: Json): Resolved | Exclude<Outcome, Moved> {
    const resolved: Resolved = {};
    if (body.customer) {
      // Create Payment Session › customerId: "Auto generated based on email as the unique identifier".
      const email = String(body.customer.email).toLowerCase();
      const id = customerByEmail.get(email) ?? ids.uuid();
      const previous = customers.get(id);
      const { givenName, surname, email: given, phoneNumber, refundPreference } = body.customer;
      const customer: Json = Object.fromEntries(
        Object.entries({ givenName, surname, email: given, phoneNumber, refundPreference }).filter(
          ([, value]) => value !== undefined,
        ),
      );
      if (previous?.storedPaymentMethods) customer.storedPaymentMethods = previous.storedPaymentMethods;
      customers.set(id, customer);
      customerByEmail.set(email, id);
      resolved.customerId = id;
      resolved.customer = customer;
    } else if (typeof body.customerId === 'string') {
      const customer = customers.get(body.customerId);
      if (!customer) return { refused: 404, message: `The customer with ID ${body.customerId} cannot be found` };
      resolved.customerId = body.customerId;
      resolved.customer = customer;
    }
    const token = body.paymentMethod?.card?.token as string | undefined;
    if (token !== undefined) {
      const stored = storedMethods.get(token);
      if (!stored) return { refused: 404, message: `The stored payment method with token ${token} cannot be found` };
      resolved.storedCard = stored.card;
    }
    if (typeof body.recurringId === 'string' && body.initiateFirstAuthorization !== true && !body.paymentMethod) {
      const known = recurring.get(body.recurringId);
      if (!known)
        return {
          refused: 404,
          message: `The recurring ${body.recurringId} has no authorized card: create its first session with initiateFirstAuthorization`,
        };
      resolved.recurring = known;
      if (resolved.customerId === undefined) {
        const owner = storedMethods.get(known.token)?.customerId;
        if (owner && customers.has(owner)) {
          resolved.customerId = owner;
          resolved.customer = customers.get(owner);
        }
      }
    }
    return resolved;
  }

  function createPayment(call: ContractCall): Response {
    const body = call.body as Json;
    const now = clock.now();
    const key = call.headers.get('x-request-id');
    const fingerprint = payloadHash(body);
    if (key) {
      // Idempotency › Scenario: same key + same payload → the first answer; another payload → 409; keys live 24 h
      // (decision `idempotent-payload`).
      const previous = idempotency.get(key);
      const first = previous?.text ?? (previous ? store.get(previous.sessionId) : undefined);
      const replayedDifferently =
        previous?.fingerprint === fingerprint && previous.expiresMs > now && fault('differentReplay', () => true);
      // A key whose session was evicted (--max-sessions) has nothing left to replay: it is free again.
      if (previous && previous.expiresMs > now && first !== undefined && !replayedDifferently) {
        if (previous.fingerprint !== fingerprint) return jsonResponse(409, idempotencyErrorBody(call.operationId));
        return new Response(typeof first === 'string' ? first : envelope(first.session), {
          status: 200,
          headers: { 'content-type': 'application/json', 'idempotent-replayed': 'true' },
        });
      }
    }
    const resolved = resolve(body);
    if ('refused' in resolved) return refusal(call.operationId, resolved);
    const outcome = createSession(body, moment(call), resolved, DEFAULT_SESSION_SECONDS);
    if (isRefused(outcome)) return refusal(call.operationId, outcome);
    if (key) outcome.record.internal.idempotencyKey = key;
    commit(outcome, call);
    const text = envelope(outcome.record.session);
    if (key)
      idempotency.set(key, {
        fingerprint,
        sessionId: outcome.record.session.id,
        expiresMs: now + IDEMPOTENCY_TTL_SECONDS * 1000,
      });
    return new Response(text, { status: 200, headers: { 'content-type': 'application/json' } });
  }

  function onSession(call: ContractCall, id: string, move: (record: SessionRecord) => Outcome): Response {
    const record = store.get(id);
    if (!record) return missingSession(call.operationId, id);
    const outcome = move(record);
    if (isRefused(outcome)) return refusal(call.operationId, outcome);
    if (!fault('skipTransition', (operationId) => operationId === call.operationId)) commit(outcome, call);
    return ok(outcome.answer ?? outcome.record.session);
  }

  function simulate(call: ContractCall): Response {
    const body = call.body as Json;
    const record = store.get(body.paymentSessionId);
    if (!record) return missingSession(call.operationId, body.paymentSessionId);
    const type = record.session.paymentMethod?.type as string | undefined;
    if (!type || !SIMULATED_TYPES.has(type))
      return refusal(call.operationId, {
        refused: 422,
        message: `simulatePayment applies to QRIS, Virtual Account and E-Wallet sessions; ${body.paymentSessionId} is ${type ?? 'without a payment method'}`,
      });
    const now = moment(call);
    const outcome: Outcome =
      body.chargeStatus === 'EXPIRED'
        ? record.session.paymentType === 'MULTIPLE'
          ? { refused: 422, message: 'a static (MULTIPLE) session does not expire' }
          : endUnpaid(record, 'expired', now)
        : record.session.paymentType === 'MULTIPLE'
          ? staticPayment(record, body.amount, now)
          : customerPays(record, now);
    if (isRefused(outcome)) return refusal(call.operationId, outcome);
    if (!fault('skipTransition', (operationId) => operationId === call.operationId)) commit(outcome, call);
    return ok({ updated: true });
  }

  function answer(call: ContractCall): Response {
    const body = call.body as Json;
    switch (call.operationId) {
      case 'createAccessToken': {
        const token = `sbx.${ids.alphanumeric(40)}`;
        tokens.set(token, clock.now() + TOKEN_TTL_SECONDS * 1000);
        return ok({ accessToken: token, expiresIn: String(TOKEN_TTL_SECONDS), tokenType: 'Bearer' });
      }
      case 'createPaymentSession':
        return createPayment(call);
      case 'confirmPaymentSession':
        return onSession(call, call.params.id!, (record) => {
          const token = body.paymentMethod?.card?.token as string | undefined;
          const stored = token === undefined ? undefined : storedMethods.get(token);
          if (token !== undefined && !stored)
            return { refused: 404, message: `The stored payment method with token ${token} cannot be found` };
          return confirmSession(record, body, moment(call), stored?.card);
        });
      case 'cancelPaymentSession':
        return onSession(call, call.params.id!, (record) => cancelSession(record, body.cancellationReason, moment(call)));
      case 'capturePaymentSession':
        return onSession(call, call.params.id!, (record) => captureSession(record, body, moment(call)));
      case 'simulatePayment':
        return simulate(call);
      case 'getCustomer': {
        const customer = customers.get(call.params.customerId!);
        if (!customer)
          return jsonResponse(
            404,
            resourceMissingBody(call.operationId, `The customer with ID ${call.params.customerId} cannot be found`),
          );
        return ok(customer);
      }
      default:
        return jsonResponse(404, resourceMissingBody(call.operationId, `${call.operationId} is not served by the sandbox`));
    }
  }

  /** Authentication: the merchant's id and secret for a token; every other call an issued, unexpired token. */
  function authenticate(call: ContractCall): true | string {
    if (call.operationId === 'createAccessToken') {
      const same = call.headers.get('x-merchant-id') === merchantId && call.headers.get('x-merchant-secret') === merchantSecret;
      return same || 'X-MERCHANT-ID / X-MERCHANT-SECRET do not match the sandbox merchant';
    }
    const token =
      call.headers
        .get('authorization')
        ?.replace(/^bearer +/i, '')
        .trim() ?? '';
    const expires = tokens.get(token);
    if (expires === undefined) return 'Access token is invalid: it was not issued by this sandbox (POST /v1/access-token)';
    if (expires <= clock.now()) return 'Access token is expired: tokens live 900 seconds; request a new one';
    return true;
  }

  async function tick(): Promise<void> {
    const now = clock.now();
    for (const [id, expiresMs] of [...expiries]) {
      if (expiresMs > now) continue;
      expiries.delete(id);
      const record = store.get(id);
      if (!record || !isDue(record, now)) continue;
      const outcome = endUnpaid(record, 'expired', { now, ids, baseUrl: '' });
      if (!isRefused(outcome)) commit(outcome, { request: new Request('http://sandbox.invalid/') });
    }
    await callbacks.runDue();
  }

  function reset(): void {
    store.clear();
    for (const table of [tokens, idempotency, customers, customerByEmail, storedMethods, recurring, expiries]) table.clear();
    callbacks.clear();
    seedDocumentedData();
  }

  /** The answer, with a planted `corruptField` fault applied to the first 200 of its operation. */
  async function answerWithFaults(call: ContractCall): Promise<Response> {
    const response = answer(call);
    if (response.status !== 200 || !fault('corruptField', (planted) => planted.operationId === call.operationId)) return response;
    const body = (await response.json()) as Json;
    body.data[options.faults!.corruptField!.field] = { corrupted: true };
    return jsonResponse(200, body);
  }

  const app = createContractApp({
    document: options.document,
    log: options.log,
    cors: options.cors,
    backend: { authenticate, answer: options.faults ? answerWithFaults : answer },
    extend: (router) =>
      controlRoutes(router, {
        clock,
        store,
        callbacks,
        tick,
        reset,
        pageAction,
        commit: (moved, request) => commit(moved, { request }),
        moment: () => ({ now: clock.now(), ids, baseUrl: '' }),
      }),
  });

  /** What a customer's choice on the hosted page does to the session. */
  function pageAction(record: SessionRecord, action: PageAction, method: string | undefined, base: Moment): Outcome {
    const status = record.session.status;
    if (action === 'cancel') {
      // Pre-charge: the customer cancels (REQUESTED_BY_CUSTOMER); with a charge waiting: the customer left (EXPIRED);
      // decision `page-cancel`.
      return status === 'REQUIRE_ACTION'
        ? endUnpaid(record, 'expired', base)
        : cancelSession(record, 'REQUESTED_BY_CUSTOMER', base);
    }
    let current: Outcome = { record, callbacks: [] };
    if (status === 'REQUIRE_PAYMENT_METHOD' || status === 'REQUIRE_CONFIRMATION') {
      // Build Redirect Payment Page › late finalisation: the customer picks the method on Pivot's page.
      const type = record.session.paymentMethod?.type ?? method ?? 'CARD';
      current = confirmSession(record, { paymentMethod: { type } }, base, record.internal.storedCard);
      if (isRefused(current)) return current;
    }
    const confirmed = current.record;
    const next = action === 'pay' ? customerPays(confirmed, base) : endUnpaid(confirmed, 'failed', base);
    if (isRefused(next)) return next;
    return { ...next, callbacks: [...current.callbacks, ...next.callbacks] };
  }

  return {
    fetch: app.fetch,
    clock,
    store,
    callbacks,
    tick,
    reset,
    idle: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

interface ControlContext {
  clock: Clock;
  store: SessionStore<SessionRecord>;
  callbacks: CallbackQueue;
  tick(): Promise<void>;
  reset(): void;
  pageAction(record: SessionRecord, action: PageAction, method: string | undefined, base: Moment): Outcome;
  commit(moved: Moved, request: Request): void;
  moment(): Moment;
}

function html(text: string, status = 200): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/html; charset=utf-8' } });
}

/** Where the customer is sent after the page; DANA uses `successReturnUrl` for every outcome (E-Wallet hint). */
export function returnUrl(session: Json, outcome: 'success' | 'failure' | 'expiration'): string | undefined {
  const urls = (session.redirectUrl ?? {}) as Json;
  const dana = session.chargeDetails?.at(-1)?.ewallet?.channel === 'DANA';
  return dana ? urls.successReturnUrl : urls[`${outcome}ReturnUrl`];
}

/** The `/_sandbox` routes: not part of Pivot's API, for tests and for a person at the browser. */
function controlRoutes(app: Hono, context: ControlContext): void {
  const missing = (id: string) =>
    jsonResponse(404, resourceMissingBody('createPaymentSession', `The payment session with ID ${id} cannot be found`));

  app.get('/_sandbox', () => {
    const sessions = [...context.store.values()]
      .slice(-200)
      .reverse()
      .map((record) => record.session);
    const deliveries = context.callbacks.list().slice(-200).reverse();
    return html(dashboardPage(sessions, deliveries, new Date(context.clock.now()).toISOString()));
  });
  app.get('/_sandbox/clock', () => jsonResponse(200, { now: new Date(context.clock.now()).toISOString() }));
  app.post('/_sandbox/clock', async (c) => {
    let body: Json;
    try {
      body = (await c.req.json()) as Json;
    } catch {
      body = {};
    }
    const seconds = body?.advanceSeconds;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0)
      return jsonResponse(
        400,
        validationErrorBody('createPaymentSession', [
          { field: 'advanceSeconds', message: 'advanceSeconds must be a number ≥ 0' },
        ]),
      );
    context.clock.advance(seconds);
    await context.tick();
    return jsonResponse(200, { now: new Date(context.clock.now()).toISOString(), advancedSeconds: seconds });
  });
  app.get('/_sandbox/sessions', () =>
    jsonResponse(200, {
      sessions: [...context.store.values()].map(({ session }) => ({
        id: session.id,
        clientReferenceId: session.clientReferenceId,
        status: session.status,
      })),
    }),
  );
  app.get('/_sandbox/sessions/:id', (c) => {
    const record = context.store.get(c.req.param('id'));
    if (!record) return missing(c.req.param('id'));
    return ok(record.session);
  });
  app.get('/_sandbox/callbacks', () => jsonResponse(200, { deliveries: context.callbacks.list() }));
  app.post('/_sandbox/callbacks/:id/resend', async (c) => {
    const delivery = await context.callbacks.resend(c.req.param('id'));
    if (!delivery)
      return jsonResponse(
        404,
        resourceMissingBody('createPaymentSession', `The callback delivery ${c.req.param('id')} cannot be found`),
      );
    return jsonResponse(200, delivery);
  });
  app.post('/_sandbox/reset', () => {
    context.reset();
    return jsonResponse(200, { reset: true });
  });
  app.get('/_sandbox/pay/:id', (c) => {
    const record = context.store.get(c.req.param('id'));
    if (!record) return html(returnPage(c.req.param('id'), 'not found: no such payment session'), 404);
    return html(paymentPage(record.session, `/_sandbox/pay/${record.session.id}`));
  });
  app.post('/_sandbox/pay/:id', async (c) => {
    const id = c.req.param('id');
    const record = context.store.get(id);
    if (!record) return html(returnPage(id, 'not found: no such payment session'), 404);
    const form = await c.req.parseBody();
    const action = String(form.action ?? '');
    if (action !== 'pay' && action !== 'fail' && action !== 'cancel')
      return html(returnPage(id, `unknown action "${action}"`), 400);
    const method = typeof form.paymentMethod === 'string' ? form.paymentMethod : undefined;
    const base = { ...context.moment(), baseUrl: new URL(c.req.url).origin };
    const outcome = context.pageAction(record, action, method, base);
    if (isRefused(outcome))
      return html(
        paymentPage(record.session, `/_sandbox/pay/${id}`).replace('<h1>', `<p id="error">${outcome.message}</p>\n<h1>`),
        422,
      );
    context.commit(outcome, c.req.raw);
    const target = returnUrl(outcome.record.session, action === 'pay' ? 'success' : action === 'fail' ? 'failure' : 'expiration');
    const outcomeName = action === 'pay' ? 'paid' : action === 'fail' ? 'failed' : 'cancelled';
    return target ? c.redirect(target, 303) : html(returnPage(id, outcomeName));
  });
}

export interface RunningSandbox extends ServedHandler {
  sandbox: Sandbox;
}

/** Serves a sandbox on host:port (0 = a free port) and ticks its clock every second. */
export async function startSandbox(options: SandboxOptions & ServeOptions): Promise<RunningSandbox> {
  const sandbox = createSandbox(options);
  const served = await serveHandler(sandbox.fetch, {
    host: options.host ?? SANDBOX_DEFAULTS.host,
    port: options.port ?? 0,
    limits: options.limits,
  });
  const timer = setInterval(() => void sandbox.tick(), 1000);
  timer.unref();
  return {
    ...served,
    sandbox,
    close: async () => {
      clearInterval(timer);
      await served.close();
      await sandbox.idle();
    },
  };
}
