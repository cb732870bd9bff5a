import type { RevocableTokenType } from '../../auth.constants.js';
import { RequestValidationError } from '../../errors/auth.errors.js';
import { type FormRequest, formBodyOf, formParameter } from '../../http/form-parameters.js';

/** The parameters of an RFC 7009 revocation request. */
export interface TokenRevocationRequest {
  token: string;
  /** Absent when not sent, or a value this server does not know (RFC 7009 2.1 lets it ignore the hint). */
  tokenTypeHint?: RevocableTokenType;
}

const FORM_OR_JSON = /^application\/(?:x-www-form-urlencoded|(?:[\w.+-]+\+)?json)\s*(?:;|$)/i;
const HINTS: ReadonlySet<string> = new Set<RevocableTokenType>(['refresh_token', 'access_token']);

/**
 * RFC 7009 section 2.1 from a form-encoded body (or a JSON object, read the same way): `token` and the optional
 * `token_type_hint`. RFC 6749 section 3.2: an empty parameter counts as absent, a repeated one is an error, and unknown
 * ones are ignored. A missing or repeated `token` is a RequestValidationError, an unreadable body a
 * MalformedRequestError, another content type an UnsupportedMediaTypeError: all `invalid_request`.
 */
export function readTokenRevocationRequest(request: FormRequest): TokenRevocationRequest {
  const body = formBodyOf(request, FORM_OR_JSON, 'application/x-www-form-urlencoded');
  const token = formParameter(body, 'token');
  if (token === undefined) throw new RequestValidationError('token', 'token is required');
  const hint = formParameter(body, 'token_type_hint');
  return hint !== undefined && HINTS.has(hint) ? { token, tokenTypeHint: hint as RevocableTokenType } : { token };
}
