/**
 * The source tree's import graph, and the two rules it must keep (DESIGN.md "Layers: imports run one
 * way"): no module imports from a layer above its own, and no circle of imports anywhere. Imports are
 * read with TypeScript's own pre-processor (static, `export … from`, dynamic `import()` and `require`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Lowest first. A module may import from its own layer and from any layer below it. */
export const LAYERS = ['runtime', 'contract', 'generators', 'servers', 'commands', 'maintainer'] as const;
export type Layer = (typeof LAYERS)[number];

/**
 * The layer of a source path (relative to the repository, `/`-separated), or undefined for what is
 * not source (type declarations, generated output). `generators` and `servers` sit side by side in
 * DESIGN.md; neither imports the other, which the ranks express by `servers` importing no generator
 * module (checked below) rather than by a second table.
 */
export function layerOf(path: string): Layer | undefined {
  if (path.endsWith('.d.ts')) return undefined;
  if (path.startsWith('generators/runtime/') || path.startsWith('runtime/')) return 'runtime';
  if (path.startsWith('generators/spec/')) return 'contract';
  if (path.startsWith('generators/')) return 'generators';
  if (/^scripts\/(http|sandbox|msw|mock|proxy|process)\//.test(path)) return 'servers';
  if (path.startsWith('scripts/maintainer/')) return 'maintainer';
  if (path.startsWith('scripts/')) return 'commands';
  return undefined;
}

export type Edges = Map<string, string[]>;

const SOURCE = /\.(ts|mts|js|mjs|cjs)$/;

function filesUnder(root: string, folder: string): string[] {
  const dir = join(root, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

/** Every relative import of every source file under `folders`, as repository paths. */
export function readImportGraph(root: string, folders: readonly string[]): Edges {
  const edges: Edges = new Map();
  for (const file of folders.flatMap((folder) => filesUnder(root, folder))) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
    const targets = importedFiles
      .map((imported) => imported.fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) =>
        relative(root, resolve(root, dirname(file), specifier))
          .split('\\')
          .join('/'),
      );
    edges.set(file, [...new Set(targets)]);
  }
  return edges;
}

/** `from (layer) imports to (layer)` for every import into a higher layer, or from a server into a generator. */
export function upwardImports(edges: Edges, layer = layerOf): string[] {
  const found: string[] = [];
  for (const [from, targets] of edges) {
    const own = layer(from);
    if (own === undefined) continue;
    for (const to of targets) {
      const theirs = layer(to);
      if (theirs === undefined) continue;
      const upward = LAYERS.indexOf(theirs) > LAYERS.indexOf(own);
      const sideways = own === 'servers' && theirs === 'generators';
      if (upward || sideways) found.push(`${from} (${own}) imports ${to} (${theirs})`);
    }
  }
  return found.sort();
}

/** Every circle of imports (Tarjan's strongly connected components), each as `a → b → … → a`. */
export function importCircles(edges: Edges): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const target of edges.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    const selfImport = (edges.get(node) ?? []).includes(node);
    if (component.length > 1 || selfImport) circles.push(describeCircle(edges, new Set(component)));
  };
  for (const node of [...edges.keys()].sort()) if (!index.has(node)) visit(node);
  return circles.sort();
}

/** One path around a strongly connected component, from its first file back to it. */
function describeCircle(edges: Edges, members: Set<string>): string {
  const start = [...members].sort()[0]!;
  const path = [start];
  const seen = new Set([start]);
  for (let current = start; ;) {
    const targets = (edges.get(current) ?? []).filter((target) => members.has(target)).sort();
    const back = targets.find((target) => target === start);
    const onward = targets.find((target) => !seen.has(target));
    if (back !== undefined && (onward === undefined || path.length === members.size)) return [...path, start].join(' → ');
    if (onward === undefined) return [...path, start].join(' → ');
    path.push(onward);
    seen.add(onward);
    current = onward;
  }
}
