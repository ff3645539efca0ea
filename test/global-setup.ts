/**
 * Builds the CLI package (packages/cli/dist) and the MSW bundle (runtime/msw) once, before any test
 * file runs: the user-path tests run the built `pivot-contract` bin as a process, so it must be the
 * build of these sources, and no test may rebuild it while another one runs it.
 */
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from '../generators/spec/package-root.ts';

export function setup(): void {
  execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}
