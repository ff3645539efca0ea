/** A classified change between two contracts, and how `pivot-contract diff` reports it. */

export type ChangeKind = 'breaking' | 'non-breaking';

export interface Change {
  kind: ChangeKind;
  /** `operationId` + slot (`request`, `response 200`, `webhook`, …) + property path, e.g. `createPaymentSession request /customer/email`. */
  location: string;
  /** Short code, e.g. `property-removed`. */
  change: string;
  message: string;
}

export interface DiffSummary {
  breaking: number;
  nonBreaking: number;
  /** `N breaking, M non-breaking` */
  line: string;
}

/** `request`: the merchant sends it (request bodies, parameters, webhook answers); `response`: the merchant reads it. */
export type Side = 'request' | 'response';
/** What a change does to the set of valid values; `both` breaks either side, `none` breaks neither. */
export type Effect = 'narrows' | 'widens' | 'both' | 'none';
export function classify(effect: Effect, side: Side): ChangeKind {
  if (effect === 'both') return 'breaking';
  if (effect === 'none') return 'non-breaking';
  // Senders break when accepted values shrink; readers break when produced values grow.
  return (effect === 'narrows') === (side === 'request') ? 'breaking' : 'non-breaking';
}

export function summarize(changes: readonly Change[]): DiffSummary {
  const breaking = changes.filter((change) => change.kind === 'breaking').length;
  const nonBreaking = changes.length - breaking;
  return { breaking, nonBreaking, line: `${breaking} breaking, ${nonBreaking} non-breaking` };
}

/** `BREAKING  createPaymentSession request /amount: property became required` */
export function formatChange(change: Change): string {
  return `${change.kind.toUpperCase()}  ${change.location}: ${change.message}`;
}

// ---------------------------------------------------------------------------------------------
// JSON helpers
