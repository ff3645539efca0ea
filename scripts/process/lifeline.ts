/**
 * A long-running command (`sandbox`, `mock`, `proxy`) stops when whatever started it is gone. `npm run` runs a
 * script through `sh -c`, and a SIGTERM to npm kills that shell without reaching the server; `tsx` adds
 * one more wrapper process. So the server watches its parent and grandparent: when either exits (the
 * server has been orphaned), it shuts down as it would on SIGTERM, and leaves no process listening.
 */
import { readFileSync } from 'node:fs';

/** The parent process id of `pid`, from /proc (Linux); undefined elsewhere or when unreadable. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: read after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid exists (EPERM: it exists, but belongs to another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Calls `onGone` once, when the parent or the grandparent process exits. Returns a function that stops watching. */
export function watchAncestors(onGone: () => void, intervalMs = 500): () => void {
  const parent = process.ppid;
  const grandparent = parentOf(parent);
  const watched = [parent, grandparent].filter((pid): pid is number => pid !== undefined && pid > 1);
  const timer = setInterval(() => {
    if (process.ppid !== parent || watched.some((pid) => !isAlive(pid))) {
      clearInterval(timer);
      onGone();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Why a long-running command stopped: the signal it got, its starter gone, or `ended` (its own work ended). */
export type StopReason = 'SIGINT' | 'SIGTERM' | 'orphaned' | 'ended';

/**
 * Resolves when a long-running command should stop: on SIGINT or SIGTERM, when the process that started
 * it is gone (`watchAncestors`; `onOrphaned` is called first, to say so), or when `ended` settles (e.g.
 * the mock's Prism child exited). Says which of these it was.
 */
export function untilStopped(onOrphaned: () => void, ended?: Promise<unknown>): Promise<StopReason> {
  return new Promise<StopReason>((done) => {
    let stopped = false;
    const stop = (reason: StopReason) => {
      if (stopped) return;
      stopped = true;
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      unwatch();
      done(reason);
    };
    const onSigint = () => stop('SIGINT');
    const onSigterm = () => stop('SIGTERM');
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigterm);
    const unwatch = watchAncestors(() => {
      onOrphaned();
      stop('orphaned');
    });
    const onEnded = () => stop('ended');
    ended?.then(onEnded, onEnded);
  });
}

/**
 * Code run first in a child process (`node --import <this> child.js`): the child exits as soon as its
 * parent is gone, however the parent died. A killed parent (SIGKILL included) cannot stop its
 * children, but the kernel re-parents them, so a changed `process.ppid` is the signal. Polls every
 * 250 ms; the timer is `unref`'d so it never keeps the child alive on its own.
 */
const PARENT_GUARD = `const parent = process.ppid;
const timer = setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 250);
timer.unref();`;

/** The `--import` arguments that make a spawned Node child die with this process. */
export function dieWithParentArgs(): string[] {
  return ['--import', `data:text/javascript,${encodeURIComponent(PARENT_GUARD)}`];
}
