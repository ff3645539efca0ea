/**
 * Every generated file ends in exactly one newline (`finalNewline`). It used a regular expression,
 * `/\s+$/`, which retries at every whitespace run of a many-megabyte module (tens of ms per module on
 * Adyen Checkout's); `trimEnd` strips the same characters from the end only.
 */
import { describe, expect, it } from 'vitest';
import { finalNewline } from '../../generators/emit/output.ts';

describe('finalNewline', () => {
  it.each([
    ['code', 'code\n'],
    ['code\n', 'code\n'],
    ['code\n\n\n', 'code\n'],
    ['code \t\r\n', 'code\n'],
    // Every JavaScript whitespace and line terminator, as `\s` matches them.
    ['code\u00a0\u2028\u2029\ufeff\u3000\v\f', 'code\n'],
    ['', '\n'],
    ['  indented\n\n  inside \n\nlast', '  indented\n\n  inside \n\nlast\n'],
  ])('%j → %j', (text, expected) => {
    expect(finalNewline(text)).toBe(expected);
    expect(finalNewline(text)).toBe(`${text.replace(/\s+$/, '')}\n`);
  });
});
