/**
 * V8 settings for a command that does its work once and exits (`generate`; servers keep V8's
 * defaults). V8's optimizing compiler (TurboFan) compiles a function again, on background threads,
 * once it has run for a while, betting that it will run for much longer. In a `generate` run most hot
 * code runs for well under a second and is gone (Ajv's code generator writing one validator per schema,
 * the bundler's walks, the example checks), and that second compilation cost more than it saved:
 * a third of the CPU time of a run on this spec and on Adyen Checkout's document (README, Performance).
 * A larger interrupt budget (how much a function runs before V8 considers optimizing it; V8's default
 * is 67,584) leaves the optimizing compiler the code that really is hot: on GitHub's 13 MB document,
 * where some walks run for seconds, switching it off altogether made the run 60 % slower, while this
 * budget costs little there.
 */
import { setFlagsFromString } from 'node:v8';

export const ONE_SHOT_V8_FLAGS = ['--interrupt-budget=400000'];

/** Applies ONE_SHOT_V8_FLAGS to this process (its worker threads, started later, share them). */
export function tuneForOneShot(): void {
  for (const flag of ONE_SHOT_V8_FLAGS) setFlagsFromString(flag);
}
