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
  /** JUnit classname and the line's first word: the operationId for examples, `negative.<operationId>` … */
  group: string;
  /** The step within its group (an example name, a rule); with the status, the JUnit test name. */
  name: string;
  request: StepRequest;
  /** The contract's verdict on a JSON answer below 500: its problems, [] when it passes. */
  judge(answer: Answer & { json: { value: unknown } }): string[];
}

export interface StepResult {
  group: string;
  name: string;
  request: StepRequest;
  status: number | undefined;
  problems: string[];
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
  /** Stops the deadline's timer. */
  close(): void;
}

/** One line per step: `✓ createPaymentSession card-redirect 200`, `✗ … 500: server error: …`. */
export function stepLine(result: StepResult): string {
  const label = `${result.group} ${result.name} ${result.status ?? '-'}`;
  return result.problems.length === 0 ? `✓ ${label}` : `✗ ${label}: ${result.problems.join('; ')}`;
}

function judged(step: Step, outcome: Outcome): string[] {
  if (outcome.kind === 'deadline') return ['stopped by the run deadline (--deadline)'];
  const problem = outcomeProblem(outcome);
  if (problem !== undefined || outcome.kind !== 'answer' || !outcome.json) return [problem ?? 'no answer'];
  return step.judge(outcome as Answer & { json: { value: unknown } });
}

export function createRunner(options: RunnerOptions): Runner {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), options.deadlineMs);
  timer.unref(); // an early end of the run must not wait for it
  const results: StepResult[] = [];
  return {
    baseUrl: options.baseUrl,
    deadlineMs: options.deadlineMs,
    results,
    get stopped() {
      return deadline.signal.aborted;
    },
    async run(step) {
      const started = performance.now();
      const outcome = await exchange(
        { ...step.request, url: `${options.baseUrl}${step.request.path}` },
        { timeoutMs: options.timeoutMs, deadline: deadline.signal },
      );
      if (outcome.kind === 'unreachable')
        throw new StopRun(EXIT.unreachable, `cannot reach ${options.baseUrl}: ${outcome.reason}`);
      const answer = outcome.kind === 'answer' ? outcome : undefined;
      const result: StepResult = {
        group: step.group,
        name: step.name,
        request: step.request,
        status: answer?.status,
        problems: judged(step, outcome),
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
