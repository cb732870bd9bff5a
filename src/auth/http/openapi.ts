import { applyDecorators, SetMetadata, type Type } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiExtraModels,
  ApiOperation,
  ApiResponse,
  getSchemaPath,
  type ApiResponseOptions,
  type HeadersObject,
  type ReferenceObject,
  type SchemaObject,
} from '@nestjs/swagger';
import type { AuthErrorKind } from '../errors/auth.errors.js';
import type { ErrorMapper } from './error-response.js';
import { ROUTER_ERROR_SCHEMA } from './openapi-schemas.js';
import { EVERY_ROUTE_RAISES, EXAMPLE_ERRORS, GUARD_RAISES, STATUS_DESCRIPTIONS } from './openapi-errors.js';

/** Name of the bearer security scheme the documented routes use; documentAuthRoutes declares it. */
export const AUTH_SECURITY_SCHEME = 'bearer';

/** Marks an operation that takes no access token: documentAuthRoutes gives it `security: []`. */
export const PUBLIC_OPERATION = 'x-auth-public';

/** An operation that needs no access token (`security: []` in the document, once documentAuthRoutes has run). */
export const ApiNoAuth = (): MethodDecorator & ClassDecorator => ApiExtension(PUBLIC_OPERATION, true);

/**
 * One documented answer of a route: a success body given as the handler returns it, or the domain error behind an
 * error.
 */
export interface DocumentedAnswer {
  status: number;
  description: string;
  /** A success body; absent for an empty body. */
  body?: unknown;
  /** The success body's schema: a response class (its component) or a schema. */
  schema?: Type | SchemaObject;
  /** The error that produces this status: its example is what the route's mapper answers for it. */
  error?: Error;
}

/** What a module route's operation says: the rest (errors, examples) comes from its mapper. */
export interface AuthRouteDocumentation {
  /** A readable, unique operation id (what generated clients name the method). */
  operationId: string;
  summary: string;
  /** The route needs an access token (bearer; in cookie mode, or the access cookie). */
  guarded: boolean;
  /** The body of the route's spec's errors. */
  errorSchema: SchemaObject;
  /** Error kinds the route's handler raises, beyond those of every route and of the token check. */
  raises?: readonly AuthErrorKind[];
  /** The success answers, and errors whose example is a particular one. */
  answers: DocumentedAnswer[];
}

const DOCUMENTED_ROUTE = Symbol('auth:documented-route');

/** The mapper options examples are rendered with: the defaults. */
const EXAMPLE_OPTIONS = { systemId: 'core', exposeErrorDetails: false };

/**
 * A module route's operation: id, summary, security, and every status it can answer. The statuses of its errors and
 * their examples are filled in from the route's mapper (documentAnswers, called from the route table).
 */
export function ApiAuthRoute(documentation: AuthRouteDocumentation): MethodDecorator {
  const models = documentation.answers.flatMap(({ schema }) => (typeof schema === 'function' ? [schema] : []));
  return applyDecorators(
    ApiOperation({ operationId: documentation.operationId, summary: documentation.summary }),
    documentation.guarded ? ApiBearerAuth(AUTH_SECURITY_SCHEME) : ApiNoAuth(),
    ...(models.length ? [ApiExtraModels(...models)] : []),
    SetMetadata(DOCUMENTED_ROUTE, documentation),
  );
}

const schemaOf = (schema: Type | SchemaObject): SchemaObject | ReferenceObject =>
  typeof schema === 'function' ? { $ref: getSchemaPath(schema) } : schema;

const json = (schema: SchemaObject | ReferenceObject, example: unknown) => ({
  'application/json': { schema, example },
});

/** The headers an error status carries. */
function headersOf(status: number, guarded: boolean): HeadersObject | undefined {
  if (status === 429)
    return { 'Retry-After': { description: 'Seconds until the client may try again.', schema: { type: 'integer' } } };
  if (status === 401 && guarded)
    return {
      'WWW-Authenticate': {
        description: '`Bearer` without a token, `Bearer error="invalid_token"` otherwise (RFC 6750 section 3).',
        schema: { type: 'string' },
      },
    };
  return undefined;
}

/** The responses of one documented operation, by status: its own answers, then what its mapper answers. */
function responsesOf({ guarded, errorSchema, raises = [], answers }: AuthRouteDocumentation, mapper: ErrorMapper) {
  const responses = new Map<number, ApiResponseOptions>();
  for (const { status, description, body, schema, error } of answers) {
    const example = error ? mapper(error, EXAMPLE_OPTIONS).body : body;
    const content = error ? json(errorSchema, example) : schema ? json(schemaOf(schema), example) : undefined;
    responses.set(status, { description, content, headers: headersOf(status, guarded) });
  }
  const kinds = [...(guarded ? GUARD_RAISES : []), ...raises, ...EVERY_ROUTE_RAISES];
  const errors = [...kinds.map((kind) => EXAMPLE_ERRORS[kind]()), new Error('unexpected')];
  for (const error of errors) {
    const { status, body } = mapper(error, EXAMPLE_OPTIONS);
    if (responses.has(status)) continue;
    const description = STATUS_DESCRIPTIONS[status] ?? 'Error.';
    responses.set(status, { description, content: json(errorSchema, body), headers: headersOf(status, guarded) });
  }
  return responses;
}

/** A 400 of a route with path parameters: its mapper's, or the router's own for a path it cannot decode. */
function withRouterRefusal(response: ApiResponseOptions): ApiResponseOptions {
  const content = (response as { content?: Record<string, { schema: SchemaObject; example: unknown }> }).content;
  const media = content?.['application/json'];
  if (!media) return response;
  return {
    ...response,
    description: `${response.description} Fastify's router answers a path parameter that is not UTF-8 in its own body.`,
    content: { 'application/json': { ...media, schema: { anyOf: [media.schema, ROUTER_ERROR_SCHEMA] } } },
  };
}

/**
 * Writes the OpenAPI responses of a controller's documented handlers, each error's example produced by `mapper`.
 * `pathParameters`: the route's path has parameters, which a router may refuse before the route runs.
 */
export function documentAnswers(controller: Type, mapper: ErrorMapper, { pathParameters = false } = {}): void {
  for (const key of Object.getOwnPropertyNames(controller.prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(controller.prototype, key);
    const documented: AuthRouteDocumentation | undefined =
      descriptor && typeof descriptor.value === 'function'
        ? Reflect.getMetadata(DOCUMENTED_ROUTE, descriptor.value)
        : undefined;
    if (!documented || !descriptor) continue;
    for (const [status, response] of responsesOf(documented, mapper)) {
      const answer = status === 400 && pathParameters ? withRouterRefusal(response) : response;
      ApiResponse({ ...answer, status })(controller.prototype, key, descriptor);
    }
    // Any other status (none is expected) comes in the same body as the route's errors.
    const unexpected = mapper(new Error('unexpected'), EXAMPLE_OPTIONS).body;
    ApiResponse({
      status: 'default',
      description: "Any other error, in the route's error body.",
      content: json(documented.errorSchema, unexpected),
    })(controller.prototype, key, descriptor);
  }
}
