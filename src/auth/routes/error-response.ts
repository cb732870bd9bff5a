import { HttpException } from '@nestjs/common';
import {
  AuthError,
  MalformedRequestError,
  PayloadTooLargeError,
  TooManyRequestsError,
  UnsupportedMediaTypeError,
} from '../auth.errors.js';

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

/** A spec's pure mapping: domain error (or anything unexpected) -> status and body. */
export type ErrorMapper<Body = unknown> = (error: unknown, options: ErrorMapperOptions) => ErrorResponse<Body>;

/**
 * Errors raised before a route's handler (body parsers of Express and Fastify,
 * Nest's own HttpExceptions) become domain errors by status; domain errors stay
 * as they are; anything else is left for the mapper's 500.
 */
export function toDomainError(error: unknown): unknown {
  if (error instanceof AuthError) return error;
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
