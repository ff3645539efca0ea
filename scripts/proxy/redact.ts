/**
 * What the proxy never writes down: credentials and card data become `"[redacted]"` before a record
 * leaves memory (the report file, and the candidate examples made from it).
 *
 * - Headers: `Authorization` (the bearer token, Authentication › Access Token), `X-MERCHANT-SECRET`
 *   (Authentication › Request Header), `X-API-Key` (the callback API key, Callback).
 * - Body properties: `accessToken` (Access Token response), card `number` and `cvc`, `encryptedCard`
 *   (Detail Payment Method Object › card; the contract marks them `writeOnly`). `number` is a card's
 *   only inside a `card` object: `phoneNumber.number` is not card data.
 * - A body that is not JSON (an HTML error page, a form) cannot be walked: any `"name": value` pair of
 *   those names in its text is redacted (and any `name=value` form field), and it is cut to `TEXT_LIMIT`
 *   characters.
 */
export const REDACTED = '[redacted]';

const SECRET_HEADERS: ReadonlySet<string> = new Set(['authorization', 'x-merchant-secret', 'x-api-key']);
const SECRET_PROPERTIES: ReadonlySet<string> = new Set(['accessToken', 'cvc', 'encryptedCard']);
const CARD_SECRET_PROPERTIES: ReadonlySet<string> = new Set(['number']);

/** Non-JSON text kept in a record, at most (an error page is recognisable well before). */
export const TEXT_LIMIT = 4096;

/** Headers as a record (lower-case names; a repeated header as an array), secrets redacted. */
export function redactHeaders(pairs: ReadonlyArray<[string, string]>): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (const [rawName, rawValue] of pairs) {
    const name = rawName.toLowerCase();
    const value = SECRET_HEADERS.has(name) ? REDACTED : rawValue;
    const previous = record[name];
    record[name] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return record;
}

/** A copy of a JSON value with every secret property's value redacted, at any depth. */
export function redactJson(value: unknown, insideCard = false): unknown {
  if (Array.isArray(value)) return value.map((item) => redactJson(item, false));
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const child = (value as Record<string, unknown>)[key];
    const secret = SECRET_PROPERTIES.has(key) || (insideCard && CARD_SECRET_PROPERTIES.has(key));
    const kept = secret ? REDACTED : redactJson(child, key === 'card');
    // A `__proto__` key must stay a plain property of the copy (an assignment would set its prototype).
    if (key === '__proto__')
      Object.defineProperty(copy, key, { value: kept, enumerable: true, writable: true, configurable: true });
    else copy[key] = kept;
  }
  return copy;
}

const NAMES = [...SECRET_PROPERTIES, ...CARD_SECRET_PROPERTIES].join('|');
/** `"cvc": "123"`, `"number":4111…`: a secret's name, then a string, number or bare word as its value. */
const SECRET_PAIR = new RegExp(`("(?:${NAMES})"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"|[^\\s,}\\]]+)`, 'g');

/** `cvc=123` in a form body or a query (`&`-separated). */
const SECRET_FIELD = new RegExp(`(^|[&?\\s])((?:${NAMES})=)[^&\\s]*`, 'g');

/** Text that is not JSON, cut to TEXT_LIMIT characters, with any secret `"name": value` pair or `name=value` field redacted. */
export function redactText(text: string): string {
  const redacted = text
    .replace(SECRET_PAIR, (_pair, name: string) => `${name}"${REDACTED}"`)
    .replace(SECRET_FIELD, (_field, start: string, name: string) => `${start}${name}${REDACTED}`);
  return redacted.length > TEXT_LIMIT ? `${redacted.slice(0, TEXT_LIMIT)}… (${redacted.length} characters)` : redacted;
}
