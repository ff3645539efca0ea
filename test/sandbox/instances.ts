/**
 * What the team sandbox's tests use beside the instances (scripts/maintainer/sandbox-processes.ts): a
 * merchant's client of one instance, and a callback receiver that counts what it gets and can hold a
 * delivery open.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, any>;

export interface Answered {
  status: number;
  text: string;
  json: Json;
}

/** A merchant's client of one instance. */
export function client(url: string) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answered> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, json: JSON.parse(text) as Json };
  };
  return {
    url,
    call,
    async token(): Promise<string> {
      const answer = await call(
        'POST',
        '/v1/access-token',
        { grantType: 'client_credentials' },
        { 'x-merchant-id': 'sandbox-merchant', 'x-merchant-secret': 'sandbox-secret' },
      );
      if (answer.status !== 200) throw new Error(`access token: ${answer.status} ${answer.text}`);
      return answer.json.data.accessToken as string;
    },
    create: (token: string, body: Json, requestId: string) =>
      call('POST', '/v2/payments', body, { authorization: `Bearer ${token}`, 'x-request-id': requestId }),
    simulate: (token: string, paymentSessionId: string, chargeStatus = 'SUCCESS') =>
      call('POST', '/v2/payments/simulations', { paymentSessionId, chargeStatus }, { authorization: `Bearer ${token}` }),
    cancel: (token: string, id: string) =>
      call(
        'POST',
        `/v2/payments/${id}/cancel`,
        { cancellationReason: 'REQUESTED_BY_CUSTOMER' },
        { authorization: `Bearer ${token}` },
      ),
    session: async (id: string) => (await call('GET', `/_sandbox/sessions/${id}`)).json.data as Json,
    sessions: async () => (await call('GET', '/_sandbox/sessions?limit=1000')).json.sessions as Json[],
    clock: async () => Date.parse((await call('GET', '/_sandbox/clock')).json.now as string),
    advance: (seconds: number) => call('POST', '/_sandbox/clock', { advanceSeconds: seconds }),
    deliveries: async () => (await call('GET', '/_sandbox/callbacks?limit=1000')).json.deliveries as Json[],
  };
}

export interface Post {
  event: string;
  sessionId: string;
  at: number;
}

export interface CountingReceiver {
  url: string;
  posts: Post[];
  /** Statuses to answer in turn (the last repeats); `hold` keeps the request open without an answer. */
  answers: Array<number | 'hold'>;
  /** Posts of each `session event`, for the ones received more than `expected` times. */
  beyond(expected: (post: Post) => number): Record<string, number>;
  close(): Promise<void>;
}

/** A callback endpoint on 127.0.0.1 counting every POST, by session and event. */
export async function startCountingReceiver(): Promise<CountingReceiver> {
  const posts: Post[] = [];
  const held: ServerResponse[] = [];
  const receiver = { posts, answers: [200] as Array<number | 'hold'> };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json;
      posts.push({ event: body.event, sessionId: body.data?.id, at: Date.now() });
      const answer = receiver.answers.length > 1 ? receiver.answers.shift()! : receiver.answers[0]!;
      if (answer === 'hold') {
        held.push(response);
        return;
      }
      response.writeHead(answer, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/callback`,
    beyond(expected: (post: Post) => number) {
      const counts = new Map<string, { post: Post; count: number }>();
      for (const post of posts) {
        const key = `${post.sessionId} ${post.event}`;
        counts.set(key, { post, count: (counts.get(key)?.count ?? 0) + 1 });
      }
      return Object.fromEntries(
        [...counts].filter(([, { post, count }]) => count > expected(post)).map(([key, { count }]) => [key, count]),
      );
    },
    close: () =>
      new Promise<void>((done) => {
        for (const response of held) response.destroy();
        server.close(() => done());
        server.closeAllConnections();
      }),
  });
}

/** Polls `check` every 50 ms until it returns a value other than undefined, or throws after `ms`. */
export async function eventually<T>(what: string, ms: number, check: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((done) => setTimeout(done, 50));
  }
}
