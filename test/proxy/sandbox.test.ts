/**
 * The proxy in front of the local sandbox, as a merchant's integration tests would run it, every part a
 * process of the built bin on free ports:
 *
 *   verify --flows ──▶ proxy ──▶ sandbox
 *   verify's receiver ◀── proxy /_proxy/callbacks ◀── sandbox's callbacks
 *
 * Every flow passes through the proxy, callbacks included; the proxy finds no violation in any of it,
 * its report holds every operation and callback (redacted), and `pivot-contract report` agrees.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/http/serve.ts';
import { killLeftovers, listening, runBin, runToEnd } from './harness.ts';

type Json = Record<string, any>;

const scratch = mkdtempSync(join(tmpdir(), 'pivot-proxy-sandbox-'));
afterAll(() => {
  killLeftovers();
  rmSync(scratch, { recursive: true, force: true });
});

describe('verify --flows through the proxy in front of the sandbox', () => {
  it('passes every flow with its callbacks; the proxy reports 0 violations and exits 0 on SIGTERM', async () => {
    const [proxyPort, receiverPort] = [await freePort(), await freePort()];
    const report = join(scratch, 'flows.jsonl');
    const sandbox = runBin(['sandbox', '--port', '0', '--callback-url', `http://127.0.0.1:${proxyPort}/_proxy/callbacks`]);
    const sandboxUrl = await listening(sandbox);
    const proxy = runBin([
      'proxy',
      '--port',
      String(proxyPort),
      '--upstream',
      sandboxUrl,
      '--callback-to',
      `http://127.0.0.1:${receiverPort}/`,
      '--callback-api-key',
      'sandbox-callback-key',
      '--report',
      report,
    ]);
    const proxyUrl = await listening(proxy);
    expect(proxyUrl).toBe(`http://127.0.0.1:${proxyPort}`);

    const verify = await runToEnd(
      [
        'verify',
        '--base-url',
        proxyUrl,
        '--flows',
        '--merchant-id',
        'sandbox-merchant',
        '--merchant-secret',
        'sandbox-secret',
        '--callback-port',
        String(receiverPort),
        '--callback-api-key',
        'sandbox-callback-key',
      ],
      150_000,
    );
    const lines = verify.stdout.trim().split('\n');
    expect(
      lines.filter((line) => line.startsWith('✗')),
      verify.stdout + verify.stderr,
    ).toEqual([]);
    expect(verify.code).toBe(0);
    expect(lines.at(-1)).toMatch(/^\d+ passed, 0 failed$/);
    expect(lines).toContain('✓ flow.card-redirect callbacks PAYMENT.PROCESSING → PAYMENT.PAID');
    expect(lines).toContain('✓ flow.card-redirect hosted page “pay” 303');

    expect(await proxy.stop('SIGTERM')).toBe(0);
    expect(await sandbox.stop('SIGTERM')).toBe(0);
    expect(
      proxy
        .stderr()
        .split('\n')
        .filter((line) => /^[✗⚠] /.test(line)),
    ).toEqual([]);
    const saved = readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Json);
    const summary = proxy.stdout().trim().split('\n').at(-1);
    expect(summary).toBe(`${saved.length} exchanges, 0 with violations`);

    const operations = new Set(saved.map((record) => record.operationId));
    for (const operationId of [
      'createAccessToken',
      'createPaymentSession',
      'confirmPaymentSession',
      'cancelPaymentSession',
      'capturePaymentSession',
      'simulatePayment',
      'paymentCallback',
    ])
      expect(operations, operationId).toContain(operationId);
    const callbacks = saved.filter((record) => record.kind === 'callback');
    expect(callbacks.length).toBeGreaterThan(5);
    for (const callback of callbacks) {
      expect(callback.status).toBe(200);
      expect(callback.request.headers['x-api-key']).toBe('[redacted]');
    }
    // The control routes the flows use went through, unvalidated, each with its note.
    const control = saved.filter((record) => String(record.path).startsWith('/_sandbox/'));
    expect(control.length).toBeGreaterThan(0);
    expect(control.every((record) => record.operationId === null && record.notes?.length === 1)).toBe(true);
    expect(readFileSync(report, 'utf8')).not.toContain('sandbox-secret');

    const summarised = await runToEnd(['report', report]);
    expect(summarised.code).toBe(0);
    expect(summarised.stdout.trim()).toBe(summary);
  }, 240_000);
});
