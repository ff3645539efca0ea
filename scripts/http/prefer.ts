/**
 * The mock's `Prefer` header (`Prefer: code=409, example=idempotency-error`), checked against the spec
 * before Prism sees it. Prism answers an unknown status or example with its own `problem+json` 404 and a
 * malformed one with a 422, neither in the contract's shape; `dynamic=true` makes it invent bodies the
 * contract rejects (currency `VCF`). So the front layer accepts only documented statuses and examples,
 * says which ones exist when a client names another, and forwards a clean `code=…, example=…`.
 * Preferences other than `code`, `example` and `dynamic` are ignored, as RFC 7240 §2 asks.
 */
import { resolveLocal } from '../../generators/spec/document.ts';
import type { Detail } from './errors.ts';

type Json = Record<string, any>;

/** Documented statuses of one operation, each with its example names (in the spec's order). */
export type AnswerTable = Map<string, string[]>;

/** operationId → its documented answers, read from the bundled document. */
export function answerTables(document: Json): Map<string, AnswerTable> {
  const tables = new Map<string, AnswerTable>();
  for (const rawItem of Object.values((document.paths ?? {}) as Record<string, unknown>)) {
    const item = resolveLocal<Json>(document, rawItem);
    for (const operation of Object.values(item)) {
      if (typeof operation !== 'object' || operation === null || typeof operation.operationId !== 'string') continue;
      const table: AnswerTable = new Map();
      for (const [status, rawResponse] of Object.entries((operation.responses ?? {}) as Record<string, unknown>)) {
        const response = resolveLocal<Json>(document, rawResponse) ?? {};
        const examples = resolveLocal<Json>(document, response.content?.['application/json'])?.examples ?? {};
        table.set(status, Object.keys(examples));
      }
      tables.set(operation.operationId, table);
    }
  }
  return tables;
}

/** `code=409, example="idempotency-error"; x=y, return=minimal` → { code: '409', example: 'idempotency-error', return: 'minimal' }. */
export function parsePrefer(header: string): Map<string, string> {
  const preferences = new Map<string, string>();
  for (const part of header.split(',')) {
    const [head = ''] = part.split(';'); // parameters after `;` are not used by the mock
    const equals = head.indexOf('=');
    const name = (equals < 0 ? head : head.slice(0, equals)).trim().toLowerCase();
    if (name === '' || preferences.has(name)) continue; // RFC 7240: the first of a repeated preference wins
    const value =
      equals < 0
        ? ''
        : head
            .slice(equals + 1)
            .trim()
            .replace(/^"(.*)"$/, '$1');
    preferences.set(name, value);
  }
  return preferences;
}

/** The status Prism answers when `Prefer` names no code: the operation's lowest 2xx. */
export function defaultStatus(table: AnswerTable): string | undefined {
  return [...table.keys()].filter((status) => /^2\d\d$/.test(status)).sort()[0];
}

const list = (names: string[]) => (names.length === 0 ? 'none' : names.join(', '));

export interface PreferChoice {
  /** What the front layer forwards to Prism (`code=409, example=idempotency-error`), or undefined for no Prefer. */
  forward?: string;
  /** The status asked for, when one was. */
  code?: number;
}

/** Checks a `Prefer` header against the operation's documented answers: the choice to forward, or what is wrong. */
export function checkPrefer(header: string, table: AnswerTable): { details: Detail[]; choice: PreferChoice } {
  const preferences = parsePrefer(header);
  const details: Detail[] = [];
  const problem = (message: string) => details.push({ field: 'Prefer', message: `Prefer ${message}` });
  if (preferences.has('dynamic'))
    problem('dynamic is not supported: the mock answers with documented examples only (use code= and example=)');
  const code = preferences.get('code');
  const example = preferences.get('example');
  let status: string | undefined;
  if (code !== undefined) {
    if (!table.has(code)) problem(`code=${code} is not a documented status of this operation (${list([...table.keys()])})`);
    else status = code;
  } else status = defaultStatus(table);
  if (example !== undefined && (code === undefined || status !== undefined)) {
    const names = status === undefined ? [] : (table.get(status) ?? []);
    if (!names.includes(example))
      problem(`example=${example} is not a documented example of status ${status ?? 'none'} (${list(names)})`);
  }
  const forward = [code !== undefined ? `code=${code}` : '', example !== undefined ? `example=${example}` : '']
    .filter(Boolean)
    .join(', ');
  return {
    details,
    choice: { forward: forward === '' ? undefined : forward, code: code === undefined ? undefined : Number(code) },
  };
}
