// Turns Ajv errors into the contract's violations: `{ path, message, keyword }`, where `path` is a
// JSON pointer to the offending value (for a missing or unexpected property, the property itself)
// and `message` reads on its own. Shipped verbatim with the generated validators.

/**
 * At most this many violations are listed; the others are counted in one last entry (keyword
 * `truncated`, "…and N more violations"), so that a hostile body's error list stays small.
 */
export const MAX_VIOLATIONS = 100;

/**
 * Data nested deeper than this many objects and arrays is rejected with one `maxDepth` violation
 * before any schema sees it: a recursive schema's validator (and the servers' code after it) recurses
 * once per level, and a 1 MiB JSON body can nest 500,000 levels, far past the call stack.
 */
export const MAX_DEPTH = 256;

function pointerTo(node) {
  const segments = [];
  for (let current = node; current.parent !== undefined; current = current.parent) segments.push(escapePointer(current.key));
  return segments.length === 0 ? '' : `/${segments.reverse().join('/')}`;
}

/**
 * The JSON pointer of the first object or array nested deeper than `limit` levels (the value itself
 * is level 1), or undefined when there is none. Iterative, so any depth is measured without
 * recursion; a cyclic value is reported as too deep rather than walked for ever.
 */
export function deeperThan(data, limit = MAX_DEPTH) {
  if (data === null || typeof data !== 'object') return undefined;
  const stack = [{ value: data, depth: 1, key: '', parent: undefined }];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node.depth > limit) return pointerTo(node);
    const value = node.value;
    const keys = Array.isArray(value) ? undefined : Object.keys(value);
    const length = keys === undefined ? value.length : keys.length;
    for (let index = 0; index < length; index++) {
      const key = keys === undefined ? index : keys[index];
      const child = value[key];
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: node.depth + 1, key, parent: node });
    }
  }
  return undefined;
}

/**
 * For a value at `path` (a JSON pointer from the document's root) that a validator accepts without
 * looking inside (a free-form field): the pointer of its first level deeper than `limit` counted from
 * the root, or undefined. Called by the validators' `x-depth-limit` keyword.
 */
export function depthBeyond(value, path, limit = MAX_DEPTH) {
  if (value === null || typeof value !== 'object') return undefined;
  let level = 0;
  for (let index = path.indexOf('/'); index !== -1; index = path.indexOf('/', index + 1)) level++;
  const deep = deeperThan(value, limit - level);
  return deep === undefined ? undefined : `${path}${deep}`;
}

/** The one violation of data nested too deeply. */
export function depthViolation(path, limit = MAX_DEPTH) {
  return { path, message: `${path || '/'} is nested more than ${limit} levels deep`, keyword: 'maxDepth' };
}

/** The keyword of a free-form field's depth limit (generators/spec/depth.ts). */
const DEPTH_KEYWORD = 'x-depth-limit';

/** Keywords that only summarise errors reported below them. */
const SUMMARY_KEYWORDS = new Set(['if', 'anyOf', 'oneOf', 'allOf', 'then', 'else']);

/** Alternatives keywords: when they state a cross-field rule, the rule is reported once, not per branch. */
const ALTERNATIVES_KEYWORDS = new Set(['anyOf', 'oneOf']);

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
    case 'anyOf':
      return `matches none of the ${whose(error)}alternatives`;
    case 'oneOf': {
      const passing = error.params.passingSchemas;
      return Array.isArray(passing)
        ? `matches more than one of the ${whose(error)}alternatives (${passing.map((index) => index + 1).join(' and ')}; exactly one must match)`
        : `matches none of the ${whose(error)}alternatives (exactly one must match)`;
    }
    case 'if':
      return `does not match the schema its condition selects (${error.params.failingKeyword})`;
    default:
      return error.message;
  }
}

/** "the rule's " for the alternatives of a cross-field rule, nothing for any other `anyOf`/`oneOf`. */
const whose = (error) => (ruleIdOf(error) === undefined ? '' : "rule's ");

/**
 * Whether an error only summarises others reported below it. A `oneOf` that more than one branch
 * matched has nothing below it (every branch passed): it is the reason, never a summary.
 */
function isSummary(error) {
  if (!SUMMARY_KEYWORDS.has(error.keyword)) return false;
  return !(error.keyword === 'oneOf' && Array.isArray(error.params?.passingSchemas));
}

/** The cross-field rule (an `x-rule` subschema) an error comes from, if any. */
function ruleOf(error, rules) {
  const id = ruleIdOf(error);
  return id === undefined ? undefined : { id, description: rules?.[id]?.description ?? '' };
}

function ruleIdOf(error) {
  const id = error.parentSchema?.['x-rule'];
  return typeof id === 'string' ? id : undefined;
}

/**
 * An `anyOf`/`oneOf` that states (or lies within) a cross-field rule: reported as one violation. A
 * nullable value (`oneOf: [{ type: 'null' }, X]`) is no choice of the rule's: its errors stay.
 */
