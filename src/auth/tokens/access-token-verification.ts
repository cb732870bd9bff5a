import type { KeyObject } from 'node:crypto';
import jwt, { type Jwt } from 'jsonwebtoken';
import { ACCESS_TOKEN_TYPE, UUID_PATTERN } from '../auth.constants.js';
import { InvalidTokenError } from '../errors/auth.errors.js';
import type { ResolvedAuthOptions } from '../options/resolve-options.js';
import { type AccessTokenClaims, verificationKey } from './access-token.service.js';

const ACCEPTED_TYPES = new Set([ACCESS_TOKEN_TYPE, `application/${ACCESS_TOKEN_TYPE}`]);
/** Ours are UUIDs (36); the bound keeps a signed but oversized `jti` out of logs and memory. */
const MAX_JTI_LENGTH = 128;

type VerifyingOptions = Pick<
  ResolvedAuthOptions,
  'signing' | 'issuer' | 'audience' | 'clockToleranceSeconds' | 'accessTokenTtlSeconds'
>;

/** What jsonwebtoken checks of an access token (signature and algorithm, `iss`, `aud`, `exp`, `nbf`): JwtGuard's. */
export function jwtVerifyOptions(options: VerifyingOptions) {
  return {
    // A KeyObject, parsed once, not per token.
    key: verificationKey(options.signing),
    algorithms: [options.signing.algorithm],
    issuer: options.issuer,
    audience: options.audience,
    // jsonwebtoken applies the tolerance to `exp` and `nbf`; accessTokenClaims applies it to `iat`.
    clockTolerance: options.clockToleranceSeconds,
  };
}

/**
 * The claims JwtGuard relies on, after jsonwebtoken checked the signature, `iss`, `aud`, and `exp` and `nbf`: a `typ`
 * of `at+jwt`, no critical extension, and the claims of parseClaims. Throws InvalidTokenError saying what is wrong.
 */
export function accessTokenClaims(
  token: Jwt,
  options: Pick<ResolvedAuthOptions, 'accessTokenTtlSeconds' | 'clockToleranceSeconds'>,
): Pick<AccessTokenClaims, 'sub' | 'sid' | 'jti'> {
  const typ = typeof token.header.typ === 'string' ? token.header.typ.toLowerCase() : '';
  if (!ACCEPTED_TYPES.has(typ)) throw new InvalidTokenError('Token type is not at+jwt');
  // RFC 7515 4.1.11: a critical extension we do not understand makes the token invalid.
  if ('crit' in token.header) throw new InvalidTokenError('Unsupported critical header');
  return parseClaims(token.payload, options);
}

/**
 * A verifier of access tokens outside the guard (token revocation): the same checks as JwtGuard's, the session's
 * state aside. Returns null for anything JwtGuard would refuse before asking for the session.
 */
export function accessTokenVerifier(
  options: VerifyingOptions,
): (token: string) => Pick<AccessTokenClaims, 'sub' | 'sid' | 'jti'> | null {
  const { key, ...verify } = jwtVerifyOptions(options);
  return (token) => {
    try {
      return accessTokenClaims(jwt.verify(token, key as KeyObject, { ...verify, complete: true }), options);
    } catch {
      return null;
    }
  };
}

/**
 * RFC 9068 section 2.2 makes `exp` and `iat` required; RFC 8725 section 3.10: a signed token still claims no more than
 * we would have issued, so no `iat` ahead of our clock and no lifetime above `accessTokenTtlSeconds`.
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
