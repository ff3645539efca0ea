/**
 * Which documented example answers a request: the one whose request example is the request itself; else
 * the one it is made fresh from (its own `clientReferenceId` and times, as a merchant or `verify` sends
 * a documented request on another day); else (for `createPaymentSession`) the one nearest to it by the
 * fields that decide the kind of session. The mock asks Prism for that example.
 */
import { getFixture, listFixtures } from 'pivot-payments-contract/fixtures';
import { REQUEST_TIME } from '../../generators/spec/request-time.ts';

type Json = Record<string, any>;

export interface RequestExample {
  name: string;
  body: unknown;
}

/** Fields that decide which kind of session a createPaymentSession request asks for, with their defaults. */
const SHAPE: Array<{ get: (body: Json) => unknown; weight: number }> = [
  { get: (body) => body.paymentMethod?.type, weight: 8 },
  { get: (body) => body.mode ?? 'REDIRECT', weight: 4 },
  { get: (body) => body.paymentType ?? 'SINGLE', weight: 4 },
  { get: (body) => body.recurringId !== undefined, weight: 2 },
  { get: (body) => body.paymentMethod?.card?.token !== undefined, weight: 1 },
  { get: (body) => body.paymentMethod?.card?.encryptedCard !== undefined, weight: 1 },
  { get: (body) => body.saveForFutureUse === true, weight: 1 },
  { get: (body) => body.autoConfirm ?? false, weight: 1 },
];

/** JSON with object keys sorted: equal for two values exactly when they are the same JSON data. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const keys = Object.keys(value).sort();
  const parts: string[] = [];
  for (const key of keys) {
    const inner = (value as Json)[key];
    if (inner !== undefined) parts.push(`${JSON.stringify(key)}:${canonicalJson(inner)}`);
  }
  return `{${parts.join(',')}}`;
}

function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** The body less what each sender makes fresh: the top-level `clientReferenceId`, and the value of every request time. */
function withoutFreshParts(value: unknown, top = true): unknown {
  if (typeof value === 'string' && REQUEST_TIME.test(value)) return 'time';
  if (Array.isArray(value)) return value.map((item) => withoutFreshParts(item, false));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !(top && key === 'clientReferenceId'))
      .map(([key, inner]) => [key, withoutFreshParts(inner, false)]),
  );
}

const canonicalExamples = new WeakMap<RequestExample, { exact: string; fresh: string }>();

/** A documented example's canonical JSON, as written and less its fresh parts, computed once. */
function canonicalOf(example: RequestExample): { exact: string; fresh: string } {
  let forms = canonicalExamples.get(example);
  if (forms === undefined)
    canonicalExamples.set(
      example,
      (forms = { exact: canonicalJson(example.body), fresh: canonicalJson(withoutFreshParts(example.body)) }),
    );
  return forms;
}

/** Every documented request example, by operationId. */
export function requestExamples(): Map<string, RequestExample[]> {
  const byOperation = new Map<string, RequestExample[]>();
  for (const info of listFixtures()) {
    if (info.kind !== 'request') continue;
    const list = byOperation.get(info.operationId) ?? [];
    list.push({ name: info.name, body: getFixture(info) });
    byOperation.set(info.operationId, list);
  }
  return byOperation;
}

/** The name of the documented example that answers this request body, if any. */
export function nearestExample(examples: RequestExample[] | undefined, operationId: string, body: unknown): string | undefined {
  if (!examples?.length) return undefined;
  // The body once, not once per example: a 1 MiB free-form `metadata` costs a sort of every key.
  const canonical = canonicalJson(body);
  const exact = examples.find((example) => canonicalOf(example).exact === canonical);
  if (exact) return exact.name;
  const fresh = canonicalJson(withoutFreshParts(body));
  const madeFresh = examples.find((example) => canonicalOf(example).fresh === fresh);
  if (madeFresh) return madeFresh.name;
  if (operationId !== 'createPaymentSession' || typeof body !== 'object' || body === null) return undefined;
  let best: { name: string; score: number } | undefined;
  for (const example of examples) {
    const score = SHAPE.reduce(
      (sum, { get, weight }) => sum + (sameJson(get(example.body as Json), get(body as Json)) ? weight : 0),
      0,
    );
    if (!best || score > best.score) best = { name: example.name, score };
  }
  return best?.name;
}