function isRuleAlternatives(error) {
  if (!ALTERNATIVES_KEYWORDS.has(error.keyword) || ruleIdOf(error) === undefined) return false;
  const branches = error.parentSchema?.[error.keyword];
  return !(Array.isArray(branches) && branches.some(isNullOnly));
}

const isNullOnly = (branch) => branch !== null && typeof branch === 'object' && branch.type === 'null';

const groupKey = (rule, instancePath) => `${rule}\u0000${instancePath}`;

/**
 * The failed rule alternatives (`anyOf`/`oneOf` errors carrying an `x-rule`), by rule and instance
 * path, so that the errors of their branches can be recognised in one look-up per ancestor path.
 */
function ruleAlternatives(errors) {
  const groups = new Map();
  for (const error of errors) {
    if (!isRuleAlternatives(error)) continue;
    const key = groupKey(ruleIdOf(error), error.instancePath);
    const paths = groups.get(key);
    const schemaPath = error.schemaPath ?? '';
    if (paths === undefined) groups.set(key, [schemaPath]);
    else paths.push(schemaPath);
  }
  return groups;
}

/**
 * Whether an error lies in a branch of a failed rule alternative: same rule, its schema path below
 * the alternatives' and its instance path at or below theirs. Rules are stamped on every subschema
 * within them (not across `$ref`s), so a branch's errors carry the rule of their alternatives.
 */
function inFailedAlternatives(error, groups) {
  const rule = ruleIdOf(error);
  if (rule === undefined || typeof error.schemaPath !== 'string') return false;
  let path = error.instancePath;
  for (;;) {
    const schemaPaths = groups.get(groupKey(rule, path));
    if (schemaPaths?.some((schemaPath) => error.schemaPath.startsWith(`${schemaPath}/`))) return true;
    if (path === '') return false;
    path = path.slice(0, path.lastIndexOf('/'));
  }
}

/** One Ajv error as the contract's violation. */
function violationOf(error, rules) {
  if (error.keyword === DEPTH_KEYWORD) return depthViolation(error.params.path);
  const property = propertyOf(error);
  const path = property === undefined ? error.instancePath : `${error.instancePath}/${escapePointer(property)}`;
  const rule = ruleOf(error, rules);
  const message = `${path || '/'} ${describe(error, property)}${rule ? ` (rule ${rule.id}${rule.description ? `: ${rule.description}` : ''})` : ''}`;
  return { path, message, keyword: error.keyword, ...(rule ? { rule: rule.id } : {}) };
}

/**
 * @param {ReadonlyArray<import('./violations.js').ValidatorError> | null | undefined} errors Ajv's errors
 * @param {Record<string, { description: string }>} [rules] the contract's rule descriptions by id
 *   (errors must come from a validator compiled with `verbose: true`)
 * @param {number} [limit] how many violations to list before the summary entry
 * @returns {Array<{ path: string; message: string; keyword: string; rule?: string }>}
 */
export function toViolations(errors, rules, limit = MAX_VIOLATIONS) {
  const violations = [];
  const seen = new Set();
  let more = 0;
  const list = errors ?? [];
  const alternatives = ruleAlternatives(list);
  // Summaries dropped because errors below them say more; one is kept if nothing else is left.
  const summaries = [];
  for (const error of list) {
    // A rule's `anyOf`/`oneOf` is one violation naming the rule; its branches' errors are dropped
    // ("customer is required", "customerId is required" say less than the rule does).
    if (alternatives.size > 0 && inFailedAlternatives(error, alternatives)) continue;
    if (isSummary(error) && !isRuleAlternatives(error)) {
      summaries.push(error);
      continue;
    }
    // The `null` branch of a nullable object (`oneOf: [X, {type: 'null'}]`): its "must be null" says
    // nothing the errors of the other branch don't.
    if (error.keyword === 'type' && error.params.type === 'null' && NULL_BRANCH.test(error.schemaPath)) continue;
    // propertyNames reports the offending name once with its own keyword, once with the inner one.
    if (error.propertyName !== undefined) continue;
    // Past the cap only the count matters: no message, no duplicate check (a Set of a million keys
    // costs seconds). A duplicate past the cap, rare, is counted twice.
    if (violations.length >= limit) {
      more += 1;
      continue;
    }
    const violation = violationOf(error, rules);
    // One violation per path and message: two keywords may say the same thing of the same value
    // (`not` and `false schema`: "is not allowed"), and two branches may raise the same error.
    const key = `${violation.path}\u0000${violation.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    violations.push(violation);
  }
  // An invalid result always says why: when every error was a summary of branches whose own errors
  // were dropped (a null branch, a duplicate), the outermost summary is the reason.
  if (violations.length === 0 && list.length > 0) violations.push(violationOf(summaries[0] ?? list[0], rules));
  if (more > 0)
    violations.push({
      path: '',
      message: `…and ${more} more violation${more === 1 ? '' : 's'} (only the first ${limit} are listed)`,
      keyword: 'truncated',
    });
  return violations;
}
