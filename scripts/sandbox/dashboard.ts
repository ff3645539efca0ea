/** `GET /_sandbox`: the newest sessions and callback deliveries, for a person to look at. */
import type { Hono } from 'hono';
import type { Delivery } from './callbacks.ts';
import { escapeHtml, formatAmount, html, layout } from './html.ts';
import type { SessionRecord } from './lifecycle.ts';
import type { SandboxState } from './state.ts';

type Json = Record<string, any>;

/** `GET /_sandbox`: the newest sessions and deliveries, for a person to look at. */
export function dashboardPage(sessions: Json[], deliveries: Delivery[], now: string): string {
  const sessionRows = sessions
    .map(
      (session) =>
        `<tr><td><a href="/_sandbox/sessions/${escapeHtml(session.id)}">${escapeHtml(session.id)}</a></td><td>${escapeHtml(session.clientReferenceId)}</td><td>${escapeHtml(session.paymentMethod?.type ?? '—')}</td><td>${escapeHtml(formatAmount(session.amount))}</td><td>${escapeHtml(session.status)}</td><td>${escapeHtml(session.updatedAt)}</td><td>${session.paymentUrl?.includes('/_sandbox/pay/') ? `<a href="${escapeHtml(session.paymentUrl)}">page</a>` : ''}</td></tr>`,
    )
    .join('\n');
  const deliveryRows = deliveries
    .map(
      (delivery) =>
        `<tr><td>${escapeHtml(delivery.id)}</td><td>${escapeHtml(delivery.event)}</td><td>${escapeHtml(delivery.paymentSessionId)}</td><td>${escapeHtml(delivery.state)}</td><td>${delivery.attempts.map((attempt) => escapeHtml(attempt.status ?? attempt.error)).join(', ')}</td><td>${escapeHtml(delivery.nextAttemptAt ?? '')}</td></tr>`,
    )
    .join('\n');
  return layout(
    'Pivot sandbox',
    `<h1>Pivot sandbox</h1>
<p>Sandbox time: <code id="now">${escapeHtml(now)}</code></p>
<h2>Payment sessions (newest ${sessions.length})</h2>
<table><thead><tr><th>id</th><th>reference</th><th>method</th><th>amount</th><th>status</th><th>updated</th><th></th></tr></thead>
<tbody>
${sessionRows}
</tbody></table>
<h2>Callback deliveries (newest ${deliveries.length})</h2>
<table><thead><tr><th>id</th><th>event</th><th>session</th><th>state</th><th>attempts</th><th>next retry</th></tr></thead>
<tbody>
${deliveryRows}
</tbody></table>`,
  );
}

/** Rows of each table the dashboard shows, newest first. */
const SHOWN = 200;

export function dashboardRoute(app: Hono, state: SandboxState): void {
  app.get('/_sandbox', async () => {
    const sessions = (await state.store.list<SessionRecord>('sessions', { limit: SHOWN })).map((row) => row.value.session);
    const deliveries = (await state.store.list<Delivery>('deliveries', { limit: SHOWN })).map((row) => row.value);
    return html(dashboardPage(sessions, deliveries, new Date(state.clock.now()).toISOString()));
  });
}
