import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import { RequestValidationError } from '../errors/auth.errors.js';
import type { BackchannelLogoutProvider } from '../options/auth-options.interface.js';
import type { ResolvedBackchannelLogoutOptions } from '../options/resolve-options.js';
import type { IdentityProviderLogout } from '../sessions/session.types.js';
import { discoverProvider, fetchJsonDocument } from './provider-discovery.js';

/** OpenID Connect Back-Channel Logout 1.0 section 2.4: the member of `events` that makes a JWT a logout token. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * Asymmetric algorithms only: `none` and the HMAC ones are never accepted (a provider's HMAC key would be this
 * client's secret, which the module does not hold, and a public key must not pass for one).
 */
export const LOGOUT_TOKEN_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/** A refused logout token: the route's 400 `invalid_request`, naming what was wrong. */
const refused = (reason: string) => new RequestValidationError('logout_token', `logout_token ${reason}`);

/** jose's errors about the token itself; any other (a provider that cannot be reached) is not the token's fault. */
const TOKEN_ERRORS = [
  errors.JWSInvalid,
  errors.JWTInvalid,
  errors.JWSSignatureVerificationFailed,
  errors.JWKSNoMatchingKey,
  errors.JWKSMultipleMatchingKeys,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
  errors.JWTClaimValidationFailed,
  errors.JWTExpired,
];

/**
 * Verifies logout tokens as section 2.6 says, for the configured providers: signed by a key of the issuer's published
 * key set (never one the token brings in `jwk`, `jku` or `x5u`), an allowed algorithm, `iss` a configured provider,
 * `aud` its client id, `iat` present and recent, `exp` if present, the back-channel logout member in `events`, `sid`
 * and/or `sub`, no `nonce`, a `jti`. Whether the `jti` was seen before is the database's to say.
 */
export class LogoutTokenVerifier {
  private readonly keySets = new Map<string, Promise<KeySet>>();

  constructor(
    private readonly options: ResolvedBackchannelLogoutOptions,
    private readonly fetchJson: (url: string) => Promise<unknown> = fetchJsonDocument,
  ) {}

  /** The logout the token asks for; a RequestValidationError (`logout_token`) names why it is refused. */
  async verify(token: string): Promise<IdentityProviderLogout> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw refused('is not a JWT');
    }
    const provider = this.options.providers.find((p) => p.issuer === unverified.iss);
    if (!provider) throw refused('is not from a known issuer');
    const { clockToleranceSeconds, maxTokenAgeSeconds } = this.options;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.keySet(provider), {
        issuer: provider.issuer,
        audience: provider.clientId,
        algorithms: LOGOUT_TOKEN_ALGORITHMS,
        clockTolerance: clockToleranceSeconds,
        maxTokenAge: maxTokenAgeSeconds,
        requiredClaims: ['iat', 'jti'],
      }));
    } catch (error) {
      if (TOKEN_ERRORS.some((kind) => error instanceof kind)) throw refused(tokenErrorReason(error));
      throw error;
    }
    return logoutOf(payload, provider.issuer, maxTokenAgeSeconds + clockToleranceSeconds);
  }

  /** The provider's key set: jose's remote set caches the keys and fetches them again for an unknown `kid`. */
  private keySet(provider: BackchannelLogoutProvider): Promise<KeySet> {
    let keySet = this.keySets.get(provider.issuer);
    if (!keySet) {
      keySet = this.jwksUri(provider).then((uri) => createRemoteJWKSet(new URL(uri)));
      // A discovery that failed is tried again at the next token.
      keySet.catch(() => this.keySets.delete(provider.issuer));
      this.keySets.set(provider.issuer, keySet);
    }
    return keySet;
  }

  private async jwksUri(provider: BackchannelLogoutProvider): Promise<string> {
    if (provider.jwksUri) return provider.jwksUri;
    const { jwks_uri: jwksUri } = await discoverProvider(provider.issuer, this.fetchJson);
    if (typeof jwksUri !== 'string') throw new Error(`The discovery document of ${provider.issuer} names no jwks_uri`);
    return jwksUri;
  }
}

const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The claims of a verified token that section 2.6 checks beyond signature, issuer, audience and times. */
function logoutOf(payload: JWTPayload, issuer: string, longestAgeSeconds: number): IdentityProviderLogout {
  const events = payload.events as unknown;
  if (!isObject(events) || !isObject((events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT]))
    throw refused('has no back-channel logout event');
  if (payload.nonce !== undefined) throw refused('must not have a nonce');
  const { sid, sub, jti, iat, exp } = payload as { sid?: unknown; sub?: unknown; jti?: unknown } & JWTPayload;
  if (sid !== undefined && (typeof sid !== 'string' || sid === '')) throw refused('has an invalid sid');
  if (sub !== undefined && (typeof sub !== 'string' || sub === '')) throw refused('has an invalid sub');
  if (sid === undefined && sub === undefined) throw refused('has neither sid nor sub');
  if (typeof jti !== 'string' || jti === '') throw refused('has an invalid jti');
  const until = Math.min(exp ?? Infinity, (iat as number) + longestAgeSeconds);
  return {
    issuer,
    jti,
    acceptableUntil: new Date(until * 1000),
    ...(sid === undefined ? {} : { sid }),
    ...(sub === undefined ? {} : { sub }),
  };
}

function tokenErrorReason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return error.claim === 'iat' ? 'was issued too long ago' : 'has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `has an invalid ${error.claim} claim`;
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported)
    return 'is not signed with an allowed algorithm';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'is not a valid signed JWT';
  return 'is not signed by a key of its issuer';
}
