// Tolerant mode = strict + what Pivot is documented to send (issue 12). The deviations the errata
// register records for data Pivot produces (`tolerate:` on a decision) are matched against the strict
// violations, repaired on a copy of the data and reported as warnings naming their erratum; the copy
// must then pass the tolerant validator (which also accepts unknown properties). Anything else stays
// an error. Shipped verbatim with the generated validators.

import { deeperThan, depthViolation } from './violations.js';

/** Rounds of repair before giving up: one deviation may hide another (a oneOf branch, a nested object). */
const MAX_ROUNDS = 8;

function unescapePointer(segment) {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

function segmentsOf(pointer) {
  return pointer === '' ? [] : pointer.slice(1).split('/').map(unescapePointer);
}

// A glob of pointer segments such as `**/storedPaymentMethods/*/paymentMethod`: `**` matches any
// number of segments, `*` exactly one, anything else itself.
function globMatches(pattern, segments) {
  if (pattern.length === 0) return segments.length === 0;
  const [head, ...rest] = pattern;
  if (head === '**') return segments.some((_, index) => globMatches(rest, segments.slice(index))) || globMatches(rest, []);
  return segments.length > 0 && (head === '*' || head === segments[0]) && globMatches(rest, segments.slice(1));
}

const hasOwn = (object, key) => Object.prototype.hasOwnProperty.call(object, key);

/** The tolerances that accept a violation, in register order: same keyword, same rule, path matching its glob. */
function tolerancesFor(violation, tolerances) {
  const segments = segmentsOf(violation.path);
  return tolerances.filter(
    (tolerance) =>
      (tolerance.keyword === undefined || tolerance.keyword === violation.keyword) &&
      (tolerance.rule === undefined || tolerance.rule === violation.rule) &&
      (tolerance.path === undefined || globMatches(tolerance.path.split('/'), segments)),
  );
}

/** The (first) tolerance that accepts a violation, if any. */
export function toleranceFor(violation, tolerances) {
  return tolerancesFor(violation, tolerances)[0];
}

function parentOf(root, segments) {
  let node = root;
  for (const segment of segments.slice(0, -1)) {
    if (node === null || typeof node !== 'object' || !hasOwn(node, segment)) return undefined;
    node = node[segment];
  }
  return node !== null && typeof node === 'object' ? node : undefined;
}

/** Repairs one tolerated deviation in place; false when there was nothing to repair (it would loop). */
function repair(root, path, tolerance) {
  const segments = segmentsOf(path);
  const key = segments.at(-1);
  const parent = parentOf(root, segments);
  if (parent === undefined || key === undefined) return false;
  const value = parent[key];
  switch (tolerance.fix) {
    case 'upper-case':
      if (typeof value !== 'string' || value === value.toUpperCase()) return false;
      parent[key] = value.toUpperCase();
      return true;
    case 'replace':
      // One documented value read as another (`cards` → `CARD`); any other value is not this tolerance's.
      if (value !== tolerance.from) return false;
      parent[key] = tolerance.to;
      return true;
    case 'strip-trunk-zero':
      if (typeof value !== 'string' || !value.startsWith('0')) return false;
      parent[key] = value.slice(1);
      return true;
    case 'rename':
      if (!hasOwn(parent, key)) return false;
      if (!hasOwn(parent, tolerance.to)) parent[tolerance.to] = value;
      delete parent[key];
      return true;
    case 'set-sibling':
      // The value the violation is about is right; its sibling `property` is read as `to`.
      if (parent[tolerance.property] === tolerance.to) return false;
      parent[tolerance.property] = tolerance.to;
      return true;
    case 'drop-sibling':
      if (!hasOwn(parent, tolerance.property)) return false;
      delete parent[tolerance.property];
      return true;
    default:
      return false;
  }
}

function warningOf(path, tolerance) {
  return {
    path,
    message: `${path || '/'}: ${tolerance.title} (tolerated: erratum ${tolerance.erratum})`,
    erratum: tolerance.erratum,
  };
}

/** Marks the strict violations a tolerance would accept (strict mode still rejects them, naming it). */
export function withErrata(violations, tolerances) {
  return violations.map((violation) => {
    const tolerance = toleranceFor(violation, tolerances);
    return tolerance === undefined ? violation : { ...violation, erratum: tolerance.erratum };
  });
}

/**
 * Tolerant validation of data Pivot produces. `check(data, validator)` runs one compiled validator and
 * returns the contract's violations (empty when valid). Returns `{ valid, errors?, warnings }`.
 */
export function validateTolerantly(data, strictValidator, tolerantValidator, tolerances, check) {
  let strictErrors = check(data, strictValidator);
  if (strictErrors.length === 0) return { valid: true, warnings: [] };
  const warnings = [];
  let copy = data;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let repaired = false;
    for (const violation of strictErrors) {
      // The first tolerance that repairs it: several may match one path (`cards` → `CARD`, else upper case).
      for (const tolerance of tolerancesFor(violation, tolerances)) {
        if (tolerance.fix === 'accept') break;
        if (copy === data) {
          // structuredClone recurses: data too deep for it is refused before it is copied.
          const deep = deeperThan(data);
          if (deep !== undefined) return { valid: false, errors: [depthViolation(deep)], warnings };
          copy = structuredClone(data);
        }
        if (repair(copy, violation.path, tolerance)) {
          warnings.push(warningOf(violation.path, tolerance));
          repaired = true;
          break;
        }
      }
    }
    if (!repaired) break;
    strictErrors = check(copy, strictValidator);
    if (strictErrors.length === 0) return { valid: true, warnings };
  }
  const remaining = check(copy, tolerantValidator);
  if (remaining.length > 0) return { valid: false, errors: withErrata(remaining, tolerances), warnings };
  // What only strict rejects now is accepted as it is (unknown properties, above all): one warning each.
  for (const violation of strictErrors) {
    const tolerance = toleranceFor(violation, tolerances);
    if (tolerance !== undefined) warnings.push(warningOf(violation.path, tolerance));
  }
  return { valid: true, warnings };
}
