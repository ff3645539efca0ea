/**
 * The Prism child process behind the mock's front layer: started from the installed
 * `@stoplight/prism-cli` binary, single-process (`-m` crashes on Node 20), in its own process group with
 * a guard that ends it when this process is gone, and stopped as a group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { freePort } from '../http/serve.ts';
import { dieWithParentArgs } from '../process/lifeline.ts';

/** The Prism CLI script of the installed `@stoplight/prism-cli`. */
export function prismBin(): string {
  const require = createRequire(import.meta.url);
  let manifestPath: string;
  try {
    manifestPath = require.resolve('@stoplight/prism-cli/package.json');
  } catch {
    throw new Error('@stoplight/prism-cli is not installed: npm install --save-dev @stoplight/prism-cli@5.14.2');
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin.prism!;
  return resolve(dirname(manifestPath), bin);
}

/** Resolves after `ms`; an `unref`'d timer does not keep the process alive on its own. */
export function delay(ms: number, unref = false): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(done, ms);
    if (unref) timer.unref();
  });
}

/** Resolves once anything answers HTTP on host:port. */
function probe(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const req = httpRequest({ host, port, method: 'GET', path: '/', agent: false }, (res) => {
      res.resume();
      done(true);
    });
    req.once('error', () => done(false));
    req.setTimeout(2_000, () => req.destroy());
    req.end();
  });
}

export interface PrismProcess {
  child: ChildProcess;
  port: number;
  exited: Promise<void>;
  output(): string;
}

export async function startPrism(spec: string, startupTimeoutMs: number): Promise<PrismProcess> {
  const bin = prismBin();
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    // detached: Prism gets its own process group, which `stopPrism` signals as a whole. The parent guard
    // ends Prism when this process is gone, even after a SIGKILL that gives it no chance to stop Prism.
    const child = spawn(
      process.execPath,
      [...dieWithParentArgs(), bin, 'mock', spec, '-h', '127.0.0.1', '-p', String(port), '-v', 'warn', '--cors', 'false'],
      {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      },
    );
    const lines: string[] = [];
    const keep = (chunk: Buffer) => {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (lines.length > 40) lines.splice(0, lines.length - 40);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let exitCode: number | null | undefined;
    const exited = new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', (code) => {
        exitCode = code;
        done();
      });
      child.once('error', (error) => {
        lines.push(String(error));
        exitCode = -1;
        done();
      });
    });
    const prism: PrismProcess = { child, port, exited, output: () => lines.join('\n') };
    const deadline = Date.now() + startupTimeoutMs;
    while (exitCode === undefined && Date.now() < deadline) {
      if (await probe('127.0.0.1', port)) return prism;
      await Promise.race([delay(100), exited]);
    }
    if (exitCode === undefined) {
      await stopPrism(prism);
      throw new Error(`Prism did not answer within ${startupTimeoutMs} ms:\n${prism.output()}`);
    }
    lastError = new Error(`Prism exited (code ${exitCode}) before listening:\n${prism.output()}`);
    if (!/EADDRINUSE/.test(prism.output())) break; // another process took the port: try another one
  }
  throw lastError!;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export async function stopPrism(prism: PrismProcess): Promise<void> {
  const pid = prism.child.pid;
  if (pid === undefined || prism.child.exitCode !== null || prism.child.signalCode !== null) return;
  signalGroup(pid, 'SIGTERM');
  const killed = await Promise.race([prism.exited.then(() => true), delay(5_000, true).then(() => false)]);
  if (!killed) {
    signalGroup(pid, 'SIGKILL');
    await prism.exited;
  }
}
