/**
 * The per-example suite: every documented request example (and one GET per documented `getCustomer`
 * 200 example), each sent with `Prefer: example=<name>` (which picks the paired answer on the mock and
 * is ignored elsewhere). Webhooks are skipped: they are requests Pivot sends, not endpoints Pivot serves.
 *
 * Sent as a real server accepts them, on any date:
 * - the documented dates move to the server's clock, keeping the documented lead (`dates.ts`);
 * - creates go first, then the calls on a session or customer (`targets.ts`), each aimed at one that
 *   this run created, in a status that allows it (one more create prepares it when none does). Against
 *   a server that answers documented examples without keeping state (the mock, see `probe.ts`), the
 *   documented ids are sent as they are: path parameters from the paired 200 response
 *   (`id` ← `data.paymentSessionId ?? data.id`) or else the parameter's documented example.
 */
import { getFixture, getPairedResponse, listFixtures } from 'pivot-payments-contract/fixtures';
import type { Mode } from 'pivot-payments-contract/validators';
import type { Route } from '../http/routes.ts';
import { requestHeaders, type AuthContext } from './auth.ts';
import { judgeSuccess, toleratedWarnings } from './checks.ts';
import { DEFAULT_LEAD_MS, documentedLead, movedDates } from './dates.ts';
import { withFreshReference } from './keys.ts';
import type { Runner, Step } from './runner.ts';
import { actsOnRunData, aimedAt, OPERATION_ORDER, sessionPool, type Preparation } from './targets.ts';

export interface VerifyCase {
  operationId: string;
  /** The example name: the request example, or (bodiless operations) the 200 response example. */
  name: string;
  method: string;
  /** Path with its parameters filled in (the documented ids). */
  path: string;
  /** The route's path template (`/v2/payments/{id}/confirm`). */
  template: string;
  body: unknown;
  /** How far ahead of the request the documented dates lie, when the docs show it (`dates.ts`). */
  leadMs: number | undefined;
  /** Whether the operation takes an X-REQUEST-ID header. */
  requestId: boolean;
}

type Json = Record<string, any>;

function pathValue(route: Route, name: string, paired: Json | undefined): string {
  const data = paired?.data as Json | undefined;
  const fromResponse = name === 'id' ? (data?.paymentSessionId ?? data?.id) : data?.[name];
  const parameter = route.parameters.find((candidate) => candidate.in === 'path' && candidate.name === name);
  const value = typeof fromResponse === 'string' ? fromResponse : parameter?.example;
  if (value === undefined) throw new Error(`${route.operationId}: no value for path parameter "${name}"`);
  return encodeURIComponent(String(value));
}

/** The route's path with its parameters taken from a (paired) response example. */
export function fillPath(route: Route, paired: Json | undefined): string {
  return route.path.replace(/\{([^}]+)\}/g, (_, name: string) => pathValue(route, name, paired));
}

export function takesRequestId(route: Route): boolean {
  return route.parameters.some((parameter) => parameter.in === 'header' && parameter.name.toLowerCase() === 'x-request-id');
}

/** The paired response of a request example, when it has one. */
export function pairedResponse(operationId: string, name: string): Json | undefined {
  try {
    return getPairedResponse(operationId as never, name) as Json;
  } catch {
    return undefined;
  }
}

/** Every request to send, in catalog order. */
export function buildCases(routes: Route[]): VerifyCase[] {
  const byOperation = new Map(routes.map((route) => [route.operationId, route]));
  const cases: VerifyCase[] = [];
  for (const info of listFixtures()) {
    const route = byOperation.get(info.operationId);
    if (!route) continue; // webhooks: Pivot sends them
    if (info.kind === 'request' && route.hasBody) {
      const paired = pairedResponse(info.operationId, info.name);
      const body = getFixture(info);
      cases.push({
        operationId: info.operationId,
        name: info.name,
        method: route.method,
        path: fillPath(route, paired),
        template: route.path,
        body,
        leadMs: documentedLead(body, paired),
        requestId: takesRequestId(route),
      });
    } else if (info.kind === 'response' && !route.hasBody && info.status === '200') {
      cases.push({
        operationId: info.operationId,
        name: info.name,
        method: route.method,
        path: fillPath(route, getFixture(info) as Json),
        template: route.path,
        body: undefined,
        leadMs: undefined,
        requestId: takesRequestId(route),
      });
    }
  }
  return cases;
}

/** Where a step goes and what it carries, when not the documented example's own path and body. */
export interface Aim {
  path: string;
  body: unknown;
}

/**
 * A documented example as a step: its body with a fresh reference (creates) and its dates moved to
 * `nowMs` (the server's time), and `Prefer`; aimed at a session of the run when `aim` is given.
 */
