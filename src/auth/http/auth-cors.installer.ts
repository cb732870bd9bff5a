import { Inject, Injectable, RequestMethod, type MiddlewareConsumer, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CrossOriginRequestError } from '../errors/auth.errors.js';
import { AuthCors, type AuthPreflight } from './auth-cors.service.js';
import { AuthErrorRenderer } from './error-renderer.js';
import type { MountedRoute } from '../routes/route-table.js';
import { AUTH_MOUNTED_ROUTES, type RawRequest } from './mounted-routes.js';

type Next = (error?: unknown) => void;

/**
 * Puts AuthCors before the module's routes: a Nest middleware on their paths (every method) on Express, an `onRequest`
 * hook on Fastify (Nest's middleware there would not see a preflight for a path Fastify routes nowhere). Each answers
 * the module's preflights and marks the answers of its routes; a route's errors keep those headers, and the error
 * renderer marks the errors the adapter raised before them. Nothing is installed with the `cors` option off.
 */
@Injectable()
export class AuthCorsInstaller implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly cors: AuthCors,
    private readonly renderer: AuthErrorRenderer,
    @Inject(AUTH_MOUNTED_ROUTES) private readonly mounted: MountedRoute[],
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    if (!this.cors.enabled || this.adapterHost.httpAdapter?.getType() !== 'express' || !this.mounted.length) return;
    // Nest puts the host's global prefix in front, as it does for the routes.
    const paths = [...new Set(this.mounted.map(({ path }) => path))];
    consumer
      .apply((request: RawRequest, response: object, next: Next) => {
        if (!this.answerPreflight(request, response)) {
          this.cors.markAnswer(request, response);
          next();
        }
      })
      .forRoutes(...paths.map((path) => ({ path, method: RequestMethod.ALL })));
  }

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!this.cors.enabled || adapter?.getType() !== 'fastify' || !this.mounted.length) return;
    (adapter.getInstance() as FastifyLike).addHook('onRequest', (request, reply, done) => {
      if (this.answerPreflight(request, reply)) return;
      this.cors.markAnswer(request, reply);
      done();
    });
  }

  /**
   * Answers a preflight for a module route: 204 with the CORS headers for an allowed origin; for any other, the
   * route's 403 for a request of another origin, without them, so the browser fails the request it asked about.
   * False when the request is none of the module's preflights.
   */
  private answerPreflight(request: RawRequest, response: object): boolean {
    const preflight: AuthPreflight | undefined = this.cors.preflightOf(request);
    if (!preflight) return false;
    if (preflight.allowed) {
      this.cors.allowPreflight(response, preflight);
      this.adapterHost.httpAdapter.reply(response, undefined, 204);
    } else {
      this.cors.varyByOrigin(response);
      this.renderer.render(request, response, preflight.mapper, new CrossOriginRequestError());
    }
    return true;
  }
}

interface FastifyLike {
  addHook(name: 'onRequest', hook: (request: RawRequest, reply: object, done: () => void) => void): void;
}
