import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type ClientMetadata, type Configuration } from 'oidc-provider';

/** A user of the test provider. */
export interface ProviderAccount {
  sub: string;
  email: string;
}

/** What the provider reports of its back-channel logout requests: each client's answer, or its failure. */
export interface BackchannelOutcome {
  clientId: string;
  sid: string;
  error?: string;
}

/**
 * panva's oidc-provider (a certified OpenID Provider) on 127.0.0.1, in the test process, with back-channel logout,
 * revocation and RP-initiated logout. Its port is taken first, so that apps can be configured with its issuer before
 * it knows their URLs; `start` then registers the clients. Interactions sign in `account` without a page: login and
 * consent are granted as soon as the provider asks.
 */
export class TestOidcProvider {
  readonly issuer: string;
  provider?: Provider;
  /** Who signs in at the next authorization request. */
  account: ProviderAccount = { sub: 'user-1', email: 'federated@example.com' };
  readonly backchannel: BackchannelOutcome[] = [];

  private constructor(private readonly server: Server) {
    this.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  static async reserve(): Promise<TestOidcProvider> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new TestOidcProvider(server);
  }

  async start(clients: ClientMetadata[]): Promise<void> {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const accounts = () => this.account;
    const day = 86_400;
    const configuration: Configuration = {
      clients,
      jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' }] },
      cookies: { keys: ['a-cookie-signing-key-for-the-tests'] },
      findAccount: (_ctx, sub) => ({
        accountId: sub,
        claims: () => ({ sub, email: accounts().email, email_verified: true }),
      }),
      claims: { openid: ['sub'], email: ['email', 'email_verified'] },
      features: {
        devInteractions: { enabled: false },
        backchannelLogout: { enabled: true },
        revocation: { enabled: true, allowedPolicy: () => true },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: (ctx, form) => {
            ctx.body = `<!DOCTYPE html><title>Sign out</title>${form}`;
          },
          postLogoutSuccessSource: (ctx) => {
            ctx.body = '<!DOCTYPE html><title>Signed out</title>';
          },
        },
      },
      pkce: { required: () => true },
      // The provider refuses to call special-use addresses (SSRF protection); the apps here are on loopback.
      fetch: (url, options) => fetch(url, { ...options, dispatcher: undefined } as RequestInit),
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      renderError: (ctx, out) => {
        ctx.type = 'json';
        ctx.body = out;
      },
      ttl: {
        AccessToken: 600,
        AuthorizationCode: 60,
        IdToken: 600,
        Interaction: 600,
        Session: day,
        Grant: day,
        RefreshToken: day,
        ClientCredentials: 600,
        DeviceCode: 600,
        BackchannelAuthenticationRequest: 600,
      },
    };
    const provider = new Provider(this.issuer, configuration);
    provider.on('backchannel.success', (_ctx, client, _accountId, sid: string) =>
      this.backchannel.push({ clientId: client.clientId, sid }),
    );
    provider.on('backchannel.error', (_ctx, error: Error, client, _accountId, sid: string) =>
      this.backchannel.push({ clientId: client.clientId, sid, error: error.message }),
    );
    this.provider = provider;
    const callback = provider.callback();
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (req.url?.startsWith('/interaction/')) void this.interact(provider, req, res);
      else callback(req, res);
    });
  }

  /** Grants what the provider asks (login as `account`, then consent to the requested scopes), at once. */
  private async interact(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const details = await provider.interactionDetails(req, res);
      const { prompt, params } = details;
      if (prompt.name === 'login') {
        await provider.interactionFinished(req, res, { login: { accountId: this.account.sub } });
        return;
      }
      const grant = details.grantId
        ? (await provider.Grant.find(details.grantId))!
        : new provider.Grant({ accountId: details.session!.accountId, clientId: params.client_id as string });
      grant.addOIDCScope(String(params.scope));
      await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } });
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
