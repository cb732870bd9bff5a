import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuthErrorRenderer } from './error-renderer.js';
import { MountedRoutes, type RawRequest } from './mounted-routes.js';

type Next = (error?: unknown) => void;

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
    private readonly renderer: AuthErrorRenderer,
    private readonly routes: MountedRoutes,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter || this.routes.empty) return;
    if (adapter.getType() === 'express') this.installOnExpress(adapter.getInstance());
    if (adapter.getType() === 'fastify') this.installOnFastify(adapter.getInstance());
  }

  /** Express hands body-parser errors to error middleware; this one sits before Nest's and takes only our routes. */
  private installOnExpress(app: {
    use(handler: (error: unknown, req: RawRequest, res: object, next: Next) => void): void;
  }): void {
    app.use((error, request, response, next) => {
      const mapper = this.routes.mapperFor(request);
      if (!mapper) return next(error);
      this.renderer.render(response, mapper, error);
    });
  }

  private installOnFastify(fastify: FastifyLike): void {
    // No body at all: drop the JSON content type so Fastify does not refuse the empty body.
    fastify.addHook('onRequest', (request, _reply, done) => {
      const { headers } = request;
      const empty =
        headers['transfer-encoding'] === undefined &&
        (headers['content-length'] === undefined || headers['content-length'] === '0');
      if (empty && headers['content-type'] !== undefined && this.routes.mapperFor(request)) {
        delete headers['content-type'];
      }
      done();
    });
    // Errors Fastify raised before the handler reach Nest's default body; answer them in the route's spec instead.
    fastify.addHook('preSerialization', (request, reply, payload, done) => {
      const mapper =
        reply.statusCode >= 400 && !this.renderer.answered(reply) ? this.routes.mapperFor(request) : undefined;
      if (!mapper) return done(null, payload);
      const { status, body } = this.renderer.answerForStatus(mapper, reply.statusCode);
      reply.code(status);
      done(null, body);
    });
  }
}

interface FastifyReplyLike {
  statusCode: number;
  code(status: number): void;
}

interface FastifyLike {
  addHook(name: 'onRequest', hook: (request: RawRequest, reply: unknown, done: () => void) => void): void;
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
