import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundledSpec } from '../helpers.ts';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

describe('versioning', () => {
  it('ties the spec info.version to the package version', async () => {
    expect((await bundledSpec()).info.version).toBe(manifest.version);
  });
  it('has a CHANGELOG entry for the package version', () => {
    expect(readFileSync(new URL('../../CHANGELOG.md', import.meta.url), 'utf8')).toMatch(
      new RegExp(`^## ${manifest.version.replaceAll('.', '\\.')} `, 'm'),
    );
  });
});
