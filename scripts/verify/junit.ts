/**
 * The JUnit XML report: one testcase per step, one testsuite per group (an operation, a flow, a
 * negative suite), in the order the groups first ran, so a CI viewer shows each flow as a unit.
 */
import type { Mode } from 'pivot-payments-contract/validators';
import type { StepResult } from './runner.ts';

/** Escapes text for XML content and attributes, dropping characters XML 1.0 cannot carry. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function counts(results: StepResult[]): string {
  const failures = results.filter((item) => item.problems.length > 0).length;
  const skipped = results.filter((item) => item.skipped !== undefined).length;
  const time = results.reduce((sum, item) => sum + item.ms, 0);
  return `tests="${results.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(time)}"`;
}

function testcase(item: StepResult, baseUrl: string): string {
  const name = item.request ? `${item.name} ${item.status ?? '-'}` : item.name;
  const open = `      <testcase classname="${escapeXml(item.group)}" name="${escapeXml(name)}" time="${seconds(item.ms)}"`;
  if (item.skipped !== undefined) return `${open}>\n        <skipped message="${escapeXml(item.skipped)}"/>\n      </testcase>`;
  if (item.problems.length === 0) return `${open}/>`;
  const prefer = item.request?.headers.get('prefer');
  const sent = item.request
    ? `${item.request.method.toUpperCase()} ${baseUrl}${item.request.path}${prefer ? ` (Prefer: ${prefer})` : ''}\n`
    : '';
  const details = (item.details ?? []).map((detail) => `error.details: ${detail}`);
  const message = [...item.problems, ...details].join('; ');
  return `${open}>\n        <failure message="${escapeXml(message)}" type="ContractViolation">${escapeXml(
    `${sent}${[...item.problems, ...details].join('\n')}`,
  )}</failure>\n      </testcase>`;
}

export function junitReport(results: StepResult[], baseUrl: string, mode: Mode): string {
  const groups = new Map<string, StepResult[]>();
  for (const item of results) groups.set(item.group, [...(groups.get(item.group) ?? []), item]);
  const suites = [...groups].map(([group, items]) =>
    [
      `  <testsuite name="${escapeXml(group)}" ${counts(items)}>`,
      ...items.map((item) => testcase(item, baseUrl)),
      '  </testsuite>',
    ].join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(`pivot-contract verify ${baseUrl} (${mode})`)}" ${counts(results)}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
