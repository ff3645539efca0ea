// openapi-fetch over the installed package's `paths`: every documented create request as a body,
// the answer narrowed by status. Type-checked under nodenext and bundler; main.ts runs it.
import createClient from 'openapi-fetch';
import type { paths } from 'pivot-payments-contract/openapi';
import { fixtures } from 'pivot-payments-contract/fixtures';

export function pivotClient(baseUrl: string) {
  return createClient<paths>({ baseUrl });
}

export async function createEvery(baseUrl: string, token: string): Promise<number[]> {
  const client = pivotClient(baseUrl);
  const statuses: number[] = [];
  for (const [index, body] of Object.values(fixtures.createPaymentSession.request).entries()) {
    const { data, error, response } = await client.POST('/v2/payments', {
      body,
      params: { header: { 'X-REQUEST-ID': `consumer${String(index).padStart(12, '0')}` } },
      headers: { Authorization: `Bearer ${token}` },
    });
    // Narrowed: `data` is the 200 body, `error` an ErrorResponse.
    const status: string | undefined = data?.data.status ?? error?.code;
    if (status === undefined) throw new Error('neither data nor error');
    statuses.push(response.status);
  }
  return statuses;
}
