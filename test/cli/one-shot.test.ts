/**
 * `generate` raises V8's interrupt budget (scripts/cli/one-shot.ts): a function must run several times
 * longer before V8's optimizing compiler takes it. Checked in a child process with V8's own answer
 * (`%GetOptimizationStatus`): the same hot function, called as often, is optimized with V8's defaults
 * and not after `tuneForOneShot()`.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';

const ONE_SHOT = pathToFileURL(resolve(REPO_ROOT, 'scripts', 'cli', 'one-shot.ts')).href;

/** Whether V8 optimized (or is optimizing) a small function after `calls` calls, with or without the tuning. */
function optimizedAfter(calls: number, tuned: boolean): boolean {
  const program = `
    const { tuneForOneShot } = await import(${JSON.stringify(ONE_SHOT)});
    if (${tuned}) tuneForOneShot();
    function hot(x) { return (x * 2 + 1) | 0; }
    let sum = 0;
    for (let i = 0; i < ${calls}; i++) sum += hot(i);
    await new Promise((done) => setTimeout(done, 50));
    // Optimized (TurboFan), marked for it, or being compiled concurrently.
    const TURBOFAN = (1 << 4) | (1 << 6) | (1 << 8) | (1 << 9) | (1 << 10);
    console.log((%GetOptimizationStatus(hot) & TURBOFAN) !== 0);`;
  const output = execFileSync(
    process.execPath,
    ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', program],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  return output.trim() === 'true';
}

describe('tuneForOneShot', () => {
  it('leaves a function V8 would optimize after 20,000 calls to the interpreter and baseline code', () => {
    expect(optimizedAfter(20_000, false)).toBe(true);
    expect(optimizedAfter(20_000, true)).toBe(false);
  });

  it('still optimizes code that stays hot', () => {
    expect(optimizedAfter(200_000, true)).toBe(true);
  });
});
