/**
 * The dashboard (`GET /_sandbox`): the sandbox's clock with the buttons that move it, a new payment
 * from a documented example, the sessions with filters (status, method, reference) and pages, and the
 * latest callback deliveries. Every button calls a control route (`/_sandbox/…`), the same ones the
 * tests use; the page's script refreshes the live part every two seconds. Pure: data in, HTML out.
 */
import { escapeHtml } from '../html.ts';
import { frame, statusBadge } from './frame.ts';
import { dateInWords, deliveryStateInWords, methodInWords, rupiah, sessionStatusInWords, timeOfDay } from './words.ts';

type Json = Record<string, any>;

export interface SessionFilters {
  status?: string;
  method?: string;
  /** Part of a reference or an id. */
  q?: string;
}

export interface DashboardData {
  now: number;
  sessions: Json[];
  filters: SessionFilters;
  /** 1-based page number, and whether there are more pages. */
  page: number;
  hasNext: boolean;
  deliveries: Json[];
  /** The documented requests a new payment can start from, name → what it shows. */
  examples: Record<string, string>;
  /** Where a person came back from the hosted page, if they did. */
  returned?: string;
}

const STATUSES = [
  'REQUIRE_PAYMENT_METHOD',
  'REQUIRE_CONFIRMATION',
  'REQUIRE_ACTION',
  'ACTIVE',
  'PROCESSING',
  'PAID',
  'CANCELLED',
  'EXPIRED',
];
const METHODS: Record<string, string> = {
  CARD: 'Card',
  VIRTUAL_ACCOUNT: 'Virtual account',
  QR: 'QRIS',
  EWALLET: 'E-wallet',
  NONE: 'Not chosen yet',
};

/** Whether a session passes the filters. */
export function matchesFilters(session: Json, filters: SessionFilters): boolean {
  if (filters.status && session.status !== filters.status) return false;
  const method = (session.paymentMethod?.type as string | undefined) ?? 'NONE';
  if (filters.method && method !== filters.method) return false;
  const q = filters.q?.trim().toLowerCase();
  if (q && !String(session.clientReferenceId).toLowerCase().includes(q) && !String(session.id).includes(q)) return false;
  return true;
}

function options(values: Record<string, string>, selected: string | undefined, all: string): string {
  return [
    `<option value="">${escapeHtml(all)}</option>`,
    ...Object.entries(values).map(
      ([value, label]) =>
        `<option value="${escapeHtml(value)}"${value === selected ? ' selected' : ''}>${escapeHtml(label)}</option>`,
    ),
  ].join('');
}

function pageLink(filters: SessionFilters, page: number): string {
  const query = new URLSearchParams(
    Object.entries({ ...filters, page: String(page) }).filter(([, value]) => value) as Array<[string, string]>,
  );
  return `/_sandbox?${escapeHtml(query.toString())}`;
}

function sessionRows(sessions: Json[]): string {
  if (sessions.length === 0) return '<tr><td colspan="6" class="note">No payment session matches. Start one above.</td></tr>';
  return sessions
    .map(
      (session) => `<tr data-session="${escapeHtml(session.id)}">
<td><a href="/_sandbox/sessions/${escapeHtml(session.id)}">${escapeHtml(session.clientReferenceId)}</a><br><code class="note">${escapeHtml(session.id)}</code></td>
<td>${escapeHtml(methodInWords(session))}</td>
<td class="num">${escapeHtml(rupiah(session.amount))}</td>
<td>${statusBadge(session.status, sessionStatusInWords(session.status))}</td>
<td>${escapeHtml(dateInWords(session.updatedAt))}</td>
<td>${session.paymentUrl?.includes('/_sandbox/pay/') ? `<a href="${escapeHtml(session.paymentUrl)}">payment page</a>` : ''}</td>
</tr>`,
    )
    .join('\n');
}

function deliveryRows(deliveries: Json[]): string {
  if (deliveries.length === 0) return '<tr><td colspan="5" class="note">No callback yet.</td></tr>';
  return deliveries
    .map(
      (delivery) => `<tr>
<td>${escapeHtml(delivery.event)}</td>
<td><a href="/_sandbox/sessions/${escapeHtml(delivery.paymentSessionId)}">${escapeHtml(String(delivery.paymentSessionId).slice(0, 8))}…</a></td>
<td>${statusBadge(delivery.state, deliveryStateInWords(delivery.state))}</td>
<td>${(delivery.attempts as Json[]).map((attempt) => escapeHtml(attempt.status ?? attempt.error)).join(', ') || '—'}</td>
<td><button type="button" data-control="/_sandbox/callbacks/${escapeHtml(delivery.id)}/resend" class="link">Resend</button></td>
</tr>`,
    )
    .join('\n');
}

