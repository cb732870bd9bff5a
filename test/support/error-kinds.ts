import type { AuthErrorKind } from '../../src/auth/index.js';

/**
 * Every kind of domain error, sorted. Written out rather than derived, so that a kind added to the union
 * must be added here (tsc, see each mapper spec) and then given a row in every mapper spec (its coverage test).
 */
export const ALL_KINDS = [
  'admin_required',
  'cross_origin_request',
  'database_unavailable',
  'invalid_refresh_token',
  'invalid_token',
  'malformed_request',
  'malformed_token',
  'missing_token',
  'payload_too_large',
  'request_validation',
  'session_conflict',
  'session_expired',
  'session_limit_reached',
  'session_not_found',
  'session_not_fresh',
  'session_revoked',
  'token_expired',
  'token_signature',
  'too_many_requests',
  'unknown_device',
  'unknown_session',
  'unsupported_media_type',
  'user_disabled',
  'user_not_found',
] as const satisfies readonly AuthErrorKind[];
