import { Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from '../options/resolve-options.js';
import { toDomainError, type ErrorMapper } from './error-response.js';

/** Set on a response this module answered, so the Fastify pre-route hook leaves its body alone. */
const ANSWERED = Symbol('auth:answered');

/** Sends an error in a spec's body through whichever HTTP adapter runs. */
@Injectable()
export class AuthErrorRenderer {
  private readonly logger = new Logger('AuthModule');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
  ) {}

  /** Maps `error` with `mapper` and replies; a 5xx is logged here, and only its generic body leaves. */
  render(response: object, mapper: ErrorMapper, error: unknown): void {
    const { status, body } = mapper(toDomainError(error), this.options);
    if (status >= 500) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    (response as Record<symbol, boolean>)[ANSWERED] = true;
    this.adapterHost.httpAdapter.reply(response, body, status);
  }

  /** The spec's answer for an HTTP status the adapter set before any route code ran. */
  answerForStatus(mapper: ErrorMapper, statusCode: number): { status: number; body: unknown } {
    return mapper(toDomainError({ statusCode }), this.options);
  }

  /** True when `render` answered this response. */
  answered(response: object): boolean {
    return (response as Record<symbol, boolean>)[ANSWERED] === true;
  }
}
