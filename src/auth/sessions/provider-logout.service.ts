import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ProviderLogoutProvider } from '../options/auth-options.interface.js';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from '../options/resolve-options.js';
import { discoverProvider } from '../tokens/provider-discovery.js';
import { SessionRepository } from './session.repository.js';

/**
 * OpenID Connect RP-Initiated Logout 1.0: the URL that signs a user out at the provider their session came from, with
 * the ID token the provider issued as `id_token_hint`, this application's `client_id` and the configured
 * `post_logout_redirect_uri`. Without `providerLogout`, or for a session of no configured provider, there is none.
 */
@Injectable()
export class ProviderLogoutService {
  private readonly logger = new Logger('ProviderLogout');
  private readonly endpoints = new Map<string, Promise<string>>();

  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    private readonly repository: SessionRepository,
  ) {}

  get enabled(): boolean {
    return this.options.providerLogout !== null;
  }

  /**
   * The provider's logout URL for the session (ended or not), or null. A failure (the provider or the database cannot
   * be reached) is logged and gives null: the logout that asked has already succeeded, and must answer so.
   */
  async logoutUrl(sessionId: string): Promise<string | null> {
    try {
      return await this.urlFor(sessionId);
    } catch (error) {
      this.logger.warn(`No provider logout URL for a session: ${(error as Error).message}`);
      return null;
    }
  }

  private async urlFor(sessionId: string): Promise<string | null> {
    const providers = this.options.providerLogout?.providers;
    if (!providers) return null;
    const [session] = await this.repository.rows<{ idp_issuer: string | null; idp_id_token: string | null }>(
      this.repository.sql.SESSION_IDENTITY_PROVIDER,
      [sessionId],
    );
    const provider = session?.idp_issuer ? providers.find((p) => p.issuer === session.idp_issuer) : undefined;
    if (!provider) return null;
    const url = new URL(await this.endSessionEndpoint(provider));
    if (session.idp_id_token) url.searchParams.set('id_token_hint', session.idp_id_token);
    url.searchParams.set('client_id', provider.clientId);
    if (provider.postLogoutRedirectUri)
      url.searchParams.set('post_logout_redirect_uri', provider.postLogoutRedirectUri);
    return url.href;
  }

  private endSessionEndpoint(provider: ProviderLogoutProvider): Promise<string> {
    if (provider.endSessionEndpoint) return Promise.resolve(provider.endSessionEndpoint);
    let endpoint = this.endpoints.get(provider.issuer);
    if (!endpoint) {
      endpoint = discoverProvider(provider.issuer).then(({ end_session_endpoint: found }) => {
        if (typeof found !== 'string')
          throw new Error(`the discovery document of ${provider.issuer} names no end_session_endpoint`);
        return found;
      });
      // A discovery that failed is tried again at the next logout.
      endpoint.catch(() => this.endpoints.delete(provider.issuer));
      this.endpoints.set(provider.issuer, endpoint);
    }
    return endpoint;
  }
}
