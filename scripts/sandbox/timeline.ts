/**
 * A session's timeline, for the dashboard: each status change with its sandbox time and what caused
 * it (the API call, the customer on the hosted page, the clock, a control route), and the callbacks it
 * sent. Kept on the stored record, beside the session Pivot returns.
 */
type Json = Record<string, any>;

export interface TimelineEntry {
  /** Sandbox time, ms. */
  at: number;
  status: string;
  /** The status of the session's latest charge, or null before the first. */
  chargeStatus: string | null;
  cause: string;
  /** The callback events the move sent. */
  events: string[];
}

/** The status of a session's latest charge. */
export function latestChargeStatus(session: Json): string | null {
  return ((session.chargeDetails ?? []) as Json[]).at(-1)?.status ?? null;
}

/**
 * The timeline with the move of `record` appended: a new entry when the session or its charge changed
 * status or a callback was sent; the same timeline otherwise (a move that changed nothing visible).
 */
export function withTransition(
  timeline: TimelineEntry[] | undefined,
  session: Json,
  move: { at: number; cause?: string; via?: string; events: string[] },
): TimelineEntry[] {
  const entries = timeline ?? [];
  const last = entries.at(-1);
  const chargeStatus = latestChargeStatus(session);
  const changed = !last || last.status !== session.status || last.chargeStatus !== chargeStatus;
  if (!changed && move.events.length === 0 && !move.cause) return entries;
  const what = move.cause ?? (last ? `${last.status} → ${session.status}` : `created ${session.status}`);
  return [
    ...entries,
    { at: move.at, status: session.status, chargeStatus, cause: move.via ? `${move.via}: ${what}` : what, events: move.events },
  ];
}
