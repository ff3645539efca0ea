/**
 * The data of the errata register: the index of Pivot's published examples
 * (spec/errata/published/index.yaml) and the register itself (spec/errata/register.yaml). Kept free
 * of parsing dependencies, since `pivot-contract generate` reads it for the errata report.
 */
import type { Tolerance as GeneratedTolerance } from '../../runtime/tolerances.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Operation } from 'fast-json-patch';
import { parseSpecFile } from '../parse.ts';

export type PublishedTarget =
  | { operationId: string; in: 'request'; example: string }
  | { operationId: string; in: 'response'; status: string; example: string }
  | { webhook: string; in: 'request'; example: string }
  | { schema: string; example: string; pointer?: string };

export interface PublishedSource {
  file: string;
  page: string;
  section: string;
  docsFile: string;
  truncated?: boolean;
  note?: string;
  completion?: string;
  targets: PublishedTarget[];
}

export interface Deviation {
  file: string;
  /** Index of the document within the code block (a block may hold several). */
  document: number;
  kind: 'syntax' | 'schema';
  code: string;
  pointer: string;
}

export interface RegisterEntry extends Deviation {
  docs: string;
  decision: string;
  fix?: Operation[];
}

/**
 * A deviation of data Pivot produces that tolerant mode accepts (with a warning naming the decision):
 * a strict violation matches by keyword, x-rule and path glob (`**` any depth, `*` one segment), and
 * `fix` says how it is repaired before the tolerant validator runs (`accept`: nothing to repair). The
 * shape the generated `validators/tolerances.js` ships, less the decision's id and title it adds.
 */
export type Tolerance = Omit<GeneratedTolerance, 'erratum' | 'title'>;

export interface Decision {
  title: string;
  contract: string;
  why: string;
  /** Set for deviations of data Pivot produces that tolerant mode accepts. */
  tolerate?: Tolerance[];
}

/** A decision about behaviour the docs leave open or contradict (the sandbox's rules), not about an example. */
export interface BehaviourDecision {
  title: string;
  page: string;
  section: string;
  docs: string;
  sandbox: string;
  why: string;
}

/** A decision where the spec goes against or beyond a docs table, cited by `x-decision` in the spec. */
export interface TableDecision {
  title: string;
  page: string;
  section: string;
  field: string;
  docs: string;
  spec: string;
  why: string;
}

export interface Register {
  decisions: Record<string, Decision>;
  table: Record<string, TableDecision>;
  behaviour: Record<string, BehaviourDecision>;
  entries: RegisterEntry[];
}

export interface ParsedDocument {
  value: unknown;
  syntax: Array<{ code: string; pointer: string }>;
}

export function errataDir(specDir: string): string {
  return join(specDir, 'errata');
}

/** A YAML file of the register, read as the spec's own files are (the fast parser when it has no anchors). */
function readYaml(file: string): any {
  return parseSpecFile(file, readFileSync(file, 'utf8'));
}

export function loadPublishedSources(specDir: string): PublishedSource[] {
  return readYaml(join(errataDir(specDir), 'published', 'index.yaml')).sources as PublishedSource[];
}

export function loadRegister(specDir: string): Register {
  const register = readYaml(join(errataDir(specDir), 'register.yaml')) as Register;
  return {
    decisions: register.decisions ?? {},
    table: register.table ?? {},
    behaviour: register.behaviour ?? {},
    entries: register.entries ?? [],
  };
}

/** The published text of a source, followed by the contract's completion when the capture was cut short. */
export function publishedText(specDir: string, source: PublishedSource): string {
  const published = readFileSync(join(errataDir(specDir), 'published', source.file), 'utf8');
  if (!source.completion) return published;
  return published + readFileSync(join(errataDir(specDir), 'completions', source.completion), 'utf8');
}
