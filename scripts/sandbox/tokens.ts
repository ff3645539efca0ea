/**
 * Access tokens (Authentication): `POST /v1/access-token` issues one for the merchant's id and secret,
 * and every other call must carry an issued, unexpired one as `Authorization: Bearer …`. Tokens live
 * 900 seconds of sandbox time, so moving the sandbox clock 900 s or more expires every token issued
 * before the move: the 401 says when it expired, and on which clock.
 */
import { boundedMap } from './bounded-map.ts';
import type { Clock } from './clock.ts';
import type { IdSource } from './ids.ts';
import { TOKEN_TTL_SECONDS } from './rules.ts';
import { requestTime } from '../../generators/spec/request-time.ts';

export interface TokenTable {
  /** A new token and its documented lifetime. */
  issue(): { accessToken: string; expiresIn: string; tokenType: 'Bearer' };
  /** True for an issued, unexpired token in an `Authorization` header; else the 401's message. */
  check(authorization: string | null): true | string;
  clear(): void;
}

export function tokenTable(clock: Clock, ids: IdSource, capacity = 10_000): TokenTable {
  const expiries = boundedMap<string, number>(capacity);
  return {
    issue() {
      const token = `sbx.${ids.alphanumeric(40)}`;
      expiries.set(token, clock.now() + TOKEN_TTL_SECONDS * 1000);
      return { accessToken: token, expiresIn: String(TOKEN_TTL_SECONDS), tokenType: 'Bearer' };
    },
    check(authorization) {
      const token = authorization?.replace(/^bearer +/i, '').trim() ?? '';
      const expires = expiries.get(token);
      if (expires === undefined) return 'Access token is invalid: it was not issued by this sandbox (POST /v1/access-token)';
      // Sandbox time: moving the clock (POST /_sandbox/clock) past a token's 900 s expires it too.
      if (expires <= clock.now())
        return `Access token is expired: tokens live ${TOKEN_TTL_SECONDS} seconds of sandbox time, and this one expired at ${requestTime(expires)} (sandbox time is ${requestTime(clock.now())}; moving the sandbox clock counts); request a new one`;
      return true;
    },
    clear: () => expiries.clear(),
  };
}
