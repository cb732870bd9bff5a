import { Controller, Get, Header, Ip, Query, Redirect, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import { parseCookie } from 'cookie';
import * as client from 'openid-client';
import {
  ApiNoAuth,
  AuthCookieService,
  AuthRateLimitGuard,
  GENERIC_ERROR_SCHEMA,
  IssuedTokensResponse,
  SessionService,
  type SignInRequest,
} from '../../auth/index.js';
import { ApiDemoDefault, ApiRateLimitAnswer, jsonBody } from '../demo-openapi.js';
import type { DemoConfig } from '../demo.config.js';
import { DemoUsersService } from '../users/demo-users.service.js';
import { DemoOidcClient } from './oidc-client.service.js';
import { OIDC_FLOW_COOKIE, OIDC_FLOW_SECONDS, OidcFlowSealer } from './oidc-flow.js';
import { identityProviderUnavailable, isUnreachable, oidcSignInFailed } from './oidc-sign-in.errors.js';

const FLOW_COOKIE_PATH = '/auth/oidc';

/**
 * Sign-in through the demo's OpenID Connect provider (OIDC_* variables): authorization code with PKCE, then a session
 * that remembers the provider's issuer, `sid` and `sub` (so the provider's back-channel logout ends it) and its ID
 * token (the `id_token_hint` of RP-initiated logout). The user is the demo user with the provider's verified email,
 * created on first sign-in.
 */
const SIGN_IN_FAILED = oidcSignInFailed().getResponse() as object;
const UNAVAILABLE = identityProviderUnavailable().getResponse() as object;
const ApiProviderUnavailable = () =>
  ApiResponse({
    status: 503,
    description: 'The identity provider cannot be reached',
    content: jsonBody(GENERIC_ERROR_SCHEMA, UNAVAILABLE),
  });

@Controller('auth/oidc')
@ApiTags('demo')
@ApiDemoDefault()
export class DemoOidcController {
  private readonly flows: OidcFlowSealer;

  constructor(
    private readonly oidc: DemoOidcClient,
    private readonly users: DemoUsersService,
    private readonly sessions: SessionService,
    private readonly cookies: AuthCookieService,
    private readonly adapterHost: HttpAdapterHost,
    config: ConfigService<DemoConfig, true>,
  ) {
    this.flows = new OidcFlowSealer(config.get('jwtSecret', { infer: true }));
  }

  /** Sends the browser to the provider; `?rememberMe=true` opens the session with the "remember me" lifetimes. */
  @Get('login')
  @UseGuards(AuthRateLimitGuard)
  @Redirect()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ operationId: 'oidcLogin', summary: 'Sign in through the identity provider (redirects there)' })
  @ApiNoAuth()
  @ApiQuery({ name: 'rememberMe', required: false, enum: ['true', 'false'] })
  @ApiResponse({ status: 302, description: "To the provider's authorization endpoint (code + PKCE)" })
  @ApiRateLimitAnswer()
  @ApiProviderUnavailable()
  async login(@Res({ passthrough: true }) response: unknown, @Query('rememberMe') rememberMe?: string) {
    const configuration = await this.oidc.discover().catch(() => {
      throw identityProviderUnavailable();
    });
    const flow = {
      codeVerifier: client.randomPKCECodeVerifier(),
      state: client.randomState(),
      nonce: client.randomNonce(),
      rememberMe: rememberMe === 'true',
    };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.oidc.settings.redirectUri,
      scope: 'openid email',
      code_challenge: await client.calculatePKCECodeChallenge(flow.codeVerifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    });
    this.adapterHost.httpAdapter.setCookie(response, OIDC_FLOW_COOKIE, await this.flows.seal(flow), {
      ...this.flowCookieAttributes(),
      maxAge: OIDC_FLOW_SECONDS,
    });
    return { url: url.href, statusCode: 302 };
  }

  /** The provider's redirect back: the code is exchanged and checked, and the session answered like the login's. */
  @Get('callback')
  @UseGuards(AuthRateLimitGuard)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ operationId: 'oidcCallback', summary: "The identity provider's redirect back: opens the session" })
  @ApiNoAuth()
  @ApiQuery({ name: 'code', required: false })
  @ApiQuery({ name: 'state', required: false })
  @ApiOkResponse({ description: 'A new session, as the login answers it', type: IssuedTokensResponse })
  @ApiResponse({
    status: 401,
    description: 'No or another sign-in flow, a refused code, an unverified email or a disabled account',
    content: jsonBody(GENERIC_ERROR_SCHEMA, SIGN_IN_FAILED),
  })
  @ApiRateLimitAnswer()
  @ApiProviderUnavailable()
  async callback(
    @Req() request: SignInRequest & { url: string; headers: { cookie?: string; 'user-agent'?: string } },
    @Res({ passthrough: true }) response: unknown,
    @Ip() ip: string,
  ) {
    // From the request, not a declared header: the document must not ask browsers for it.
    const userAgent = request.headers['user-agent'];
    // A flow is used once, whatever the outcome.
    this.adapterHost.httpAdapter.clearCookie(response, OIDC_FLOW_COOKIE, this.flowCookieAttributes());
    const flow = await this.flows.open(parseCookie(request.headers.cookie ?? '')[OIDC_FLOW_COOKIE]);
    if (!flow) throw oidcSignInFailed();
    // The URL the provider redirected to, as registered: the query is the request's, host and path the setting's.
    const currentUrl = new URL(this.oidc.settings.redirectUri);
    currentUrl.search = new URL(request.url, 'http://callback').search;
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    let email: unknown;
    let emailVerified: unknown;
    try {
      const configuration = await this.oidc.discover();
      tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: flow.codeVerifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims()!;
      ({ email, email_verified: emailVerified } = claims);
      // Providers that follow the Core spec strictly put scope claims in the user info, not in the ID token.
      if (email === undefined)
        ({ email, email_verified: emailVerified } = await client.fetchUserInfo(
          configuration,
          tokens.access_token,
          claims.sub,
        ));
    } catch (error) {
      throw isUnreachable(error) ? identityProviderUnavailable() : oidcSignInFailed();
    }
    // An account is found by email only when the provider vouches for it: otherwise anyone could claim any account.
    if (typeof email !== 'string' || emailVerified !== true)
      throw oidcSignInFailed('The identity provider did not send a verified email address');
    const user = await this.users.findOrCreateFederatedUser(email);
    if (user.disabled) throw oidcSignInFailed();
    const { iss, sid, sub } = tokens.claims()!;
    const session = await this.sessions.createSession({
      userId: user.id,
      ip,
      userAgent,
      rememberMe: flow.rememberMe,
      identityProvider: { issuer: iss, sub, sid: typeof sid === 'string' ? sid : undefined, idToken: tokens.id_token },
    });
    return this.cookies.issueTokens(response, session);
  }

  private flowCookieAttributes() {
    const secure = new URL(this.oidc.settings.redirectUri).protocol === 'https:';
    // Lax: the provider's redirect back is a cross-site top-level navigation, which must carry the cookie.
    return { path: FLOW_COOKIE_PATH, httpOnly: true, sameSite: 'lax' as const, secure };
  }
}
