import { Inject, Injectable } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import type { AuthRouteName } from '../auth.constants.js';
import type { CookieClearing, MountedRoute } from '../routes/route-table.js';
import type { ErrorMapper } from './error-response.js';

/** The routes this module instance mounted (see mountRoutes). */
export const AUTH_MOUNTED_ROUTES = Symbol('AUTH_MOUNTED_ROUTES');

/** What the resolver needs of a request, on Express and Fastify alike. */
export interface RawRequest {
  method: string;
  url: string;
  originalUrl?: string;
  headers: Record<string, string | string[] | undefined>;
  /** Fastify only: the route its router matched, `url` undefined when it matched none (its 404). */
  routeOptions?: { url?: string };
}

/** A configured path (prefix, mount path) as the router is given it: one leading slash, no empty segment. */
const joinPath = (...parts: string[]) => `/${parts.join('/').split('/').filter(Boolean).join('/')}`;

/** The request's path as sent: no decoding, no case or slash folding. */
const requestPath = (request: RawRequest) => (request.originalUrl ?? request.url).split('?')[0];

/** A mounted path as a matcher: literal segments, and `:name` segments matching any one segment. */
const pathPattern = (path: string, flags?: string) =>
  new RegExp(
    `^${path
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')}$`,
    flags,
  );

/** A request path as a lenient router may read it: percent-decoded where it can be, empty segments dropped. */
function foldedPath(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Not valid percent-encoding: compared as sent.
  }
  return joinPath(decoded);
}

interface CompiledRoute {
  name: AuthRouteName;
  method: string;
  /** The path as the router was given it, `:name` segments included. */
  template: string;
  exact: RegExp;
  loose: RegExp;
  mapper: ErrorMapper;
  clearsCookies?: CookieClearing;
}

/** The module route a request is for, with its path parameters as sent. */
export interface MatchedRoute {
  name: AuthRouteName;
  mapper: ErrorMapper;
  clearsCookies?: CookieClearing;
  params: Record<string, string>;
}

/**
 * Which of the module's routes a request is for, and so which spec answers its errors: the exception
 * filter of the module's controllers and the hooks that answer errors raised before a route runs
 * both ask here. A path matches only exactly (same case, no extra slash, under the host's global
 * prefix), on both adapters: Express alone would also serve `/AUTH/LOGOUT` and `/auth/logout/`, and a
 * lookup that folded them would answer Fastify's 404 for them in the route's spec. Nearly matching paths
 * are answered with the router's 404 (pre-route-errors.ts), so the module's paths are the same everywhere.
 */
@Injectable()
export class MountedRoutes {
  private compiled: CompiledRoute[] | undefined;

  constructor(
    @Inject(AUTH_MOUNTED_ROUTES) private readonly routes: MountedRoute[],
    private readonly appConfig: ApplicationConfig,
  ) {}

  get empty(): boolean {
    return this.routes.length === 0;
  }

  /**
   * The mapper of the module route the request's path is exactly, or undefined. On Fastify the router must
   * also have matched that route (`routeOptions.url`), so its own 404 is never taken for the route's.
   */
  mapperFor(request: RawRequest): ErrorMapper | undefined {
    return this.routeFor(request)?.mapper;
  }

  /** The module route the request's path is exactly (as `mapperFor`), or undefined. */
  routeFor(request: RawRequest): MatchedRoute | undefined {
    const path = requestPath(request);
    const route = this.patterns().find(({ method, exact }) => method === request.method && exact.test(path));
    if (!route) return undefined;
    if (request.routeOptions && joinPath(request.routeOptions.url ?? '') !== route.template) return undefined;
    const values = path.split('/');
    const params = Object.fromEntries(
      route.template
        .split('/')
        .flatMap((segment, index) => (segment.startsWith(':') ? [[segment.slice(1), values[index]]] : [])),
    );
    return { name: route.name, mapper: route.mapper, clearsCookies: route.clearsCookies, params };
  }

  /**
   * The module routes mounted at exactly the request's path, whatever its method (a CORS preflight is an OPTIONS for
   * another method). Unlike `routeFor`, the router need not have matched: no route serves OPTIONS.
   */
  routesAt(request: RawRequest): Array<{ method: string; mapper: ErrorMapper }> {
    const path = requestPath(request);
    return this.patterns()
      .filter(({ exact }) => exact.test(path))
      .map(({ method, mapper }) => ({ method, mapper }));
  }

  /** Where a route is mounted, the host's global prefix included; undefined when this module does not mount it. */
  pathOf(name: AuthRouteName): string | undefined {
    return this.patterns().find((route) => route.name === name)?.template;
  }

  /**
   * Whether the request is for a module route only loosely: another case, a trailing or doubled slash,
   * percent-encoded letters. Such a request is none of the module's and gets the router's 404.
   */
  nearlyMatches(request: RawRequest): boolean {
    if (this.mapperFor(request)) return false;
    const path = foldedPath(requestPath(request));
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    return this.patterns().some((route) => route.method === method && route.loose.test(path));
  }

  private patterns(): CompiledRoute[] {
    // Compiled on first use: the host sets its global prefix after the module is built.
    this.compiled ??= this.routes.map(({ name, method, path, mapper, clearsCookies }) => {
      const template = joinPath(this.appConfig.getGlobalPrefix(), path);
      return {
        name,
        method,
        template,
        mapper,
        clearsCookies,
        exact: pathPattern(template),
        loose: pathPattern(template, 'i'),
      };
    });
    return this.compiled;
  }
}
