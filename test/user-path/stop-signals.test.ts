/**
 * A long-running command handles SIGINT and SIGTERM before it prints the line that says it listens:
 * whoever starts it (a test, a script, a supervisor) reads that line and may stop it at once. Printed
 * first, a signal sent right after the line could find Node's default action still in place and kill
 * the command (exit code null, nothing cleaned up or summarised): the proxy's SIGINT test failed so
 * in CI, and 2 of 40 built-bin runs under load did. Deterministic here: at the moment the line is
 * written, the command's own handlers must already be listening.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMock } from '../../scripts/mock.ts';
import { runProxy } from '../../scripts/proxy.ts';
import { runSandbox } from '../../scripts/sandbox.ts';

type Run = (argv: string[], io: { log(line: string): void; error(line: string): void }) => Promise<number>;

let upstream: Server;
let upstreamUrl = '';
beforeAll(async () => {
  upstream = createServer((_request, response) => response.end('{}'));
  await new Promise<void>((listening) => upstream.listen(0, '127.0.0.1', listening));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((closed) => upstream.close(closed)));

/** Runs a command until it listens, counts the signal handlers at that line, then stops it with SIGINT. */
async function handlersWhenListening(run: Run, argv: string[]) {
  const before = { SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') };
  let atLine: typeof before | undefined;
  const lines: string[] = [];
  const code = await run(argv, {
    log(line) {
      lines.push(line);
      if (atLine === undefined && / listening on http:\/\//.test(line)) {
        atLine = { SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') };
        // As the command's starter would, once it has read the line.
        setImmediate(() => process.emit('SIGINT'));
      }
    },
    error: (line) => lines.push(line),
  });
  return { code, before, atLine, lines };
}

describe('signals are handled before "listening on" is printed', () => {
  it.each([
    ['sandbox', runSandbox as Run, () => ['--port', '0']],
    ['proxy', runProxy as Run, () => ['--port', '0', '--upstream', upstreamUrl]],
  ])('%s', async (_name, run, argv) => {
    const { code, before, atLine, lines } = await handlersWhenListening(run, argv());
    expect(code, lines.join('\n')).toBe(0);
    expect(atLine).toEqual({ SIGINT: before.SIGINT + 1, SIGTERM: before.SIGTERM + 1 });
    // And they are gone once the command has stopped.
    expect(process.listenerCount('SIGINT')).toBe(before.SIGINT);
  });

  it('mock (Prism behind it)', async () => {
    const { code, before, atLine, lines } = await handlersWhenListening(runMock as Run, ['--port', '0']);
    expect(code, lines.join('\n')).toBe(0);
    expect(atLine).toEqual({ SIGINT: before.SIGINT + 1, SIGTERM: before.SIGTERM + 1 });
  }, 60_000);
});
