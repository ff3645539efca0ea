/**
 * Runs the flows of `flows.ts` on the shared runner: each step becomes a runner `Step` (fresh keys, the
 * run's token, the ids the server returned), judged on its status, its body against the contract, and
 * the documented transition; after its steps each flow checks the callbacks they caused.
 *
 * - The transition is read with `GET /_sandbox/sessions/{id}` when the server has the sandbox's control
 *   routes (probed once with `GET /_sandbox/clock`), and from the answer when it is a session; without
 *   control routes a flow stops before its first hosted-page or clock step, with one line.
 * - A flow is a chain: after a failed step the later ones are not sent (they would fail because of it).
 * - Callbacks (with `--callback-port`) are awaited at most `--callback-timeout` per flow. When nothing
 *   at all has arrived, the first such flow says the provider may not reach the receiver, and later
 *   flows do not wait again.
 */
import { canonicalJson } from '../http/examples.ts';
import { pageFormToken } from '../sandbox/page.ts';
import type { Route } from '../http/routes.ts';
import { validate, type Mode } from 'pivot-payments-contract/validators';
import { issuedToken, requestHeaders, type AuthContext } from './auth.ts';
import {
  allArrived,
  callbackProblems,
  callbacksFor,
  type CallbackCheck,
  type CallbackReceiver,
  type ExpectedCallback,
} from './callbacks.ts';
import { errorSummary, judgeRejection, judgeSuccess } from './checks.ts';
import { exampleStep, takesRequestId, type VerifyCase } from './examples.ts';
import { outcomeProblem, seconds } from './exchange.ts';
import { serverNow, type ServerFacts } from './probe.ts';
import { freshValues, needsControl, type Flow, type FlowContext, type FlowStep, type Transition } from './flows.ts';
import { clientReferenceId } from './keys.ts';
import { stepLine, type Runner, type Step } from './runner.ts';

type Json = Record<string, any>;

export interface FlowRunOptions {
  runner: Runner;
  auth: AuthContext;
  mode: Mode;
  routes: Route[];
  /** `--timeout`: also bounds how long a read-out waits for a transition that settles later. */
  timeoutMs: number;
  /** The access-token example, to renew the token after a flow moved the clock. */
  tokenCase: VerifyCase | undefined;
  /** What the probe learnt: the control routes, the server's clock. */
  server: ServerFacts;
  callbacks: { receiver: CallbackReceiver; check: CallbackCheck } | undefined;
  log(line: string): void;
}

/** Operations whose 2xx answer is a `PaymentSessionResponse`, so the answer shows the transition. */
const ANSWERS_SESSION = new Set(['createPaymentSession', 'confirmPaymentSession', 'cancelPaymentSession']);
const READ_OUT_PAUSE_MS = 50;

/** The first place two JSON values differ, as a JSON pointer with both values: `/data/id: "a" ≠ "b"`. */
export function firstDifference(first: unknown, second: unknown, pointer = ''): string | undefined {
  if (canonicalJson(first) === canonicalJson(second)) return undefined;
  if (
    first &&
    second &&
    typeof first === 'object' &&
    typeof second === 'object' &&
    !Array.isArray(first) === !Array.isArray(second)
  ) {
    const keys = [...new Set([...Object.keys(first), ...Object.keys(second)])].sort();
    for (const key of keys) {
      const found = firstDifference((first as Json)[key], (second as Json)[key], `${pointer}/${key}`);
      if (found) return found;
    }
  }
  const show = (value: unknown) => (value === undefined ? 'absent' : JSON.stringify(value).slice(0, 60));
  return `${pointer || '/'}: ${show(first)} ≠ ${show(second)}`;
}

