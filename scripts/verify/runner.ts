/**
 * The run: sends steps one at a time within a per-request timeout and a deadline for the whole run,
 * judges each answer, prints one line per step and keeps the results for the summary and JUnit.
 *
 * Two outcomes end the run instead of failing one step, thrown as `StopRun` so that a sequence of
 * dependent steps (a flow) stops with them without checking after every call:
 * - an unreachable server: every further request would fail the same way (exit 3, one line, nothing
 *   recorded);
 * - the deadline: the step in flight is recorded as failed, nothing more is sent (exit 1).
 */
import { errorDetails } from './checks.ts';
import { exchange, outcomeProblem, seconds, type Answer, type Outcome } from './exchange.ts';

export const EXIT = { passed: 0, failed: 1, usage: 2, unreachable: 3 } as const;

/** What one step sends, relative to the base URL. */
export interface StepRequest {
  method: string;
  /** Path (with its parameters filled in) appended to the base URL. */
  path: string;
  headers: Headers;
  body?: unknown;
}

export interface Step {
  /** JUnit classname and the line's first word: the operationId for examples, `negative.<operationId>`, `flow.<name>` … */
  group: string;
  /** The step within its group (an example name, a rule); with the status, the JUnit test name. */
  name: string;
  request: StepRequest;
  /**
   * The contract's verdict on a JSON answer below 500: its problems, [] when it passes. A flow's judge
   * may look further (the session read-out), hence the promise.
   */
  judge(answer: Answer & { json: { value: unknown } }): string[] | Promise<string[]>;
  /** `false` for the hosted page, which answers HTML or a redirect: the judge then gets any answer below 500. */
  expectJson?: boolean;
  /**
   * What the contract tolerates in a JSON answer that passed (`--mode tolerant`: each deviation the errata
   * register accepts, naming it): printed under the step's line, never a failure.
   */
  warn?(answer: Answer & { json: { value: unknown } }): string[];
}

export interface StepResult {
  group: string;
  name: string;
  /** What was sent; undefined for a check that sends nothing (the callbacks a flow received). */
  request: StepRequest | undefined;
  status: number | undefined;
  problems: string[];
  /** Tolerated deviations of a passing answer (tolerant mode), each naming its erratum. */
  warnings?: string[];
  /** The `error.details` of the answer to a failed step (`field: message`): why the server refused it. */
  details?: string[];
  /** Why the step was not sent (it needs the sandbox's control routes …); such a result neither passes nor fails. */
  skipped?: string;
  /** A check of what arrived (a flow's callbacks), not a step of the plan: not counted as sent or not sent. */
  check?: true;
  ms: number;
}

export class StopRun extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RunnerOptions {
  baseUrl: string;
  timeoutMs: number;
  deadlineMs: number;
  log: (line: string) => void;
}

export interface Runner {
  readonly baseUrl: string;
  readonly deadlineMs: number;
  readonly results: StepResult[];
  /** Whether the deadline stopped the run. */
  readonly stopped: boolean;
  /**
   * Sends, judges, records and prints one step; returns its result and the server's answer (when there
   * was one). Throws `StopRun` when the server cannot be reached or the deadline passed.
   */
  run(step: Step): Promise<{ result: StepResult; answer: Answer | undefined }>;
  /**
   * One exchange within the same timeout and deadline, neither judged nor recorded (a session read-out,
   * the control-route probe). Throws `StopRun` when the server cannot be reached.
   */
  send(request: StepRequest): Promise<Outcome>;
  /** Records a result that no request of its own produced (a callback check, a skipped step); prints `line` when given. */
  record(result: StepResult, line?: string): void;
  /** Aborts when the run's deadline passes: what waits without sending (callbacks) waits on it too. */
  readonly deadline: AbortSignal;
  /** Stops the deadline's timer. */
  close(): void;
}

/**
 * One line per step: `✓ createPaymentSession card-redirect 200`, `✗ … 500: server error: …`; under a
 * failure, one `↳ field: message` line per `error.details` entry of the answer.
 */
export function stepLine(result: StepResult): string {
  const label = `${result.group} ${result.name}${result.request ? ` ${result.status ?? '-'}` : ''}`;
  if (result.problems.length > 0)
    return [`✗ ${label}: ${result.problems.join('; ')}`, ...(result.details ?? []).map((detail) => `  ↳ ${detail}`)].join('\n');
  return [`✓ ${label}`, ...(result.warnings ?? []).map((warning) => `  ⚠ ${warning}`)].join('\n');
}

async function judged(step: Step, outcome: Outcome): Promise<string[]> {
  if (outcome.kind === 'deadline') return ['stopped by the run deadline (--deadline)'];
  if (step.expectJson === false && outcome.kind === 'answer' && outcome.status < 500)
    return step.judge(outcome as Answer & { json: { value: unknown } });
  const problem = outcomeProblem(outcome);
  if (problem !== undefined || outcome.kind !== 'answer' || !outcome.json) return [problem ?? 'no answer'];
  return step.judge(outcome as Answer & { json: { value: unknown } });
}

export function createRunner(options: RunnerOptions): Runner {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), options.deadlineMs);
  timer.unref(); // an early end of the run must not wait for it
  const results: StepResult[] = [];
  async function send(request: StepRequest): Promise<Outcome> {
    const outcome = await exchange(
      { ...request, url: `${options.baseUrl}${request.path}` },
      { timeoutMs: options.timeoutMs, deadline: deadline.signal },
    );
    if (outcome.kind === 'unreachable') throw new StopRun(EXIT.unreachable, `cannot reach ${options.baseUrl}: ${outcome.reason}`);
    return outcome;
  }
  return {
    baseUrl: options.baseUrl,
    deadlineMs: options.deadlineMs,
    results,
    deadline: deadline.signal,
    get stopped() {
      return deadline.signal.aborted;
    },
    send,
    record(result, line) {
      results.push(result);
      if (line !== undefined) options.log(line);
    },
    async run(step) {
      const started = performance.now();
      const outcome = await send(step.request);
      const answer = outcome.kind === 'answer' ? outcome : undefined;
      const problems = await judged(step, outcome);
      const warnings =
        problems.length === 0 && step.warn && answer?.json ? step.warn(answer as Answer & { json: { value: unknown } }) : [];
      const details = problems.length > 0 && answer?.json ? errorDetails(answer.json.value) : [];
      const result: StepResult = {
        group: step.group,
        name: step.name,
        request: step.request,
        status: answer?.status,
        problems,
        ...(warnings.length > 0 ? { warnings } : {}),
        ...(details.length > 0 ? { details } : {}),
        ms: performance.now() - started,
      };
      results.push(result);
      options.log(stepLine(result));
      if (outcome.kind === 'deadline')
        throw new StopRun(EXIT.failed, `the run's deadline of ${seconds(options.deadlineMs)} (--deadline) passed`);
      return { result, answer };
    },
    close() {
      clearTimeout(timer);
    },
  };
}
