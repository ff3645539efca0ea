/**
 * The spec itself: a valid OpenAPI 3.1 document (swagger-parser), every split file reachable from
 * the root, every extension documented, every published operation named as DESIGN.md fixes it.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listOperations } from '../../generators/spec/operations.ts';
import { SPEC_DIR, SPEC_ROOT } from '../../generators/spec/pivot-contract.ts';
import { bundledSpec } from '../helpers.ts';

const spec = await bundledSpec();

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function extensionsIn(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((item) => extensionsIn(item, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('x-')) found.add(key);
      extensionsIn(value, found);
    }
  }
  return found;
}

describe('spec', () => {
  it('validates as OpenAPI 3.1.0 with swagger-parser', async () => {
    const api = (await SwaggerParser.validate(SPEC_ROOT)) as { openapi?: string };
    expect(api.openapi).toBe('3.1.0');
  });

  it('lists every component file in the root document', () => {
    const root = readFileSync(SPEC_ROOT, 'utf8');
    for (const folder of ['schemas', 'responses', 'parameters', 'securitySchemes']) {
      for (const file of filesUnder(join(SPEC_DIR, 'components', folder))) {
        expect(root, file).toContain(`./components/${folder}/${file.split('/').at(-1)}`);
      }
    }
  });

  it('references every example file from the root or a path', () => {
    const referencing = [SPEC_ROOT, ...filesUnder(join(SPEC_DIR, 'paths')), ...filesUnder(join(SPEC_DIR, 'components', 'responses'))]
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const unreferenced = filesUnder(join(SPEC_DIR, 'components', 'examples'))
      .map((file) => file.slice(join(SPEC_DIR, 'components', 'examples').length + 1))
      .filter((file) => !referencing.includes(`examples/${file}`));
    expect(unreferenced).toEqual([]);
  });

  it('documents every x- extension it uses in spec/EXTENSIONS.md', () => {
    const documented = readFileSync(join(SPEC_DIR, 'EXTENSIONS.md'), 'utf8');
    const undocumented = [...extensionsIn(spec)].filter((extension) => !documented.includes(`\`${extension}\``));
    expect(undocumented).toEqual([]);
  });

  it('has the operations DESIGN.md names, at their paths', () => {
    const operations = Object.fromEntries(listOperations(spec).map((operation) => [operation.operationId, `${operation.method.toUpperCase()} ${operation.path}`]));
    expect(operations).toEqual({
      createPaymentSession: 'POST /v2/payments',
      confirmPaymentSession: 'POST /v2/payments/{id}/confirm',
      cancelPaymentSession: 'POST /v2/payments/{id}/cancel',
      capturePaymentSession: 'POST /v2/payments/{id}/capture',
      simulatePayment: 'POST /v2/payments/simulations',
      getCustomer: 'GET /v1/customers/{customerId}',
      createAccessToken: 'POST /v1/access-token',
      paymentCallback: 'POST paymentCallback',
      refundCallback: 'POST refundCallback',
    });
  });

  it('serves simulatePayment from the sandbox only', () => {
    const servers = spec.paths!['/v2/payments/simulations']!.post!.servers!;
    expect(servers.map((server) => server.url)).toEqual(['https://api-stg.pivot-payment.com']);
  });

  it('has the component schemas DESIGN.md names', () => {
    expect(Object.keys(spec.components!.schemas!)).toEqual(
      expect.arrayContaining(['Amount', 'RedirectUrl', 'PaymentMethod', 'PaymentMethodOptions', 'Customer', 'StoredPaymentMethod', 'OrderInformation',
        'PaymentSession', 'PaymentSessionStatus', 'Charge', 'ChargeStatus', 'CreatePaymentSessionRequest', 'ConfirmPaymentSessionRequest',
        'PaymentSessionResponse', 'ErrorResponse']),
    );
  });

  it('documents the error statuses on every operation', () => {
    for (const operation of listOperations(spec).filter((candidate) => candidate.kind === 'path')) {
      expect(Object.keys(operation.responses), operation.operationId).toEqual(
        expect.arrayContaining(['200', '400', '401', '403', '404', '429', '500', '502', '503', '504']),
      );
    }
  });

  it('requires X-REQUEST-ID on createPaymentSession and uses the merchant credentials for the access token', () => {
    const create = spec.paths!['/v2/payments']!.post!;
    expect(JSON.stringify(create.parameters)).toContain('XRequestId');
    expect(spec.paths!['/v1/access-token']!.post!.security).toEqual([{ merchantId: [], merchantSecret: [] }]);
    expect((spec.webhooks!.paymentCallback as { post: { security: unknown } }).post.security).toEqual([{ callbackApiKey: [] }]);
  });
});
