/** A deviation of data Pivot produces that tolerant mode accepts, and the register decision (erratum) it comes from. */
export interface Tolerance {
  erratum: string;
  title: string;
  keyword?: string;
  rule?: string;
  path?: string;
  fix: 'accept' | 'upper-case' | 'replace' | 'strip-trunk-zero' | 'rename' | 'set-sibling' | 'drop-sibling';
  /** `replace`: the documented value it reads as `to`; `rename` and `set-sibling` also use `to`, `set-sibling` and `drop-sibling` `property`. */
  from?: string;
  to?: string;
  property?: string;
}

/** Every tolerated deviation, from the errata register (spec/errata/register.yaml, `tolerate:`). */
export declare const tolerances: readonly Tolerance[];
