/**
 * The OpenAPI schema check with precompiled validators (generators/spec/openapi-schema.ts) says what
 * swagger-parser's own `validate()` says, on valid documents (3.0 and 3.1, circular ones too) and on
 * broken ones: the same verdict, message and Ajv errors. And the committed compiled code is what the
 * installed swagger-parser and Ajv compile today.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { bundleSpec, validateAgainstOpenApiSchema } from '../../generators/spec/load.ts';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';
import { OPENAPI_SCHEMA_VALIDATORS, openApiSchemaCode } from '../../scripts/maintainer/openapi-schema-code.ts';

type Doc = Record<string, any>;

/** What a check answered: `ok`, or the error's message and details. */
async function verdict(check: (document: Doc) => Promise<unknown>, document: Doc) {
  try {
    await check(structuredClone(document));
    return { ok: true };
  } catch (error) {
    const { message, details } = error as Error & { details?: unknown };
    return { ok: false, message, details };
  }
}

const bySwaggerParser = (document: Doc) => SwaggerParser.validate(document as never, { resolve: { external: false } });
const precompiled = (document: Doc) => validateAgainstOpenApiSchema(document as never);

const corpus = (name: string) => resolve(REPO_ROOT, 'test', 'fixtures', 'corpus', name);
const DOCUMENTS = {
  'this spec (3.1)': resolve(REPO_ROOT, 'generated', 'openapi.json'),
  'Petstore (3.0.4)': corpus('petstore/openapi.yaml'),
  'PayPal (3.0.3)': corpus('paypal-payments/openapi.json'),
  'Adyen Disputes (3.1.0)': corpus('adyen-disputes/openapi.yaml'),
};

/** Ways to break a document, each somewhere the OpenAPI schema (3.0 or 3.1) says no. */
const BREAKAGES: Record<string, (document: Doc) => void> = {
  'no info': (document) => delete document.info,
  'paths is a string': (document) => (document.paths = 'none'),
  'an unknown top-level key': (document) => (document.colour = 'blue'),
  'a response without a description': (document) => {
    const operation = Object.values(document.paths as Doc).flatMap((item) => Object.values(item as Doc))[0] as Doc;
    operation.responses = { '200': { content: {} } };
  },
  'a parameter in the body': (document) => {
    const operation = Object.values(document.paths as Doc).flatMap((item) => Object.values(item as Doc))[0] as Doc;
    operation.parameters = [{ name: 'x', in: 'body', schema: { type: 'string' } }];
  },
  'a server without a url': (document) => (document.servers = [{ description: 'somewhere' }]),
  'a circular schema (valid)': (document) => {
    document.components ??= {};
    document.components.schemas = { ...document.components.schemas, Node: { type: 'object', properties: { next: { $ref: '#/components/schemas/Node' } } } };
  },
};

describe('the OpenAPI schema check (precompiled) agrees with swagger-parser', () => {
  for (const [name, file] of Object.entries(DOCUMENTS)) {
    describe(name, async () => {
      const document = file.endsWith('openapi.json') && file.includes('generated')
        ? (JSON.parse(readFileSync(file, 'utf8')) as Doc)
        : ((await bundleSpec(file)) as Doc);
      it('the document as published: both accept it', async () => {
        expect(await verdict(precompiled, document)).toEqual({ ok: true });
        expect(await verdict(bySwaggerParser, document)).toEqual({ ok: true });
      });
      for (const [breakage, breakIt] of Object.entries(BREAKAGES)) {
        it(breakage, async () => {
          const broken = structuredClone(document);
          breakIt(broken);
          const expected = await verdict(bySwaggerParser, broken);
          expect(await verdict(precompiled, broken)).toEqual(expected);
          expect(expected.ok).toBe(breakage.endsWith('(valid)'));
        });
      }
    });
  }
});

describe('the committed precompiled validators', () => {
  it('are what the installed swagger-parser and Ajv compile (regenerate: npx tsx scripts/maintainer/openapi-schema-code.ts)', () => {
    expect(readFileSync(OPENAPI_SCHEMA_VALIDATORS, 'utf8') === openApiSchemaCode()).toBe(true);
  });
});
