/**
 * The code Ajv writes for the validators, made cheaper without changing a single result (issue 24:
 * validating at half a JSON.parse): rewrites of each compiled function's source (`cheaperCode`, run by
 * Ajv's `code.process` hook for runtime validators and on each standalone part), and the bookkeeping a
 * schema set never reads switched off before anything is compiled (`withoutUnusedBookkeeping`). Each
 * rewrite throws if Ajv's code changes shape, so that none can silently stop applying. The costs
 * quoted are shares of validating the Payment Session object page example (npm run bench -- a).
 * @see https://ajv.js.org/options.html
 */
import type { Ajv2020 } from 'ajv/dist/2020.js';

// `validate21.errors`, or `wrapper0.validate.errors` for a recursive `$ref` (a schema referring to itself).
const CONCAT_ERRORS = /vErrors = vErrors === null \? ([\w.]+)\.errors : vErrors\.concat\(\1\.errors\);/g;

/**
 * Ajv's code appends a referenced validator's errors with `vErrors.concat(…)`, which copies every
 * error collected so far: n failing array items cost O(n²). This appends in place instead (a loop,
 * not `push(...errors)`, which would overflow the stack on a huge list), and lets go of the referenced
 * validator's copy (else a hostile body's million errors stay reachable from it until its next call).
 * Throws if Ajv's code changes shape, so the fix cannot silently stop applying.
 */
export function appendErrorsInPlace(code: string): string {
  const fixed = code.replace(
    CONCAT_ERRORS,
    (_match, name: string) =>
      `if (vErrors === null) vErrors = ${name}.errors; else for (const error of ${name}.errors) vErrors.push(error); ${name}.errors = null;`,
  );
  if (/vErrors\.concat\(/.test(fixed)) throw new Error('Ajv generated an error concat this code does not recognise');
  return fixed;
}

/** Names Object.prototype has of its own: for these the full own-property check always runs. */
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * Ajv's `ownProperties` code checks every property it reads with `hasOwnProperty.call(data, "k")`
 * after `data.k !== undefined`, and lists an object's keys with `Object.keys` (an array per object):
 * together a quarter of the time of a valid document. Rewritten, with the same meaning:
 * - a property found on an object whose prototype is Object.prototype is its own unless
 *   Object.prototype itself has it (read per call, so a polluted prototype still gets the full check;
 *   an object with any other prototype always does), and names of Object.prototype's own members
 *   keep the full check;
 * - keys are listed with `for…in`, skipping inherited ones.
 * Throws if Ajv's code changes shape, so that the rewrite cannot silently stop applying.
 */
export function cheaperOwnChecks(code: string): string {
  const checks = code.replace(/\b(func\d+)\.call\(([\w.]+), "([\w$-]+)"\)/g, (match, has: string, data: string, key: string) =>
    PROTOTYPE_NAMES.has(key)
      ? match
      : `(Object.getPrototypeOf(${data}) === Object.prototype && Object.prototype[${JSON.stringify(key)}] === undefined || ${has}.call(${data}, ${JSON.stringify(key)}))`,
  );
  const keys = checks.replace(
    /for\(const (key\d+) of Object\.keys\((\w+)\)\)\{/g,
    (_match, key: string, data: string) => `for(const ${key} in ${data}){if(!Object.prototype.hasOwnProperty.call(${data}, ${key}))continue;`,
  );
  if (/for\(const \w+ of Object\.keys\(/.test(keys)) throw new Error('Ajv generated an Object.keys loop this code does not recognise');
  return keys;
}

/** `ucs2lengthN(data) > 100`: a `maxLength` / `minLength` check with a literal limit. */
const LENGTH_CHECK = /\b(func\d+)\(([\w$]+)\) ([<>]) (\d+)\b/g;

/**
 * Ajv checks `maxLength` / `minLength` by counting a string's code points (`ucs2length`, a loop over
 * every character, then a call per limit: 105 calls for one PaymentSession). A string's code points
 * number between half its UTF-16 length and its length, so the count is only needed near a limit:
 * `length ≤ max` passes `maxLength`, `length ≥ 2·min − 1` passes `minLength`. Applied to literal
 * limits only (a `$data` limit keeps Ajv's code); `ucs2length` is the only helper Ajv's code calls with
 * one argument and compares with a number.
 */
export function cheaperLengthChecks(code: string): string {
  return code.replace(LENGTH_CHECK, (_match, count: string, data: string, operator: string, literal: string) => {
    const limit = Number(literal);
    const shortcut = operator === '>' ? `${data}.length > ${limit}` : `${data}.length < ${2 * limit - 1}`;
    return `(${shortcut} && ${count}(${data}) ${operator} ${limit})`;
  });
}

/** Every rewrite of a compiled function's source, in order. */
export function cheaperCode(code: string): string {
  return cheaperLengthChecks(cheaperOwnChecks(appendErrorsInPlace(code)));
}

/** Keywords that read Ajv's evaluated-properties bookkeeping or its dynamic scope. */
const BOOKKEEPING_KEYWORDS = new Set([
  'unevaluatedProperties',
  'unevaluatedItems',
  '$dynamicRef',
  '$dynamicAnchor',
  '$recursiveRef',
  '$recursiveAnchor',
]);

/** Whether any key of a schema (or of anything in it) is one of BOOKKEEPING_KEYWORDS; a property so named counts too (harmless). */
function usesBookkeeping(node: unknown): boolean {
  const stack = [node];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== 'object') continue;
    for (const [key, value] of Object.entries(current)) {
      if (BOOKKEEPING_KEYWORDS.has(key)) return true;
      if (value !== null && typeof value === 'object') stack.push(value);
    }
  }
  return false;
}

const META_SCHEMA_2020 = 'https://json-schema.org/draft/2020-12/schema';

/**
 * Ajv2020 always compiles the bookkeeping `unevaluatedProperties` / `unevaluatedItems` and
 * `$dynamicRef` need: which properties each passing branch evaluated (an object per branch) and a
 * `dynamicAnchors` object per validator call. A schema set without those keywords never reads it:
 * 9 % of the validation time. Switched off for such a set, on an instance that has compiled nothing
 * but the meta-schema (compiled first, with everything on: it uses `$dynamicRef`), or nothing at all
 * where schemas are not checked against it (`validateSchema: false`).
 */
export function withoutUnusedBookkeeping(ajv: Ajv2020, resources: readonly unknown[]): Ajv2020 {
  if (resources.some(usesBookkeeping)) return ajv;
  // An instance that does not check schemas against the meta-schema never compiles it.
  if (ajv.opts.validateSchema !== false && !ajv.getSchema(META_SCHEMA_2020)) {
    throw new Error('the JSON Schema 2020-12 meta-schema is missing');
  }
  const options = ajv.opts as { unevaluated?: boolean; dynamicRef?: boolean };
  options.unevaluated = false;
  options.dynamicRef = false;
  return ajv;
}
