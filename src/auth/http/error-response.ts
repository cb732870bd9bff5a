import { HttpException } from '@nestjs/common';
import {
  AuthError,
  type AuthErrorKind,
  DatabaseUnavailableError,
  MalformedRequestError,
  PayloadTooLargeError,
  TooManyRequestsError,
  UnsupportedMediaTypeError,
} from '../errors/auth.errors.js';
import { isDatabaseUnavailable } from '../errors/session-store.errors.js';

/** What a spec answers for an error: an HTTP status and that spec's body. */
export interface ErrorResponse<Body = unknown> {
  status: number;
  body: Body;
}

/** What a mapper may add to a body when the host asks for error details. */
export interface ErrorMapperOptions {
  systemId: string;
  exposeErrorDetails: boolean;
}

/**
 * A token that does not, or no longer, authenticates: every spec answers these with its 401 (FIB: a bad signature is
 * its 422).
 */
export const REFUSED_TOKEN_KINDS = [
  'malformed_token',
  'token_signature',
  'invalid_token',
  'token_expired',
  'session_revoked',
  'session_expired',
] as const satisfies readonly AuthErrorKind[];

/**
 * A session that is gone or lost a race, or a refresh token that no longer works: the specs without a 404 or 409 answer
 * these as a refused token.
 */
export const LOST_SESSION_KINDS = [
  'session_not_found',
  'session_conflict',
  'invalid_refresh_token',
] as const satisfies readonly AuthErrorKind[];

/** A request the route cannot take as sent: the specs with one 400 answer all of these with it. */
export const BAD_REQUEST_KINDS = [
  'unknown_device',
  'malformed_request',
  'request_validation',
] as const satisfies readonly AuthErrorKind[];

/**
 * Kinds only the generic spec's routes (and the host's, in its body) raise or document (its 404, the admin routes'
 * 403, its 503, a refused sign-in, a session too old for a route): the others answer their 500.
 */
export const GENERIC_ONLY_KINDS = [
  'unknown_session',
  'admin_required',
  'database_unavailable',
  'session_limit_reached',
  'session_not_fresh',
] as const satisfies readonly AuthErrorKind[];

/** Kinds every spec answers with an entry of the same name in its own table. */
export const SAME_NAMED_KINDS = {
  payload_too_large: 'payloadTooLarge',
  unsupported_media_type: 'unsupportedMediaType',
  too_many_requests: 'tooManyRequests',
  cross_origin_request: 'crossOrigin',
} as const satisfies Partial<Record<AuthErrorKind, string>>;

/** One answer name for many error kinds, as entries of a mapper's kind table. */
export function kindsAnsweredBy<Name extends string, Kind extends AuthErrorKind>(
  name: Name,
  kinds: readonly Kind[],
): Record<Kind, Name> {
  return Object.fromEntries(kinds.map((kind) => [kind, name])) as Record<Kind, Name>;
}

/** The answer a kind table gives an error: its kind's entry, or `fallback` for anything that is not a domain error. */
export function answerName<Name extends string>(
  table: Readonly<Record<AuthErrorKind, Name>>,
  error: unknown,
  fallback: Name,
): Name {
  return error instanceof AuthError ? table[error.kind] : fallback;
}

/** A spec's pure mapping: domain error (or anything unexpected) -> status and body. */
export type ErrorMapper<Body = unknown> = (error: unknown, options: ErrorMapperOptions) => ErrorResponse<Body>;

/**
 * Errors raised before a route's handler (body parsers of Express and Fastify,
 * Nest's own HttpExceptions) become domain errors by status; domain errors stay
 * as they are; anything else is left for the mapper's 500.
 */
export function toDomainError(error: unknown): unknown {
  if (error instanceof AuthError) return error;
  if (isDatabaseUnavailable(error))
    return new DatabaseUnavailableError('The database is unavailable', { cause: error });
  const status = statusOf(error);
  const message = error instanceof Error ? error.message : 'Bad request';
  if (status === 413) return new PayloadTooLargeError(message);
  if (status === 415) return new UnsupportedMediaTypeError(message);
  if (status === 429) return new TooManyRequestsError(message);
  if (status !== undefined && status >= 400 && status < 500) return new MalformedRequestError(message);
  return error;
}

function statusOf(error: unknown): number | undefined {
  if (error instanceof HttpException) return error.getStatus();
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof statusCode === 'number' ? statusCode : status;
  return typeof value === 'number' ? value : undefined;
}
