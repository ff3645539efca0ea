/**
 * What the proxy says about the traffic: one line per violation (`✗ `) and per tolerated deviation
 * (`⚠ `) as each exchange ends, one line per exchange, and the summary at the end
 * (`N exchanges, M with violations`, then how often each erratum was seen). `pivot-contract report`
 * prints the same summary from a saved report.
 */
import type { Violation, Warning } from './findings.ts';
import type { ExchangeRecord } from './report-file.ts';
import { pathOf } from './validate-exchange.ts';

type Seen = Pick<ExchangeRecord, 'operationId' | 'method' | 'path' | 'status' | 'violations' | 'warnings'>;

/** The operationId, or for a request to no documented operation its method and path. */
export function exchangeLabel(exchange: Pick<ExchangeRecord, 'operationId' | 'method' | 'path'>): string {
  return exchange.operationId ?? `${exchange.method} ${pathOf(exchange.path)}`;
}

/** `✗ createPaymentSession 200 response /data/status must be equal to one of the allowed values` */
export function violationLine(exchange: Seen, violation: Violation): string {
  return `✗ ${exchangeLabel(exchange)} ${exchange.status} ${violation.where} ${violation.message}`;
}

/** `⚠ getCustomer 200 response /data/phoneNumber/number: … (tolerated: erratum phone-trunk-prefix)` */
export function warningLine(exchange: Seen, warning: Warning): string {
  return `⚠ ${exchangeLabel(exchange)} ${exchange.status} ${warning.where} ${warning.message}`;
}

/** The ✗ and ⚠ lines of one exchange, violations first. */
export function findingLines(exchange: Seen): string[] {
  return [
    ...exchange.violations.map((violation) => violationLine(exchange, violation)),
    ...exchange.warnings.map((warning) => warningLine(exchange, warning)),
  ];
}

/** `POST /v2/payments 200 createPaymentSession 41.2 ms` */
export function exchangeLine(exchange: Seen & Pick<ExchangeRecord, 'durationMs'>): string {
  const operation = exchange.operationId ?? (exchange.violations.length > 0 ? 'no documented operation' : 'not validated');
  return `${exchange.method} ${exchange.path} ${exchange.status} ${operation} ${exchange.durationMs.toFixed(1)} ms`;
}

/** Counts exchanges, those with violations, and each erratum seen (tolerated, or in strict mode refused). */
export class Summary {
  exchanges = 0;
  withViolations = 0;
  readonly errata = new Map<string, number>();

  add(exchange: Pick<ExchangeRecord, 'violations' | 'warnings'>): void {
    this.exchanges += 1;
    if (exchange.violations.length > 0) this.withViolations += 1;
    for (const finding of [...exchange.warnings, ...exchange.violations])
      if (finding.erratum !== undefined) this.errata.set(finding.erratum, (this.errata.get(finding.erratum) ?? 0) + 1);
  }

  /** `12 exchanges, 2 with violations; errata: surname-spelling 3, unknown-properties 1` */
  line(): string {
    const head = `${this.exchanges} exchange${this.exchanges === 1 ? '' : 's'}, ${this.withViolations} with violations`;
    if (this.errata.size === 0) return head;
    const counts = [...this.errata].sort(([a], [b]) => a.localeCompare(b)).map(([erratum, count]) => `${erratum} ${count}`);
    return `${head}; errata: ${counts.join(', ')}`;
  }
}
