import { Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { MissingTokenError, SessionNotFreshError, TooManyRequestsError } from '../errors/auth.errors.js';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from '../options/resolve-options.js';
import { AuthCookieService } from './auth-cookie.service.js';
import { AuthCors } from './auth-cors.service.js';
import { toDomainError, type ErrorMapper } from './error-response.js';
import type { RawRequest } from './mounted-routes.js';

/** Set on a response this module answered, so the Fastify pre-route hook leaves its body alone. */
const ANSWERED = Symbol('auth:answered');

/**
 * RFC 6750 section 3: a 401 names the Bearer scheme; `invalid_token` only when a token was sent (without one, the
 * section says to give no error code).
 */
const CHALLENGE = { missing: 'Bearer', refused: 'Bearer error="invalid_token"' } as const;

/** RFC 9470 (OAuth 2.0 Step Up Authentication Challenge): the token is fine, its authentication too old. */
const stepUpChallenge = (maxAgeSeconds: number) =>
  `Bearer error="insufficient_user_authentication", ` +
  `error_description="A more recent authentication is required", max_age=${maxAgeSeconds}`;

/** Sends an error in a spec's body through whichever HTTP adapter runs. */
@Injectable()
export class AuthErrorRenderer {
  private readonly logger = new Logger('AuthModule');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    private readonly cookies: AuthCookieService,
    private readonly cors: AuthCors,
  ) {}

  /**
   * Maps `error` with `mapper` and replies, with `WWW-Authenticate` on a 401 and the CORS headers of the `cors` option
   * on a module route; a 5xx is logged here, and only its generic body leaves. On a route that ends the caller's
   * session, a request that came with a cookie of cookie mode has it cleared, whatever the error
   * (AuthCookieService.clearAfterSignOut).
   */
  render(request: RawRequest, response: object, mapper: ErrorMapper, error: unknown): void {
    const domainError = toDomainError(error);
    const { status, body } = mapper(domainError, this.options);
    this.cookies.clearAfterSignOut(request, response, status, domainError);
    // An error the adapter raised before the module's CORS hook ran (Express: a body it refused) is marked here.
    this.cors.markAnswer(request, response);
    if (status >= 500) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    (response as Record<symbol, boolean>)[ANSWERED] = true;
    const adapter = this.adapterHost.httpAdapter;
    if (status === 401) {
      const challenge =
        domainError instanceof MissingTokenError
          ? CHALLENGE.missing
          : domainError instanceof SessionNotFreshError
            ? stepUpChallenge(domainError.maxAgeSeconds)
            : CHALLENGE.refused;
      adapter.setHeader(response, 'WWW-Authenticate', challenge);
    }
    if (status === 429 && domainError instanceof TooManyRequestsError && domainError.retryAfterSeconds)
      adapter.setHeader(response, 'Retry-After', String(domainError.retryAfterSeconds));
    adapter.reply(response, body, status);
  }

  /**
   * The spec's answer for an HTTP status the adapter set before any route code ran; the cookies are cleared as by
   * `render`.
   */
  answerForStatus(
    request: RawRequest,
    response: object,
    mapper: ErrorMapper,
    statusCode: number,
  ): { status: number; body: unknown } {
    const answer = mapper(toDomainError({ statusCode }), this.options);
    this.cookies.clearAfterSignOut(request, response, answer.status);
    this.cors.markAnswer(request, response);
    return answer;
  }

  /** True when `render` answered this response. */
  answered(response: object): boolean {
    return (response as Record<symbol, boolean>)[ANSWERED] === true;
  }
}
