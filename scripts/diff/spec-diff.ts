/**
 * Breaking-change classification between two OpenAPI 3.1 documents (`pivot-contract diff`, issue 5).
 *
 * Consumers are merchants: they SEND requests (and answer webhooks) and READ responses (and webhook
 * payloads). Every schema change is first described by its effect on the set of valid values
 * (`narrows` / `widens`, or breaks/harms nobody whatever the side) and then classified by the side:
 * a sender breaks when fewer values are accepted, a reader breaks when more values can arrive.
 *
 * Library evaluation (api-smart-diff 1.0.6, tried in a scratch directory on two small inline
 * OpenAPI 3.1 documents, one operation each; @pb33f/openapi-changes was not installed because its
 * install step downloads a Go binary, which cannot work without network beyond npm):
 * api-smart-diff gets the plain OpenAPI 3.0 cases right (new required/optional request property,
 * request/response enum additions, removed response property, property becoming optional) but it
 * does not understand 3.1 or this contract's rules:
 *   - `type: string` → `type: [string, 'null']` on a response property is reported `non-breaking`,
 *     and the same change on a request property is reported `breaking` (both backwards);
 *   - `if`/`then` added to a request body comes out `unclassified`;
 *   - everything under `webhooks` comes out `unclassified` (it knows only `paths`);
 *   - a changed `operationId` is an `annotation`, not breaking.
 * Wrapping it would mean overriding most of its rules, so this is a small differ of its own.
 *
 * Input documents may be bundled (local `$ref`s, as swagger-parser's `bundle` leaves them) or fully
 * dereferenced: `$ref`s are followed lazily, with a guard on the pair of schemas being compared, so
 * recursive schemas terminate and component names survive for naming `oneOf` variants.
 * Pure: no fs, no mutation of the inputs.
 */
import { HTTP_METHODS } from '../../generators/spec/document.ts';
import type { Change, Side } from './changes.ts';
import { compareSchemas, emit, emitOperation, type Context, type Slot } from './compare-schemas.ts';
import { asObject, isObject, JSON_MEDIA, resolve, type JsonObject } from './flatten.ts';

interface Operation {
  /** `POST /v2/payments` or `webhook paymentCallback POST`. */
  key: string;
  kind: 'path' | 'webhook';
  method: string;
  name: string;
  operationId: string;
  operation: JsonObject;
  /** Path-level parameters, which every operation of the path inherits. */
  pathParameters: unknown[];
}

function listOperations(doc: unknown): Operation[] {
  const root = asObject(doc);
  const sections = [
    ['path', asObject(root.paths)],
    ['webhook', asObject(root.webhooks)],
  ] as const;
  return sections.flatMap(([kind, items]) =>
    Object.entries(items).flatMap(([name, rawItem]) => {
      const item = resolve(doc, rawItem).node;
      return HTTP_METHODS.filter((method) => isObject(item[method])).map((method): Operation => {
        const operation = item[method] as JsonObject;
        const verb = method.toUpperCase();
        return {
          key: kind === 'path' ? `${verb} ${name}` : `webhook ${name} ${verb}`,
          kind,
          method: verb,
          name,
          operationId: typeof operation.operationId === 'string' ? operation.operationId : `${verb} ${name}`,
          operation,
          pathParameters: Array.isArray(item.parameters) ? item.parameters : [],
        };
      });
    }),
  );
}

function describeOperation(operation: Operation): string {
  return operation.kind === 'path' ? `operation ${operation.key}` : `webhook ${operation.name} (${operation.method})`;
}

function compareOperationLists(ctx: Context, before: Operation[], after: Operation[]): void {
  const newByKey = new Map(after.map((operation) => [operation.key, operation]));
  const oldKeys = new Set(before.map((operation) => operation.key));
  const newById = new Map(after.map((operation) => [operation.operationId, operation]));
  const moved = new Set<string>();
  for (const old of before) {
    const current = newByKey.get(old.key);
    if (current) {
      if (current.operationId !== old.operationId) {
        emitOperation(
          ctx,
          old.operationId,
          'operation-id-changed',
          'both',
          `operationId of ${describeOperation(old)} changed from "${old.operationId}" to "${current.operationId}"`,
        );
      }
      compareOperation(ctx, old, current);
      continue;
    }
    const renamed = newById.get(old.operationId);
    if (renamed && !oldKeys.has(renamed.key) && renamed.kind === old.kind) {
      moved.add(renamed.key);
      emitOperation(ctx, old.operationId, 'operation-moved', 'both', `${describeOperation(old)} moved to ${renamed.key}`);
      compareOperation(ctx, old, renamed);
      continue;
    }
    emitOperation(ctx, old.operationId, 'operation-removed', 'both', `${describeOperation(old)} removed`);
  }
  for (const current of after) {
    if (!oldKeys.has(current.key) && !moved.has(current.key)) {
      emitOperation(ctx, current.operationId, 'operation-added', 'none', `${describeOperation(current)} added`);
    }
  }
}

