/**
 * Pivot's documented examples as published (spec/errata/published/), parsed the lenient way a
 * reader would, and compared with the contract: every syntax slip and every schema violation is a
 * "deviation", and the errata register (spec/errata/register.yaml) must list exactly those.
 */
import * as jsonPatch from 'fast-json-patch/index.mjs';
import type { Operation } from 'fast-json-patch';
import { getLocation, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { Deviation, ParsedDocument, PublishedTarget } from './register.ts';


function toPointer(path: Array<string | number>): string {
  const segments = [...path];
  while (segments.length > 0 && segments.at(-1) === '') segments.pop();
  return segments.map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** Offset of the first non-blank character of the line holding `offset`: comments point at their line's property. */
function lineStart(text: string, offset: number): number {
  let start = text.lastIndexOf('\n', offset - 1) + 1;
  while (text[start] === ' ' || text[start] === '\t') start++;
  return start;
}

function syntaxIssue(text: string, error: ParseError): { code: string; pointer: string } {
  return { code: printParseErrorCode(error.error), pointer: toPointer(getLocation(text, lineStart(text, error.offset)).path) };
}

/** Spans of the top-level `{…}` documents of a block (strings skipped); an unclosed one runs to the end. */
function documentSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"' && depth > 0) inString = true;
    else if (ch === '{') {
      if (depth++ === 0) start = i;
    } else if (ch === '}' && depth > 0 && --depth === 0) spans.push([start, i + 1]);
  }
  if (depth > 0) spans.push([start, text.length]);
  return spans;
}

/**
 * Parses a published block as a reader would: comments, trailing commas and missing commas are
 * tolerated (and reported), and prose between several documents of one block is reported too.
 */
export function parseLeniently(text: string): { documents: ParsedDocument[]; prose: string[] } {
  const spans = documentSpans(text);
  const prose: string[] = [];
  let cursor = 0;
  for (const [start, end] of spans) {
    const between = text.slice(cursor, start).trim();
    if (between) prose.push(between);
    cursor = end;
  }
  const tail = text.slice(cursor).trim();
  if (tail) prose.push(tail);
  const documents = spans.map(([start, end]) => {
    const body = text.slice(start, end);
    const errors: ParseError[] = [];
    const value = parse(body, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    return { value, syntax: errors.map((error) => syntaxIssue(body, error)) };
  });
  return { documents, prose };
}

/** The part of a parsed document an example stands for (`pointer`, e.g. `/chargeDetails/0`). */
export function targetValue(document: unknown, target: PublishedTarget): unknown {
  const pointer = 'schema' in target ? (target.pointer ?? '') : '';
  return pointer ? jsonPatch.getValueByPointer(document, pointer) : document;
}

export function deviationKey(deviation: Deviation): string {
  return `${deviation.file}#${deviation.document} ${deviation.kind} ${deviation.code} ${deviation.pointer}`;
}

/** Applies a register entry's fix (RFC 6902 operations) to a copy of a document. */
export function applyFixes(document: unknown, fixes: Operation[]): unknown {
  return jsonPatch.applyPatch(structuredClone(document), fixes, true, false).newDocument;
}
