// Turns Ajv errors into the contract's violations: `{ path, message, keyword }`, where `path` is a
// JSON pointer to the offending value (for a missing or unexpected property, the property itself)
// and `message` reads on its own. Shipped verbatim with the generated validators.

/**
 * At most this many violations are listed; the others are counted in one last entry (keyword
 * `truncated`, "…and N more violations"), so that a hostile body's error list stays small.
 */
export const MAX_VIOLATIONS = 100;

/** Keywords that only summarise errors reported below them. */
const SUMMARY_KEYWORDS = new Set(['if', 'anyOf', 'oneOf', 'allOf', 'then', 'else']);

const NULL_BRANCH = /\/(oneOf|anyOf)\/\d+\/type$/;

function escapePointer(segment) {
  return String(segment).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The property a keyword is about, for errors reported on the parent object. */
function propertyOf(error) {
  switch (error.keyword) {
    case 'required':
    case 'dependentRequired':
      return error.params.missingProperty;
    case 'additionalProperties':
      return error.params.additionalProperty;
    case 'propertyNames':
      return error.params.propertyName;
    default:
      return undefined;
  }
}

function describe(error, property) {
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'dependentRequired':
      return `is required when ${error.params.property} is present`;
    case 'additionalProperties':
      return 'is not allowed (unknown property)';
    case 'propertyNames':
      return `is not allowed here`;
    case 'false schema':
    case 'not':
      return 'is not allowed';
    default:
      return error.message;
  }
}

/** The cross-field rule (an `x-rule` subschema) an error comes from, if any. */
function ruleOf(error, rules) {
  const id = error.parentSchema?.['x-rule'];
  return typeof id === 'string' ? { id, description: rules?.[id]?.description ?? '' } : undefined;
}

/**
 * @param {ReadonlyArray<import('ajv').ErrorObject> | null | undefined} errors
 * @param {Record<string, { description: string }>} [rules] the contract's rule descriptions by id
 *   (errors must come from a validator compiled with `verbose: true`)
 * @param {number} [limit] how many violations to list before the summary entry
 * @returns {Array<{ path: string; message: string; keyword: string; rule?: string }>}
 */
export function toViolations(errors, rules, limit = MAX_VIOLATIONS) {
  const violations = [];
  const seen = new Set();
  let more = 0;
  for (const error of errors ?? []) {
    if (SUMMARY_KEYWORDS.has(error.keyword)) continue;
    // The `null` branch of a nullable object (`oneOf: [X, {type: 'null'}]`): its "must be null" says
    // nothing the errors of the other branch don't.
    if (error.keyword === 'type' && error.params.type === 'null' && NULL_BRANCH.test(error.schemaPath)) continue;
    // propertyNames reports the offending name once with its own keyword, once with the inner one.
    if (error.propertyName !== undefined) continue;
    const property = propertyOf(error);
    const path = property === undefined ? error.instancePath : `${error.instancePath}/${escapePointer(property)}`;
    const rule = ruleOf(error, rules);
    const message = `${path || '/'} ${describe(error, property)}${rule ? ` (rule ${rule.id}${rule.description ? `: ${rule.description}` : ''})` : ''}`;
    const key = `${error.keyword} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (violations.length >= limit) more += 1;
    else violations.push({ path, message, keyword: error.keyword, ...(rule ? { rule: rule.id } : {}) });
  }
  if (more > 0)
    violations.push({
      path: '',
      message: `…and ${more} more violation${more === 1 ? '' : 's'} (only the first ${limit} are listed)`,
      keyword: 'truncated',
    });
  return violations;
}
