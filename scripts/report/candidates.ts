/**
 * Candidate examples from a saved proxy report, for a maintainer to curate into `spec/`: each observed
 * (already redacted) answer of Pivot's API, and each callback body, as an Example Object in the spec's
 * layout, `<operationId>/<status>/<name>.yaml` (a callback under `request/`, as the webhooks' examples
 * are), marked with where and when it was observed (`x-observed`, spec/EXTENSIONS.md). Identical
 * bodies of one operation and status are one candidate, counted. Pure: the command writes the files.
 */
import { stringify } from 'yaml';
import type { ExchangeRecord } from '../proxy/report-file.ts';

export type FileMap = Record<string, string>;

const HEADER = `# A candidate example observed by \`pivot-contract proxy\` (written by \`pivot-contract report --fixtures\`).
# Not part of the contract until a maintainer curates it into spec/components/examples/: give it a name and a
# summary, redacted values ("[redacted]") a documented test value, and register any deviation from the contract
# in spec/errata/register.yaml (README "Checking real traffic").
`;

/** Where a record's observed body goes in the example layout, and the body; undefined when it has none to offer. */
function observedBody(record: ExchangeRecord): { folder: string; value: unknown } | undefined {
  if (record.operationId === null) return undefined;
  if (record.kind === 'callback')
    return record.request.body === undefined
      ? undefined
      : { folder: `${record.operationId}/request`, value: record.request.body };
  return record.response.body === undefined
    ? undefined
    : { folder: `${record.operationId}/${record.status}`, value: record.response.body };
}

/** `observed-20260107-42`: the day it was observed and its line in the report (kebab-case, as example names are). */
function candidateName(record: ExchangeRecord, line: number): string {
  return `observed-${record.at.slice(0, 10).replaceAll('-', '')}-${line}`;
}

interface Candidate {
  path: string;
  record: ExchangeRecord;
  value: unknown;
  times: number;
}

function render(candidate: Candidate): string {
  const { record } = candidate;
  const observed = {
    at: record.at,
    kind: record.kind,
    method: record.method,
    url: record.url,
    status: record.status,
    times: candidate.times,
    ...(record.violations.length > 0 ? { violations: record.violations } : {}),
    ...(record.warnings.length > 0 ? { warnings: record.warnings } : {}),
  };
  const what = record.kind === 'callback' ? `callback passed on to ${record.url}` : `answer of ${record.method} ${record.url}`;
  const document = {
    summary: `Observed ${record.operationId} ${record.kind === 'callback' ? 'callback' : record.status}: ${what}`,
    'x-observed': observed,
    value: candidate.value,
  };
  return `${HEADER}${stringify(document, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

/** The candidate examples of a report's records (each with its line number), by relative path. */
export function candidateExamples(records: ReadonlyArray<{ line: number; record: ExchangeRecord }>): FileMap {
  const byBody = new Map<string, Candidate>();
  for (const { line, record } of records) {
    const observed = observedBody(record);
    if (observed === undefined) continue;
    const key = `${observed.folder}\n${JSON.stringify(observed.value)}`;
    const seen = byBody.get(key);
    if (seen) seen.times += 1;
    else
      byBody.set(key, {
        path: `${observed.folder}/${candidateName(record, line)}.yaml`,
        record,
        value: observed.value,
        times: 1,
      });
  }
  const files: FileMap = {};
  for (const candidate of [...byBody.values()].sort((a, b) => a.path.localeCompare(b.path)))
    files[candidate.path] = render(candidate);
  return files;
}
