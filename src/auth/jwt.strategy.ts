import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import passport from 'passport';
import { Strategy } from 'passport-jwt';
import type { Jwt } from 'jsonwebtoken';
import { verificationKey, type AccessTokenClaims } from './access-token.service.js';
import { ACCESS_TOKEN_TYPE, UUID_PATTERN } from './auth.constants.js';
import { InvalidTokenError } from './auth.errors.js';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from './auth-options.resolve.js';
import { SessionService } from './session.service.js';
import type { AuthenticatedSession } from './session.types.js';
import { accessTokenFromCookie } from './cookies/auth-cookie.service.js';
import { extractAccessToken } from './token-extraction.js';

const ACCEPTED_TYPES = new Set([ACCESS_TOKEN_TYPE, `application/${ACCESS_TOKEN_TYPE}`]);

/** The strategy's name inside its own passport instance. */
export const JWT_STRATEGY_NAME = 'auth-jwt';

/**
 * Verifies the signature with the configured key and algorithm only (a token's
 * `alg`, `kid`, `jku`, `jwk` or `x5u` never pick a key), then asks
 * SessionService whether the session is still alive.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY_NAME) {
  declare private ownPassport: passport.PassportStatic | undefined;

  constructor(
    @Inject(AUTH_OPTIONS) options: ResolvedAuthOptions,
    private readonly sessions: SessionService,
  ) {
    super({
      jwtFromRequest: options.cookie ? withCookieFallback(options.cookie.name) : extractAccessToken,
      // A KeyObject (jsonwebtoken accepts one; passport-jwt passes it through): parsed once, not per token.
      secretOrKey: verificationKey(options.signing) as unknown as string,
      algorithms: [options.signing.algorithm],
      issuer: options.issuer,
      audience: options.audience,
      jsonWebTokenOptions: { complete: true },
    });
  }

  /**
   * Each strategy registers in a passport instance of its own, not the global
   * one, so two applications in one process never use each other's strategy.
   */
  getPassportInstance(): passport.PassportStatic {
    this.ownPassport ??= new passport.Passport() as passport.PassportStatic;
    return this.ownPassport;
  }

  async validate(token: Jwt): Promise<AuthenticatedSession> {
    const typ = typeof token.header.typ === 'string' ? token.header.typ.toLowerCase() : '';
    if (!ACCEPTED_TYPES.has(typ)) throw new InvalidTokenError('Token type is not at+jwt');
    // RFC 7515 4.1.11: a critical extension we do not understand makes the token invalid.
    if ('crit' in token.header) throw new InvalidTokenError('Unsupported critical header');
    return this.sessions.validateSession(parseClaims(token.payload));
  }
}

function parseClaims(payload: Jwt['payload']): Pick<AccessTokenClaims, 'sub' | 'sid' | 'jti'> {
  if (typeof payload !== 'object' || payload === null) throw new InvalidTokenError('Token payload is not an object');
  const { sub, sid, jti } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 255)
    throw new InvalidTokenError('Token has no valid sub');
  if (typeof sid !== 'string' || !UUID_PATTERN.test(sid)) throw new InvalidTokenError('Token has no valid sid');
  if (typeof jti !== 'string' || jti.length === 0) throw new InvalidTokenError('Token has no valid jti');
  return { sub, sid, jti };
}

/** The Authorization header's token; without that header, the access-token cookie's. */
function withCookieFallback(cookieName: string): typeof extractAccessToken {
  return (request) =>
    request.headers.authorization === undefined
      ? accessTokenFromCookie(request, cookieName)
      : extractAccessToken(request);
}
