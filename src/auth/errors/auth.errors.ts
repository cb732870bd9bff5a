/** Every kind of domain error: each spec's mapper answers each of them (a missing one is a type error). */
export type AuthErrorKind =
  | 'missing_token'
  | 'malformed_token'
  | 'token_signature'
  | 'invalid_token'
  | 'token_expired'
  | 'session_not_found'
  | 'session_revoked'
  | 'session_expired'
  | 'session_conflict'
  | 'user_not_found'
  | 'user_disabled'
  | 'unknown_session'
  | 'unknown_device'
  | 'admin_required'
  | 'malformed_request'
  | 'request_validation'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'too_many_requests'
  | 'cross_origin_request'
  | 'invalid_refresh_token'
  | 'session_limit_reached'
  | 'session_not_fresh'
  | 'database_unavailable';

/**
 * Domain errors: what went wrong, never how to answer it. Each spec's mapper
 * turns them into that spec's status and body.
 */
export abstract class AuthError extends Error {
  abstract readonly kind: AuthErrorKind;
  override get name(): string {
    return this.constructor.name;
  }
}

/** No access token in the request. */
export class MissingTokenError extends AuthError {
  readonly kind = 'missing_token';
}
/** Something that is not a JWT at all. */
export class MalformedTokenError extends AuthError {
  readonly kind = 'malformed_token';
}
/** A well-formed JWT whose signature or algorithm does not verify. */
export class TokenSignatureError extends AuthError {
  readonly kind = 'token_signature';
}
/** A verified JWT whose claims or header are not ours (iss, aud, typ, sub, sid, nbf...). */
export class InvalidTokenError extends AuthError {
  readonly kind = 'invalid_token';
}
/** A verified JWT past its `exp`. */
export class TokenExpiredError extends AuthError {
  readonly kind = 'token_expired';
}
/** The token's session row does not exist. */
export class SessionNotFoundError extends AuthError {
  readonly kind = 'session_not_found';
}
/** The token's session was revoked. */
export class SessionRevokedError extends AuthError {
  readonly kind = 'session_revoked';
}
/** The token's session is past its `expires_at`. */
export class SessionExpiredError extends AuthError {
  readonly kind = 'session_expired';
}
/** The session was revoked by another operation while this one was under way. */
export class SessionConflictError extends AuthError {
  readonly kind = 'session_conflict';
}
/** The token's user no longer exists. */
export class UserNotFoundError extends AuthError {
  readonly kind = 'user_not_found';
}
/** The token's user is disabled. */
export class UserDisabledError extends AuthError {
  readonly kind = 'user_disabled';
}
/** A session id that names no live session of the user (or of anyone: the answer is the same). */
export class UnknownSessionError extends AuthError {
  readonly kind = 'unknown_session';
}
/** A device id that names no device of the user. */
export class UnknownDeviceError extends AuthError {
  readonly kind = 'unknown_device';
}
/** An authenticated caller whom the host's admin guard does not take as an administrator. */
export class AdminRequiredError extends AuthError {
  readonly kind = 'admin_required';
}

/** A request the route cannot read: a body that is not valid JSON, or not a JSON object. */
export class MalformedRequestError extends AuthError {
  readonly kind = 'malformed_request';
}
/** A readable body with a field that fails validation. */
export class RequestValidationError extends AuthError {
  readonly kind = 'request_validation';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
/** A body above the route's size limit. */
export class PayloadTooLargeError extends AuthError {
  readonly kind = 'payload_too_large';
}
/** A body in a content type other than JSON. */
export class UnsupportedMediaTypeError extends AuthError {
  readonly kind = 'unsupported_media_type';
}
/** Too many requests from this client, or too many failed sign-ins at one account. */
export class TooManyRequestsError extends AuthError {
  readonly kind = 'too_many_requests';
  constructor(
    message?: string,
    /** When a new attempt may come; the module's filters send it as `Retry-After`. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
/**
 * A state-changing request authenticated by the module's cookie that came from a page of another origin (a sibling
 * port or subdomain is same-site, so SameSite does not stop it): nothing is done.
 */
export class CrossOriginRequestError extends AuthError {
  readonly kind = 'cross_origin_request';
}
/** A refresh token that is unknown, already rotated, or of a session that has ended. */
export class InvalidRefreshTokenError extends AuthError {
  readonly kind = 'invalid_refresh_token';
}
/** A sign-in past `sessionLimit.max` live sessions of its user, with the `refuse` policy: no session was opened. */
export class SessionLimitReachedError extends AuthError {
  readonly kind = 'session_limit_reached';
}
/** A route marked `@RequireFreshSession(maxAgeSeconds)` with a session whose user proved their credentials earlier. */
export class SessionNotFreshError extends AuthError {
  readonly kind = 'session_not_fresh';
  constructor(
    /** The route's limit: the client re-authenticates, then tries again (RFC 9470 `max_age`). */
    readonly maxAgeSeconds: number,
  ) {
    super(`The session's authentication is older than ${maxAgeSeconds} s`);
  }
}
/** PostgreSQL could not be reached or did not answer in time: the module fails closed. */
export class DatabaseUnavailableError extends AuthError {
  readonly kind = 'database_unavailable';
}