export function exampleStep(verifyCase: VerifyCase, auth: AuthContext, mode: Mode, nowMs: number, aim?: Aim): Step {
  const body = movedDates(withFreshReference(aim ? aim.body : verifyCase.body), nowMs, verifyCase.leadMs ?? DEFAULT_LEAD_MS);
  return {
    group: verifyCase.operationId,
    name: verifyCase.name,
    request: {
      method: verifyCase.method,
      path: aim?.path ?? verifyCase.path,
      body,
      headers: requestHeaders(verifyCase.operationId, auth, {
        hasBody: body !== undefined,
        requestId: verifyCase.requestId,
        prefer: `example=${verifyCase.name}`,
      }),
    },
    judge: judgeSuccess(verifyCase.operationId, mode),
    warn: toleratedWarnings(verifyCase.operationId, mode),
  };
}

/** `body` (changed in place) with `changes` on its top-level fields: a value replaces, `undefined` removes. */
export function withChanges(body: Json, changes: Json): Json {
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete body[key];
    else body[key] = value;
  }
  return body;
}

/** The documented create request `example` as a case, with `changes` (`withChanges`). */
export function createCase(cases: VerifyCase[], example: string, changes: Json): VerifyCase {
  const documented = cases.find((item) => item.operationId === 'createPaymentSession' && item.name === example);
  if (!documented) throw new Error(`no documented createPaymentSession request example named ${example}`);
  return { ...documented, body: withChanges(structuredClone(documented.body) as Json, changes) };
}

export interface ExampleRunOptions {
  runner: Runner;
  auth: AuthContext;
  mode: Mode;
  /** Every documented case: preparations start from the documented creates. */
  allCases: VerifyCase[];
  /** The server's time now (ms). */
  now(): Promise<number>;
  /** Whether the server keeps state; without it the documented ids are sent as they are. */
  stateful: boolean;
  log(line: string): void;
}

/** The cases in the order a real server accepts them (`OPERATION_ORDER`), catalog order within an operation. */
export function inServerOrder(cases: VerifyCase[]): VerifyCase[] {
  const rank = (item: VerifyCase) => {
    const index = OPERATION_ORDER.indexOf(item.operationId);
    return index < 0 ? OPERATION_ORDER.length : index;
  };
  return cases
    .map((item, index) => ({ item, index }))
    .sort((a, b) => rank(a.item) - rank(b.item) || a.index - b.index)
    .map(({ item }) => item);
}

/**
 * Sends the example suite. Returns how many steps it added to the plan (the creates that prepared a
 * session), so that the summary counts them.
 */
export async function runExamples(cases: VerifyCase[], options: ExampleRunOptions): Promise<number> {
  const { runner, auth, mode } = options;
  const pool = sessionPool();
  let added = 0;
  const sessionOf = (answer: { json?: { value: unknown } } | undefined): Json | undefined => {
    const data = (answer?.json?.value as Json | undefined)?.data;
    return data && typeof data === 'object' && typeof data.id === 'string' ? data : undefined;
  };

  /** One more create, from a documented request, for a call no session of the run can take. */
  async function prepare(verifyCase: VerifyCase, preparation: Preparation): Promise<Json | undefined> {
    added++;
    const create = createCase(options.allCases, preparation.example, preparation.changes);
    const step = exampleStep(create, auth, mode, await options.now());
    const judge = step.judge;
    const { result, answer } = await runner.run({
      ...step,
      group: verifyCase.operationId,
      name: `${verifyCase.name}: prepare ${preparation.purpose} (createPaymentSession ${preparation.example})`,
      judge: async (given) => {
        const problems = await judge(given);
        const session = sessionOf(given);
        if (problems.length === 0 && !(session && pool.fits(verifyCase.operationId, session, verifyCase.body as Json)))
          problems.push(
            `the session created cannot take ${verifyCase.operationId} ${verifyCase.name}: it is ${session?.status ?? 'missing'}${session ? `, its latest charge ${(session.chargeDetails as Json[] | null)?.at(-1)?.status ?? 'none'}` : ''}`,
          );
        return problems;
      },
    });
    return result.problems.length === 0 ? sessionOf(answer) : undefined;
  }

  for (const verifyCase of inServerOrder(cases)) {
    let aim: Aim | undefined;
    if (options.stateful && actsOnRunData(verifyCase.operationId)) {
      const body = (verifyCase.body ?? {}) as Json;
      const session =
        pool.take(verifyCase.operationId, body)?.data ??
        (await prepare(verifyCase, pool.preparation(verifyCase.operationId, body)));
      if (!session) {
        options.log(
          `○ ${verifyCase.operationId} ${verifyCase.name}: not sent, no session of this run can take it (its preparation failed)`,
        );
        continue;
      }
      aim = aimedAt(verifyCase.operationId, verifyCase.template, verifyCase.path, verifyCase.body, session);
    }
    const { result, answer } = await runner.run(exampleStep(verifyCase, auth, mode, await options.now(), aim));
    const created =
      verifyCase.operationId === 'createPaymentSession' && result.problems.length === 0 ? sessionOf(answer) : undefined;
    if (created) pool.add({ example: verifyCase.name, data: created });
  }
  return added;
}
