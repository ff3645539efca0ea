/**
 * The sandbox: a stateful Pivot Payments v2 server on the shared contract core. This module only wires
 * its parts together: the state (`state.ts`), the Pivot API backend (`api.ts`), the control routes
 * (`control-routes.ts`), the hosted page (`page.ts`) and the dashboard (`dashboard.ts`).
 */
import { createContractApp, type FetchHandler } from '../http/core.ts';
import { isLoopback } from '../http/hosts.ts';
import { serveHandler, type ServedHandler, type ServeOptions } from '../http/serve.ts';
import { sandboxApi } from './api.ts';
import { assetRoutes } from './assets.ts';
import type { Clock } from './clock.ts';
import { guardSandboxRoutes } from './access.ts';
import { controlRoutes } from './control-routes.ts';
import { dashboardRoute } from './dashboard.ts';
import { corruptingAnswers, type SandboxFaults } from './faults.ts';
import { methodTypes, pageRoutes } from './page.ts';
import { sessionActionRoutes } from './session-actions.ts';
import { sandboxState, type SandboxState } from './state.ts';
import type { SandboxStore, StoreFactory } from './store.ts';

type Json = Record<string, any>;

export const SANDBOX_DEFAULTS = {
  port: 4011,
  host: '127.0.0.1',
  merchantId: 'sandbox-merchant',
  merchantSecret: 'sandbox-secret',
  callbackApiKey: 'sandbox-callback-key',
  maxSessions: 100_000,
};

export interface SandboxOptions {
  /** The bundled OpenAPI document the core routes and validates with. */
  document: Json;
  callbackUrl?: string;
  callbackApiKey?: string;
  merchantId?: string;
  merchantSecret?: string;
  /** Reproducible ids (session, charge, token, VA number …). */
  seed?: string;
  /** Sessions kept; the oldest is evicted first. */
  maxSessions?: number;
  /** The state budget in MiB (sessions, deliveries, keys, customers); the oldest rows go first beyond it. */
  maxStateMb?: number;
  clock?: Clock;
  /** Where the state lives (default: in memory; `sqliteStore` for `--data`). */
  store?: StoreFactory;
  /** The URL the sandbox's pages are reached at, for `paymentUrl` (default: where it listens). */
  publicUrl?: string;
  /**
   * Required as `X-Sandbox-Token` on every `/_sandbox` control route and the dashboard; a sandbox
   * listening beyond loopback needs one.
   */
  controlToken?: string;
  /** Host names the `/_sandbox` routes answer besides loopback and `publicUrl`'s (the machine's addresses). */
  hosts?: readonly string[];
  /** Posts callbacks (default: global fetch). */
  send?: typeof fetch;
  log?: (line: string) => void;
  /** The one browser origin allowed to call the sandbox (CORS off without it; never with credentials). */
  cors?: string;
  /** TEST ONLY: planted failures for the tests of `verify --flows`; the CLI never sets them. */
  faults?: SandboxFaults;
}

export interface Sandbox {
  fetch: FetchHandler;
  clock: Clock;
  store: SandboxStore;
  /** Resolves once the store is ready (requests wait for it). */
  ready: Promise<void>;
  /** The session as stored, or undefined. */
  session: SandboxState['session'];
  /** Runs what sandbox time has made due: session expiry, then callback attempts. */
  tick(): Promise<void>;
  /** Forgets every session, token, key, customer and delivery (the documented test data comes back). */
  reset(): Promise<void>;
  /** Resolves when every callback attempt started so far has finished. */
  idle(): Promise<void>;
  /** Stops posting callbacks (pending ones stay in the store) and closes the store. */
  close(): Promise<void>;
  /** Tells the sandbox where it listens (its Host, and its public URL unless `publicUrl` was given). */
  listening(url: string): void;
}

export function createSandbox(options: SandboxOptions): Sandbox {
  /** The host the sandbox listens on, once it does (not a wildcard such as 0.0.0.0). */
  const boundHosts: string[] = [];
  const state = sandboxState({
    clock: options.clock,
    store: options.store,
    seed: options.seed,
    maxSessions: options.maxSessions ?? SANDBOX_DEFAULTS.maxSessions,
    maxStateMb: options.maxStateMb,
    callbackUrl: options.callbackUrl,
    callbackApiKey: options.callbackApiKey ?? SANDBOX_DEFAULTS.callbackApiKey,
    send: options.send,
    faults: options.faults,
  });
  const credentials = {
    merchantId: options.merchantId ?? SANDBOX_DEFAULTS.merchantId,
    merchantSecret: options.merchantSecret ?? SANDBOX_DEFAULTS.merchantSecret,
  };
  const api = sandboxApi(state, credentials);
  const app = createContractApp({
    document: options.document,
    log: options.log,
    cors: options.cors,
    backend: {
      authenticate: api.authenticate,
      answer: options.faults ? corruptingAnswers(api.answer, options.faults, state.fault) : api.answer,
    },
    extend: (router) => {
      router.use(async (_c, next) => {
        await state.beforeRequest();
        await next();
      });
      guardSandboxRoutes(router, {
        hosts: () => [...(options.hosts ?? []), ...boundHosts],
        publicUrl: state.publicUrl,
        controlToken: options.controlToken,
      });
      dashboardRoute(router, state);
      controlRoutes(router, state);
      sessionActionRoutes(router, state, credentials);
      pageRoutes(router, state, methodTypes(options.document));
      assetRoutes(router);
    },
  });
  if (options.publicUrl !== undefined) state.setPublicUrl(options.publicUrl);
  const { clock, store, ready, session, tick, reset, idle, close } = state;
  return {
    fetch: app.fetch,
    clock,
    store,
    ready,
    session,
    tick,
    reset,
    idle,
    close,
    listening(url) {
      const { hostname } = new URL(url);
      if (!WILDCARDS.has(hostname)) boundHosts.push(hostname);
      if (options.publicUrl === undefined) state.setPublicUrl(url);
    },
  };
}

export interface RunningSandbox extends ServedHandler {
  sandbox: Sandbox;
}

/** Addresses that mean "every interface": never a Host a browser sends. */
const WILDCARDS = new Set(['0.0.0.0', '[::]', '::']);

/** Serves a sandbox on host:port (0 = a free port) and ticks its clock every second. */
export async function startSandbox(options: SandboxOptions & ServeOptions): Promise<RunningSandbox> {
  const host = options.host ?? SANDBOX_DEFAULTS.host;
  if (!isLoopback(host) && options.controlToken === undefined)
    throw new Error(`listening on ${host}, beyond loopback, needs a control token (--control-token)`);
  const sandbox = createSandbox(options);
  let served: ServedHandler;
  try {
    await sandbox.ready;
    served = await serveHandler(sandbox.fetch, {
      host,
      port: options.port ?? 0,
      limits: options.limits,
    });
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  sandbox.listening(served.url);
  const timer = setInterval(() => void sandbox.tick(), 1000);
  timer.unref();
  return {
    ...served,
    sandbox,
    close: async () => {
      clearInterval(timer);
      await served.close();
      await sandbox.close();
    },
  };
}
