import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { tap, type Observable } from 'rxjs';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from '../options/resolve-options.js';

/** What `Clear-Site-Data` asks a browser to forget on logout. */
export const CLEAR_SITE_DATA = '"cache", "cookies", "storage"';

/**
 * The access-token cookie for browser clients (the `cookie` option). Every
 * method does nothing when the option is off, so routes call them unconditionally.
 */
@Injectable()
export class AuthCookieService {
  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  get enabled(): boolean {
    return this.options.cookie !== null;
  }

  /** Sets the HttpOnly access-token cookie on a response that hands out a token; it lives as long as the token. */
  setAccessToken(response: unknown, session: { accessToken: string; expiresIn: number }): void {
    const cookie = this.options.cookie;
    if (!cookie) return;
    this.adapterHost.httpAdapter.setCookie(response, cookie.name, session.accessToken, {
      ...this.attributes(),
      maxAge: session.expiresIn,
    });
  }

  /** Expires the cookie (empty value, past date) and, unless switched off, sends Clear-Site-Data. */
  clear(response: unknown): void {
    const cookie = this.options.cookie;
    if (!cookie) return;
    const adapter = this.adapterHost.httpAdapter;
    adapter.clearCookie(response, cookie.name, this.attributes());
    if (cookie.clearSiteData) adapter.setHeader(response, 'Clear-Site-Data', CLEAR_SITE_DATA);
  }

  private attributes() {
    const { path, domain, secure, sameSite } = this.options.cookie!;
    return { path, domain, secure, sameSite, httpOnly: true };
  }
}

/** On a logout route: after a successful logout, the browser forgets the token (see AuthCookieService.clear). */
@Injectable()
export class ClearAuthCookieInterceptor implements NestInterceptor {
  constructor(private readonly cookies: AuthCookieService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(tap(() => this.cookies.clear(context.switchToHttp().getResponse())));
  }
}
