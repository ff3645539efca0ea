/**
 * Access tokens (Authentication): `POST /v1/access-token` issues one for the merchant's id and secret,
 * and every other call must carry an issued, unexpired one as `Authorization: Bearer …`, the scheme
 * spelled as the docs write it (decision `bearer-scheme`). Tokens live 900 seconds of sandbox time and
 * are kept in the store (they survive a restart with `--data`); expired ones are purged by the tick.
 */
import type { Clock } from './clock.ts';
import type { IdSource } from './ids.ts';
import { TOKEN_TTL_SECONDS } from './rules.ts';
import type { SandboxStore } from './store.ts';

export interface TokenTable {
  /** A new token and its documented lifetime. */
  issue(): Promise<{ accessToken: string; expiresIn: string; tokenType: 'Bearer' }>;
  /** True for an issued, unexpired token in an `Authorization` header; else the 401's message. */
  check(authorization: string | null): Promise<true | string>;
}

/** Authentication › Header: `Authorization: Bearer <accessToken>`, exactly so. */
const BEARER = /^Bearer +(\S+)$/;

/** An expired token is remembered this long (then purged), so its 401 can say "expired" rather than "not issued". */
const REMEMBERED_AFTER_EXPIRY_MS = 24 * 60 * 60 * 1000;

export function tokenTable(store: SandboxStore, clock: Clock, ids: IdSource): TokenTable {
  return {
    async issue() {
      await ids.prepare();
      const token = `sbx.${ids.alphanumeric(40)}`;
      const expiresMs = clock.now() + TOKEN_TTL_SECONDS * 1000;
      const written = await store.write([
        { op: 'put', table: 'tokens', key: token, value: { expiresMs }, dueMs: expiresMs + REMEMBERED_AFTER_EXPIRY_MS },
      ]);
      if (!written.ok) throw new Error(`the token could not be stored (${written.reason})`);
      return { accessToken: token, expiresIn: String(TOKEN_TTL_SECONDS), tokenType: 'Bearer' };
    },
    async check(authorization) {
      const match = BEARER.exec(authorization?.trim() ?? '');
      if (!match) return 'Access token is invalid: send it as "Authorization: Bearer <accessToken>" (Authentication › Header)';
      const row = await store.get<{ expiresMs: number }>('tokens', match[1]!);
      if (row === undefined) return 'Access token is invalid: it was not issued by this sandbox (POST /v1/access-token)';
      if (row.value.expiresMs <= clock.now()) return 'Access token is expired: tokens live 900 seconds; request a new one';
      return true;
    },
  };
}
