import type { ProviderLogoutOptions, ProviderLogoutProvider } from './auth-options.interface.js';
import { providerUrl, resolveProviderList } from './provider-url.js';

/** RP-initiated logout, checked. */
export type ResolvedProviderLogoutOptions = Required<ProviderLogoutOptions>;

/** The `providerLogout` option, checked: each provider's issuer, client id and URLs; null when it is not given. */
export function resolveProviderLogout(option: ProviderLogoutOptions | undefined): ResolvedProviderLogoutOptions | null {
  if (option === undefined) return null;
  if (typeof option !== 'object' || option === null)
    throw new Error('AuthModule: providerLogout.providers must list at least one provider');
  const providers = resolveProviderList<ProviderLogoutProvider>(
    option.providers,
    'providerLogout',
    (provider, field) => ({
      ...(provider.endSessionEndpoint === undefined
        ? {}
        : { endSessionEndpoint: providerUrl(provider.endSessionEndpoint, `${field}.endSessionEndpoint`) }),
      ...(provider.postLogoutRedirectUri === undefined
        ? {}
        : { postLogoutRedirectUri: absoluteUrl(provider.postLogoutRedirectUri, `${field}.postLogoutRedirectUri`) }),
    }),
  );
  return { providers };
}

/** A redirect target registered at the provider: any absolute http(s) URL (a native app's may be its own scheme). */
function absoluteUrl(value: unknown, field: string): string {
  try {
    if (typeof value === 'string' && new URL(value).protocol) return value;
  } catch {
    // Reported below.
  }
  throw new Error(`AuthModule: ${field} must be an absolute URL (got ${JSON.stringify(value)})`);
}
