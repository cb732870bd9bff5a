/** The generic `{message, description, code}` bodies the suites expect whole, written once. */

/** A refused access token (JwtGuard, the generic spec's routes). */
export const UNAUTHORIZED = {
  message: 'Unauthorized',
  description: 'Invalid, expired or missing bearer token',
  code: 'UNAUTHORIZED',
};

/** A refused refresh token. */
export const INVALID_REFRESH = {
  message: 'Unauthorized',
  description: 'Invalid, expired or revoked refresh token',
  code: 'UNAUTHORIZED',
};

/** A body that fails validation (the demo's and the test host's login, the module's 400). */
export const INVALID_INPUT = {
  message: 'Invalid input data',
  description: 'The request data did not pass validation',
  code: 'INVALID_INPUT',
};
