import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';

const JSON_TYPE = /^application\/json\s*(?:;|$)/i;

/** The demo's answer to a login body that is not JSON, in its `{message, description, code}` body. */
const NOT_JSON = {
  message: 'Unsupported media type',
  description: 'The request body must be JSON',
  code: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * The login takes JSON only. A form (urlencoded, multipart, text/plain) is what a page of any origin can post without
 * a CORS preflight, so accepting one would let another site sign the browser in to an account of its choosing (login
 * CSRF). As middleware it runs before either adapter parses the body (Fastify would refuse multipart in its own body).
 */
export function jsonOnly(request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void): void {
  const { headers } = request;
  const hasBody = Number(headers['content-length'] ?? 0) > 0 || headers['transfer-encoding'] !== undefined;
  if (!hasBody || JSON_TYPE.test(headers['content-type'] ?? '')) return next();
  response.setHeader('Cache-Control', 'no-store');
  next(new UnsupportedMediaTypeException(NOT_JSON));
}
