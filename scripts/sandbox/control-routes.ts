/**
 * The `/_sandbox` control routes: not part of Pivot's API (the prefix is one the API never uses), for
 * tests and tools to move the clock, read sessions and deliveries, resend a callback and reset. Lists
 * come a page at a time, newest first: `?limit=` (1–1000, default 100) and `?cursor=` from the previous
 * page's `next` (null on the last page).
 */
import type { Context, Hono } from 'hono';
import { jsonResponse, resourceMissingBody, validationErrorBody } from '../http/errors.ts';
import { ok } from './api.ts';
import type { Delivery } from './callbacks.ts';
import { advanceProblem } from './clock.ts';
import type { SessionRecord } from './lifecycle.ts';
import type { SandboxState } from './state.ts';
import type { Row, Table } from './store.ts';

type Json = Record<string, any>;

export const PAGE_LIMITS = { default: 100, max: 1000 };

const badRequest = (field: string, message: string) =>
  jsonResponse(400, validationErrorBody('createPaymentSession', [{ field, message }]));

/** One page of a table, newest first, or the 400 of a bad `limit` / `cursor`. */
async function page<Value>(
  c: Context,
  state: SandboxState,
  table: Table,
): Promise<{ rows: Array<Row<Value>>; next: string | null } | Response> {
  const limitText = c.req.query('limit');
  const cursorText = c.req.query('cursor');
  const limit = limitText === undefined ? PAGE_LIMITS.default : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_LIMITS.max)
    return badRequest('limit', `limit must be an integer from 1 to ${PAGE_LIMITS.max}`);
  const before = cursorText === undefined ? undefined : Number(cursorText);
  if (before !== undefined && (!Number.isSafeInteger(before) || before < 0))
    return badRequest('cursor', 'cursor must be the `next` of a previous page');
  const rows = await state.store.list<Value>(table, { limit: limit + 1, ...(before === undefined ? {} : { before }) });
  const more = rows.length > limit;
  const shown = rows.slice(0, limit);
  return { rows: shown, next: more ? String(shown.at(-1)!.seq) : null };
}

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
    const problem = advanceProblem(seconds, state.clock.now());
    if (problem) return badRequest('advanceSeconds', problem);
    await state.clock.advance(seconds);
    await state.tick();
    return jsonResponse(200, { now: now(), advancedSeconds: seconds });
  });
  app.get('/_sandbox/sessions', async (c) => {
    const found = await page<SessionRecord>(c, state, 'sessions');
    if (found instanceof Response) return found;
    return jsonResponse(200, {
      sessions: found.rows.map(({ value: { session } }) => ({
        id: session.id,
        clientReferenceId: session.clientReferenceId,
        status: session.status,
      })),
      next: found.next,
    });
  });
  app.get('/_sandbox/sessions/:id', async (c) => {
    const record = await state.session(c.req.param('id'));
    if (!record) return missing(c.req.param('id'));
    return ok(record.session);
  });
  app.get('/_sandbox/callbacks', async (c) => {
    const found = await page<Delivery>(c, state, 'deliveries');
    if (found instanceof Response) return found;
    return jsonResponse(200, { deliveries: found.rows.map((row) => row.value), next: found.next });
  });
  app.post('/_sandbox/callbacks/:id/resend', async (c) => {
    const delivery = await state.callbacks.resend(c.req.param('id'));
    if (!delivery)
      return jsonResponse(
        404,
        resourceMissingBody('createPaymentSession', `The callback delivery ${c.req.param('id')} cannot be found`),
      );
    return jsonResponse(200, delivery);
  });
  app.post('/_sandbox/reset', async () => {
    await state.reset();
    return jsonResponse(200, { reset: true });
  });
}
