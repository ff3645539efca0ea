/**
 * Handlebars, configured once: no HTML escaping (we emit code), strict (a missing variable is an
 * error, not an empty string). Templates hold loops and conditionals only; every value they print is
 * prepared by the generator, JSON-encoded where it lands in code.
 */
import Handlebars from 'handlebars';

const engine = Handlebars.create();

/** JSON literal of a value, for templates that emit code. */
engine.registerHelper('json', (value: unknown) => JSON.stringify(value));

export type TemplateSources = Record<string, string>;

/** Renders the named template with `data`; templates come from the caller so generators stay pure. */
export function render(templates: TemplateSources, name: string, data: object): string {
  const source = templates[name];
  if (source === undefined) throw new Error(`template ${name} is missing`);
  return engine.compile(source, { noEscape: true, strict: true })(data);
}

/** A verbatim asset (runtime code copied into the output) from the same source map. */
export function asset(templates: TemplateSources, name: string): string {
  const source = templates[name];
  if (source === undefined) throw new Error(`asset ${name} is missing`);
  return source;
}