/** Webhooks flip the sides: Pivot sends the payload (merchants read it) and merchants send the answer. */
function sides(operation: Operation): { input: Side; output: Side; inputLabel: string; outputLabel: string } {
  return operation.kind === 'path'
    ? { input: 'request', output: 'response', inputLabel: 'request', outputLabel: 'response' }
    : { input: 'response', output: 'request', inputLabel: 'webhook', outputLabel: 'webhook-reply' };
}

function compareOperation(ctx: Context, before: Operation, after: Operation): void {
  const { input, output, inputLabel, outputLabel } = sides(after);
  const name = after.operationId;
  const inputSlot = (label: string): Slot => ({ ctx, side: input, label: `${name} ${label}`, stack: new Set() });
  compareParameters(inputSlot(inputLabel), before, after);
  compareRequestBody(inputSlot(inputLabel), before.operation.requestBody, after.operation.requestBody);
  compareResponses(ctx, name, output, outputLabel, asObject(before.operation.responses), asObject(after.operation.responses));
}

interface Parameter {
  in: string;
  name: string;
  /** `header:X-REQUEST-ID`, the parameter's place in a location. */
  label: string;
  required: boolean;
  schema: unknown;
}

function parametersOf(doc: unknown, operation: Operation): Map<string, Parameter> {
  const parameters = new Map<string, Parameter>();
  // Operation-level parameters override path-level ones with the same name and location.
  for (const raw of [
    ...operation.pathParameters,
    ...(Array.isArray(operation.operation.parameters) ? operation.operation.parameters : []),
  ]) {
    const parameter = resolve(doc, raw).node;
    if (typeof parameter.name !== 'string' || typeof parameter.in !== 'string') continue;
    // Header names are case-insensitive.
    const name = parameter.in === 'header' ? parameter.name.toLowerCase() : parameter.name;
    parameters.set(`${parameter.in}:${name}`, {
      in: parameter.in,
      name: parameter.name,
      label: `${parameter.in}:${parameter.name}`,
      required: parameter.required === true || parameter.in === 'path',
      schema: parameter.schema,
    });
  }
  return parameters;
}

function compareParameters(slot: Slot, before: Operation, after: Operation): void {
  const oldParameters = parametersOf(slot.ctx.oldDoc, before);
  const newParameters = parametersOf(slot.ctx.newDoc, after);
  for (const [key, old] of oldParameters) {
    const current = newParameters.get(key);
    if (!current) {
      emit(slot, old.label, 'parameter-removed', 'both', `${old.in} parameter ${old.name} removed`);
      continue;
    }
    compareRequiredFlag(slot, current.label, 'parameter', old.required, current.required);
    if (old.schema !== undefined && current.schema !== undefined) compareSchemas(slot, old.schema, current.schema, current.label);
  }
  for (const [key, current] of newParameters) {
    if (oldParameters.has(key)) continue;
    if (current.required)
      emit(slot, current.label, 'required-parameter-added', 'narrows', `new required ${current.in} parameter ${current.name}`);
    else emit(slot, current.label, 'parameter-added', 'none', `new optional ${current.in} parameter ${current.name}`);
  }
}

function compareRequiredFlag(slot: Slot, path: string, what: string, was: boolean, is: boolean): void {
  if (!was && is) emit(slot, path, `${what}-became-required`, 'narrows', `${what.replaceAll('-', ' ')} became required`);
  if (was && !is) emit(slot, path, `${what}-became-optional`, 'widens', `${what.replaceAll('-', ' ')} became optional`);
}

function compareRequestBody(slot: Slot, oldRaw: unknown, newRaw: unknown): void {
  if (oldRaw === undefined && newRaw === undefined) return;
  const before = resolve(slot.ctx.oldDoc, oldRaw).node;
  const after = resolve(slot.ctx.newDoc, newRaw).node;
  if (oldRaw === undefined) {
    const required = after.required === true;
    return emit(
      slot,
      '',
      required ? 'required-body-added' : 'body-added',
      required ? 'narrows' : 'none',
      required ? 'new required body' : 'new optional body',
    );
  }
  if (newRaw === undefined) return emit(slot, '', 'body-removed', 'both', 'body removed');
  compareRequiredFlag(slot, '', 'body', before.required === true, after.required === true);
  compareContent(slot, asObject(before.content), asObject(after.content));
}

