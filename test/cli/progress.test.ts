/**
 * `generate` on a terminal shows which artifact it is rendering (a transient line, rewritten in place);
 * piped (CI logs, tests) it prints one line per artifact and nothing else. The terminal is a real
 * pseudo-terminal from util-linux `script`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'pivot-progress-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const generate = (out: string) => [
  process.execPath,
  '--import',
  'tsx',
  join(ROOT, 'scripts/cli.ts'),
  'generate',
  '--out',
  out,
  '--only',
  'fixtures,errata',
];
const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

describe('generate progress', () => {
  it('on a terminal: a "rendering <artifact>…" line per artifact, cleared before its summary line', () => {
    const hasScript = spawnSync('script', ['--version']).status === 0;
    expect(hasScript, 'util-linux `script` (package bsdutils) is needed to give generate a terminal').toBe(true);
    const command = generate(join(work, 'tty')).map(quote).join(' ');
    const output = execFileSync('script', ['-qec', command, '/dev/null'], { cwd: ROOT, encoding: 'utf8' });
    expect(output).toContain('\rrendering fixtures…');
    expect(output).toContain('\rrendering errata…');
    expect(output).toMatch(/\r\x1b\[K(\r\n)?fixtures +\d+ files/);
  });

  it('piped: one line per artifact, no progress line, no control characters', () => {
    const [node, ...args] = generate(join(work, 'pipe'));
    const output = execFileSync(node!, args, { cwd: ROOT, encoding: 'utf8' });
    expect(output).not.toContain('rendering');
    expect(output).not.toMatch(/[\r\x1b]/);
    expect(output.split('\n').filter((line) => /^(fixtures|errata) +\d+ files/.test(line))).toHaveLength(2);
  });
});
