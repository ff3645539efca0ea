/**
 * `npm run bench`: the performance figures of DESIGN.md ("Performance and reliability"), each
 * measured in this one run and printed as a ratio with its raw numbers. No assertions: it reports.
 *
 *   (a) validate('PaymentSession', doc) vs JSON.parse of the same document's JSON text
 *       (in-process, interleaved batches after warm-up, median ns/op)            target: < 1×
 *   (b) importing the standalone validators vs compiling the same schemas with Ajv at runtime
 *       (each in a fresh plain `node` child, timed inside the child, median of runs)  target: ≥ 10×
 *   (c) `pivot-contract generate` vs a bare openapi-typescript run on the same spec: as a user waits
 *       for them (fresh processes, interleaved; median after a warm-up run)      target: ≤ 2×
 *       and their work alone (both in-process, warm, both writing their output)
 *   (d) generate on synthetic specs ×1, ×10, ×50 the size (every component schema replicated under
 *       new names, `$ref`s renamed), to show how the cost grows (in-process; ×1 median of 3 runs,
 *       ×10 and ×50 one run each), in total and for the generator whose cost grows fastest
 *   (h) the proxy's p50 overhead per exchange: the same create direct and through `pivot-contract proxy`
 *       (with and without its report), one request at a time from a client in its own process
 *   (i) creates/s and p99 of the sandbox in memory, on SQLite and on PostgreSQL with 1, 2 and 4 instances
 *       (built bin processes, load in its own process spread over the instances)
 *
 * Sections are listed in `sections` below; the mock-server figures (scripts/maintainer/bench-mock.ts) are added
 * there. Output: a log per section, then a summary table in Markdown, stable in shape (no dates),
 * to paste into the README.
 */
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';
import { generateScaling, generateVsOpenapiTs } from './bench-generate.ts';
import { formatDuration, formatRatio, now, removeScratch, type BenchSection, type Figure } from './bench-measure.ts';
import { benchMock } from './bench-mock.ts';
import { benchProxy } from './bench-proxy.ts';
import { benchSandbox } from './bench-sandbox.ts';
import { benchTeam } from './bench-team.ts';
import { importVsCompile, validationVsParse } from './bench-validators.ts';
import { guardVsEntry } from './bundle-size.ts';

// ---- the sections, in order -------------------------------------------------------------------

/** (e) The mock: start-up, then throughput and latency under a bounded load on loopback (scripts/maintainer/bench-mock.ts). */
const mockServer: BenchSection = {
  title: '(e) mock server (Prism + front layer) under load on loopback',
  async run(log) {
    const result = await benchMock();
    log(
      `load: autocannon, ${result.connections} connections, ${result.durationSeconds} s, POST /v2/payments card-redirect (Prefer: example=card-redirect)`,
    );
    log(`start-up ${result.startupMs.toFixed(0)} ms (spawn Prism → first 200 through the front layer)`);
    log(
      `${result.requests} requests, ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms, non-2xx ${result.non2xx}, errors ${result.errors}`,
    );
    return [
      { label: 'mock start-up (spawn → first answer)', measured: `${result.startupMs.toFixed(0)} ms` },
      {
        label: 'mock throughput / p99 latency (10 connections, 10 s)',
        measured: `${result.requestsPerSecond.toFixed(0)} req/s / ${result.p99Ms} ms`,
      },
    ];
  },
};

/**
 * Sandbox (in memory, and with `--data`) vs the mock on the same valid create, 50 connections, 10 s each,
 * load in its own process; then memory per session.
 */
