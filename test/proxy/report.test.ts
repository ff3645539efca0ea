/**
 * `pivot-contract report`, run as a user runs it on a report the proxy wrote: the same summary, the exit
 * code a CI job can gate on, and `--fixtures`: the observed answers (and callbacks) as candidate examples
 * in the spec's example layout, redacted, each marked with where and when it was observed.
 */
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getFixture } from 'pivot-payments-contract/fixtures';
import { validate, validateResponse } from 'pivot-payments-contract/validators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { eventually, json, killLeftovers, rawRequest, runToEnd, startFake, startProxyBin } from './harness.ts';

type Json = Record<string, any>;

const scratch = mkdtempSync(join(tmpdir(), 'pivot-report-'));
const report = join(scratch, 'traffic.jsonl');
const TOKEN = 'ACCESS-TOKEN-SEEN-ONCE';
const createAnswer = () =>
  getFixture({ operationId: 'createPaymentSession', kind: 'response', status: '200', name: 'card-redirect' }) as Json;
const createRequest = () => getFixture({ operationId: 'createPaymentSession', kind: 'request', name: 'card-redirect' }) as Json;

function post(base: string, path: string, body: unknown, headers: Record<string, string>) {
  return rawRequest(base, {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** Files under a folder, as relative paths. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(folder.length + 1))
    .sort();
}

let upstreamUrl = '';
let merchantUrl = '';

beforeAll(async () => {
  const upstream = await startFake();
  const merchant = await startFake();
  upstreamUrl = upstream.url;
  merchantUrl = merchant.url;
  const proxy = await startProxyBin([
    '--upstream',
    upstream.url,
    '--report',
    report,
    '--callback-to',
    merchant.url,
    '--callback-api-key',
    'k',
  ]);
  const headers = { authorization: 'Bearer a.b', 'x-request-id': '01JD8ZQ4Y7K3M2N5P6R8S9T0VW' };
  upstream.answer = json(200, {
    code: '00',
    message: 'Success',
    data: { accessToken: TOKEN, expiresIn: '900', tokenType: 'Bearer' },
  });
  await post(
    proxy.url,
    '/v1/access-token',
    { grantType: 'client_credentials' },
    { 'x-merchant-id': 'm', 'x-merchant-secret': 's' },
  );
  upstream.answer = json(200, createAnswer());
  await post(proxy.url, '/v2/payments', createRequest(), headers);
  await post(proxy.url, '/v2/payments', createRequest(), headers); // the same answer again: one candidate, seen twice
  const odd = createAnswer();
  odd.data.status = 'SHIPPED';
  upstream.answer = json(200, odd);
  await post(proxy.url, '/v2/payments', createRequest(), headers);
  await rawRequest(proxy.url, { method: 'GET', path: '/v9/unknown' });
  const callback = getFixture({ operationId: 'paymentCallback', kind: 'request', name: 'payment-paid' });
  await post(proxy.url, '/_proxy/callbacks', callback, { 'x-api-key': 'k' });
  await eventually(() => (proxy.stdout().match(/ ms$/gm) ?? []).length >= 6, 'six exchanges');
  expect(await proxy.stop()).toBe(0);
  await upstream.close();
  await merchant.close();
}, 60_000);

afterAll(() => {
  killLeftovers();
  rmSync(scratch, { recursive: true, force: true });
});

describe('pivot-contract report FILE.jsonl', () => {
  it('prints each finding and the summary the proxy printed; exit 1 when an exchange has violations', async () => {
    const run = await runToEnd(['report', report]);
    expect(run.code).toBe(1);
    expect(run.stdout.trim()).toBe('6 exchanges, 2 with violations');
    const lines = run.stderr.trim().split('\n');
    expect(lines.some((line) => line.startsWith('✗ createPaymentSession 200 response /data/status'))).toBe(true);
    expect(lines).toContain('✗ GET /v9/unknown 200 request no documented operation is GET /v9/unknown');
  });

  it('exits 0 on a report without violations, and names the lines it cannot read (exit 1)', async () => {
    const clean = join(scratch, 'clean.jsonl');
    const [first] = readFileSync(report, 'utf8').split('\n');
    appendFileSync(clean, `${first}\n`);
    expect((await runToEnd(['report', clean])).code).toBe(0);
    appendFileSync(clean, '{"cut off mid-\n[1,2]\n');
    const broken = await runToEnd(['report', clean]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`${clean}:2: not JSON (skipped)`);
    expect(broken.stderr).toContain(`${clean}:3: not an exchange record (skipped)`);
    expect(broken.stdout.trim()).toBe('1 exchange, 0 with violations');
  });

  it('a missing file is exit 1, a missing argument exit 2', async () => {
    const missing = await runToEnd(['report', join(scratch, 'nope.jsonl')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^cannot read the report .*nope\.jsonl: ENOENT/);
    const usage = await runToEnd(['report']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('missing report file (FILE.jsonl)');
  });
});

describe('pivot-contract report FILE.jsonl --fixtures DIR', () => {
  const out = join(scratch, 'candidates');
  let files: string[] = [];
  const read = (path: string) => parse(readFileSync(join(out, path), 'utf8')) as Json;
  beforeAll(async () => {
    const run = await runToEnd(['report', report, '--fixtures', out]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`4 candidate examples written to ${out}`);
    files = filesUnder(out);
  });

  it('writes each distinct observed answer in the spec layout <operationId>/<status>/observed-<day>-<line>.yaml', () => {
    const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
    expect(files).toEqual([
      `createAccessToken/200/observed-${day}-1.yaml`,
      `createPaymentSession/200/observed-${day}-2.yaml`,
      `createPaymentSession/200/observed-${day}-4.yaml`,
      `paymentCallback/request/observed-${day}-6.yaml`,
    ]);
    // Every name is kebab-case, as the spec's example names are.
    for (const file of files) expect(file.split('/').at(-1)).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*\.yaml$/);
  });

  it('marks each with where and when it was observed, and how often', () => {
    const seenTwice = read(files[1]!);
    expect(seenTwice.summary).toBe(`Observed createPaymentSession 200: answer of POST ${upstreamUrl}/v2/payments`);
    expect(seenTwice['x-observed']).toEqual({
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      kind: 'api',
      method: 'POST',
      url: `${upstreamUrl}/v2/payments`,
      status: 200,
      times: 2,
    });
    // A documented answer, as observed: it validates strictly, as a curated example must.
    expect(validateResponse('createPaymentSession', 200, seenTwice.value, { mode: 'strict' })).toEqual({ valid: true });
    const odd = read(files[2]!);
    expect(odd['x-observed'].violations).toContainEqual(expect.objectContaining({ where: 'response', path: '/data/status' }));
    const callback = read(files[3]!);
    expect(callback['x-observed']).toMatchObject({ kind: 'callback', url: `${merchantUrl}/`, status: 200, times: 1 });
    expect(validate('PaymentCallback', callback.value, { mode: 'strict' })).toEqual({ valid: true });
    // The head comment says what a candidate is and how to curate it.
    expect(readFileSync(join(out, files[0]!), 'utf8')).toMatch(/^# A candidate example observed by `pivot-contract proxy`/);
  });

  it('carries no secret: the access token stays redacted', () => {
    const token = read(files[0]!);
    expect(token.value.data.accessToken).toBe('[redacted]');
    for (const file of files) expect(readFileSync(join(out, file), 'utf8')).not.toContain(TOKEN);
  });

  it('writes nothing for a request to no documented operation', () => {
    expect(existsSync(join(out, 'null'))).toBe(false);
    expect(files.some((file) => file.includes('unknown'))).toBe(false);
  });

  it('uses an extension the spec documents (x-observed in spec/EXTENSIONS.md)', () => {
    expect(readFileSync(join(import.meta.dirname, '..', '..', 'spec', 'EXTENSIONS.md'), 'utf8')).toContain('`x-observed`');
  });
});
