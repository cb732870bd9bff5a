/** A loopback host may serve a provider over plain http (development, tests); any other must use https. */
const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/** The value, when it is an https URL (or http on a loopback host); otherwise an error naming the option field. */
export function providerUrl(value: unknown, field: string): string {
  let url: URL | undefined;
  try {
    url = new URL(String(value));
  } catch {
    // Reported below.
  }
  if (
    typeof value !== 'string' ||
    !url ||
    !(url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname)))
  )
    throw new Error(`AuthModule: ${field} must be an https URL (got ${JSON.stringify(value)})`);
  return value;
}

/**
 * A list of identity providers, checked the same way for every option that names them: at least one, each issuer an
 * https URL listed once, each client id a non-empty string; `rest` checks and returns a provider's other fields.
 */
export function resolveProviderList<T extends { issuer: string; clientId: string }>(
  providers: unknown,
  option: string,
  rest: (provider: T, field: string) => Omit<T, 'issuer' | 'clientId'>,
): T[] {
  if (!Array.isArray(providers) || !providers.length)
    throw new Error(`AuthModule: ${option}.providers must list at least one provider`);
  const issuers = new Set<string>();
  return providers.map((provider: T, i): T => {
    const field = `${option}.providers[${i}]`;
    const issuer = providerUrl(provider?.issuer, `${field}.issuer`);
    if (issuers.has(issuer)) throw new Error(`AuthModule: ${field}.issuer is listed twice`);
    issuers.add(issuer);
    if (typeof provider.clientId !== 'string' || provider.clientId === '')
      throw new Error(`AuthModule: ${field}.clientId must be a non-empty string`);
    return { issuer, clientId: provider.clientId, ...rest(provider, field) } as T;
  });
}