/** Compares each media type's schema; the slot label names a media type other than JSON. */
function compareContent(slot: Slot, before: JsonObject, after: JsonObject): void {
  for (const [media, oldMedia] of Object.entries(before)) {
    const newMedia = after[media];
    if (newMedia === undefined) {
      emit(slot, '', 'media-type-removed', 'both', `media type ${media} removed`);
      continue;
    }
    const oldSchema = asObject(oldMedia).schema;
    const newSchema = asObject(newMedia).schema;
    const mediaSlot = media === JSON_MEDIA ? slot : { ...slot, label: `${slot.label} ${media}` };
    if (oldSchema !== undefined && newSchema !== undefined) compareSchemas(mediaSlot, oldSchema, newSchema, '');
    else if (oldSchema !== undefined) emit(mediaSlot, '', 'schema-removed', 'widens', 'schema removed');
    else if (newSchema !== undefined) emit(mediaSlot, '', 'schema-added', 'narrows', 'schema added');
  }
  for (const media of Object.keys(after)) {
    if (!(media in before)) emit(slot, '', 'media-type-added', 'none', `media type ${media} added`);
  }
}

function statusClass(status: string): string {
  return status.charAt(0);
}

function compareResponses(ctx: Context, name: string, side: Side, label: string, before: JsonObject, after: JsonObject): void {
  const slotFor = (status: string): Slot => ({ ctx, side, label: `${name} ${label} ${status}`, stack: new Set() });
  const removed = Object.keys(before).filter((status) => !(status in after));
  const added = Object.keys(after).filter((status) => !(status in before));
  for (const status of Object.keys(before)) {
    if (status in after) compareResponse(slotFor(status), before[status], after[status]);
  }
  for (const status of removed) {
    // A status replaced by another of its class (200 → 201) is one change, not a removal plus an addition.
    const replacement = added.find((candidate) => statusClass(candidate) === statusClass(status));
    if (replacement) {
      added.splice(added.indexOf(replacement), 1);
      emitOperation(
        ctx,
        `${name} ${label} ${status}`,
        'response-status-changed',
        'both',
        `status ${status} changed to ${replacement}`,
        side,
      );
      compareResponse(slotFor(replacement), before[status], after[replacement]);
    } else {
      emitOperation(ctx, `${name} ${label} ${status}`, 'response-status-removed', 'both', `status ${status} removed`, side);
    }
  }
  for (const status of added)
    emitOperation(ctx, `${name} ${label} ${status}`, 'response-status-added', 'none', `status ${status} added`, side);
}

function compareResponse(slot: Slot, oldRaw: unknown, newRaw: unknown): void {
  const before = resolve(slot.ctx.oldDoc, oldRaw).node;
  const after = resolve(slot.ctx.newDoc, newRaw).node;
  compareResponseHeaders(slot, asObject(before.headers), asObject(after.headers));
  const oldContent = asObject(before.content);
  const newContent = asObject(after.content);
  const hadBody = Object.keys(oldContent).length > 0;
  const hasBody = Object.keys(newContent).length > 0;
  if (hadBody && !hasBody) return emit(slot, '', 'body-removed', 'both', 'body removed');
  if (!hadBody && hasBody) return emit(slot, '', 'body-added', 'none', 'body added');
  compareContent(slot, oldContent, newContent);
}

/** Response headers are read like response properties (for webhook replies, they are sent). */
function compareResponseHeaders(slot: Slot, before: JsonObject, after: JsonObject): void {
  const lower = (headers: JsonObject) =>
    new Map(Object.entries(headers).map(([name, header]) => [name.toLowerCase(), { name, header }]));
  const oldHeaders = lower(before);
  const newHeaders = lower(after);
  for (const [key, { name, header }] of oldHeaders) {
    const at = `header:${name}`;
    const match = newHeaders.get(key);
    if (!match) {
      emit(slot, at, 'header-removed', 'both', `header ${name} removed`);
      continue;
    }
    const was = resolve(slot.ctx.oldDoc, header).node;
    const now = resolve(slot.ctx.newDoc, match.header).node;
    compareRequiredFlag(slot, at, 'header', was.required === true, now.required === true);
    if (was.schema !== undefined && now.schema !== undefined) compareSchemas(slot, was.schema, now.schema, at);
  }
  for (const [key, { name, header }] of newHeaders) {
    if (oldHeaders.has(key)) continue;
    const required = resolve(slot.ctx.newDoc, header).node.required === true;
    emit(
      slot,
      `header:${name}`,
      required ? 'required-header-added' : 'header-added',
      required ? 'narrows' : 'none',
      `new ${required ? 'required' : 'optional'} header ${name}`,
    );
  }
}

/** Every change from `oldDoc` to `newDoc`, classified for the merchants who use the contract. */
export function diffSpecs(oldDoc: unknown, newDoc: unknown): Change[] {
  const ctx: Context = { oldDoc, newDoc, out: [], ids: new WeakMap(), nextId: 0 };
  compareOperationLists(ctx, listOperations(oldDoc), listOperations(newDoc));
  // The same component reached twice at one location (e.g. two allOf paths) reports once.
  const seen = new Set<string>();
  return ctx.out.filter((change) => {
    const key = `${change.location}\u0000${change.change}\u0000${change.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
