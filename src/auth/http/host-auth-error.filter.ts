import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { AuthError } from '../errors/auth.errors.js';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from '../options/resolve-options.js';
import { AuthErrorRenderer } from './error-renderer.js';

/**
 * Installed globally, but catches only the module's own domain errors, so the
 * host's routes behind JwtGuard answer 401/403 in the configured body
 * (`guardErrorMapper`, the generic one by default) and every other error of the
 * host is answered as before.
 */
@Catch(AuthError)
export class HostAuthErrorFilter implements ExceptionFilter {
  constructor(
    private readonly renderer: AuthErrorRenderer,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
  ) {}

  catch(error: AuthError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.renderer.render(http.getRequest(), http.getResponse(), this.options.guardErrorMapper, error);
  }
}
