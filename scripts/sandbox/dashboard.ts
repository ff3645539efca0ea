/**
 * The dashboard's routes: `GET /_sandbox` (sessions with filters and pages, the latest callbacks, the
 * clock), a session's page (`GET /_sandbox/sessions/{id}` asked for as HTML; as JSON it stays the
 * control route's read-out), and `GET /_sandbox/returned/{outcome}/{reference}`, where a session started
 * from the dashboard sends its customer back to. The views are `views/dashboard.ts` and
 * `views/session-view.ts`; every action on them calls a control route.
 */
import type { Context, Hono } from 'hono';
import { html } from './html.ts';
import type { SessionRecord } from './lifecycle.ts';
import { STARTING_EXAMPLES } from './session-actions.ts';
import type { Delivery } from './callbacks.ts';
import type { SandboxState } from './state.ts';
import type { Table } from './store.ts';
import { dashboardPage, matchesFilters, type SessionFilters } from './views/dashboard.ts';
import { sessionPage } from './views/session-view.ts';

/** Sessions per dashboard page. */
export const DASHBOARD_PAGE_SIZE = 20;
/** Deliveries on the front page. */
const LATEST_DELIVERIES = 20;

/** Whether a request asks for a page rather than JSON: a browser's navigation, or `?format=html`. */
export function wantsHtml(c: Context): boolean {
  const format = c.req.query('format');
  if (format) return format === 'html';
  return (c.req.header('accept') ?? '').includes('text/html');
}

/** Rows read per store page while the dashboard filters, and at most (a filter over a huge store stops there). */
const SCAN_BATCH = 500;
const SCAN_LIMIT = 100_000;

/** Every row of a table, newest first, read a page at a time (at most `SCAN_LIMIT`). */
async function* newestFirst<Value>(state: SandboxState, table: Table): AsyncGenerator<Value> {
  let before: number | undefined;
  for (let read = 0; read < SCAN_LIMIT;) {
    const rows = await state.store.list<Value>(table, { limit: SCAN_BATCH, ...(before === undefined ? {} : { before }) });
    for (const row of rows) yield row.value;
    read += rows.length;
    if (rows.length < SCAN_BATCH) return;
    before = rows.at(-1)!.seq;
  }
}

/** One page of the sessions that pass the filters, newest first, and whether another page follows. */
export async function filteredPage(
  records: AsyncIterable<SessionRecord>,
  filters: SessionFilters,
  page: number,
): Promise<{ sessions: Array<Record<string, any>>; hasNext: boolean }> {
  const skip = (page - 1) * DASHBOARD_PAGE_SIZE;
  const sessions: Array<Record<string, any>> = [];
  let matched = 0;
  for await (const { session } of records) {
    if (!matchesFilters(session, filters)) continue;
    matched += 1;
    if (matched <= skip) continue;
    if (sessions.length === DASHBOARD_PAGE_SIZE) return { sessions, hasNext: true };
    sessions.push(session);
  }
  return { sessions, hasNext: false };
}

/** The deliveries of one session, newest first. */
async function deliveriesOf(state: SandboxState, sessionId: string): Promise<Delivery[]> {
  const found: Delivery[] = [];
  for await (const delivery of newestFirst<Delivery>(state, 'deliveries'))
    if (delivery.paymentSessionId === sessionId) found.push(delivery);
  return found.reverse();
}

export function dashboardRoute(app: Hono, state: SandboxState): void {
  app.get('/_sandbox', async (c) => {
    const filters: SessionFilters = {
      status: c.req.query('status') || undefined,
      method: c.req.query('method') || undefined,
      q: c.req.query('q') || undefined,
    };
    const page = Math.max(1, Math.min(100_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    const { sessions, hasNext } = await filteredPage(newestFirst<SessionRecord>(state, 'sessions'), filters, page);
    const deliveries = (await state.store.list<Delivery>('deliveries', { limit: LATEST_DELIVERIES })).map((row) => row.value);
    return html(
      dashboardPage({
        now: state.clock.now(),
        sessions,
        filters,
        page,
        hasNext,
        deliveries,
        examples: STARTING_EXAMPLES,
        ...(c.req.query('returned') ? { returned: c.req.query('returned') } : {}),
      }),
    );
  });

  app.get('/_sandbox/sessions/:id', async (c, next) => {
    if (!wantsHtml(c)) return next();
    const record = await state.session(c.req.param('id'));
    if (!record) return next();
    return html(
      sessionPage({
        session: record.session,
        timeline: record.timeline ?? [],
        refunds: (record.refunds ?? []).map(({ refund }) => refund),
        deliveries: await deliveriesOf(state, record.session.id),
        now: state.clock.now(),
        ...(c.req.query('returned') ? { returned: c.req.query('returned') } : {}),
      }),
    );
  });

  app.get('/_sandbox/returned/:outcome/:reference', async (c) => {
    const holder = await state.holderOf(c.req.param('reference'));
    const outcome = encodeURIComponent(c.req.param('outcome'));
    const location = holder ? `/_sandbox/sessions/${holder.session.id}?returned=${outcome}` : `/_sandbox?returned=${outcome}`;
    return new Response(null, { status: 303, headers: { location } });
  });
}
