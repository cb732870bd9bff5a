import { MalformedRequestError, RequestValidationError, UnsupportedMediaTypeError } from '../errors/auth.errors.js';
import { hasBody } from './json-body.decorator.js';

/** A request as the module's form-taking routes read it. */
export type FormRequest = { headers: Record<string, string | string[] | undefined>; body?: unknown };

/**
 * The parsed body of a request whose content type `accepted` matches (another one is an UnsupportedMediaTypeError
 * saying `expected`); no body is an empty one, a body that is not an object a MalformedRequestError.
 */
export function formBodyOf({ headers, body }: FormRequest, accepted: RegExp, expected: string): object {
  if (!hasBody(headers)) return {};
  const contentType = headers['content-type'];
  if (typeof contentType !== 'string' || !accepted.test(contentType))
    throw new UnsupportedMediaTypeError(`The body must be ${expected}`);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new MalformedRequestError('The body must be a form or a JSON object');
  return body;
}

/**
 * RFC 6749 section 3.2: an empty parameter counts as absent, a repeated one (an array) is a RequestValidationError
 * naming it.
 */
export function formParameter(body: object, name: string): string | undefined {
  const value: unknown = Object.hasOwn(body, name) ? (body as Record<string, unknown>)[name] : undefined;
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new RequestValidationError(name, `${name} must be sent once, as a string`);
  return value;
}
