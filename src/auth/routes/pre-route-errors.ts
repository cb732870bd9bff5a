import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from '../auth-options.resolve.js';
import { toDomainError, type ErrorMapper } from './error-response.js';
import { renderError, renderedErrorBodies } from './spec-exception.filter.js';

/** The routes this module instance mounted: method, path (without the host's prefix; `:name` segments are parameters) and its spec's mapper. */
export interface MountedLogoutRoute {
  method: 'POST' | 'GET' | 'DELETE';
  path: string;
  mapper: ErrorMapper;
}

export const AUTH_MOUNTED_ROUTES = Symbol('AUTH_MOUNTED_ROUTES');

type Next = (error?: unknown) => void;
interface RawRequest {
  method: string;
  url: string;
  originalUrl?: string;
  headers: Record<string, string | string[] | undefined>;
}

const normalizePath = (...parts: string[]) => `/${parts.join('/').split('/').filter(Boolean).join('/')}`.toLowerCase();

/** A mounted path as a matcher: literal segments, and `:name` segments matching any one segment. */
const pathPattern = (path: string) =>
  new RegExp(
    `^${path
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')}$`,
  );

/**
 * Some requests fail before any route code runs: the adapter's body parser
 * refuses broken JSON, an oversized body or an unknown content type, and
 * Fastify refuses an empty body sent as JSON. On the module's own routes those
 * must still answer in the route's spec, and the spec's cURL sample (JSON
 * content type, no body) must pass; the host's other routes are left as they are.
 */
@Injectable()
export class PreRouteErrorsInstaller implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly appConfig: ApplicationConfig,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    @Inject(AUTH_MOUNTED_ROUTES) private readonly routes: MountedLogoutRoute[],
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter || this.routes.length === 0) return;
    const prefix = this.appConfig.getGlobalPrefix();
    const routes = this.routes.map((route) => ({ ...route, pattern: pathPattern(normalizePath(prefix, route.path)) }));
    const mapperFor = (request: RawRequest): ErrorMapper | undefined => {
      const path = normalizePath((request.originalUrl ?? request.url).split('?')[0]);
      return routes.find((route) => route.method === request.method && route.pattern.test(path))?.mapper;
    };
    if (adapter.getType() === 'express') this.installOnExpress(adapter.getInstance(), mapperFor);
    if (adapter.getType() === 'fastify') this.installOnFastify(adapter.getInstance(), mapperFor);
  }

  /** Express hands body-parser errors to error middleware; this one sits before Nest's and takes only our routes. */
  private installOnExpress(
    app: { use(handler: (error: unknown, req: RawRequest, res: unknown, next: Next) => void): void },
    mapperFor: (request: RawRequest) => ErrorMapper | undefined,
  ): void {
    app.use((error, request, response, next) => {
      const mapper = mapperFor(request);
      if (!mapper) return next(error);
      renderError(this.adapterHost, response, mapper, error, this.options);
    });
  }

  private installOnFastify(fastify: FastifyLike, mapperFor: (request: RawRequest) => ErrorMapper | undefined): void {
    // No body at all: drop the JSON content type so Fastify does not refuse the empty body.
    fastify.addHook('onRequest', (request, _reply, done) => {
      const { headers } = request;
      const empty =
        headers['transfer-encoding'] === undefined &&
        (headers['content-length'] === undefined || headers['content-length'] === '0');
      if (empty && headers['content-type'] !== undefined && mapperFor(request)) delete headers['content-type'];
      done();
    });
    // Errors Fastify raised before the handler reach Nest's default body; answer them in the route's spec instead.
    fastify.addHook('preSerialization', (request, reply, payload, done) => {
      const mapper = reply.statusCode >= 400 ? mapperFor(request) : undefined;
      if (!mapper || (typeof payload === 'object' && payload !== null && renderedErrorBodies.has(payload)))
        return done(null, payload);
      const { status, body } = mapper(toDomainError({ statusCode: reply.statusCode }), this.options);
      reply.code(status);
      done(null, body);
    });
  }
}

interface FastifyLike {
  addHook(name: 'onRequest', hook: (request: RawRequest, reply: unknown, done: () => void) => void): void;
  addHook(
    name: 'preSerialization',
    hook: (
      request: RawRequest,
      reply: { statusCode: number; code(status: number): void },
      payload: unknown,
      done: (error: null, payload: unknown) => void,
    ) => void,
  ): void;
}
