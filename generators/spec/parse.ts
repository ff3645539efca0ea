/**
 * Reads one YAML or JSON file of a spec, bounded and located: aliases may not expand past a limit, and
 * a syntax error names its line, column and the JSON pointer of the node around it.
 *
 * Two YAML parsers, each for what the other cannot do: `yaml` bounds alias expansion
 * (`maxAliasCount`) and gives every node's offset (for pointers in errors); js-yaml parses several
 * times faster, so it reads every file that has no anchor (and so no alias to expand).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import type { Node } from 'yaml';

/**
 * `yaml`, loaded on first use (about 30 ms): a run whose files have no anchor and no syntax error
 * never needs it.
 */
let yamlModule: typeof import('yaml') | undefined;
const yaml = () => (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));
import { escapePointer as escape } from './document.ts';
import { display, SpecError } from './spec-error.ts';

/**
 * How far YAML aliases may expand (the `yaml` library's `maxAliasCount`: uses of an anchor times the
 * aliases inside it). The contract uses none; an alias bomb (`b: [*a, *a, …]` nested) fails at once
 * instead of being expanded into gigabytes.
 */
export const MAX_YAML_ALIASES = 100;

/** The JSON pointer of the deepest YAML node around a text offset (where a syntax error sits). */
export function pointerAt(node: Node | null | undefined, offset: number, pointer = ''): string {
  const { isMap, isSeq } = yaml();
  if (isMap(node) || isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      const key = isMap(node) ? String((item as { key?: { value?: unknown } }).key?.value ?? '') : String(index);
      const value = (isMap(node) ? (item as { value?: Node }).value : item) as Node | undefined;
      const range = value?.range ?? (isMap(node) ? (item as { key?: Node }).key?.range : undefined);
      if (range && offset >= range[0] && offset <= range[2]) return pointerAt(value, offset, `${pointer}/${escape(key)}`);
    }
  }
  return pointer;
}

/** Where a YAML file stops parsing: `line:column` and the pointer of the node around it. */
export function yamlSyntaxError(file: string): { pointer: string; detail: string } | undefined {
  const document = yaml().parseDocument(readFileSync(file, 'utf8'));
  const error = document.errors[0];
  if (!error) return undefined;
  const [line, column] = [error.linePos?.[0].line, error.linePos?.[0].col];
  return {
    pointer: pointerAt(document.contents, error.pos[0]),
    detail: `YAML syntax error at line ${line}, column ${column}: ${error.message.split('\n')[0]}`,
  };
}

/** The alias an over-expanding document trips on: the first one whose anchor itself holds aliases. */
function culpritAlias(document: ReturnType<typeof import('yaml').parseDocument>): Node | undefined {
  const { isAlias, visit } = yaml();
  const aliases: Node[] = [];
  visit(document, { Alias: (_, node) => void aliases.push(node) });
  const nested = aliases.find((alias) => {
    const source = isAlias(alias) ? alias.resolve(document) : undefined;
    let found = false;
    if (source) visit(source as never, { Alias: () => ((found = true), visit.BREAK) });
    return found;
  });
  return nested ?? aliases[0];
}

/** A YAML anchor (`&name` as a node property) could be there; false positives only cost speed. */
const MAYBE_ANCHOR = /(?:^|[\s:[{,-])&[^\s,[\]{}]/m;

/** Parses a spec file as the bundler will (JSON, or YAML with bounded aliases); syntax errors name line and pointer. */
export function parseSpecFile(file: string, text: string): unknown {
  if (file.endsWith('.json')) {
    try {
      return JSON.parse(text);
    } catch {
      // not JSON after all: YAML is a superset, and its errors say where
    }
  }
  // js-yaml is several times faster than `yaml`, but cannot bound alias expansion nor say where an
  // error sits: it only reads text with no anchor (so no alias can resolve), and any failure goes on
  // to `yaml`, which reports it. The core schema reads what `yaml` reads (no timestamps, no `<<`).
  if (!MAYBE_ANCHOR.test(text)) {
    try {
      return loadYaml(text, { schema: CORE_SCHEMA, filename: file });
    } catch {
      // reported below, with line and pointer
    }
  }
  const document = yaml().parseDocument(text);
  const syntax = document.errors[0];
  if (syntax) {
    throw new SpecError(
      display(file),
      pointerAt(document.contents, syntax.pos[0]),
      `YAML syntax error at line ${syntax.linePos?.[0].line}, column ${syntax.linePos?.[0].col}: ${syntax.message.split('\n')[0]}`,
    );
  }
  try {
    return document.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const alias = culpritAlias(document);
    const offset = alias?.range?.[0] ?? 0;
    const line = text.slice(0, offset).split('\n').length;
    throw new SpecError(
      display(file),
      pointerAt(document.contents, offset),
      `YAML aliases expand beyond the limit of ${MAX_YAML_ALIASES} (an alias bomb?) at line ${line}`,
    );
  }
}

/** The YAML or JSON text of a file, parsed, for tools that need a document without bundling. */
export function readDocument(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  // JSON.parse reads a 13 MB document in a tenth of a second, `yaml` in seconds.
  if (file.endsWith('.json')) {
    try {
      return JSON.parse(text);
    } catch {
      // not JSON after all: read as YAML, whose errors say where
    }
  }
  return yaml().parse(text, { maxAliasCount: MAX_YAML_ALIASES });
}