const sandboxServer: BenchSection = {
  title: '(f) sandbox in memory and with --data vs mock: the same create request under load; bytes per stored session',
  async run(log) {
    const result = await benchSandbox();
    const { sandbox, sandboxData, ceiling, floor, mock } = result;
    log(
      `load: autocannon in its own process, ${result.connections} connections, ${result.durationSeconds} s each, POST /v2/payments card-redirect with a fresh X-REQUEST-ID per request`,
    );
    for (const [name, figures] of [
      ['sandbox (memory)', sandbox],
      ['sandbox (--data)', sandboxData],
      ['HTTP ceiling    ', ceiling],
      ['node:http floor ', floor],
      ['mock            ', mock],
    ] as const)
      log(
        `${name} ${figures.requests} requests, ${figures.requestsPerSecond} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, max ${figures.maxMs} ms, non-2xx ${figures.non2xx}, errors ${figures.errors}` +
          ('cpuUsPerRequest' in figures ? `, server CPU ${figures.cpuUsPerRequest} µs per request` : '') +
          `, load generator CPU ${figures.generatorCpuUsPerRequest} µs per request`,
      );
    log(
      `HTTP ceiling: the sandbox's HTTP stack (node:http, Hono's Node adapter, Hono) reading and parsing the same body and answering ${result.answerBytes} bytes of fixed JSON, as long as the sandbox's create answer`,
    );
    log(
      `node:http floor: bare node:http reading the body without parsing it and answering the same ${result.answerBytes} bytes, no framework: no Node server answers this load faster here`,
    );
    log(`${result.sessions} sessions created in process: ${result.bytesPerSession} bytes of heap per stored session`);
    const figures: Figure[] = [];
    for (const [name, figuresOf] of [
      ['sandbox', sandbox],
      ['sandbox --data', sandboxData],
    ] as const) {
      const ratio = figuresOf.requestsPerSecond / Math.max(mock.requestsPerSecond, 1);
      figures.push(
        {
          label: `${name} / mock req/s (${result.connections} connections, ${result.durationSeconds} s, fresh creates)`,
          measured: `${figuresOf.requestsPerSecond} / ${mock.requestsPerSecond} req/s`,
          ratio,
          target: '≥ 5×',
          met: ratio >= 5,
        },
        {
          label: `${name} p99 latency under that load`,
          measured: `${figuresOf.p99Ms} ms (mock ${mock.p99Ms} ms)`,
          target: '≤ 10 ms',
          met: figuresOf.p99Ms <= 10,
        },
        {
          label: `${name}: server CPU per create / the HTTP ceiling's per request`,
          measured: `${figuresOf.cpuUsPerRequest} / ${ceiling.cpuUsPerRequest} µs`,
          ratio: figuresOf.cpuUsPerRequest / Math.max(ceiling.cpuUsPerRequest, 1),
        },
      );
    }
    figures.push({
      label: `HTTP ceiling (same stack, body parsed, fixed ${result.answerBytes}-byte answer) req/s / p99; × mock req/s`,
      measured: `${ceiling.requestsPerSecond} req/s / ${ceiling.p99Ms} ms`,
      ratio: ceiling.requestsPerSecond / Math.max(mock.requestsPerSecond, 1),
    });
    figures.push({
      label: `node:http floor (no framework, body not parsed) req/s / p99: the p99 any Node server gets at this load here`,
      measured: `${floor.requestsPerSecond} req/s / ${floor.p99Ms} ms`,
      ratio: floor.requestsPerSecond / Math.max(mock.requestsPerSecond, 1),
    });
    figures.push({
      label: `heap bytes per stored session at ${result.sessions.toLocaleString('en')} sessions`,
      measured: `${result.bytesPerSession} B`,
      target: '≤ 4 KB',
      met: result.bytesPerSession <= 4096,
    });
    return figures;
  },
};

/** (i) The sandbox's homes side by side: in memory, SQLite, PostgreSQL with 1, 2 and 4 instances (scripts/maintainer/bench-team.ts). */
const teamSandbox: BenchSection = {
  title: '(i) team sandbox: creates/s and p99 in memory, on SQLite, on PostgreSQL with 1, 2 and 4 instances',
  async run(log) {
    const result = await benchTeam();
    log(
      `load: autocannon in its own process, ${result.connections} connections spread over the instances (built bin processes), ${result.durationSeconds} s each, POST /v2/payments card-redirect with a fresh X-REQUEST-ID; PostgreSQL with fsync and synchronous_commit on`,
    );
    const name = (row: (typeof result.rows)[number]) =>
      row.store === 'postgres' ? `postgres × ${row.instances}` : row.store === 'sqlite' ? 'sqlite --data' : 'memory';
    for (const row of result.rows)
      log(
        `${name(row).padEnd(14)} ${row.load.requests} requests, ${row.load.requestsPerSecond} creates/s, p50 ${row.load.p50Ms} ms, p99 ${row.load.p99Ms} ms, max ${row.load.maxMs} ms, non-2xx ${row.load.non2xx}, errors ${row.load.errors}`,
      );
    const memory = result.rows[0]!.load.requestsPerSecond;
    const single = result.rows.find((row) => row.store === 'postgres' && row.instances === 1)!.load.requestsPerSecond;
    return result.rows.map((row) => ({
      label: `${name(row)}: creates/s / p99 (${result.connections} connections, ${result.durationSeconds} s)`,
      measured: `${row.load.requestsPerSecond} creates/s / ${row.load.p99Ms} ms`,
      // Against one instance on PostgreSQL for more instances; against memory for one instance.
      ratio:
        row.store === 'postgres' && row.instances > 1
          ? row.load.requestsPerSecond / Math.max(single, 1)
          : row.load.requestsPerSecond / Math.max(memory, 1),
    }));
  },
};

