import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { parseCookie } from 'cookie';
import { tap, type Observable } from 'rxjs';
import { CrossOriginRequestError } from '../errors/auth.errors.js';
import { AUTH_OPTIONS, type ResolvedAuthOptions, type ResolvedCookieOptions } from '../options/resolve-options.js';
import type { AuthenticatedSession, CreatedSession } from '../sessions/session.types.js';
import { MountedRoutes, type RawRequest } from './mounted-routes.js';
import { changesState, fromAllowedOrigin, type OriginSource } from './request-origin.js';

/** The JSON body of a login or refresh: the tokens are left out in cookie mode unless `cookie.tokensInBody`. */
export interface IssuedTokensBody {
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
  sessionId: string;
  accessToken?: string;
  refreshToken?: string;
}

/** What the service reads of a request. */
type CookieRequest = RawRequest & OriginSource & { body?: unknown; user?: unknown };

/**
 * Cookie mode for browser clients (the `cookie` option): the access token in an HttpOnly cookie every route gets, the
 * refresh token in one only the refresh route gets. Every method does nothing when the option is off, so routes call
 * them unconditionally.
 */
@Injectable()
export class AuthCookieService {
  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    private readonly adapterHost: HttpAdapterHost,
    private readonly routes: MountedRoutes,
  ) {}

  get enabled(): boolean {
    return this.options.cookie !== null;
  }

  /** Sets the HttpOnly access-token cookie on a response that hands out a token; it lives as long as the token. */
  setAccessToken(response: unknown, session: { accessToken: string; expiresIn: number }): void {
    const cookie = this.options.cookie;
    if (!cookie) return;
    this.adapterHost.httpAdapter.setCookie(response, cookie.name, session.accessToken, {
      ...this.accessAttributes(cookie),
      maxAge: session.expiresIn,
    });
  }

  /**
   * Hands a new session's or a refresh's tokens to the client: in cookie mode sets both cookies (the refresh cookie
   * lives as long as the session, on the refresh route's path; none when the module mounts no refresh route) and
   * returns the body without the tokens, unless `cookie.tokensInBody`; otherwise returns the body with both tokens. A
   * host's sign-in returns what this returns.
   */
  issueTokens(response: unknown, session: CreatedSession): IssuedTokensBody {
    const cookie = this.options.cookie;
    const body: IssuedTokensBody = { tokenType: 'Bearer', expiresIn: session.expiresIn, sessionId: session.sessionId };
    if (!cookie || cookie.tokensInBody) {
      body.accessToken = session.accessToken;
      body.refreshToken = session.refreshToken;
    }
    if (!cookie) return body;
    this.setAccessToken(response, session);
    const refresh = this.refreshAttributes(cookie);
    if (refresh)
      this.adapterHost.httpAdapter.setCookie(response, cookie.refreshName, session.refreshToken, {
        ...refresh,
        maxAge: session.sessionExpiresIn,
      });
    return body;
  }

  /** The refresh token of the request's refresh cookie, or null (none, or cookie mode off). */
  refreshTokenOf(request: { headers: Record<string, unknown> }): string | null {
    return this.options.cookie ? cookieValue(request, this.options.cookie.refreshName) : null;
  }

  /**
   * Refuses (CrossOriginRequestError) a state-changing request that a cookie authenticates and a page of another origin
   * sent: the access cookie where the route takes an access token and the request has no Authorization header, the
   * refresh cookie on the refresh route when the body names no refresh token. SameSite does not stop a sibling port
   * or subdomain, which is same-site. Called before anything is counted or changed.
   */
  refuseCrossOriginCookieRequest(request: CookieRequest, route: 'access' | 'refresh'): void {
    if (this.crossOriginByCookie(request, route)) throw new CrossOriginRequestError();
  }

  private crossOriginByCookie(request: CookieRequest, route: 'access' | 'refresh'): boolean {
    const cookie = this.options.cookie;
    if (!cookie || !changesState(request)) return false;
    const byCookie =
      route === 'access'
        ? request.headers.authorization === undefined && cookieValue(request, cookie.name) !== null
        : cookieValue(request, cookie.refreshName) !== null && !namesRefreshToken(request.body);
    return byCookie && !fromAllowedOrigin(request, cookie.allowedOrigins);
  }

  /** Expires both cookies (empty value, past date) and sends Clear-Site-Data with the configured directives. */
  clear(response: unknown): void {
    const cookie = this.options.cookie;
    if (!cookie) return;
    const adapter = this.adapterHost.httpAdapter;
    adapter.clearCookie(response, cookie.name, this.accessAttributes(cookie));
    const refresh = this.refreshAttributes(cookie);
    if (refresh) adapter.clearCookie(response, cookie.refreshName, refresh);
    if (cookie.clearSiteData.length)
      adapter.setHeader(
        response,
        'Clear-Site-Data',
        cookie.clearSiteData.map((directive) => `"${directive}"`).join(', '),
      );
  }

  /**
   * After a module route answered `status`: on a route that ends the caller's session (the route table's
   * `clearsCookies`), the browser forgets its cookies when the route succeeded, and also when it failed but the
   * request carried a cookie (the session ended elsewhere, a disabled user, a limit, an outage: a dead HttpOnly
   * cookie cannot be removed by page script). A refused refresh clears them when the refresh cookie came. A request
   * the origin check refuses (or would, had the adapter not refused its body first) changes nothing.
   */
  clearAfterSignOut(request: CookieRequest, response: unknown, status: number, error?: unknown): void {
    const cookie = this.options.cookie;
    if (!cookie || error instanceof CrossOriginRequestError) return;
    const route = this.routes.routeFor(request);
    if (!route?.clearsCookies) return;
    // A page of another origin must not sign the browser out either, even where the adapter refused its body first.
    if (this.crossOriginByCookie(request, route.name === 'refresh' ? 'refresh' : 'access')) return;
    const succeeded = status < 400;
    const carried = cookieValue(request, cookie.name) !== null || cookieValue(request, cookie.refreshName) !== null;
    const clears =
      route.clearsCookies === 'whenRefused'
        ? status === 401 && cookieValue(request, cookie.refreshName) !== null
        : (succeeded || carried) &&
          (route.clearsCookies === 'always' || route.params.id === this.callerSessionId(request, cookie));
    if (clears) this.clear(response);
  }

  /** The caller's session: the authenticated one, or (refused) the one its access cookie names. */
  private callerSessionId(request: CookieRequest, cookie: ResolvedCookieOptions): string | undefined {
    const user = request.user as AuthenticatedSession | undefined;
    if (user?.sessionId) return user.sessionId;
    return sessionIdClaim(cookieValue(request, cookie.name));
  }

  private accessAttributes({ path, domain, secure, sameSite }: ResolvedCookieOptions) {
    return { path, domain, secure, sameSite, httpOnly: true };
  }

  /** Sent only to the refresh route; undefined when this module mounts none (then there is no refresh cookie). */
  private refreshAttributes({ domain, secure, sameSite }: ResolvedCookieOptions) {
    const path = this.routes.pathOf('refresh');
    return path === undefined ? undefined : { path, domain, secure, sameSite, httpOnly: true };
  }
}

function cookieValue(request: { headers: Record<string, unknown> }, name: string): string | null {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return null;
  return parseCookie(header)[name] || null;
}

function namesRefreshToken(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'refreshToken' in body;
}

/**
 * The `sid` claim of a token, unverified: only used to tell whether a refused request ended its own session, so that
 * its cookies are cleared, which the client could do to itself anyway.
 */
function sessionIdClaim(token: string | null): string | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const { sid } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sid?: unknown };
    return typeof sid === 'string' ? sid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * On a route that ends the caller's session: after it succeeded, the browser forgets the cookies (see
 * AuthCookieService.clearAfterSignOut, which the error renderer calls for failures).
 */
@Injectable()
export class ClearAuthCookieInterceptor implements NestInterceptor {
  constructor(private readonly cookies: AuthCookieService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    return next.handle().pipe(tap(() => this.cookies.clearAfterSignOut(http.getRequest(), http.getResponse(), 200)));
  }
}
