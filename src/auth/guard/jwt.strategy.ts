import { PassportStrategy } from '@nestjs/passport';
import passport from 'passport';
import { Strategy, type StrategyOptionsWithRequest } from 'passport-jwt';
import type { Jwt } from 'jsonwebtoken';
import type { ResolvedAuthOptions } from '../options/resolve-options.js';
import type { AuthenticatedSession } from '../sessions/session.types.js';
import type { SessionService } from '../sessions/session.service.js';
import { accessTokenClaims, jwtVerifyOptions } from '../tokens/access-token-verification.js';
import { accessTokenExtractor } from '../tokens/token-extraction.js';
import type { VerifiedTokenCache } from '../tokens/verified-token-cache.js';

/** Where JwtGuard leaves the token it read on the request, for JwtStrategy to remember once verified. */
export const RAW_ACCESS_TOKEN = Symbol('nest-signout raw access token');

/** The strategies' names inside their own passport instance: `Bearer <token>` only, or the bare token too. */
export const JWT_STRATEGY = { bearer: 'auth-jwt', allowRaw: 'auth-jwt-raw' } as const;

/**
 * Verifies the signature with the configured key and algorithm only (a token's
 * `alg`, `kid`, `jku`, `jwk` or `x5u` never pick a key), then asks
 * SessionService whether the session is still alive. Registered twice in its
 * passport instance, once per way of reading the token, so JwtGuard picks the
 * one its route allows instead of telling the extractor through the request.
 * Each JwtGuard builds its own (see there).
 */
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY.bearer) {
  declare private ownPassport: passport.PassportStatic | undefined;

  constructor(
    private readonly options: ResolvedAuthOptions,
    private readonly sessions: SessionService,
    private readonly verified?: VerifiedTokenCache,
  ) {
    super(strategyOptions(options, false));
    const allowRaw = new Strategy(strategyOptions(options, true), (request: object, token: Jwt, done) =>
      this.validate(request, token).then(
        (session) => done(null, session),
        (error: unknown) => done(error, false),
      ),
    );
    this.getPassportInstance().use(JWT_STRATEGY.allowRaw, allowRaw);
  }

  /**
   * Each strategy registers in a passport instance of its own, not the global
   * one, so two applications in one process never use each other's strategy.
   */
  getPassportInstance(): passport.PassportStatic {
    this.ownPassport ??= new passport.Passport() as passport.PassportStatic;
    return this.ownPassport;
  }

  /** `request` carries the deadline of its database work, which the route's own statements share. */
  async validate(request: object, token: Jwt): Promise<AuthenticatedSession> {
    const claims = accessTokenClaims(token, this.options);
    // JwtGuard left the token it read: verified now, it need not be verified again until it expires.
    const raw = (request as { [RAW_ACCESS_TOKEN]?: string })[RAW_ACCESS_TOKEN];
    if (raw && this.verified) this.verified.remember(raw, claims, (token.payload as { exp: number }).exp);
    return this.sessions.forRequest(request).validateSession(claims);
  }
}

function strategyOptions(options: ResolvedAuthOptions, allowRawAuthorization: boolean): StrategyOptionsWithRequest {
  const { key, algorithms, issuer, audience, clockTolerance } = jwtVerifyOptions(options);
  return {
    passReqToCallback: true,
    jwtFromRequest: accessTokenExtractor({ allowRawAuthorization, cookieName: options.cookie?.name ?? null }),
    // A KeyObject (jsonwebtoken accepts one; passport-jwt passes it through).
    secretOrKey: key as unknown as string,
    algorithms,
    issuer,
    audience,
    jsonWebTokenOptions: { complete: true, clockTolerance },
  };
}