/** (g) Tree-shaking: what a bundler keeps of one guard, against the whole validators entry. */
const bundleSize: BenchSection = {
  title: '(g) bundle size: one guard vs the whole validators entry (esbuild, minified)',
  async run(log) {
    const { guard, entry } = guardVsEntry(resolve(REPO_ROOT, 'generated'));
    log(`isPaymentSession alone: ${guard.bytes} B from ${guard.inputs.join(', ')}`);
    log(`export * from validators: ${entry.bytes} B from ${entry.inputs.join(', ')}`);
    const ratio = guard.bytes / entry.bytes;
    return [
      {
        label: 'bundle of isPaymentSession / of the whole ./validators entry',
        measured: `${(guard.bytes / 1024).toFixed(0)} KB / ${(entry.bytes / 1024).toFixed(0)} KB`,
        ratio,
        target: '≤ 25 %',
        met: ratio <= 0.25,
      },
    ];
  },
};

/** (h) The proxy: its overhead per exchange next to a direct call (scripts/maintainer/bench-proxy.ts). */
const proxyOverhead: BenchSection = {
  title: '(h) proxy: the same exchange direct and through `pivot-contract proxy` (p50 overhead per exchange)',
  async run(log) {
    const result = await benchProxy();
    log(
      `client in its own process, one request at a time, ${result.rounds} rounds of: direct, proxy, proxy --report (POST /v2/payments card-redirect to the sandbox; proxies run from ${result.command})`,
    );
    for (const [name, figures] of [
      ['direct               ', result.direct],
      ['through proxy        ', result.proxy],
      ['through proxy+report ', result.proxyWithReport],
    ] as const)
      log(`${name} p50 ${figures.p50Us} µs, p90 ${figures.p90Us} µs, p99 ${figures.p99Us} µs, non-2xx ${figures.non2xx}`);
    log(
      `validating the exchange (request strict, answer tolerant), in process, after the answer has gone out: ${result.validationUs.toFixed(0)} µs`,
    );
    const overhead = result.proxy.p50Us - result.direct.p50Us;
    const withReport = result.proxyWithReport.p50Us - result.direct.p50Us;
    return [
      {
        label: 'proxy p50 overhead per exchange (through proxy − direct)',
        measured: `${overhead} µs (${result.proxy.p50Us} / ${result.direct.p50Us} µs)`,
        ratio: result.proxy.p50Us / result.direct.p50Us,
      },
      {
        label: 'the same with --report (redacted JSON Lines)',
        measured: `${withReport} µs (${result.proxyWithReport.p50Us} / ${result.direct.p50Us} µs)`,
        ratio: result.proxyWithReport.p50Us / result.direct.p50Us,
      },
    ];
  },
};

/** Every section `npm run bench` runs, in order. */
export const sections: BenchSection[] = [
  validationVsParse,
  importVsCompile,
  generateVsOpenapiTs,
  generateScaling,
  mockServer,
  sandboxServer,
  bundleSize,
  proxyOverhead,
  teamSandbox,
];

// ---- output -----------------------------------------------------------------------------------

function environment(): string {
  const cpu = cpus();
  return `node ${process.version} · ${process.platform} ${process.arch} · ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? 'unknown'})`;
}

export function summaryTable(figures: Array<Figure & { section: string }>): string {
  const rows = figures.map((figure) => [
    figure.label,
    figure.measured,
    figure.ratio === undefined ? '—' : formatRatio(figure.ratio),
    figure.target ?? '—',
    figure.met === undefined ? '—' : figure.met ? 'met' : 'NOT met',
  ]);
  const header = ['figure', 'measured', 'ratio', 'target', 'status'];
  return [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

export async function runBench(
  list: readonly BenchSection[] = sections,
  write: (line: string) => void = console.log,
): Promise<void> {
  const started = now();
  write('# npm run bench');
  write('');
  write(environment());
  const figures: Array<Figure & { section: string }> = [];
  try {
    for (const section of list) {
      write('');
      write(`## ${section.title}`);
      const sectionStart = now();
      const results = await section.run((line) => write(`  ${line}`));
      write(`  (section took ${formatDuration(now() - sectionStart)})`);
      figures.push(...results.map((figure) => ({ ...figure, section: section.title })));
    }
  } finally {
    removeScratch();
  }
  write('');
  write('## Summary');
  write('');
  write(summaryTable(figures));
  write('');
  write(`(${environment()}; the whole run took ${formatDuration(now() - started)})`);
}

/**
 * The sections named by their letters (`npm run bench -- a f` runs "(a) …" and "(f) …"); all of them when
 * none is named. An unknown letter is an error, so a typo never measures nothing.
 */
export function sectionsByLetter(letters: readonly string[]): BenchSection[] {
  if (letters.length === 0) return sections;
  const unknown = letters.filter((letter) => !sections.some((section) => section.title.startsWith(`(${letter})`)));
  if (unknown.length > 0) {
    const known = sections.map((section) => section.title.slice(1, section.title.indexOf(')'))).join(', ');
    throw new Error(`npm run bench: no section ${unknown.map((letter) => `"${letter}"`).join(', ')} (sections: ${known})`);
  }
  return sections.filter((section) => letters.some((letter) => section.title.startsWith(`(${letter})`)));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runBench(sectionsByLetter(process.argv.slice(2)));
}
