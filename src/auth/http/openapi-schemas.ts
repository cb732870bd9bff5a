import type { SchemaObject } from '@nestjs/swagger';

/** The error body of the generic spec (`GenericErrorBody`): every answer carries all three fields. */
export const GENERIC_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['message', 'description', 'code'],
  properties: {
    message: { type: 'string', description: 'A short title of the error.' },
    description: { type: 'string', description: 'What went wrong.' },
    code: { type: 'string', description: 'A stable code, e.g. `UNAUTHORIZED`, `VALIDATION_ERROR`.' },
  },
};

/** The `/signout` spec's error body (signout.crypterium.md). */
export const SIGNOUT_ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['error', 'errorId', 'message', 'systemId'],
  properties: {
    message: { type: 'string', description: 'Message displayed to the user.' },
    field: { type: 'string', description: 'Specifies the field in the request that caused the error.' },
    errorId: { type: 'integer', description: 'Identifier of the error.' },
    systemId: { type: 'string', description: 'Identifier of the component.' },
    originalMessage: { type: 'string', description: 'The original error message.' },
    errorStackTrace: { type: 'string', description: 'The place where the error occurred in the code.' },
    data: {
      type: 'object',
      additionalProperties: { type: 'object' },
      description: 'Additional data related to the error.',
    },
    error: { type: 'string', description: 'Identifier of the error.' },
  },
};

/** The `/signout` spec's success body. */
export const SIGNOUT_SUCCESS_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['result'],
  properties: { result: { type: 'string', enum: ['ok'] } },
};

/** The FIB envelope, of its successes and errors alike; `status.code` is the HTTP status. */
export const FIB_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['status', 'data'],
  properties: {
    status: {
      type: 'object',
      required: ['code', 'name', 'message'],
      properties: { code: { type: 'integer', format: 'int32' }, name: { type: 'string' }, message: { type: 'string' } },
    },
    data: { type: 'object' },
  },
};

/** The SigningHub v3 error body. */
export const V3_ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['Message'],
  properties: { Message: { type: 'string' } },
};

/** RFC 6749 section 5.2. */
export const OAUTH_ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['error'],
  properties: {
    error: { type: 'string', description: 'An RFC 6749 error code, e.g. `invalid_request`.' },
    error_description: { type: 'string', description: 'What went wrong, for the developer.' },
  },
};

/**
 * Fastify's router's own 400 (`FST_ERR_BAD_URL`) for a path parameter whose percent-encoding is not UTF-8: it answers
 * before any route runs, so no mapper sees it.
 */
export const ROUTER_ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string' },
    error: { type: 'string' },
    message: { type: 'string' },
  },
};
