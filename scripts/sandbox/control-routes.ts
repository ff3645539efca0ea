/**
 * The `/_sandbox` control routes: not part of Pivot's API (the prefix is one the API never uses), for
 * tests and tools to move the clock, read sessions and deliveries, resend a callback and reset.
 */
import type { Hono } from 'hono';
import { jsonResponse, resourceMissingBody, validationErrorBody } from '../http/errors.ts';
import { ok } from './api.ts';
import type { SandboxState } from './state.ts';

type Json = Record<string, any>;

export function controlRoutes(app: Hono, state: SandboxState): void {
  const missing = (id: string) =>
    jsonResponse(404, resourceMissingBody('createPaymentSession', `The payment session with ID ${id} cannot be found`));
  const now = () => new Date(state.clock.now()).toISOString();

  app.get('/_sandbox/clock', () => jsonResponse(200, { now: now() }));
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
    state.clock.advance(seconds);
    await state.tick();
    return jsonResponse(200, { now: now(), advancedSeconds: seconds });
  });
  app.get('/_sandbox/sessions', () =>
    jsonResponse(200, {
      sessions: [...state.store.values()].map(({ session }) => ({
        id: session.id,
        clientReferenceId: session.clientReferenceId,
        status: session.status,
      })),
    }),
  );
  app.get('/_sandbox/sessions/:id', (c) => {
    const record = state.store.get(c.req.param('id'));
    if (!record) return missing(c.req.param('id'));
    return ok(record.session);
  });
  app.get('/_sandbox/callbacks', () => jsonResponse(200, { deliveries: state.callbacks.list() }));
  app.post('/_sandbox/callbacks/:id/resend', async (c) => {
    const delivery = await state.callbacks.resend(c.req.param('id'));
    if (!delivery)
      return jsonResponse(
        404,
        resourceMissingBody('createPaymentSession', `The callback delivery ${c.req.param('id')} cannot be found`),
      );
    return jsonResponse(200, delivery);
  });
  app.post('/_sandbox/reset', () => {
    state.reset();
    return jsonResponse(200, { reset: true });
  });
}
