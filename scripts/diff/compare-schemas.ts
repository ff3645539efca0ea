/** Comparing two flattened schemas, keyword by keyword, into changes on one side of an operation. */
import { classify, type Change, type Effect, type Side } from './changes.ts';
import {
  BOUNDS,
  canonical,
  combine,
  escapeSegment,
  flatten,
  isObject,
  MAX_DEPTH,
  resolve,
  show,
  type Flat,
  type Rule,
  type Variant,
} from './flatten.ts';

export interface Context {
  oldDoc: unknown;
  newDoc: unknown;
  out: Change[];
  ids: WeakMap<object, number>;
  nextId: number;
}

export interface Slot {
  ctx: Context;
  side: Side;
  /** `createPaymentSession request`, `createPaymentSession response 200`, `paymentCallback webhook`, … */
  label: string;
  /** Pairs of schemas being compared on the current path: the cycle guard. */
  stack: Set<string>;
}

export function emit(slot: Slot, path: string, change: string, effect: Effect, message: string): void {
  const location = `${slot.label} ${path === '' ? '/' : path}`;
  slot.ctx.out.push({ kind: classify(effect, slot.side), location, change, message });
}

export function emitOperation(
  ctx: Context,
  location: string,
  change: string,
  effect: Effect,
  message: string,
  side: Side = 'request',
): void {
  ctx.out.push({ kind: classify(effect, side), location, change, message });
}

function idOf(ctx: Context, value: object | undefined): string {
  if (!value) return '-';
  let id = ctx.ids.get(value);
  if (id === undefined) {
    id = ctx.nextId++;
    ctx.ids.set(value, id);
  }
  return String(id);
}

// ---------------------------------------------------------------------------------------------
// Schema comparison

export function compareSchemas(slot: Slot, oldRaw: unknown, newRaw: unknown, path: string): void {
  const { ctx } = slot;
  const oldIdentity = resolve(ctx.oldDoc, oldRaw).identity;
  const newIdentity = resolve(ctx.newDoc, newRaw).identity;
  const key = `${idOf(ctx, oldIdentity)}:${idOf(ctx, newIdentity)}`;
  // Guard only on real objects (fresh wrappers have no identity worth remembering).
  const guarded = oldIdentity !== undefined && newIdentity !== undefined;
  if ((guarded && slot.stack.has(key)) || slot.stack.size > MAX_DEPTH) return;
  if (guarded) slot.stack.add(key);
  try {
    compareFlat(slot, flatten(ctx.oldDoc, oldRaw), flatten(ctx.newDoc, newRaw), path);
  } finally {
    if (guarded) slot.stack.delete(key);
  }
}

function compareFlat(slot: Slot, before: Flat, after: Flat, path: string): void {
  compareTypes(slot, before.types, after.types, path);
  compareValues(slot, before, after, path);
  compareBounds(slot, before.bounds, after.bounds, path);
  compareTextConstraint(slot, 'pattern', before.pattern, after.pattern, path);
  compareTextConstraint(slot, 'format', before.format, after.format, path);
  compareMultipleOf(slot, before.multipleOf, after.multipleOf, path);
  if (before.uniqueItems !== after.uniqueItems) {
    emit(
      slot,
      path,
      after.uniqueItems ? 'constraint-tightened' : 'constraint-loosened',
      after.uniqueItems ? 'narrows' : 'widens',
      after.uniqueItems ? 'items must now be unique' : 'items no longer need to be unique',
    );
  }
  if (before.hasDefault && after.hasDefault && canonical(before.defaultValue) !== canonical(after.defaultValue)) {
    // A sender that omits the field gets another behaviour; a reader is unaffected.
    emit(
      slot,
      path,
      'default-changed',
      'narrows',
      `default changed from ${show(before.defaultValue)} to ${show(after.defaultValue)}`,
    );
  }
  compareAdditionalProperties(slot, before.additionalProperties, after.additionalProperties, path);
  compareProperties(slot, before, after, path);
  compareItems(slot, before.items, after.items, path);
  compareVariants(slot, before.variants, after.variants, path);
  compareRules(slot, before.rules, after.rules, path);
}

function covers(types: Set<string>, type: string): boolean {
  return types.has(type) || (type === 'integer' && types.has('number'));
}

function listTypes(types: Iterable<string>): string {
  return [...types].join(', ');
}

function compareTypes(slot: Slot, before: Set<string> | undefined, after: Set<string> | undefined, path: string): void {
  if (!before && !after) return;
  if (!before) return emit(slot, path, 'type-narrowed', 'narrows', `type restricted to ${listTypes(after!)}`);
  if (!after) return emit(slot, path, 'type-widened', 'widens', `type restriction (${listTypes(before)}) removed`);
  const removed = [...before].filter((type) => !covers(after, type));
  const added = [...after].filter((type) => !covers(before, type));
  if (removed.length > 0 && added.length > 0) {
    emit(slot, path, 'type-changed', 'both', `type changed from ${listTypes(before)} to ${listTypes(after)}`);
  } else if (added.length > 0) {
    if (added.length === 1 && added[0] === 'null') emit(slot, path, 'became-nullable', 'widens', 'became nullable');
    else emit(slot, path, 'type-widened', 'widens', `type widened from ${listTypes(before)} to ${listTypes(after)}`);
  } else if (removed.length > 0) {
    if (removed.length === 1 && removed[0] === 'null') emit(slot, path, 'became-non-nullable', 'narrows', 'no longer nullable');
    else emit(slot, path, 'type-narrowed', 'narrows', `type narrowed from ${listTypes(before)} to ${listTypes(after)}`);
  }
}

