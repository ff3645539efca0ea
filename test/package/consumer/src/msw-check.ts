// MSW in a consumer's unit test: the package's handlers under msw/node, called through openapi-fetch.
import { setupServer } from 'msw/node';
import { fixtures } from 'pivot-payments-contract/fixtures';
import { handlers, sandboxHandlers } from 'pivot-payments-contract/msw';
import { pivotClient } from './client.js';

export async function mswCheck(): Promise<{ documented: number; unauthenticated: number; sandbox: number }> {
  const stateful = sandboxHandlers({ baseUrl: 'https://sandbox.pivot.test' });
  const server = setupServer(...handlers({ baseUrl: 'https://pivot.test' }), ...stateful);
  server.listen({ onUnhandledRequest: 'error' });
  try {
    const client = pivotClient('https://pivot.test');
    const body = fixtures.createPaymentSession.request['qr-static'];
    const header = { 'X-REQUEST-ID': 'mswcheck00000000001' };
    const documented = await client.POST('/v2/payments', { body, params: { header }, headers: { Authorization: 'Bearer t' } });
    const unauthenticated = await client.POST('/v2/payments', { body, params: { header } });
    const sandbox = await pivotClient('https://sandbox.pivot.test').POST('/v1/access-token', {
      body: { grantType: 'client_credentials' },
      headers: { 'X-MERCHANT-ID': 'sandbox-merchant', 'X-MERCHANT-SECRET': 'sandbox-secret' },
    });
    return {
      documented: documented.response.status,
      unauthenticated: unauthenticated.response.status,
      sandbox: sandbox.response.status,
    };
  } finally {
    server.close();
  }
}
