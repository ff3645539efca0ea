// Types of `pivot-payments-contract/msw` (the bundle of handlers.ts that scripts/maintainer/build-msw.mjs builds).
import type { HttpHandler } from 'msw';

/** Pivot's sandbox host, the base URL the handlers answer when none is given. */
export declare const PIVOT_SANDBOX_URL: 'https://api-stg.pivot-payment.com';

export interface HandlerOptions {
  /** Where the code under test sends its requests (default Pivot's sandbox host). */
  baseUrl?: string;
}

/** Handlers that answer every operation with its documented examples and the contract's 400/401/404 (honouring `Prefer`). */
export declare function handlers(options?: HandlerOptions): HttpHandler[];

export interface SandboxHandlerOptions extends HandlerOptions {
  callbackUrl?: string;
  callbackApiKey?: string;
  merchantId?: string;
  merchantSecret?: string;
  /** Reproducible ids. */
  seed?: string;
  maxSessions?: number;
  /** The sandbox clock (`now()` in ms, `advance(seconds)`). */
  clock?: { now(): number; advance(seconds: number): void | Promise<void> };
  /** Posts callbacks (default: global fetch). */
  send?: typeof fetch;
  log?: (line: string) => void;
}

/** The in-process sandbox behind `sandboxHandlers`: its clock and its pending work. */
export interface InProcessSandbox {
  clock: { now(): number; advance(seconds: number): void | Promise<void> };
  /** Runs what became due on the clock (expiry, callback retries). */
  tick(): Promise<void>;
  /** Forgets every session, token, key, customer and delivery. */
  reset(): Promise<void>;
  /** Resolves when every callback attempt started so far has finished. */
  idle(): Promise<void>;
  fetch(request: Request): Response | Promise<Response>;
}

/** Handlers backed by an in-process sandbox (lifecycles, idempotency, callbacks, `/_sandbox` routes). */
export declare function sandboxHandlers(options?: SandboxHandlerOptions): HttpHandler[] & { sandbox: InProcessSandbox };
