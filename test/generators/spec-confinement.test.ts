/**
 * Spec loading stays inside the spec's folder (issue 14): no file outside it is read, even through a
 * symbolic link; nothing is fetched without --allow-remote-refs (and never from local or private
 * addresses); YAML aliases are bounded; `diff` loads specs the same way.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDiff } from '../../scripts/diff.ts';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';
import { loadSpec } from '../../generators/spec/load.ts';
import { MAX_YAML_ALIASES, parseSpecFile, readDocument } from '../../generators/spec/parse.ts';

const scratch = mkdtempSync(join(tmpdir(), 'pivot-confine-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const BROKEN = resolve(REPO_ROOT, 'test/fixtures/broken-specs');
const MINIMAL = resolve(REPO_ROOT, 'test/fixtures/specs/minimal/openapi.yaml');

/** A 127.0.0.1 server that counts the requests it gets. */
let server: Server;
let requests = 0;
let base = '';
beforeAll(async () => {
  server = createServer((_request, response) => {
    requests += 1;
    response.end('type: object\n');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

function specWithRef(name: string, ref: string): string {
  const folder = join(scratch, name);
  mkdirSync(folder, { recursive: true });
  const text = readFileSync(MINIMAL, 'utf8').replace("$ref: '#/components/schemas/Problem'", `$ref: '${ref}'`);
  writeFileSync(join(folder, 'openapi.yaml'), text);
  return join(folder, 'openapi.yaml');
}

describe('confinement', () => {
  it('loads the valid minimal and split specs unchanged', async () => {
    await expect(loadSpec(MINIMAL)).resolves.toMatchObject({ openapi: '3.1.0' });
    await expect(loadSpec(resolve(REPO_ROOT, 'spec/openapi.yaml'))).resolves.toMatchObject({ openapi: '3.1.0' });
  });

  it('never reads the file outside the folder (its canary reaches no error or output)', async () => {
    const error = await loadSpec(join(BROKEN, 'ref-outside-relative/openapi.yaml')).catch((caught: Error) => caught);
    expect(String(error)).toMatch(/\$ref leaves the spec folder/);
    expect(String(error)).not.toMatch(/CANARY/);
  });

  it('refuses a symbolic link inside the folder that points outside it', async () => {
    const spec = specWithRef('symlink', './Problem.yaml');
    symlinkSync(join(BROKEN, 'outside.yaml'), join(scratch, 'symlink', 'Problem.yaml'));
    await expect(loadSpec(spec)).rejects.toThrow(
      /symlink\/openapi\.yaml#\/paths\/~1widgets\/post\/responses\/400\/content\/application~1json\/schema\/\$ref: \$ref leaves the spec folder .*\(a symbolic link to /,
    );
  });

  it('refuses other URL schemes', async () => {
    await expect(loadSpec(specWithRef('scheme', 'ftp://example.com/Problem.yaml'))).rejects.toThrow(/unsupported \$ref scheme/);
  });

  it('diff refuses the same outside $ref (exit 2, in words)', async () => {
    const err: string[] = [];
    const code = await runDiff([MINIMAL, join(BROKEN, 'ref-outside-absolute/openapi.yaml')], {
      log: () => {},
      error: (line) => err.push(line),
    });
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/ref-outside-absolute\/openapi\.yaml#.*\$ref leaves the spec folder/);
  });
});

describe('remote $refs', () => {
  it('are not fetched without --allow-remote-refs', async () => {
    const spec = specWithRef('remote', `${base}/Problem.yaml`);
    await expect(loadSpec(spec)).rejects.toThrow(/is not followed without --allow-remote-refs/);
    expect(requests).toBe(0);
  });

  it('with the flag, are still never fetched from local or private addresses, and say so at the $ref', async () => {
    const spec = specWithRef('remote-allowed', `${base}/Problem.yaml`);
    await expect(loadSpec(spec, { allowRemoteRefs: true })).rejects.toThrow(
      /remote-allowed\/openapi\.yaml#\/paths\/~1widgets\/post\/responses\/400\/content\/application~1json\/schema\/\$ref: cannot fetch remote \$ref http:\/\/127\.0\.0\.1:\d+\/Problem\.yaml: local and private-network addresses are never fetched/,
    );
    expect(requests).toBe(0);
  });
});

describe('YAML aliases', () => {
  const chain = (levels: number) => {
    const lines = ['l0: &l0 [a, a, a, a, a, a, a, a, a, a]'];
    for (let level = 1; level <= levels; level++)
      lines.push(
        `l${level}: &l${level} [${Array(10)
          .fill(`*l${level - 1}`)
          .join(', ')}]`,
      );
    return lines.join('\n');
  };

  it('a few aliases are fine', () => {
    expect(parseSpecFile('a.yaml', 'x: &x [1, 2]\ny: *x\nz: *x\n')).toEqual({ x: [1, 2], y: [1, 2], z: [1, 2] });
  });

  it.each([3, 9, 30])('a %i-level alias bomb fails at once, naming file, pointer and line', (levels) => {
    expect(() => parseSpecFile('bomb.yaml', chain(levels))).toThrow(
      `bomb.yaml#/l2/0: YAML aliases expand beyond the limit of ${MAX_YAML_ALIASES} (an alias bomb?) at line 3`,
    );
  });

  it('readDocument (the errata and extraction tools) is bounded too', () => {
    const file = join(scratch, 'bomb.yaml');
    writeFileSync(file, chain(9));
    expect(() => readDocument(file)).toThrow(/Excessive alias count/);
  });

  it('a split spec copied with a bomb in a schema file names that file', async () => {
    const spec = join(scratch, 'split-bomb');
    cpSync(resolve(REPO_ROOT, 'spec'), spec, { recursive: true });
    const amount = join(spec, 'components', 'schemas', 'Amount.yaml');
    writeFileSync(amount, `${readFileSync(amount, 'utf8')}x-bomb:\n${chain(9).replace(/^/gm, '  ')}\n`);
    await expect(loadSpec(join(spec, 'openapi.yaml'))).rejects.toThrow(
      /split-bomb\/components\/schemas\/Amount\.yaml#\/x-bomb\/l2\/0: YAML aliases expand beyond the limit/,
    );
  });
});
