/** What every section of `npm run bench` shares: the shape of a figure, timing, formatting, child runs, scratch folders. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';

/** One line of the summary table. */
export interface Figure {
  /** What is compared, e.g. "validate('PaymentSession') strict / JSON.parse". */
  label: string;
  /** The raw numbers behind the ratio, e.g. "3.10 µs / 7.95 µs per op". */
  measured: string;
  /** The figure as a ratio (numerator / denominator of `label`); absent for absolute figures. */
  ratio?: number;
  /** The target from DESIGN.md, if any, e.g. "< 1×". */
  target?: string;
  /** Whether the target is met (omitted when there is no target). */
  met?: boolean;
}

export interface BenchSection {
  /** Section heading, e.g. "(a) validation vs JSON.parse". */
  title: string;
  /** Runs the measurements, logging details with `log`, and returns the summary figures. */
  run(log: (line: string) => void): Promise<Figure[]>;
}

// ---- measuring helpers (exported for other sections) -----------------------------------------

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nanoseconds since an arbitrary origin, as a number. */
export const now = (): number => Number(process.hrtime.bigint());

export function formatDuration(ns: number): string {
  if (ns < 1e3) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(2)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 1)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

export function formatRatio(ratio: number): string {
  return `${ratio < 10 ? ratio.toFixed(2) : ratio.toFixed(1)}×`;
}

/** Defeats dead-code elimination of benchmarked calls (every result is folded in; `sinkValue` reads it). */
let sink = 0;
export const sinkValue = (): number => sink;

/**
 * Per-operation cost of several functions, measured in interleaved batches (so that drift of a noisy
 * machine hits all of them alike) after a warm-up; the median ns/op of each.
 */
export function compareOps(
  fns: Record<string, () => number>,
  { warmupMs = 300, batchMs = 20, batches = 21 }: { warmupMs?: number; batchMs?: number; batches?: number } = {},
): Record<string, { nsPerOp: number; iterations: number; batches: number }> {
  const iterations: Record<string, number> = {};
  for (const [name, fn] of Object.entries(fns)) {
    let ops = 0;
    const start = now();
    while (now() - start < warmupMs * 1e6) {
      for (let i = 0; i < 100; i++) sink ^= fn();
      ops += 100;
    }
    iterations[name] = Math.max(100, Math.round((ops * batchMs) / warmupMs));
  }
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(fns).map((name) => [name, []]));
  for (let batch = 0; batch < batches; batch++) {
    for (const [name, fn] of Object.entries(fns)) {
      const count = iterations[name]!;
      const start = now();
      for (let i = 0; i < count; i++) sink ^= fn();
      samples[name]!.push((now() - start) / count);
    }
  }
  return Object.fromEntries(
    Object.keys(fns).map((name) => [name, { nsPerOp: median(samples[name]!), iterations: iterations[name]!, batches }]),
  );
}

/** Runs `code` (an ES module) in a fresh plain `node` process from the repository root; parses its JSON output. */
export function runChild<T>(code: string, args: string[] = []): T {
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', code, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(output.trim().split('\n').at(-1)!) as T;
}

let scratchRoot: string | undefined;
/** A fresh directory under one temporary root, removed by `removeScratch` at the end of the run. */
export function scratch(name: string): string {
  scratchRoot ??= mkdtempSync(join(tmpdir(), 'pivot-contract-bench-'));
  const dir = join(scratchRoot, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function removeScratch(): void {
  if (scratchRoot) rmSync(scratchRoot, { recursive: true, force: true });
  scratchRoot = undefined;
}
