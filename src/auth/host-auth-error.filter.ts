import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuthError } from './auth.errors.js';
import { mapGuardErrorToGeneric } from './generic/generic-error.mapper.js';
import { replyWith } from './reply.js';

/**
 * Installed globally, but catches only the module's own domain errors, so the
 * host's routes behind JwtGuard answer 401/403 in the generic body and every
 * other error of the host is answered as before.
 */
@Catch(AuthError)
export class HostAuthErrorFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: AuthError, host: ArgumentsHost): void {
    const { status, body } = mapGuardErrorToGeneric(error);
    replyWith(this.adapterHost, host, error, status, body);
  }
}
