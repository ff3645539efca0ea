/**
 * Child process for the writer's crash tests: carries out a plan and kills itself with SIGKILL right
 * after the named step, as a power cut or `kill -9` would (no `finally`, no cleanup).
 * Usage: node --import tsx kill-during-write.ts <dir> <plan.json> <step>
 */
import { readFileSync } from 'node:fs';
import { type Plan } from '../../scripts/generate/manifest.ts';
import { replaceTree } from '../../scripts/generate/swap.ts';

const [dir, planFile, killAt] = process.argv.slice(2) as [string, string, string];
const plan = JSON.parse(readFileSync(planFile, 'utf8')) as Plan;
replaceTree(dir, plan, (step) => {
  if (step === killAt) process.kill(process.pid, 'SIGKILL');
});
