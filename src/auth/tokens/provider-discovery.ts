/** What the module reads of a provider's OpenID Connect Discovery 1.0 document. */
export interface ProviderMetadata {
  issuer: string;
  jwks_uri?: unknown;
  end_session_endpoint?: unknown;
}

/** Fetches a JSON document: 5 s at most, no redirects (a provider's URLs are its own). */
export async function fetchJsonDocument(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: 'error' });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

/** `<issuer>/.well-known/openid-configuration`, checked to be the issuer's own (Discovery 1.0 section 4.3). */
export async function discoverProvider(
  issuer: string,
  fetchJson: (url: string) => Promise<unknown> = fetchJsonDocument,
): Promise<ProviderMetadata> {
  const document = await fetchJson(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  const metadata = (typeof document === 'object' && document !== null ? document : {}) as Partial<ProviderMetadata>;
  if (metadata.issuer !== issuer) throw new Error(`The discovery document of ${issuer} does not name its issuer`);
  return metadata as ProviderMetadata;
}
