/**
 * Imports run one way, commands → generators and servers → the contract-reading layer → runtime, and
 * never in a circle (issue 22). The checks run on the real source tree, and on small made-up graphs
 * that break each rule, so that a broken checker cannot pass silently.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';
import { importCircles, layerOf, readImportGraph, upwardImports, type Edges } from './import-graph.ts';

const SOURCE_FOLDERS = ['generators', 'scripts', 'runtime'];

describe('the import graph of generators/, scripts/ and runtime/', () => {
  const edges = readImportGraph(REPO_ROOT, SOURCE_FOLDERS);

  it('reads the tree: every layer has modules, and the graph has edges', () => {
    const layers = new Set([...edges.keys()].map((file) => layerOf(file)));
    expect([...layers].sort()).toEqual(
      expect.arrayContaining(['commands', 'contract', 'generators', 'maintainer', 'runtime', 'servers']),
    );
    expect([...edges.values()].flat().length).toBeGreaterThan(150);
  });

  it('has no upward import (naming each file that breaks the rule)', () => {
    expect(upwardImports(edges)).toEqual([]);
  });

  it('has no circle of imports', () => {
    expect(importCircles(edges)).toEqual([]);
  });

  it('keeps generators/ free of scripts/', () => {
    const fromGenerators = [...edges].flatMap(([from, targets]) =>
      from.startsWith('generators/') ? targets.filter((to) => to.startsWith('scripts/')).map((to) => `${from} → ${to}`) : [],
    );
    expect(fromGenerators).toEqual([]);
  });

  it('keeps the runtime free of tooling: generators/runtime and the built runtime/ import only runtime and generated/', () => {
    const outside = [...edges].flatMap(([from, targets]) =>
      layerOf(from) === 'runtime'
        ? targets.filter((to) => layerOf(to) !== 'runtime' && !to.startsWith('generated/')).map((to) => `${from} → ${to}`)
        : [],
    );
    expect(outside).toEqual([]);
    // The built runtime is checked when it exists (npm ci's prepare builds it).
    if (existsSync(join(REPO_ROOT, 'runtime'))) expect([...edges.keys()].some((file) => file.startsWith('runtime/'))).toBe(true);
  });
});

describe('the checker', () => {
  const graph = (pairs: Array<[string, string[]]>): Edges => new Map(pairs);

  it('reports an upward import with both files and their layers', () => {
    const edges = graph([
      ['generators/types.ts', ['scripts/lib/errata-data.ts']],
      ['scripts/lib/errata-data.ts', []],
    ]);
    expect(upwardImports(edges)).toEqual(['generators/types.ts (generators) imports scripts/lib/errata-data.ts (commands)']);
  });

  it('reports a server importing a generator, and the contract layer importing a generator', () => {
    const edges = graph([
      ['scripts/http/routes.ts', ['generators/validators.ts']],
      ['generators/spec/load.ts', ['generators/names.ts']],
    ]);
    expect(upwardImports(edges)).toEqual([
      'generators/spec/load.ts (contract) imports generators/names.ts (generators)',
      'scripts/http/routes.ts (servers) imports generators/validators.ts (generators)',
    ]);
  });

  it('accepts imports downward and within a layer', () => {
    const edges = graph([
      ['scripts/generate.ts', ['generators/index.ts', 'scripts/generate/swap.ts']],
      ['generators/index.ts', ['generators/spec/load.ts']],
      ['generators/spec/load.ts', ['generators/runtime/violations.js']],
      ['scripts/sandbox/server.ts', ['scripts/http/core.ts', 'generators/spec/document.ts']],
    ]);
    expect(upwardImports(edges)).toEqual([]);
  });

  it('names the files of a circle, and of an import of itself', () => {
    const edges = graph([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['d.ts']],
      ['e.ts', ['a.ts']],
    ]);
    expect(importCircles(edges)).toEqual(['a.ts → b.ts → c.ts → a.ts', 'd.ts → d.ts']);
  });

  it('finds no circle in a graph without one', () => {
    expect(
      importCircles(
        graph([
          ['a.ts', ['b.ts', 'c.ts']],
          ['b.ts', ['c.ts']],
          ['c.ts', []],
        ]),
      ),
    ).toEqual([]);
  });
});
