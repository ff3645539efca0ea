/**
 * One reference per request for the load generators, which run in processes of their own: the
 * sandbox answers a `clientReferenceId` an open session holds with 409 `duplicate_error`
 * (decision `duplicate-client-reference`), so a load of one body must vary it.
 */

/**
 * The `clientReferenceId` of the sandbox bench's request body, which the load generators replace with one of
 * their own per request (`freshReference`): a reference an open session holds is a 409 `duplicate_error`.
 */
export const BENCH_REFERENCE = 'BENCHREF0000000000000000';

/** A reference unique to this process and counter, as long as `BENCH_REFERENCE` (the body keeps its length). */
export function freshReference(counter: number): string {
  return `R${process.pid.toString(36).padStart(5, '0')}N${String(counter).padStart(17, '0')}`;
}

/** The body with its reference replaced by this request's own. */
export function withReference(body: string | undefined, counter: number): string | undefined {
  return body?.replace(BENCH_REFERENCE, freshReference(counter));
}
