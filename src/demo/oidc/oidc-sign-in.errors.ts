import { ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';

/** The callback could not end in a session: a bad or replayed callback, a refused code, an unverified email. */
export const oidcSignInFailed = (description = 'The sign-in through the identity provider failed') =>
  new UnauthorizedException({ message: 'Unauthorized', description, code: 'IDENTITY_PROVIDER_SIGN_IN_FAILED' });

/** The provider did not answer: its discovery document, its token endpoint or its user info. */
export const identityProviderUnavailable = () =>
  new ServiceUnavailableException({
    message: 'Service Unavailable',
    description: 'The identity provider cannot be reached: try again later',
    code: 'IDENTITY_PROVIDER_UNAVAILABLE',
  });

/** Whether an openid-client failure is the network's (the provider is down or slow) rather than the sign-in's. */
export function isUnreachable(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause.name === 'TimeoutError' || cause.name === 'AbortError') return true;
    if (cause instanceof TypeError && /fetch failed/i.test(cause.message)) return true;
    if (
      'code' in cause &&
      typeof cause.code === 'string' &&
      /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND)$/.test(cause.code)
    )
      return true;
  }
  return false;
}
