import { beforeAll, describe, expect, it } from 'vitest';
import { FULL_DEMO, servedDocument } from './support/openapi-document.js';
import { ADAPTERS } from './support/test-app.js';

interface Operation {
  operationId: string;
  tags: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string }>;
  responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  servers: Array<{ url: string }>;
  info: { license?: { name: string } };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: object; required?: string[] }>; securitySchemes: object };
}

const operations = (document: Document) =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })),
  );

const BEARER = [{ bearer: [] }];
// The security of every operation of the demo (admin routes on): public ones say so with [].
const SECURITY: Record<string, unknown> = {
  'POST /auth/login': [],
  'GET /auth/me': BEARER,
  'GET /auth/sessions/events': BEARER,
  'POST /auth/password': BEARER,
  'GET /health': [],
  'GET /health/ready': [],
  'GET /health/live': [],
  'POST /signout': BEARER,
  'POST /auth/logout': BEARER,
  'POST /auth/api/v1/authentication-management/logout': BEARER,
  'POST /v3/logout': BEARER,
  'POST /auth/refresh': [],
  'POST /auth/revoke': [],
  'POST /auth/logout/all': BEARER,
  'POST /auth/logout/others': BEARER,
  'GET /auth/sessions': BEARER,
  'DELETE /auth/sessions/{id}': BEARER,
  'GET /auth/admin/users/{userId}/sessions': BEARER,
  'DELETE /auth/admin/users/{userId}/sessions': BEARER,
  'DELETE /auth/admin/users/{userId}/sessions/{sessionId}': BEARER,
};

describe.each(ADAPTERS)('the operations of the OpenAPI document over %s', (adapter) => {
  let document: Document;
  /** The schema of an operation's 200 JSON body. */
  const success = (route: string) => {
    const [method, path] = route.split(' ');
    return document.paths[path][method.toLowerCase()].responses['200'].content?.['application/json']?.schema;
  };
  beforeAll(async () => {
    document = (await servedDocument(adapter, FULL_DEMO)) as unknown as Document;
  });

  it('declares security on every operation: the bearer scheme where a token is needed, [] where none is', () => {
    expect(Object.fromEntries(operations(document).map(({ route, operation }) => [route, operation.security]))).toEqual(
      SECURITY,
    );
  });

  it('gives every operation one tag and a readable operation id, unique in the document', () => {
    const ids = operations(document).map(({ operation }) => operation.operationId);
    expect(ids.toSorted()).toEqual(
      [
        'login',
        'getCurrentSession',
        'followSessionEvents',
        'changePassword',
        'checkHealth',
        'checkReadiness',
        'checkLiveness',
        'signOut',
        'logout',
        'fibLogout',
        'v3Logout',
        'refreshTokens',
        'revokeToken',
        'logoutAllSessions',
        'logoutOtherSessions',
        'listSessions',
        'revokeSession',
        'adminListUserSessions',
        'adminRevokeUserSessions',
        'adminRevokeUserSession',
      ].toSorted(),
    );
    for (const { route, operation } of operations(document)) expect(operation.tags, route).toHaveLength(1);
  });

  it('documents a schema for every answer with a body', () => {
    for (const { route, operation } of operations(document))
      for (const [status, response] of Object.entries(operation.responses))
        for (const [type, media] of Object.entries(response.content ?? {}))
          expect(media.schema, `${route} ${status} ${type}`).toBeDefined();
    expect(success('POST /auth/login')).toEqual({ $ref: '#/components/schemas/IssuedTokensResponse' });
    expect(success('POST /auth/refresh')).toEqual({ $ref: '#/components/schemas/IssuedTokensResponse' });
    expect(success('GET /auth/sessions')).toEqual({ $ref: '#/components/schemas/SessionListResponse' });
    expect(success('DELETE /auth/sessions/{id}')).toEqual({ $ref: '#/components/schemas/RevokedSessionsResponse' });
    expect(success('POST /auth/logout/all')).toEqual({ $ref: '#/components/schemas/RevokedSessionsResponse' });
    expect(success('POST /auth/logout/others')).toEqual({ $ref: '#/components/schemas/RevokedSessionsResponse' });
    expect(success('POST /signout')).toEqual({
      type: 'object',
      required: ['result'],
      properties: { result: { type: 'string', enum: ['ok'] } },
    });
    expect(success('GET /auth/me')).toMatchObject({ required: ['userId', 'sessionId', 'deviceId'] });
  });

  it("describes the login's body and asks for no header a browser cannot set", () => {
    const login = document.paths['/auth/login'].post;
    expect(login.parameters ?? []).toEqual([]);
    expect(document.components.schemas.LoginDto.required).toEqual(['email', 'password']);
    expect(Object.keys(document.components.schemas.LoginDto.properties ?? {})).toEqual([
      'email',
      'password',
      'deviceId',
      'deviceName',
      'pushToken',
      'rememberMe',
    ]);
    expect(document.components.schemas.ChangePasswordDto.required).toEqual(['currentPassword', 'newPassword']);
  });

  it('documents 413, 415 and 429 with Retry-After on every module route, and a default answer', () => {
    const moduleRoutes = operations(document).filter(({ operation }) =>
      ['logout', 'session', 'admin'].includes(operation.tags[0]),
    );
    expect(moduleRoutes).toHaveLength(13);
    for (const { route, operation } of moduleRoutes) {
      expect(Object.keys(operation.responses), route).toEqual(expect.arrayContaining(['413', '415', '429', 'default']));
      expect(Object.keys(operation.responses['429'].headers ?? {}), route).toEqual(['Retry-After']);
    }
  });

  it('names its servers and its license', () => {
    expect(document.servers).toEqual([{ url: '/', description: 'This server' }]);
    expect(document.info.license).toEqual({ name: 'MIT', url: 'https://opensource.org/license/mit' });
  });
});

describe.each(ADAPTERS)('the OpenAPI document in cookie mode over %s', (adapter) => {
  it('declares the access cookie as a scheme, accepted wherever the bearer token is', async () => {
    const document = (await servedDocument(adapter, { accessTokenCookie: true })) as unknown as Document;
    expect(document.components.securitySchemes).toEqual({
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      cookie: {
        type: 'apiKey',
        in: 'cookie',
        name: '__Host-access_token',
        description: 'The access cookie of cookie mode, set by the sign-in; a browser sends it by itself.',
      },
    });
    expect(document.paths['/auth/logout'].post.security).toEqual([{ bearer: [] }, { cookie: [] }]);
    expect(document.paths['/auth/me'].get.security).toEqual([{ bearer: [] }, { cookie: [] }]);
    expect(document.paths['/auth/refresh'].post.security).toEqual([]);
  });
});