function compareValues(slot: Slot, before: Flat, after: Flat, path: string): void {
  if (!before.values && !after.values) return;
  if (!before.values) {
    return after.fromConst
      ? emit(slot, path, 'const-added', 'narrows', `now restricted to the constant ${show(after.values![0])}`)
      : emit(slot, path, 'enum-added', 'narrows', `now restricted to the values ${show(after.values)}`);
  }
  if (!after.values) {
    return before.fromConst
      ? emit(slot, path, 'const-removed', 'widens', `no longer restricted to the constant ${show(before.values[0])}`)
      : emit(slot, path, 'enum-removed', 'widens', `no longer restricted to the values ${show(before.values)}`);
  }
  const oldKeys = new Set(before.values.map(canonical));
  const newKeys = new Set(after.values.map(canonical));
  for (const value of before.values) {
    if (!newKeys.has(canonical(value))) emit(slot, path, 'enum-value-removed', 'narrows', `enum value ${show(value)} removed`);
  }
  for (const value of after.values) {
    if (!oldKeys.has(canonical(value))) emit(slot, path, 'enum-value-added', 'widens', `enum value ${show(value)} added`);
  }
}

function compareBounds(slot: Slot, before: Map<string, number>, after: Map<string, number>, path: string): void {
  for (const [keyword, bound] of BOUNDS) {
    const was = before.get(keyword);
    const now = after.get(keyword);
    if (was === now) continue;
    if (was === undefined) emit(slot, path, 'constraint-tightened', 'narrows', `${keyword} ${now} added`);
    else if (now === undefined) emit(slot, path, 'constraint-loosened', 'widens', `${keyword} ${was} removed`);
    else {
      const tighter = bound === 'upper' ? now < was : now > was;
      emit(
        slot,
        path,
        tighter ? 'constraint-tightened' : 'constraint-loosened',
        tighter ? 'narrows' : 'widens',
        `${keyword} ${now < was ? 'lowered' : 'raised'} from ${was} to ${now}`,
      );
    }
  }
}

function compareTextConstraint(
  slot: Slot,
  keyword: 'pattern' | 'format',
  before: string | undefined,
  after: string | undefined,
  path: string,
): void {
  if (before === after) return;
  if (before === undefined) emit(slot, path, `${keyword}-added`, 'narrows', `${keyword} ${show(after)} added`);
  else if (after === undefined) emit(slot, path, `${keyword}-removed`, 'widens', `${keyword} ${show(before)} removed`);
  // Two patterns cannot be ordered cheaply: values valid for one may fail the other, either way.
  else emit(slot, path, `${keyword}-changed`, 'both', `${keyword} changed from ${show(before)} to ${show(after)}`);
}

function compareMultipleOf(slot: Slot, before: number | undefined, after: number | undefined, path: string): void {
  if (before === after) return;
  if (before === undefined) return emit(slot, path, 'constraint-tightened', 'narrows', `multipleOf ${after} added`);
  if (after === undefined) return emit(slot, path, 'constraint-loosened', 'widens', `multipleOf ${before} removed`);
  const message = `multipleOf changed from ${before} to ${after}`;
  if (Number.isInteger(after / before)) emit(slot, path, 'constraint-tightened', 'narrows', message);
  else if (Number.isInteger(before / after)) emit(slot, path, 'constraint-loosened', 'widens', message);
  else emit(slot, path, 'constraint-changed', 'both', message);
}

function compareAdditionalProperties(slot: Slot, before: unknown, after: unknown, path: string): void {
  const closedBefore = before === false;
  const closedAfter = after === false;
  if (!closedBefore && closedAfter) {
    emit(slot, path, 'additional-properties-disallowed', 'narrows', 'additional properties are no longer allowed');
  } else if (closedBefore && !closedAfter) {
    // Like a new optional property: senders may send more, readers must ignore unknown fields anyway.
    emit(slot, path, 'additional-properties-allowed', 'none', 'additional properties are now allowed');
  } else if (isObject(before) && isObject(after)) {
    compareSchemas(slot, before, after, `${path}/*`);
  }
}

/** readOnly properties are never sent, writeOnly ones never read: their changes concern nobody on that side. */
function hiddenOnSide(slot: Slot, doc: unknown, schemas: readonly unknown[] | undefined): boolean {
  if (!schemas) return false;
  const flat = flatten(doc, combine(schemas));
  return slot.side === 'request' ? flat.readOnly : flat.writeOnly;
}