/** The part the script refreshes: clock, sessions, deliveries. */
export function dashboardLive(data: DashboardData): string {
  return `<p>Sandbox time: <strong id="now" data-now="${data.now}">${escapeHtml(dateInWords(new Date(data.now).toISOString()))}</strong> <span class="note">(${escapeHtml(timeOfDay(data.now))})</span></p>
<h2>Payment sessions</h2>
<div class="table-wrap"><table id="sessions">
<thead><tr><th>Reference</th><th>Method</th><th class="num">Amount</th><th>Status</th><th>Updated</th><th></th></tr></thead>
<tbody>
${sessionRows(data.sessions)}
</tbody></table></div>
<nav class="pager" aria-label="Pages">
${data.page > 1 ? `<a href="${pageLink(data.filters, data.page - 1)}" id="newer">← Newer</a>` : ''}
<span class="note">Page ${data.page}</span>
${data.hasNext ? `<a href="${pageLink(data.filters, data.page + 1)}" id="older">Older →</a>` : ''}
</nav>
<h2>Latest callbacks</h2>
<div class="table-wrap"><table id="deliveries">
<thead><tr><th>Event</th><th>Session</th><th>Delivery</th><th>Attempts</th><th></th></tr></thead>
<tbody>
${deliveryRows(data.deliveries)}
</tbody></table></div>`;
}

export function dashboardPage(data: DashboardData): string {
  const returned = data.returned
    ? `<p class="panel" id="returned">The customer was sent back to the merchant (${escapeHtml(data.returned)}).</p>`
    : '';
  return frame({
    title: 'Pivot sandbox',
    wide: true,
    scripts: ['dashboard.js'],
    body: `<header class="top"><h1>Pivot sandbox</h1><span class="badge">local test server</span></header>
${returned}
<section class="panel">
<h2>New payment</h2>
<form data-control="/_sandbox/sessions" data-then="open" class="filters" id="new-payment">
<label>What to pay with<br><select name="example" id="new-example">${options(data.examples, 'payment-ui', 'Choose…').replace('<option value="">Choose…</option>', '')}</select></label>
<label>Amount (Rp)<br><input name="amount" id="new-amount" inputmode="numeric" pattern="[0-9]+" value="10000" data-type="number"></label>
<button type="submit" class="good" id="start">Start and open the payment page</button>
</form>
<p class="note">The payment page is the customer's; this page is yours: follow each session, and act as the customer, the bank or the merchant.</p>
</section>
<section class="panel">
<div class="toolbar" id="clock-tools">
<span>Move the clock:</span>
<button type="button" data-control="/_sandbox/clock" data-body='{"advanceSeconds":60}'>+1 min</button>
<button type="button" data-control="/_sandbox/clock" data-body='{"advanceSeconds":900}' id="advance-15">+15 min</button>
<button type="button" data-control="/_sandbox/clock" data-body='{"advanceSeconds":3600}'>+1 hour</button>
<form data-control="/_sandbox/clock" class="toolbar" id="advance-form"><input name="advanceSeconds" data-type="number" inputmode="numeric" required pattern="[0-9]+" placeholder="seconds" aria-label="Seconds"><button type="submit">Advance</button></form>
<button type="button" data-control="/_sandbox/reset" data-confirm="Forget every session, customer, token and callback?" class="bad" id="reset">Reset the sandbox</button>
</div>
<p class="flash note" id="flash" role="status"></p>
<form method="get" action="/_sandbox" class="filters" id="filters">
<label>Status<br><select name="status" id="filter-status">${options(Object.fromEntries(STATUSES.map((status) => [status, sessionStatusInWords(status)])), data.filters.status, 'Any status')}</select></label>
<label>Method<br><select name="method" id="filter-method">${options(METHODS, data.filters.method, 'Any method')}</select></label>
<label>Reference or id<br><input name="q" id="filter-q" value="${escapeHtml(data.filters.q ?? '')}" placeholder="order0001"></label>
<button type="submit">Filter</button>
</form>
<div id="live" data-live="1">
${dashboardLive(data)}
</div>
</section>`,
  });
}
