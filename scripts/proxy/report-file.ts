/**
 * The proxy's report: one JSON object per exchange, one line each (JSON Lines), appended as each
 * exchange ends, so a report survives a crash of the proxy up to its last exchange. Every record is
 * redacted (`redact.ts`) before it is written.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { parseJson, type CapturedMessage, type ReadBody, type ReadExchange } from './captured-body.ts';
import type { Findings, Violation, Warning } from './findings.ts';
import type { CapturedExchange } from './forward.ts';
import { redactHeaders, redactJson, redactText } from './redact.ts';

export interface MessageRecord {
  /** End-to-end headers, lower-case names, secrets redacted. */
  headers: Record<string, string | string[]>;
  /** Bytes of the body as it passed (before any decoding). */
  size: number;
  /** The body, when it is JSON (secrets redacted). */
  body?: unknown;
  /** The body, when it is not JSON (secrets redacted, cut short). */
  text?: string;
}

/** One exchange, as the report holds it. */
export interface ExchangeRecord {
  /** When the request arrived (ISO 8601, UTC). */
  at: string;
  /** `api`: a call to Pivot's API (or the sandbox); `callback`: a callback passed on to the merchant. */
  kind: 'api' | 'callback';
  operationId: string | null;
  method: string;
  /** The request target as received: path and query. */
  path: string;
  /** Where it was passed on to. */
  url: string;
  status: number;
  durationMs: number;
  request: MessageRecord;
  response: MessageRecord;
  violations: Violation[];
  warnings: Warning[];
  /** What was passed on but not validated, and why. */
  notes?: string[];
}

function messageRecord(message: CapturedMessage, read: ReadBody): MessageRecord {
  const record: MessageRecord = { headers: redactHeaders(message.headers), size: message.body.size };
  if (read.kind !== 'text') return record;
  if ('value' in read.json) record.body = redactJson(read.json.value);
  else record.text = redactText(read.text);
  return record;
}

/** The redacted record of an exchange and what was found in it. */
export function exchangeRecord(
  exchange: CapturedExchange,
  read: ReadExchange,
  findings: Findings,
  kind: ExchangeRecord['kind'],
): ExchangeRecord {
  return {
    at: exchange.at.toISOString(),
    kind,
    operationId: findings.operationId,
    method: exchange.method,
    path: exchange.target,
    url: exchange.url,
    status: exchange.status,
    durationMs: Math.round(exchange.durationMs * 10) / 10,
    request: messageRecord(exchange.request, read.request),
    response: messageRecord(exchange.response, read.response),
    violations: findings.violations,
    warnings: findings.warnings,
    ...(findings.notes.length > 0 ? { notes: findings.notes } : {}),
  };
}

/** A report file open for appending; each record is one `write` of one line. */
export interface ReportFile {
  path: string;
  write(record: ExchangeRecord): void;
  close(): void;
}

/** Opens (or creates) a report for appending; throws when it cannot be written (a missing folder, no permission). */
export function openReport(path: string, onError: (message: string) => void): ReportFile {
  const fd = openSync(path, 'a');
  let failed = false;
  let closed = false;
  return {
    path,
    write(record) {
      if (closed) return;
      try {
        writeSync(fd, `${JSON.stringify(record)}\n`);
      } catch (error) {
        // Keep passing traffic on: the report is lost from here, and says so once.
        if (!failed) onError(`cannot write the report ${path}: ${(error as Error).message}`);
        failed = true;
      }
    },
    close() {
      if (closed) return;
      closed = true;
      closeSync(fd);
    },
  };
}

/** One line of a report that is not a record. */
export interface UnreadableLine {
  line: number;
  problem: string;
}

function isRecord(value: unknown): value is ExchangeRecord {
  const record = value as Partial<ExchangeRecord> | null;
  return (
    record !== null &&
    typeof record === 'object' &&
    typeof record.method === 'string' &&
    typeof record.status === 'number' &&
    Array.isArray(record.violations) &&
    Array.isArray(record.warnings)
  );
}

/** Reads a saved report: its records in order, with their line numbers, and the lines that are not records. */
export function readReport(path: string): {
  records: Array<{ line: number; record: ExchangeRecord }>;
  unreadable: UnreadableLine[];
} {
  const records: Array<{ line: number; record: ExchangeRecord }> = [];
  const unreadable: UnreadableLine[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      if (text.trim() === '') return;
      const json = parseJson(text);
      if ('error' in json) unreadable.push({ line: index + 1, problem: 'not JSON' });
      else if (!isRecord(json.value)) unreadable.push({ line: index + 1, problem: 'not an exchange record' });
      else records.push({ line: index + 1, record: json.value });
    });
  return { records, unreadable };
}
