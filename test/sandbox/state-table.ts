/** The state table as pairs `from → to` a session may take in one change (DESIGN.md, lifecycle.ts), for the property tests. */
export const ALLOWED: Record<string, string[]> = {
  REQUIRE_PAYMENT_METHOD: ['REQUIRE_ACTION', 'PROCESSING', 'PAID', 'CANCELLED', 'EXPIRED'],
  REQUIRE_CONFIRMATION: ['REQUIRE_ACTION', 'PROCESSING', 'PAID', 'CANCELLED', 'EXPIRED'],
  REQUIRE_ACTION: ['PROCESSING', 'PAID', 'EXPIRED'],
  PROCESSING: ['PAID'],
  ACTIVE: [],
  PAID: [],
  CANCELLED: [],
  EXPIRED: [],
};

/** Statuses nothing moves a session out of (State and Status). */
export const TERMINAL = new Set(['PAID', 'CANCELLED', 'EXPIRED']);

/** The callback events that announce a terminal status, and the status each announces. */
export const TERMINAL_EVENTS: Record<string, string[]> = {
  'PAYMENT.PAID': ['PAID'],
  'PAYMENT.CANCELLED': ['CANCELLED', 'EXPIRED'],
};
