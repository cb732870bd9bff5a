import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { from, mergeMap, type Observable } from 'rxjs';
import { ProviderLogoutService } from '../sessions/provider-logout.service.js';
import type { AuthenticatedSession } from '../sessions/session.types.js';

/** The header of a logout's answer that names the identity provider's logout URL (RP-initiated logout). */
export const PROVIDER_LOGOUT_HEADER = 'Provider-Logout-Location';

/**
 * On a route that ends the caller's session: once it has, the provider's logout URL goes into
 * `Provider-Logout-Location` (the `providerLogout` option). A header, so that every spec's body stays exactly its own.
 */
@Injectable()
export class ProviderLogoutInterceptor implements NestInterceptor {
  constructor(
    private readonly providerLogout: ProviderLogoutService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.providerLogout.enabled) return next.handle();
    const http = context.switchToHttp();
    const session = http.getRequest<{ user?: AuthenticatedSession }>().user;
    return next.handle().pipe(
      mergeMap((body) =>
        from(
          (async () => {
            const url = session ? await this.providerLogout.logoutUrl(session.sessionId) : null;
            if (url) this.adapterHost.httpAdapter.setHeader(http.getResponse(), PROVIDER_LOGOUT_HEADER, url);
            return body;
          })(),
        ),
      ),
    );
  }
}
