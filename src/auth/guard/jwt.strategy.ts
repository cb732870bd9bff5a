import { PassportStrategy } from '@nestjs/passport';
import passport from 'passport';
import { Strategy, type StrategyOptionsWithRequest } from 'passport-jwt';
import type { Jwt } from 'jsonwebtoken';
import { ACCESS_TOKEN_TYPE, UUID_PATTERN } from '../auth.constants.js';
import { InvalidTokenError } from '../errors/auth.errors.js';
import type { ResolvedAuthOptions } from '../options/resolve-options.js';
import type { AuthenticatedSession } from '../sessions/session.types.js';
import type { SessionService } from '../sessions/session.service.js';
import { verificationKey, type AccessTokenClaims } from '../tokens/access-token.service.js';
import { accessTokenExtractor } from '../tokens/token-extraction.js';

const ACCEPTED_TYPES = new Set([ACCESS_TOKEN_TYPE, `application/${ACCESS_TOKEN_TYPE}`]);
/** Ours are UUIDs (36); the bound keeps a signed but oversized `jti` out of logs and memory. */
const MAX_JTI_LENGTH = 128;

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
    const typ = typeof token.header.typ === 'string' ? token.header.typ.toLowerCase() : '';
    if (!ACCEPTED_TYPES.has(typ)) throw new InvalidTokenError('Token type is not at+jwt');
    // RFC 7515 4.1.11: a critical extension we do not understand makes the token invalid.
    if ('crit' in token.header) throw new InvalidTokenError('Unsupported critical header');
    return this.sessions.forRequest(request).validateSession(parseClaims(token.payload, this.options));
  }
}

function strategyOptions(options: ResolvedAuthOptions, allowRawAuthorization: boolean): StrategyOptionsWithRequest {
  return {
    passReqToCallback: true,
    jwtFromRequest: accessTokenExtractor({ allowRawAuthorization, cookieName: options.cookie?.name ?? null }),
    // A KeyObject (jsonwebtoken accepts one; passport-jwt passes it through): parsed once, not per token.
    secretOrKey: verificationKey(options.signing) as unknown as string,
    algorithms: [options.signing.algorithm],
    issuer: options.issuer,
    audience: options.audience,
    // jsonwebtoken applies the tolerance to `exp` and `nbf`; parseClaims applies it to `iat`.
    jsonWebTokenOptions: { complete: true, clockTolerance: options.clockToleranceSeconds },
  };
}

/**
 * The claims JwtGuard relies on, after jsonwebtoken checked the signature, `iss`, `aud`, and `exp` and `nbf` where
 * present. RFC 9068 section 2.2 makes `exp` and `iat` required; RFC 8725 section 3.10: a signed token still claims no
 * more than we would have issued, so no `iat` ahead of our clock and no lifetime above `accessTokenTtlSeconds`.
 */
function parseClaims(
  payload: Jwt['payload'],
  options: Pick<ResolvedAuthOptions, 'accessTokenTtlSeconds' | 'clockToleranceSeconds'>,
): Pick<AccessTokenClaims, 'sub' | 'sid' | 'jti'> {
  if (typeof payload !== 'object' || payload === null) throw new InvalidTokenError('Token payload is not an object');
  const { sub, sid, jti, exp, iat } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 255) {
    throw new InvalidTokenError('Token has no valid sub');
  }
  if (typeof sid !== 'string' || !UUID_PATTERN.test(sid)) throw new InvalidTokenError('Token has no valid sid');
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) {
    throw new InvalidTokenError('Token has no valid jti');
  }
  if (!isNumericDate(exp)) throw new InvalidTokenError('Token has no valid exp');
  if (!isNumericDate(iat)) throw new InvalidTokenError('Token has no valid iat');
  const tolerance = options.clockToleranceSeconds;
  if (iat > Date.now() / 1000 + tolerance) throw new InvalidTokenError('Token iat is in the future');
  if (exp - iat > options.accessTokenTtlSeconds + tolerance) {
    throw new InvalidTokenError('Token lifetime is longer than accessTokenTtlSeconds');
  }
  return { sub, sid, jti };
}

/** RFC 7519 section 2: seconds since the epoch, a JSON number (not a string). */
function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
