import {
  AuthError,
  InvalidTokenError,
  MalformedTokenError,
  MissingTokenError,
  TokenExpiredError,
  TokenSignatureError,
} from '../errors/auth.errors.js';

const SIGNATURE_MESSAGES = new Set(['invalid signature', 'invalid algorithm', 'jwt signature is required']);
const MALFORMED_MESSAGES = new Set(['jwt malformed', 'invalid token', 'jwt must be provided', 'jwt must be a string']);

/** Turns what passport-jwt / jsonwebtoken report about a refused token into a domain error. */
export function tokenErrorFrom(info: unknown): AuthError {
  if (info instanceof AuthError) return info;
  if (!(info instanceof Error)) return new MissingTokenError();
  if (info.message === 'No auth token') return new MissingTokenError();
  if (info.name === 'TokenExpiredError') return new TokenExpiredError();
  if (SIGNATURE_MESSAGES.has(info.message)) return new TokenSignatureError(info.message);
  // jsonwebtoken reports unparseable header or payload JSON as SyntaxError-derived messages.
  if (
    MALFORMED_MESSAGES.has(info.message) ||
    info instanceof SyntaxError ||
    /^Unexpected token|JSON/.test(info.message)
  ) {
    return new MalformedTokenError(info.message);
  }
  return new InvalidTokenError(info.message);
}
