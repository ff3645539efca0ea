/**
 * `generate --spec` on documents as they are published (issue 24): one minimal document per cause
 * that stopped real public documents from generating, or generated validators that could not say why.
 * Each runs the whole command in process and uses what it wrote.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runGenerate } from '../../scripts/generate.ts';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';

const TMP_BASE = join(REPO_ROOT, 'node_modules', '.cache', 'pivot-contract-tests');
mkdirSync(TMP_BASE, { recursive: true });
const scratch = mkdtempSync(join(TMP_BASE, 'published-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const SPECS = resolve(REPO_ROOT, 'test/fixtures/specs/published');

async function generate(name: string, ...flags: string[]) {
  const out = join(scratch, `${name}${flags.join('')}`);
  const lines = { out: [] as string[], err: [] as string[] };
  const code = await runGenerate(['--spec', join(SPECS, name, 'openapi.yaml'), '--out', out, ...flags], {
    log: (line) => lines.out.push(line),
    error: (line) => lines.err.push(line),
  });
  return { code, out, err: lines.err, log: lines.out };
}

const importFrom = (out: string, module: string) => import(join(out, module));

describe('cause 1: a documented example that breaks its own schema', () => {
  const run = generate('invalid-examples');

  it('is a warning: a count, then one line per example with its pointer and first violation; the run succeeds', async () => {
    const { code, err } = await run;
    expect(code, err.join('\n')).toBe(0);
    const lines = err.filter((line) => line.startsWith('warning: '));
    expect(lines[0]).toBe(
      'warning: 3 documented examples do not match their schemas; left out of the fixtures (--strict-examples makes them errors):',
    );
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(
        /^warning: {3}\S*invalid-examples\/openapi\.yaml#\/paths\/~1charges\/post\/requestBody\/content\/application~1json\/examples\/amount-as-text\/value\/amount: example "amount-as-text" of createCharge request: \/amount must be integer$/,
      ),
      expect.stringMatching(
        /examples\/lower-case-currency\/value\/currency: example "lower-case-currency" of createCharge request: \/currency must be equal to one of the allowed values$/,
      ),
      expect.stringMatching(
        /responses\/200\/content\/application~1json\/examples\/refunded\/value\/status: example "refunded" of createCharge 200: \/status must be equal to one of the allowed values$/,
      ),
    ]);
  });

  it('leaves the broken examples out of the fixtures and keeps the good ones', async () => {
    const { out } = await run;
    const { fixtures } = await importFrom(out, 'fixtures/index.js');
    expect(Object.keys(fixtures.createCharge.request)).toEqual(['good']);
    expect(Object.keys(fixtures.createCharge.responses['200'])).toEqual(['paid']);
  });

  it('--strict-examples makes them errors (exit 1, the first one named)', async () => {
    const { code, err } = await generate('invalid-examples', '--strict-examples');
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(
      /spec error: \S*invalid-examples\/openapi\.yaml#\/paths\/~1charges\/post\/requestBody\/content\/application~1json\/examples\/amount-as-text\/value\/amount: example "amount-as-text" of createCharge request violates ChargeInput: \/amount must be integer/,
    );
  });
});

describe('cause 2: $ref keys inside example values are data, not references', () => {
  const run = generate('example-refs');

  it('generates without following them (no fetch, no missing file)', async () => {
    const { code, err } = await run;
    expect(err).toEqual([]);
    expect(code).toBe(0);
  });

  it('keeps them verbatim in the fixtures and the bundle', async () => {
    const { out } = await run;
    const { fixtures } = await importFrom(out, 'fixtures/index.js');
    expect(fixtures.createSchema.request.remote.document).toEqual({ $ref: 'https://schemas.example.com/address.json' });
    expect(fixtures.createSchema.request['local-file'].document).toEqual({
      properties: { home: { $ref: './definitions/home.yaml#/Home' } },
    });
    const bundle = JSON.parse(readFileSync(join(out, 'openapi.json'), 'utf8'));
    const schema = bundle.components.schemas.SchemaDocument.properties.document;
    expect(schema.example).toEqual({ $ref: 'https://schemas.example.com/other.json' });
    expect(schema.default).toEqual({ $ref: '#/definitions/default' });
    expect(bundle.paths['/schemas'].post.responses['200'].content['application/json'].example.document).toEqual({
      $ref: '#/definitions/nowhere',
    });
  });
});

describe('cause 3: relative discriminator.mapping values in a split document', () => {
  const run = generate('split-mapping');

  it('are resolved against the file they are written in', async () => {
    const { code, err } = await run;
    expect(err).toEqual([]);
    expect(code).toBe(0);
  });

  it('leave no reference pointing at a file in the bundle', async () => {
    const { out } = await run;
    const bundle = JSON.parse(readFileSync(join(out, 'openapi.json'), 'utf8'));
    const { 'x-generated': notice, ...document } = bundle;
    expect(notice).toMatch(/split-mapping\/openapi\.yaml/);
    expect(JSON.stringify(document)).not.toMatch(/\.ya?ml/);
    const mapping = document.components.schemas.Pet.discriminator.mapping;
    const dog = mapping.dog
      .slice(2)
      .split('/')
      .reduce((node: any, key: string) => node[key.replaceAll('~1', '/')], bundle);
    expect(dog.properties.kind.enum).toEqual(['dog']);
    const cat = mapping.cat
      .slice(2)
      .split('/')
      .reduce((node: any, key: string) => node[key.replaceAll('~1', '/')], bundle);
    expect(cat.properties.kind.enum).toEqual(['cat']);
    const { validateResponse } = await importFrom(out, 'validators/index.js');
    expect(validateResponse('createPet', 200, { kind: 'cat', name: 'Tom', lives: 9 })).toEqual({ valid: true });
    expect(validateResponse('createPet', 200, { kind: 'cat', name: 'Tom', lives: 'nine' }).valid).toBe(false);
  });
});

describe('cause 3: a schema file a split document uses from several operations', () => {
  const run = generate('split-shared');

  it('is one component schema, named after its file, that every use refers to, not a copy at each', async () => {
    const { code, err, out } = await run;
    expect(code, err.join('\n')).toBe(0);
    const text = readFileSync(join(out, 'openapi.json'), 'utf8');
    expect(text.split('An item, with the items under it.').length - 1).toBe(1);
    const bundle = JSON.parse(text);
    const home = { $ref: '#/components/schemas/Item' };
    expect(bundle.components.schemas.Item.properties.children.items).toEqual(home);
    const items = bundle.paths['/items'];
    expect(items.post.requestBody.content['application/json'].schema).toEqual(home);
    expect(items.post.responses['201'].content['application/json'].schema).toEqual(home);
    expect(items.get.responses['200'].content['application/json'].schema.items).toEqual(home);
    const { operations, validateResponse } = await importFrom(out, 'validators/index.js');
    expect(operations.createItem).toMatchObject({ request: 'Item', responses: { '201': 'Item' } });
    expect(validateResponse('listItems', 200, [{ id: 'a', children: [{ id: 'b' }] }])).toEqual({ valid: true });
    expect(validateResponse('createItem', 201, { id: 'a', children: [{ id: 1 }] }).errors).toEqual([
      { path: '/children/0/id', keyword: 'type', message: '/children/0/id must be string' },
    ]);
  });
});

describe('cause 3: responses, parameters, headers and bodies a split document shares between operations', () => {
  const run = generate('split-shared-objects');

  it('are each one component of their kind, named after their file, that every use refers to', async () => {
    const { code, err, out } = await run;
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const text = readFileSync(join(out, 'openapi.json'), 'utf8');
    for (const once of [
      'Credentials are missing or wrong',
      'Requests allowed per hour',
      'Items per page',
      'An item, written once',
    ])
      expect(text.split(once).length - 1, once).toBe(1);
    const bundle = JSON.parse(text);
    expect(text).not.toMatch(/"#\/paths\//);
    const unauthorized = { $ref: '#/components/responses/unauthorized' };
    const perPage = { $ref: '#/components/parameters/per_page' };
    const rateLimit = { $ref: '#/components/headers/ratelimit-limit' };
    const item = { $ref: '#/components/requestBodies/item' };
    const { get, post } = bundle.paths['/items'];
    const { put } = bundle.paths['/items/{id}'];
    for (const operation of [get, post, put]) expect(operation.responses['401']).toEqual(unauthorized);
    expect(get.parameters).toEqual([perPage]);
    expect(put.parameters[1]).toEqual(perPage);
    expect(post.requestBody).toEqual(item);
    expect(put.requestBody).toEqual(item);
    expect(get.responses['200'].headers['ratelimit-limit']).toEqual(rateLimit);
    expect(post.responses['201'].headers['ratelimit-limit']).toEqual(rateLimit);
    expect(bundle.components.responses.unauthorized.headers['ratelimit-limit']).toEqual(rateLimit);
    expect(bundle.components.parameters.per_page).toMatchObject({ name: 'per_page', in: 'query' });
  });

  it('give every operation that uses them the one validator and type of the component', async () => {
    const { out } = await run;
    const { operations, validateRequest, validateResponse } = await importFrom(out, 'validators/index.js');
    for (const operationId of ['listItems', 'createItem', 'replaceItem'])
      expect(operations[operationId].responses['401'], operationId).toBe('UnauthorizedResponse');
    expect(operations.createItem.request).toBe('ItemRequest');
    expect(operations.replaceItem.request).toBe('ItemRequest');
    expect(validateResponse('replaceItem', 401, { id: 'denied', message: 'no' })).toEqual({ valid: true });
    expect(validateResponse('listItems', 401, { id: 'denied' }).errors).toEqual([
      { path: '/message', keyword: 'required', message: '/message is required' },
    ]);
    expect(validateRequest('replaceItem', { name: 'a' })).toEqual({ valid: true });
    expect(validateRequest('createItem', {}).valid).toBe(false);
    const types = readFileSync(join(out, 'openapi.d.ts'), 'utf8');
    expect(types).toMatch(/401: components\["responses"\]\["unauthorized"\];/);
    expect(types).toMatch(/requestBody: components\["requestBodies"\]\["item"\];/);
  });
});

describe('cause 4: components that are only a $ref to another component', () => {
  const run = generate('aliases');

  it('are named in the models: aliases, aliases of aliases, cycles through an alias', async () => {
    const { code, err, out } = await run;
    expect(code, err.join('\n')).toBe(0);
    const models = readFileSync(join(out, 'models.d.ts'), 'utf8');
    // Each reference names what its author wrote, not the end of the chain it leads to.
    expect(models).toMatch(/^export type UserBase = UserCompact;$/m);
    expect(models).toMatch(/^export type UserAlias = UserBase;$/m);
    expect(models).toMatch(/^export type NodeAlias = Node;$/m);
    expect(models).toMatch(/^ {4}u\?: UserBase;$/m);
    expect(models).toMatch(/^ {4}v\?: UserAlias;$/m);
    expect(models).toMatch(/^ {4}w\?: NodeAlias;$/m);
    expect(models).toMatch(/^ {4}next\?: NodeAlias;$/m);
    expect(models).toMatch(/^export type Forest = Grove;$/m);
    expect(models).toMatch(/^export type Grove = Tree;$/m);
    expect(models).toMatch(/^ {4}children\?: Forest\[\];$/m);
    const types = readFileSync(join(out, 'openapi.d.ts'), 'utf8');
    expect(types).toMatch(/^ +u\?: components\["schemas"\]\["UserBase"\];$/m);
    expect(types).toMatch(/^ +UserAlias: components\["schemas"\]\["UserBase"\];$/m);
    const { validate } = await importFrom(out, 'validators/index.js');
    expect(validate('UserAlias', { id: 'u' })).toEqual({ valid: true });
    expect(validate('UserAlias', {}).valid).toBe(false);
    expect(validate('Holder', { w: { value: 1, next: { value: 'x' } } }).errors).toEqual([
      { path: '/w/next/value', keyword: 'type', message: '/w/next/value must be integer' },
    ]);
  });
});

describe('cause 5: request and response bodies written inline', () => {
  const run = generate('inline-bodies');

  it('get validators named operationId + Request / status + Response, shared by the models and the lookups', async () => {
    const { code, err, out } = await run;
    expect(code, err.join('\n')).toBe(0);
    const validators = await importFrom(out, 'validators/index.js');
    expect(validators.operations.createOrder).toEqual({
      webhook: false,
      request: 'CreateOrderRequest',
      responses: { '201': 'CreateOrder201Response', '400': 'Problem' },
    });
    expect(validators.validateRequest('createOrder', { sku: 'ABC-1' })).toEqual({ valid: true });
    expect(validators.validateRequest('createOrder', { sku: 'ABCDEFGHIJ' }).errors[0].message).toBe(
      '/sku must NOT have more than 8 characters',
    );
    expect(validators.validateResponse('createOrder', 201, { id: 'o_1', order: { sku: 1 } }).errors[0].path).toBe('/order/sku');
    expect(validators.validateResponse('createOrder', 400, {}).errors[0].path).toBe('/title');
    expect(validators.isCreateOrderRequest({ sku: 'A' })).toBe(true);
    const models = readFileSync(join(out, 'models.d.ts'), 'utf8');
    expect(models).toMatch(/^export interface CreateOrderRequest \{/m);
    expect(models).toMatch(/^export interface CreateOrder201Response \{/m);
    const { fixtures } = await importFrom(out, 'fixtures/index.js');
    expect(fixtures.createOrder.request.one).toEqual({ sku: 'ABC-1', quantity: 1 });
  });

  it('an operation without operationId gets one derived from method and path, reported once', async () => {
    const { err, out } = await run;
    expect(err.filter((line) => /operationId/.test(line))).toEqual([
      'warning: 1 operation has no operationId; named from its method and path: GET /orders/{id} → getOrdersId',
    ]);
    const validators = await importFrom(out, 'validators/index.js');
    expect(validators.operations.getOrdersId.responses).toEqual({ '200': 'GetOrdersId200Response' });
    expect(validators.validateResponse('getOrdersId', 200, { id: 'o_1', total: 'ten' }).errors[0].path).toBe('/total');
  });
});

describe('cause 6: an invalid result always says why', () => {
  const run = generate('one-of-overlap');

  it('a oneOf matched by more than one branch is one violation, not an empty list', async () => {
    const { code, out } = await run;
    expect(code).toBe(0);
    const { validate } = await importFrom(out, 'validators/index.js');
    expect(validate('Code', 'abc')).toEqual({
      valid: false,
      errors: [
        {
          path: '',
          keyword: 'oneOf',
          message: '/ matches more than one of the alternatives (1 and 2; exactly one must match)',
        },
      ],
    });
    expect(validate('Code', 'abcdefgh')).toEqual({ valid: true });
  });
});

describe('cause 7: a non-recursive schema pays for no depth walk', () => {
  const run = generate('one-of-overlap');

  it('data the schema never descends into is never walked', async () => {
    const { out } = await run;
    const { validate } = await importFrom(out, 'validators/index.js');
    let enumerated = 0;
    const watched = new Proxy(
      { a: { b: {} } },
      {
        ownKeys: (target) => {
          enumerated++;
          return Reflect.ownKeys(target);
        },
      },
    );
    const result = validate('Flat', { name: 'x', extra: watched });
    expect(result.valid).toBe(false);
    expect(result.errors.map((error: { path: string }) => error.path)).toEqual(['/extra']);
    expect(enumerated).toBe(0);
  });
});
