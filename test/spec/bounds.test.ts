/**
 * Every string and array in spec/components is bounded (issue 14): a string has maxLength unless an
 * enum, const or a fixed-length format (date-time, date, uuid) bounds it; an array has maxItems.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SPEC_DIR } from '../../generators/spec/pivot-contract.ts';

const BOUNDED_FORMATS = new Set(['date-time', 'date', 'uuid']);

export function unboundedPaths(node: unknown, path: string): string[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => unboundedPaths(item, `${path}/${i}`));
  if (!node || typeof node !== 'object') return [];
  const schema = node as Record<string, unknown>;
  const types = ([] as unknown[]).concat(schema.type ?? []);
  const found: string[] = [];
  const constrained = 'enum' in schema || 'const' in schema || '$ref' in schema;
  if (types.includes('string') && !constrained && !('maxLength' in schema) && !BOUNDED_FORMATS.has(String(schema.format))) found.push(path);
  if (types.includes('array') && !('maxItems' in schema)) found.push(path);
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'examples' || key === 'example' || key === 'default') continue;
    found.push(...unboundedPaths(value, `${path}/${key}`));
  }
  return found;
}

describe('length bounds', () => {
  const dir = join(SPEC_DIR, 'components', 'schemas');
  it('every string and array in the schemas is bounded', () => {
    const found = readdirSync(dir).flatMap((file) => unboundedPaths(parse(readFileSync(join(dir, file), 'utf8')), file));
    expect(found).toEqual([]);
  });
  it('finds an unbounded string and an unbounded array', () => {
    expect(unboundedPaths({ properties: { a: { type: 'string' }, b: { type: 'array', items: {} }, c: { type: 'string', enum: ['X'] } } }, 'S')).toEqual([
      'S/properties/a',
      'S/properties/b',
    ]);
  });
});
