/** The JUnit XML report: one testcase per step, grouped (classname) by operation or suite. */
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

export function junitReport(results: StepResult[], baseUrl: string, mode: Mode): string {
  const failures = results.filter((item) => item.problems.length > 0).length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = results.reduce((sum, item) => sum + item.ms, 0);
  const cases = results.map((item) => {
    const name = `${item.name} ${item.status ?? '-'}`;
    const open = `    <testcase classname="${escapeXml(item.group)}" name="${escapeXml(name)}" time="${seconds(item.ms)}"`;
    if (item.problems.length === 0) return `${open}/>`;
    const prefer = item.request.headers.get('prefer');
    const sent = `${item.request.method.toUpperCase()} ${baseUrl}${item.request.path}${prefer ? ` (Prefer: ${prefer})` : ''}`;
    return `${open}>\n      <failure message="${escapeXml(item.problems.join('; '))}" type="ContractViolation">${escapeXml(
      `${sent}\n${item.problems.join('\n')}`,
    )}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="pivot-contract verify" tests="${results.length}" failures="${failures}" errors="0" time="${seconds(total)}">`,
    `  <testsuite name="${escapeXml(`pivot-contract verify ${baseUrl} (${mode})`)}" tests="${results.length}" failures="${failures}" errors="0" skipped="0" time="${seconds(total)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
