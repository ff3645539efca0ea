/**
 * `npm run check:breaking`: compares the working spec with the last released one — the spec of the
 * newest `v*` git tag (or `--base <git ref>`) — and exits 1 on a breaking change.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runDiff } from '../diff.ts';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

/** The newest release tag (`v1.2.3`), by version order; undefined when nothing was released yet. */
export function lastReleaseTag(): string | undefined {
  try {
    return git(['tag', '--list', 'v*', '--sort=-v:refname']).split('\n').find(Boolean);
  } catch {
    return undefined;
  }
}

/** Extracts `spec/` as of a git ref into a temporary directory. */
function specAt(ref: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pivot-released-spec-'));
  execFileSync('sh', ['-c', `git archive "${ref}" spec | tar -x -C "${dir}"`], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return dir;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { base: { type: 'string' } } });
  const base = values.base ?? lastReleaseTag();
  if (!base) {
    console.log('no release tag (v*) yet: nothing to compare against');
    return 0;
  }
  const released = specAt(base);
  try {
    console.log(`comparing spec/ with ${base}`);
    return await runDiff([join(released, 'spec', 'openapi.yaml'), join(REPO_ROOT, 'spec', 'openapi.yaml')]);
  } finally {
    rmSync(released, { recursive: true, force: true });
  }
}

process.exitCode = await main(process.argv.slice(2));
