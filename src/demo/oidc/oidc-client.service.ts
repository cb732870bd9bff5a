import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import * as client from 'openid-client';
import type { DemoConfig, DemoOidcConfig } from '../demo.config.js';

/**
 * The demo's client at its OpenID Connect provider (openid-client): the provider's metadata is discovered at the first
 * sign-in and kept; a discovery that failed is tried again at the next one.
 */
@Injectable()
export class DemoOidcClient {
  readonly settings: DemoOidcConfig;
  private configuration?: Promise<client.Configuration>;

  constructor(config: ConfigService<DemoConfig, true>) {
    this.settings = config.get('oidc', { infer: true })!;
  }

  discover(): Promise<client.Configuration> {
    if (!this.configuration) {
      const { issuer, clientId, clientSecret } = this.settings;
      const url = new URL(issuer);
      this.configuration = client.discovery(url, clientId, undefined, client.ClientSecretBasic(clientSecret), {
        // Plain http only reaches a provider on this machine (the environment allows nothing else).
        ...(url.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
        timeout: 10,
      });
      this.configuration.catch(() => (this.configuration = undefined));
    }
    return this.configuration;
  }
}
