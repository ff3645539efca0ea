/**
 * The OpenAPI schema check of a bundled document, as swagger-parser's `validate()` makes it (its
 * lib/validators/schema.js: the OpenAPI 3.0 or 3.1 JSON Schema, every error, formats not checked), with
 * the validators compiled ahead of time (generators/spec/openapi-schema-validators.ts) instead of on
 * every run. The error is swagger-parser's too: its message, and Ajv's errors as `details`.
 * https://spec.openapis.org/oas/v3.1.0#openapi-document
 */
import { validateOpenApi30, validateOpenApi31 } from './openapi-schema-validators.ts';

interface SchemaError {
  instancePath: string;
  message?: string;
}

type Validate = ((document: unknown) => boolean) & { errors?: SchemaError[] | null };

/** swagger-parser's message: one `#<instancePath> <message>` line per error. */
function describe(errors: readonly SchemaError[]): string {
  return errors.map((error) => `  #${error.instancePath.length ? error.instancePath : '/'} ${error.message}\n`).join('');
}

/**
 * Throws swagger-parser's SyntaxError (with `details`) if a dereferenced OpenAPI 3.x document does
 * not satisfy its version's schema (3.1 for `3.1.*`, else 3.0).
 */
export function assertOpenApiSchema(document: { openapi?: unknown }): void {
  const validate = (
    String(document.openapi).startsWith('3.1') ? validateOpenApi31 : validateOpenApi30
  ) as Validate;
  if (validate(document)) return;
  const errors = validate.errors ?? [];
  const error = new SyntaxError(`Swagger schema validation failed.\n${describe(errors)}`) as SyntaxError & {
    details: SchemaError[];
  };
  error.details = errors;
  throw error;
}
