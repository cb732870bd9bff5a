/**
 * The four documented logout routes and the bodies each spec answers with,
 * written out literally so that a change of any answer fails a test.
 */
export type RouteName = 'signout' | 'authLogout' | 'fibLogout' | 'v3Logout';

const signoutError = (error: string, errorId: number, message: string, field?: string) => ({
  error,
  errorId,
  message,
  systemId: 'core',
  ...(field ? { field } : {}),
});
const generic = (message: string, description: string, code: string) => ({ message, description, code });
const fib = (code: number, name: string, message: string) => ({ status: { code, name, message }, data: {} });

export interface RouteSpec {
  name: RouteName;
  path: string;
  /** 200 body; undefined for an empty body. */
  ok: unknown;
  /** Expected answers by situation: [status, body]. */
  noToken: [number, unknown];
  badToken: [number, unknown];
  badSignature: [number, unknown];
  /** A valid token whose session row does not exist. */
  sessionGone: [number, unknown];
  revoked: [number, unknown];
  disabled: [number, unknown];
  deletedUser: [number, unknown];
  brokenJson: [number, unknown];
  notJson: [number, unknown];
  tooLarge: [number, unknown];
  internal: [number, unknown];
}

export const ROUTE_SPECS: RouteSpec[] = [
  {
    name: 'signout',
    path: '/signout',
    ok: { result: 'ok' },
    noToken: [401, signoutError('UNAUTHORIZED', 1, 'Invalid, expired or missing access token')],
    badToken: [401, signoutError('UNAUTHORIZED', 1, 'Invalid, expired or missing access token')],
    badSignature: [401, signoutError('UNAUTHORIZED', 1, 'Invalid, expired or missing access token')],
    sessionGone: [401, signoutError('UNAUTHORIZED', 1, 'Invalid, expired or missing access token')],
    revoked: [401, signoutError('UNAUTHORIZED', 1, 'Invalid, expired or missing access token')],
    disabled: [403, signoutError('ACCOUNT_DISABLED', 2, 'Account is disabled')],
    deletedUser: [404, signoutError('USER_NOT_FOUND', 3, 'User not found')],
    brokenJson: [400, signoutError('BAD_REQUEST', 5, 'Malformed request')],
    notJson: [415, signoutError('UNSUPPORTED_MEDIA_TYPE', 8, 'Request body must be JSON')],
    tooLarge: [413, signoutError('PAYLOAD_TOO_LARGE', 7, 'Request body is too large')],
    internal: [
      500,
      signoutError(
        'COMMON',
        0,
        "Sorry for inconvenience. We're fixing the issue. If you have urgent questions, contact support",
      ),
    ],
  },
  {
    name: 'authLogout',
    path: '/auth/logout',
    ok: { message: 'Logged out successfully' },
    noToken: [401, generic('Unauthorized', 'Invalid, expired or missing bearer token', 'UNAUTHORIZED')],
    badToken: [401, generic('Unauthorized', 'Invalid, expired or missing bearer token', 'UNAUTHORIZED')],
    badSignature: [401, generic('Unauthorized', 'Invalid, expired or missing bearer token', 'UNAUTHORIZED')],
    sessionGone: [404, generic('Resource not found', 'The requested resource could not be found', 'NOT_FOUND')],
    revoked: [401, generic('Unauthorized', 'Invalid, expired or missing bearer token', 'UNAUTHORIZED')],
    disabled: [403, generic('Forbidden', 'The account is disabled', 'FORBIDDEN')],
    deletedUser: [404, generic('Resource not found', 'The requested resource could not be found', 'NOT_FOUND')],
    brokenJson: [400, generic('Invalid input data', 'The request data did not pass validation', 'INVALID_INPUT')],
    notJson: [415, generic('Unsupported media type', 'The request body must be JSON', 'UNSUPPORTED_MEDIA_TYPE')],
    tooLarge: [413, generic('Payload too large', 'The request body is too large', 'PAYLOAD_TOO_LARGE')],
    internal: [500, generic('Internal server error', 'The server could not complete the request', 'INTERNAL_ERROR')],
  },
  {
    name: 'fibLogout',
    path: '/auth/api/v1/authentication-management/logout',
    ok: fib(200, 'OK', 'User has been successfully logged out.'),
    noToken: [401, fib(401, 'UNAUTHORIZED', 'The access token is missing, invalid, expired or revoked.')],
    badToken: [401, fib(401, 'UNAUTHORIZED', 'The access token is missing, invalid, expired or revoked.')],
    badSignature: [422, fib(422, 'UNPROCESSABLE_ENTITY', 'The access token signature could not be verified.')],
    sessionGone: [401, fib(401, 'UNAUTHORIZED', 'The access token is missing, invalid, expired or revoked.')],
    revoked: [401, fib(401, 'UNAUTHORIZED', 'The access token is missing, invalid, expired or revoked.')],
    disabled: [401, fib(401, 'UNAUTHORIZED', 'The user account is disabled.')],
    deletedUser: [404, fib(404, 'NOT_FOUND', 'User has not been found.')],
    brokenJson: [400, fib(400, 'BAD_REQUEST', 'The request could not be read.')],
    notJson: [415, fib(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be JSON.')],
    tooLarge: [413, fib(413, 'PAYLOAD_TOO_LARGE', 'The request body is too large.')],
    internal: [500, fib(500, 'INTERNAL_SERVER_ERROR', 'Internal server error.')],
  },
  {
    name: 'v3Logout',
    path: '/v3/logout',
    ok: undefined,
    noToken: [401, { Message: 'User authentication required' }],
    badToken: [401, { Message: 'Request authorization denied' }],
    badSignature: [401, { Message: 'Request authorization denied' }],
    sessionGone: [401, { Message: 'Request authorization denied' }],
    revoked: [401, { Message: 'Request authorization denied' }],
    disabled: [403, { Message: 'Account is disabled' }],
    deletedUser: [404, { Message: 'User not found' }],
    brokenJson: [400, { Message: 'Invalid request body' }],
    notJson: [415, { Message: 'Request body must be JSON' }],
    tooLarge: [413, { Message: 'Request body is too large' }],
    internal: [500, { Message: 'An internal server error occurred while processing the request' }],
  },
];

/** The generic body of a 503: what `/auth/logout` (whose spec documents no 5xx) and host routes answer in an outage. */
export const UNAVAILABLE = {
  message: 'Service unavailable',
  description: 'The service is temporarily unavailable, try again later',
  code: 'SERVICE_UNAVAILABLE',
};

/** The documented 5xx of each logout route when the database cannot answer; /auth/logout's is a 503 in its body. */
export const outageAnswer = (route: RouteSpec): [number, unknown] =>
  route.name === 'authLogout' ? [503, UNAVAILABLE] : route.internal;
