import { Inject, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from '../auth-options.resolve.js';
import { toDomainError, type ErrorMapper } from './error-response.js';

const logger = new Logger('AuthModule');

/** Bodies this module rendered itself, so the Fastify error rewrite leaves them alone. */
export const renderedErrorBodies = new WeakSet<object>();

/** Maps an error with a spec's mapper and sends it through whichever HTTP adapter runs. */
export function renderError(
  adapterHost: HttpAdapterHost,
  response: unknown,
  mapper: ErrorMapper,
  error: unknown,
  options: ResolvedAuthOptions,
): void {
  const { status, body } = mapper(toDomainError(error), options);
  if (status >= 500) logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  if (typeof body === 'object' && body !== null) renderedErrorBodies.add(body);
  adapterHost.httpAdapter.reply(response, body, status);
}

/** Base of the controller-scoped filter of each spec: everything thrown on its routes is answered in its body. */
export abstract class SpecExceptionFilter implements ExceptionFilter {
  protected abstract readonly mapper: ErrorMapper;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    renderError(this.adapterHost, host.switchToHttp().getResponse(), this.mapper, error, this.options);
  }
}
