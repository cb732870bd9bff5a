import {
  Inject,
  Injectable,
  NotFoundException,
  RequestMethod,
  type MiddlewareConsumer,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { MountedRoute } from '../routes/route-table.js';
import { AuthErrorRenderer } from './error-renderer.js';
import { AUTH_MOUNTED_ROUTES, MountedRoutes, type RawRequest } from './mounted-routes.js';

type Next = (error?: unknown) => void;

/** The answer Nest gives for a path no route serves, on either adapter. */
const notFound = (request: RawRequest) =>
  new NotFoundException(`Cannot ${request.method} ${request.originalUrl ?? request.url}`);

/**
 * Some requests fail before any route code runs: the adapter's body parser
 * refuses broken JSON, an oversized body or an unknown content type, and
 * Fastify refuses an empty body sent as JSON. On the module's own routes those
 * must still answer in the route's spec, and the spec's cURL sample (JSON
 * content type, no body) must pass; the host's other routes are left as they are.
 *
 * The module's paths are exact on both adapters. Fastify routes case-sensitively and keeps trailing and
 * doubled slashes apart; Express (case-insensitive, trailing slash ignored, by app-wide settings that also
 * decide the host's routes, so they stay as the host set them) would serve `/AUTH/LOGOUT` and
 * `/auth/logout/` as the route, logging out. So on Express a request that only nearly matches a module
 * route is answered with Nest's 404 for an unknown path before the route runs, and on Fastify one its
 * router sent to a module route by a looser rule (percent-encoded letters) gets its 404 too. Only
 * requests the router really matched are answered in a route's spec.
 */
@Injectable()
export class PreRouteErrorsInstaller implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly renderer: AuthErrorRenderer,
    private readonly routes: MountedRoutes,
    @Inject(AUTH_MOUNTED_ROUTES) private readonly mounted: MountedRoute[],
  ) {}

  /**
   * Express: a middleware on the module's paths, which Nest installs before the routes, so it sees every
   * request Express would give a module route (any case, a trailing slash) and turns away the inexact ones.
   */
  configure(consumer: MiddlewareConsumer): void {
    if (this.adapterHost.httpAdapter?.getType() !== 'express' || this.routes.empty) return;
    consumer
      .apply((request: RawRequest, _response: unknown, next: Next) => {
        if (!this.routes.mapperFor(request)) throw notFound(request);
        next();
      })
      .forRoutes(...this.mounted.map(({ method, path }) => ({ path, method: RequestMethod[method] })));
  }

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter || this.routes.empty) return;
    if (adapter.getType() === 'express') this.installOnExpress(adapter.getInstance());
    if (adapter.getType() === 'fastify') this.installOnFastify(adapter.getInstance());
  }

  /**
   * Express hands body-parser errors to error middleware; this one sits before Nest's and takes only our
   * routes. The body parser runs before any route or middleware, so a broken body sent to a nearly matching
   * path gets the same 404 here as an intact one gets from the middleware above. A nearly matching path no
   * route took (a doubled slash, or outside the global prefix, where Express alone would answer its own
   * HTML page) gets that 404 too, as on Fastify.
   */
  private installOnExpress(app: ExpressLike): void {
    app.use((request: RawRequest, _response: object, next: Next) =>
      next(this.routes.nearlyMatches(request) ? notFound(request) : undefined),
    );
    app.use((error: unknown, request: RawRequest, response: object, next: Next) => {
      const mapper = this.routes.mapperFor(request);
      if (mapper) return this.renderer.render(request, response, mapper, error);
      next(this.routes.nearlyMatches(request) ? notFound(request) : error);
    });
  }

  private installOnFastify(fastify: FastifyLike): void {
    fastify.addHook('onRequest', (request, _reply, done) => {
      // Nest's 404, through Nest's error handler as for any unknown path, before Fastify reads the body:
      // its 404 handler parses one too, and would answer a broken body 400 where Express answers 404.
      if (this.routes.nearlyMatches(request)) return done(notFound(request));
      const mapper = this.routes.mapperFor(request);
      // No body at all: drop the JSON content type so Fastify does not refuse the empty body.
      const { headers } = request;
      const empty =
        headers['transfer-encoding'] === undefined &&
        (headers['content-length'] === undefined || headers['content-length'] === '0');
      if (empty && headers['content-type'] !== undefined && mapper) delete headers['content-type'];
      done();
    });
    // Errors Fastify raised before the handler reach Nest's default body; answer them in the route's spec
    // instead. Only for a request Fastify routed to the route: its 404 for any other path stays its own.
    fastify.addHook('preSerialization', (request, reply, payload, done) => {
      const mapper =
        reply.statusCode >= 400 && !this.renderer.answered(reply) ? this.routes.mapperFor(request) : undefined;
      if (!mapper) return done(null, payload);
      const { status, body } = this.renderer.answerForStatus(request, reply, mapper, reply.statusCode);
      reply.code(status);
      done(null, body);
    });
  }
}

interface ExpressLike {
  use(handler: (req: RawRequest, res: object, next: Next) => void): void;
  use(handler: (error: unknown, req: RawRequest, res: object, next: Next) => void): void;
}

interface FastifyReplyLike {
  statusCode: number;
  code(status: number): void;
}

interface FastifyLike {
  addHook(
    name: 'onRequest',
    hook: (request: RawRequest, reply: unknown, done: (error?: unknown) => void) => void,
  ): void;
  addHook(
    name: 'preSerialization',
    hook: (
      request: RawRequest,
      reply: FastifyReplyLike,
      payload: unknown,
      done: (error: null, payload: unknown) => void,
    ) => void,
  ): void;
}
