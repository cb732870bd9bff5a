import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from '../options/resolve-options.js';
import type { ErrorMapper } from './error-response.js';
import { MountedRoutes, type RawRequest } from './mounted-routes.js';
import { PROVIDER_LOGOUT_HEADER } from './provider-logout.interceptor.js';

/**
 * What a page must read of the module's answers: when to try again (429), the challenge of a 401, and the identity
 * provider's logout URL (RP-initiated logout).
 */
const EXPOSED_HEADERS = `Retry-After, WWW-Authenticate, ${PROVIDER_LOGOUT_HEADER}`;

/** A CORS preflight for one of the module's routes. */
export interface AuthPreflight {
  /** The `Origin` the page sent. */
  origin: string;
  allowed: boolean;
  /** The methods of the module's routes at that path. */
  methods: string[];
  /** The spec of the route the preflight asks for, which answers a refusal. */
  mapper: ErrorMapper;
}

const header = (request: RawRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * CORS on the module's own routes (the `cors` option), on Express and Fastify alike: the installer
 * (auth-cors.installer.ts) answers preflights and marks answers before the routes run, the error renderer marks the
 * errors raised before that (a body the adapter refused). Nothing happens on any other route, nor with the option off.
 */
@Injectable()
export class AuthCors {
  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    private readonly adapterHost: HttpAdapterHost,
    private readonly routes: MountedRoutes,
  ) {}

  get enabled(): boolean {
    return this.options.cors !== null;
  }

  /**
   * Whether the module answers this request's CORS: a preflight for a method one of its routes serves at that path, or
   * a request for one of its routes. A host with CORS of its own (Nest's `enableCors` with an options delegate) leaves
   * these requests to the module. False with the option off.
   */
  handles(request: RawRequest): boolean {
    return this.enabled && (this.preflightOf(request) !== undefined || this.routes.routeFor(request) !== undefined);
  }

  /** The module's preflight this request is, or undefined (not a preflight, or for no route of the module). */
  preflightOf(request: RawRequest): AuthPreflight | undefined {
    if (!this.options.cors || request.method !== 'OPTIONS') return undefined;
    const origin = header(request, 'origin');
    const asked = header(request, 'access-control-request-method');
    if (!origin || !asked) return undefined;
    const atPath = this.routes.routesAt(request);
    const route = atPath.find(({ method }) => method === asked);
    if (!route) return undefined;
    return {
      origin,
      allowed: this.allows(origin),
      methods: [...new Set(atPath.map(({ method }) => method))],
      mapper: route.mapper,
    };
  }

  /** The headers of an allowed preflight's answer (the installer sends it, 204). */
  allowPreflight(response: object, preflight: AuthPreflight): void {
    const cors = this.options.cors!;
    this.allowOrigin(response, preflight.origin);
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(response, 'Access-Control-Allow-Methods', preflight.methods.join(', '));
    adapter.setHeader(response, 'Access-Control-Allow-Headers', cors.allowedHeaders.join(', '));
    adapter.setHeader(response, 'Access-Control-Max-Age', String(cors.maxAgeSeconds));
  }

  /**
   * Marks the answer of a request for a module route: `Vary: Origin` always (the headers depend on it), and for an
   * allowed origin the headers that let its page read the answer. Safe to call twice.
   */
  markAnswer(request: RawRequest, response: object): void {
    if (!this.options.cors || !this.routes.routeFor(request)) return;
    const origin = header(request, 'origin');
    if (!origin || !this.allows(origin)) return this.varyByOrigin(response);
    this.allowOrigin(response, origin);
    this.adapterHost.httpAdapter.setHeader(response, 'Access-Control-Expose-Headers', EXPOSED_HEADERS);
  }

  /** Adds `Origin` to `Vary` once, keeping what is there. */
  varyByOrigin(response: object): void {
    const adapter = this.adapterHost.httpAdapter;
    const current = adapter.getHeader(response, 'Vary') as string | string[] | number | undefined;
    const values = (Array.isArray(current) ? current.join(',') : String(current ?? ''))
      .split(',')
      .map((value) => value.trim())
      .filter(Boolean);
    if (values.includes('*') || values.some((value) => value.toLowerCase() === 'origin')) return;
    adapter.setHeader(response, 'Vary', [...values, 'Origin'].join(', '));
  }

  private allowOrigin(response: object, origin: string): void {
    const adapter = this.adapterHost.httpAdapter;
    this.varyByOrigin(response);
    // The origin as the page sent it, never `*`: the answer is for that origin only.
    adapter.setHeader(response, 'Access-Control-Allow-Origin', origin);
    if (this.options.cors!.credentials) adapter.setHeader(response, 'Access-Control-Allow-Credentials', 'true');
  }

  private allows(origin: string): boolean {
    return this.options.cors!.origins.includes(origin.toLowerCase());
  }
}
