import type { RevocableTokenType } from '../../auth.constants.js';
import { MalformedRequestError, RequestValidationError, UnsupportedMediaTypeError } from '../../errors/auth.errors.js';
import { hasBody } from '../../http/json-body.decorator.js';

/** The parameters of an RFC 7009 revocation request. */
export interface TokenRevocationRequest {
  token: string;
  /** Absent when not sent, or a value this server does not know (RFC 7009 2.1 lets it ignore the hint). */
  tokenTypeHint?: RevocableTokenType;
}

const FORM_OR_JSON = /^application\/(?:x-www-form-urlencoded|(?:[\w.+-]+\+)?json)\s*(?:;|$)/i;
const HINTS: ReadonlySet<string> = new Set<RevocableTokenType>(['refresh_token', 'access_token']);

type RequestLike = { headers: Record<string, string | string[] | undefined>; body?: unknown };

/**
 * RFC 7009 section 2.1 from a form-encoded body (or a JSON object, read the same way): `token` and the optional
 * `token_type_hint`. RFC 6749 section 3.2: an empty parameter counts as absent, a repeated one is an error, and unknown
 * ones are ignored. A missing or repeated `token` is a RequestValidationError, an unreadable body a
 * MalformedRequestError, another content type an UnsupportedMediaTypeError: all `invalid_request`.
 */
export function readTokenRevocationRequest(request: RequestLike): TokenRevocationRequest {
  const body = bodyOf(request);
  const token = parameter(body, 'token');
  if (token === undefined) throw new RequestValidationError('token', 'token is required');
  const hint = parameter(body, 'token_type_hint');
  return hint !== undefined && HINTS.has(hint) ? { token, tokenTypeHint: hint as RevocableTokenType } : { token };
}

function bodyOf({ headers, body }: RequestLike): object {
  if (!hasBody(headers)) return {};
  const contentType = headers['content-type'];
  if (typeof contentType !== 'string' || !FORM_OR_JSON.test(contentType))
    throw new UnsupportedMediaTypeError('The body must be application/x-www-form-urlencoded');
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new MalformedRequestError('The body must be a form or a JSON object');
  return body;
}

function parameter(body: object, name: string): string | undefined {
  const value: unknown = Object.hasOwn(body, name) ? (body as Record<string, unknown>)[name] : undefined;
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new RequestValidationError(name, `${name} must be sent once, as a string`);
  return value;
}
