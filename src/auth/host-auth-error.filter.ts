import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuthError } from './auth.errors.js';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from './auth-options.resolve.js';
import { renderError } from './routes/spec-exception.filter.js';

/**
 * Installed globally, but catches only the module's own domain errors, so the
 * host's routes behind JwtGuard answer 401/403 in the configured body
 * (`guardErrorMapper`, the generic one by default) and every other error of the
 * host is answered as before.
 */
@Catch(AuthError)
export class HostAuthErrorFilter implements ExceptionFilter {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
  ) {}

  catch(error: AuthError, host: ArgumentsHost): void {
    renderError(
      this.adapterHost,
      host.switchToHttp().getResponse(),
      this.options.guardErrorMapper,
      error,
      this.options,
    );
  }
}