/** How a session (an answer's or the held one) differs from the expected transition: one line, or none. */
function transitionProblem(session: Json | undefined, want: { status?: string; charge?: string }, where: string): string[] {
  const parts: string[] = [];
  const status = session?.status;
  if (want.status !== undefined && status !== want.status)
    parts.push(`the session is ${status ?? 'without a status'} (expected ${want.status})`);
  const charge = (session?.chargeDetails as Json[] | null | undefined)?.at(-1)?.status;
  if (want.charge !== undefined && charge !== want.charge)
    parts.push(`its latest charge is ${charge ?? 'missing'} (expected ${want.charge})`);
  return parts.length > 0 ? [`${where} ${parts.join(', ')}`] : [];
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export async function runFlows(flows: Flow[], options: FlowRunOptions): Promise<void> {
  const { runner, auth, mode } = options;
  const control = options.server.control;
  let receiverUnreached = false;

  /** The session as the sandbox holds it, checked against the transition (repeated while it settles). */
  async function readOut(id: string | undefined, expect: Transition): Promise<string[]> {
    if (!control || (expect.session === undefined && expect.charge === undefined)) return [];
    if (id === undefined) return ['no session id to read out: the create step kept none'];
    const path = `/_sandbox/sessions/${encodeURIComponent(id)}`;
    const until = performance.now() + options.timeoutMs;
    for (;;) {
      const outcome = await runner.send({ method: 'GET', path, headers: new Headers({ accept: 'application/json' }) });
      const problem = outcomeProblem(outcome);
      if (problem !== undefined || outcome.kind !== 'answer') return [`GET ${path}: ${problem ?? outcome.kind}`];
      if (outcome.status !== 200) return [`GET ${path} answered ${outcome.status}`];
      const body = outcome.json!.value;
      const validation = validate('PaymentSessionResponse', body, { mode });
      if (!validation.valid) return validation.errors.map((violation) => `GET ${path}: ${violation.message}`);
      const problems = transitionProblem(
        (body as Json).data,
        { status: expect.session, charge: expect.charge },
        'after the step',
      );
      if (problems.length === 0 || !expect.settlesLater || performance.now() >= until || runner.stopped)
        return problems.map((text) => `${text} (GET ${path})`);
      await sleep(READ_OUT_PAUSE_MS);
    }
  }

  function callStep(group: string, step: FlowStep, context: FlowContext): Step {
    const action = step.action as Extract<FlowStep['action'], { kind: 'call' }>;
    const { operationId } = action;
    const route = options.routes.find((candidate) => candidate.operationId === operationId);
    if (!route) throw new Error(`flow step "${step.name}": the spec has no operation ${operationId}`);
    const params: Record<string, string> = { id: context.sessions[step.session] ?? '', ...action.params?.(context) };
    const path = route.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
    const previous = context.lastCreate;
    if (action.idempotency && !previous) throw new Error(`flow step "${step.name}": a replay needs a create before it`);
    const body =
      action.idempotency === 'replay'
        ? previous!.body
        : action.idempotency === 'replay-other'
          ? { ...previous!.body, clientReferenceId: clientReferenceId() }
          : action.body?.(context);
    const headers = requestHeaders(operationId, auth, { hasBody: body !== undefined, requestId: takesRequestId(route) });
    if (action.idempotency) headers.set('x-request-id', previous!.requestId);
    const isCreate = operationId === 'createPaymentSession' && !action.idempotency;
    return {
      group,
      name: step.name,
      request: { method: route.method, path, headers, body },
      judge: async (answer) => {
        if (answer.status !== step.status) {
          const summary = errorSummary(answer.json.value);
          return [`expected ${step.status}, got ${answer.status}${summary ? ` (${summary})` : ''}`];
        }
        const problems = (step.status < 300 ? judgeSuccess(operationId, mode) : judgeRejection(operationId, mode))(answer);
        if (problems.length > 0) return problems;
        const value = answer.json.value as Json;
        if (action.idempotency === 'replay') {
          const difference = firstDifference(previous!.answer, value);
          if (difference) problems.push(`the replay was answered differently from the first create: ${difference}`);
        }
        if (step.status < 300) {
          if (ANSWERS_SESSION.has(operationId)) {
            const answered = step.expect.answered ?? step.expect.session;
            const charge = step.expect.answered === undefined ? step.expect.charge : undefined;
            problems.push(...transitionProblem(value.data, { status: answered, charge }, 'in the answer'));
          }
          action.keep?.(value.data ?? {}, context);
          if (isCreate) context.lastCreate = { requestId: headers.get('x-request-id') ?? '', body: body as Json, answer: value };
        }
        if (problems.length > 0) return problems;
        return readOut(context.sessions[step.session], step.expect);
      },
    };
  }

  /**
   * The page's CSRF token, read from the page as a browser would before it posts the form (following the
   * page's own redirect: a card that meets 3DS is shown at `…/3ds`, whose form carries the same token).
   */
  async function pageToken(path: string): Promise<string> {
    const read = (at: string) => runner.send({ method: 'GET', path: at, headers: new Headers({ accept: 'text/html' }) });
    let outcome = await read(path);
    const location = outcome.kind === 'answer' && outcome.status === 303 ? outcome.headers.get('location') : null;
    if (location?.startsWith(path)) outcome = await read(location);
    return (outcome.kind === 'answer' && pageFormToken(outcome.text)) || '';
  }

  async function controlStep(group: string, step: FlowStep, context: FlowContext): Promise<Step> {
    const id = context.sessions[step.session] ?? '';
    if (step.action.kind === 'page') {
      const action = step.action.action;
      const path = `/_sandbox/pay/${encodeURIComponent(id)}`;
      return {
        group,
        name: step.name,
        expectJson: false,
        request: {
          method: 'POST',
          path,
          headers: new Headers({ accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }),
          body: new URLSearchParams({ action, csrf: await pageToken(path) }),
        },
        // 303 to the merchant's return URL; 200 (a closing page) when the session has none.
        judge: async (answer) =>
          answer.status === 303 || answer.status === 200
            ? readOut(id, step.expect)
            : [`the hosted page refused “${action}” with ${answer.status} (expected 303 to the return URL)`],
      };
    }
    const advanceSeconds = (step.action as { advanceSeconds: number }).advanceSeconds;
    return {
      group,
      name: step.name,
      request: {
        method: 'POST',
        path: '/_sandbox/clock',
        headers: new Headers({ accept: 'application/json', 'content-type': 'application/json' }),
        body: { advanceSeconds },
      },
      judge: async (answer) => {
        const now = Date.parse(String((answer.json.value as Json | null)?.now));
        if (answer.status !== 200 || !Number.isFinite(now)) return [`POST /_sandbox/clock answered ${answer.status}`];
        context.now = now;
        return readOut(id, step.expect);
      },
    };
  }

  async function renewToken(group: string, step: FlowStep, context: FlowContext): Promise<boolean> {
    if (!options.tokenCase || !auth.merchant) {
      runner.record(
        {
          group,
          name: step.name,
          request: undefined,
          status: undefined,
          problems: [],
          skipped: 'no merchant credentials',
          ms: 0,
        },
        `○ ${group} ${step.name}: skipped, no merchant credentials (--merchant-id / --merchant-secret)`,
      );
      return true;
    }
    const { result, answer } = await runner.run({
      ...exampleStep(options.tokenCase, auth, mode, context.now),
      group,
      name: step.name,
    });
    const token = result.problems.length === 0 && answer?.json ? issuedToken(answer.json.value) : undefined;
    if (token !== undefined) auth.token = token;
    return token !== undefined;
  }

  function skipRest(group: string, rest: FlowStep[], reason: string): void {
    for (const step of rest)
      runner.record({ group, name: step.name, request: undefined, status: undefined, problems: [], skipped: reason, ms: 0 });
  }

  async function checkCallbacks(group: string, expected: Array<ExpectedCallback & { label: string }>, complete: boolean) {
    const setup = options.callbacks;
    if (!setup || expected.length === 0) return;
    const { receiver, check } = setup;
    const labels = [...new Set(expected.map((item) => item.label))];
    const name = `callbacks ${labels
      .map((label) => {
        const events = expected
          .filter((item) => item.label === label)
          .map((item) => item.event)
          .join(' → ');
        return labels.length > 1 || label !== 'main' ? `${label}: ${events}` : events;
      })
      .join(', ')}`;
    const started = performance.now();
    if (receiverUnreached && receiver.received.length === 0) {
      const reason = `no callback has reached ${receiver.url} in this run`;
      runner.record(
        { group, name, request: undefined, status: undefined, problems: [], skipped: reason, ms: 0, check: true },
        `○ ${group} ${name}: not checked, ${reason}`,
      );
      return;
    }
    await receiver.waitFor(() => allArrived(receiver, expected), check.timeoutMs, runner.deadline);
    let problems: string[];
    if (receiver.received.length === 0) {
      receiverUnreached = true;
      problems = [
        `no callback arrived at ${receiver.url} within ${seconds(check.timeoutMs)} (--callback-timeout): the provider may not reach the receiver ` +
          `(start the sandbox with --callback-url ${receiver.url}; a provider on the internet needs a public URL that forwards here)`,
      ];
    } else {
      const sessions = new Set(expected.map((item) => item.sessionId));
      problems = callbackProblems(callbacksFor(receiver, sessions), expected, { ...check, allowMore: !complete });
    }
    const result = {
      group,
      name,
      request: undefined,
      status: undefined,
      problems,
      ms: performance.now() - started,
      check: true as const,
    };
    runner.record(result, stepLine(result));
  }

  for (const flow of flows) {
    const group = `flow.${flow.name}`;
    const context: FlowContext = { now: await serverNow(runner, options.server), sessions: {}, values: freshValues() };
    const expected: Array<ExpectedCallback & { label: string }> = [];
    let complete = true;
    for (const [index, step] of flow.steps.entries()) {
      const rest = flow.steps.slice(index);
      if (needsControl(step) && !control) {
        skipRest(group, rest, 'needs the sandbox control routes (/_sandbox)');
        const what =
          rest.length === 1
            ? `${step.name} skipped: it needs`
            : `the last ${rest.length} steps, from ${step.name} on, skipped: they need`;
        options.log(`○ ${group}: ${what} the sandbox's control routes (/_sandbox), which ${runner.baseUrl} does not have`);
        break;
      }
      let passed: boolean;
      if (step.action.kind === 'token') passed = await renewToken(group, step, context);
      else {
        const built = step.action.kind === 'call' ? callStep(group, step, context) : await controlStep(group, step, context);
        passed = (await runner.run(built)).result.problems.length === 0;
      }
      if (!passed) {
        complete = false;
        const left = flow.steps.length - index - 1;
        if (left > 0)
          options.log(
            `○ ${group}: ${left === 1 ? 'the last step is not sent: it builds' : `the last ${left} steps are not sent: they build`} on the failed one`,
          );
        break;
      }
      const sessionId = context.sessions[step.session];
      if (sessionId !== undefined) for (const event of step.callbacks) expected.push({ sessionId, event, label: step.session });
    }
    await checkCallbacks(group, expected, complete);
  }
}
