import { createParamDecorator, type ExecutionContext, type Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { MalformedRequestError, RequestValidationError, UnsupportedMediaTypeError } from '../errors/auth.errors.js';

interface JsonBodyOptions {
  /** The body's DTO; without one, the body may only be an empty or ignored JSON object. */
  dto?: Type<object>;
  /** Unknown fields are a validation error (true) or dropped (false). */
  forbidUnknownFields?: boolean;
}

/**
 * Deepest nesting of objects and arrays a body may have. class-transformer recurses once per level, so a
 * body nested thousands deep would overflow the stack; the module's routes take flat bodies.
 */
const MAX_BODY_DEPTH = 32;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** More than `limit` levels of objects and arrays; recurses at most `limit + 1` deep, whatever the value. */
function deeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return limit === 0 || Object.values(value).some((child) => deeperThan(child, limit - 1));
}

/** Whether the request came with a body at all (a length above 0, or chunked). */
export function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  return Number(headers['content-length'] ?? 0) > 0 || headers['transfer-encoding'] !== undefined;
}

/**
 * The request's optional JSON body, the same way on Express and Fastify: no body
 * (whatever the Content-Type) is an empty one; a body that is not JSON, not an
 * object, nested deeper than MAX_BODY_DEPTH, or fails its DTO is a domain error the route's filter answers.
 */
export function readJsonBody(
  request: { headers: Record<string, string | string[] | undefined>; body?: unknown },
  options: JsonBodyOptions,
): object {
  const { headers, body } = request;
  if (!hasBody(headers)) return options.dto ? validated(options.dto, {}, options) : {};
  const contentType = headers['content-type'];
  if (typeof contentType !== 'string' || !JSON_TYPE.test(contentType))
    throw new UnsupportedMediaTypeError('The body must be JSON');
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new MalformedRequestError('The body must be a JSON object');
  if (deeperThan(body, MAX_BODY_DEPTH)) throw new MalformedRequestError('The body is nested too deeply');
  if (!options.dto) {
    const [unknown] = Object.keys(body);
    if (options.forbidUnknownFields && unknown !== undefined)
      throw new RequestValidationError(unknown, `property ${unknown} should not exist`);
    return {};
  }
  return validated(options.dto, body, options);
}

function validated(dto: Type<object>, body: object, options: JsonBodyOptions): object {
  const instance = plainToInstance(dto, body);
  const [error] = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: options.forbidUnknownFields ?? false,
    forbidUnknownValues: false,
  });
  if (error)
    throw new RequestValidationError(
      error.property,
      Object.values(error.constraints ?? {})[0] ?? `${error.property} is invalid`,
    );
  return instance;
}

/** Route parameter: the validated JSON body (see readJsonBody). */
export const JsonBody = createParamDecorator((options: JsonBodyOptions | undefined, context: ExecutionContext) =>
  readJsonBody(context.switchToHttp().getRequest(), options ?? {}),
);
