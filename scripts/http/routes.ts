/**
 * The contract's routes, read once from the bundled document: method, path template, parameters (with a
 * compiled check each) and security. Every server of the contract (the mock's front layer, the sandbox,
 * the MSW handlers) routes with this table, so an operation added to the spec is served everywhere.
 */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { resolveLocal } from '../../generators/spec/document.ts';
import { createAjv } from '../../generators/spec/schema-set.ts';

type Json = Record<string, any>;

export interface ParameterSpec {
  name: string;
  in: 'path' | 'header' | 'query' | 'cookie';
  required: boolean;
  example?: unknown;
  check: ValidateFunction;
}

/** One alternative of an operation's `security`: every scheme in it must be satisfied. */
export type SecurityRequirement = Array<{ name: string; type: string; scheme?: string; in?: string; header?: string }>;

export interface Route {
  operationId: string;
  method: string;
  /** The spec's path template, `/v2/payments/{id}/confirm`. */
  path: string;
  pattern: RegExp;
  pathParams: string[];
  parameters: ParameterSpec[];
  security: SecurityRequirement[];
  hasBody: boolean;
}

/**
 * The prefix of the sandbox's control routes and hosted page: a path Pivot's API does not use
 * (DESIGN.md "The contract over HTTP"), so a client or a proxy can tell them from the API.
 */
export const SANDBOX_CONTROL_PREFIX = '/_sandbox/';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every operation of `paths` (webhooks are requests Pivot sends, not endpoints), with what the servers check. */
export function loadRoutes(spec: Json): Route[] {
  const ajv = createAjv();
  const schemes = (spec.components?.securitySchemes ?? {}) as Record<string, Json>;
  const routes: Route[] = [];
  for (const [path, rawItem] of Object.entries((spec.paths ?? {}) as Record<string, unknown>)) {
    const item = resolveLocal<Json>(spec, rawItem);
    for (const method of HTTP_METHODS) {
      const operation = item[method] as Json | undefined;
      if (!operation?.operationId) continue;
      const byKey = new Map<string, Json>();
      for (const raw of [...(item.parameters ?? []), ...(operation.parameters ?? [])]) {
        const parameter = resolveLocal<Json>(spec, raw);
        byKey.set(`${parameter.in}:${String(parameter.name).toLowerCase()}`, parameter);
      }
      const parameters = [...byKey.values()].map((parameter) => ({
        name: parameter.name as string,
        in: parameter.in,
        required: parameter.in === 'path' || parameter.required === true,
        example: parameter.example ?? parameter.schema?.example,
        check: ajv.compile(resolveLocal<Json>(spec, parameter.schema ?? {})),
      }));
      const pathParams: string[] = [];
      const source = path
        .split(/(\{[^}]+\})/)
        .map((part) => {
          const name = /^\{([^}]+)\}$/.exec(part)?.[1];
          if (name === undefined) return escapeRegExp(part);
          pathParams.push(name);
          return '([^/]+)';
        })
        .join('');
      const requirements = (operation.security ?? spec.security ?? []) as Array<Record<string, string[]>>;
      const security = requirements.map((requirement) =>
        Object.keys(requirement).map((name) => {
          const scheme = schemes[name] ?? {};
          return { name, type: scheme.type, scheme: scheme.scheme, in: scheme.in, header: scheme.name };
        }),
      );
      routes.push({
        operationId: operation.operationId,
        method: method.toUpperCase(),
        path,
        pattern: new RegExp(`^${source}$`),
        pathParams,
        parameters,
        security,
        hasBody: operation.requestBody !== undefined,
      });
    }
  }
  return routes;
}

/** The route and its path parameters (still percent-encoded), or undefined for an unknown route. */
export function matchRoute(
  routes: Route[],
  method: string,
  pathname: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    const params: Record<string, string> = {};
    route.pathParams.forEach((name, index) => (params[name] = match[index + 1] ?? ''));
    return { route, params };
  }
  return undefined;
}

/** True when some route has this path, whatever its method (a wrong method is still "not found" in Pivot's shape). */
export function knownPath(routes: Route[], pathname: string): Route[] {
  return routes.filter((route) => route.pattern.test(pathname));
}

const BEARER = /^bearer +[A-Za-z0-9\-._~+/]+=*$/i;

/** The bearer token of an `Authorization: Bearer …` header, when well-formed. */
export function bearerToken(headers: Headers): string | undefined {
  const value = headers.get('authorization')?.trim() ?? '';
  return BEARER.test(value) ? value.replace(/^bearer +/i, '') : undefined;
}

/** True when one alternative of the route's security is present and well-formed (not whether it is valid). */
export function credentialsPresent(route: Route, headers: Headers): boolean {
  if (route.security.length === 0) return true;
  return route.security.some((requirement) =>
    requirement.every((scheme) => {
      if (scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'bearer') return bearerToken(headers) !== undefined;
      if (scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'basic')
        return /^basic +\S+$/i.test(headers.get('authorization')?.trim() ?? '');
      if (scheme.type === 'apiKey' && scheme.in === 'header' && scheme.header)
        return (headers.get(scheme.header)?.trim() ?? '') !== '';
      return true; // schemes a server cannot check (oauth2, cookies…) are not enforced
    }),
  );
}

/** Whether the route is protected by a bearer token (its 401 then carries `WWW-Authenticate: Bearer`). */
export function usesBearer(route: Route): boolean {
  return route.security.some((requirement) => requirement.some((scheme) => scheme.scheme?.toLowerCase() === 'bearer'));
}