function compareProperties(slot: Slot, before: Flat, after: Flat, path: string): void {
  const { ctx } = slot;
  const names = new Set([...before.properties.keys(), ...before.required, ...after.properties.keys(), ...after.required]);
  for (const name of names) {
    const at = `${path}/${escapeSegment(name)}`;
    const oldDefs = before.properties.get(name);
    const newDefs = after.properties.get(name);
    if (hiddenOnSide(slot, ctx.oldDoc, oldDefs) || hiddenOnSide(slot, ctx.newDoc, newDefs)) continue;
    const existed = oldDefs !== undefined || before.required.has(name);
    const exists = newDefs !== undefined || after.required.has(name);
    const wasRequired = before.required.has(name);
    const isRequired = after.required.has(name);
    if (existed && !exists) {
      // Readers lose a field; senders' field is ignored or rejected from now on.
      emit(slot, at, 'property-removed', 'both', wasRequired ? 'required property removed' : 'property removed');
      continue;
    }
    if (!existed && exists) {
      if (isRequired) emit(slot, at, 'required-property-added', 'narrows', 'new required property');
      else emit(slot, at, 'property-added', 'none', 'new optional property');
      continue;
    }
    if (!wasRequired && isRequired) emit(slot, at, 'property-became-required', 'narrows', 'property became required');
    if (wasRequired && !isRequired) emit(slot, at, 'property-became-optional', 'widens', 'property became optional');
    if (oldDefs && newDefs) compareSchemas(slot, combine(oldDefs), combine(newDefs), at);
  }
}

function compareItems(slot: Slot, before: unknown[], after: unknown[], parent: string): void {
  const path = parent === '' ? '/' : parent;
  if (before.length > 0 && after.length > 0) compareSchemas(slot, combine(before), combine(after), `${path}[]`);
  else if (after.length > 0) emit(slot, `${path}[]`, 'constraint-tightened', 'narrows', 'items schema added');
  else if (before.length > 0) emit(slot, `${path}[]`, 'constraint-loosened', 'widens', 'items schema removed');
}

function compareVariants(slot: Slot, before: Variant[] | undefined, after: Variant[] | undefined, path: string): void {
  if (!before && !after) return;
  const oldByName = new Map((before ?? []).map((variant) => [variant.name, variant]));
  const newByName = new Map((after ?? []).map((variant) => [variant.name, variant]));
  for (const [name, variant] of oldByName) {
    const match = newByName.get(name);
    if (!match) emit(slot, path, 'variant-removed', 'narrows', `variant ${name} removed`);
    else compareSchemas(slot, variant.schema, match.schema, `${path}/(${name})`);
  }
  for (const name of newByName.keys()) {
    if (!oldByName.has(name)) emit(slot, path, 'variant-added', 'widens', `variant ${name} added`);
  }
}

/** Named rules pair by `x-rule`; unnamed ones pair by equal content first, then by order. */
function pairRules(before: Rule[], after: Rule[]): Array<[Rule | undefined, Rule | undefined]> {
  const pairs: Array<[Rule | undefined, Rule | undefined]> = [];
  const newNamed = new Map(after.filter((rule) => rule.name).map((rule) => [rule.name!, rule]));
  const oldNamed = new Set(before.filter((rule) => rule.name).map((rule) => rule.name!));
  for (const rule of before.filter((rule) => rule.name)) pairs.push([rule, newNamed.get(rule.name!)]);
  for (const rule of after.filter((rule) => rule.name && !oldNamed.has(rule.name))) pairs.push([undefined, rule]);
  const oldAnonymous = before.filter((rule) => !rule.name);
  const newAnonymous = after.filter((rule) => !rule.name);
  for (const rule of [...oldAnonymous]) {
    const same = newAnonymous.findIndex((candidate) => candidate.content === rule.content);
    if (same < 0) continue;
    pairs.push([rule, newAnonymous[same]]);
    newAnonymous.splice(same, 1);
    oldAnonymous.splice(oldAnonymous.indexOf(rule), 1);
  }
  for (let index = 0; index < Math.max(oldAnonymous.length, newAnonymous.length); index++) {
    pairs.push([oldAnonymous[index], newAnonymous[index]]);
  }
  return pairs;
}

function ruleName(rule: Rule): string {
  return rule.name ? `cross-field rule "${rule.name}"` : `cross-field rule (${rule.label})`;
}

function compareRules(slot: Slot, before: Rule[], after: Rule[], path: string): void {
  for (const [was, now] of pairRules(before, after)) {
    if (was && now) {
      // Conservative: a changed rule may reject what senders send, and only restates what readers get.
      if (was.content !== now.content) emit(slot, path, 'rule-changed', 'narrows', `${ruleName(now)} changed`);
    } else if (now) emit(slot, path, 'rule-added', 'narrows', `${ruleName(now)} added`);
    else if (was) emit(slot, path, 'rule-removed', 'widens', `${ruleName(was)} removed`);
  }
}

// ---------------------------------------------------------------------------------------------
// Operations
