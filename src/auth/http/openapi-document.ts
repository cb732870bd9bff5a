import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from '../options/resolve-options.js';
import { AUTH_SECURITY_SCHEME, PUBLIC_OPERATION } from './openapi.js';

/** Name of the security scheme of cookie mode's access cookie; documentAuthRoutes declares it in cookie mode. */
export const AUTH_COOKIE_SECURITY_SCHEME = 'cookie';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Completes a document built by `SwaggerModule.createDocument` with what depends on the app's AuthModule options:
 * the bearer scheme, and in cookie mode the access cookie's scheme as an alternative on every operation that takes a
 * bearer token (JwtGuard reads the cookie there too); `security: []` on the operations marked `ApiNoAuth()`. Decorators
 * cannot say this: they sit on classes that every app in the process shares.
 */
export function documentAuthRoutes(app: INestApplication, document: OpenAPIObject): OpenAPIObject {
  const options = app.get<symbol, ResolvedAuthOptions>(AUTH_OPTIONS, { strict: false });
  const components = (document.components ??= {});
  const schemes = (components.securitySchemes ??= {});
  schemes[AUTH_SECURITY_SCHEME] = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' };
  if (options.cookie)
    schemes[AUTH_COOKIE_SECURITY_SCHEME] = {
      type: 'apiKey',
      in: 'cookie',
      name: options.cookie.name,
      description: 'The access cookie of cookie mode, set by the sign-in; a browser sends it by itself.',
    };
  for (const item of Object.values(document.paths))
    for (const method of METHODS) {
      const operation = item[method] as (OperationObject & Record<string, unknown>) | undefined;
      if (!operation) continue;
      if (operation[PUBLIC_OPERATION]) {
        delete operation[PUBLIC_OPERATION];
        operation.security = [];
      } else if (options.cookie && operation.security?.some((entry) => AUTH_SECURITY_SCHEME in entry))
        operation.security = [...operation.security, { [AUTH_COOKIE_SECURITY_SCHEME]: [] }];
    }
  return document;
}
