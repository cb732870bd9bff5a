import { hkdfSync } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';

/** What the callback must check of the sign-in it ends: PKCE verifier, state and nonce of the authorization request. */
export interface OidcFlow {
  codeVerifier: string;
  state: string;
  nonce: string;
  rememberMe: boolean;
}

/** The browser carries the flow between the redirect and the callback, for at most this long. */
export const OIDC_FLOW_SECONDS = 600;
export const OIDC_FLOW_COOKIE = 'oidc_flow';

/**
 * The flow travels in an encrypted cookie (A256GCM, key derived from the demo's JWT secret), so any instance can end a
 * sign-in another one started, and neither the verifier nor the nonce can be read or changed on the way.
 */
export class OidcFlowSealer {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new Uint8Array(hkdfSync('sha256', secret, '', 'nest-signout demo: OpenID Connect sign-in flow', 32));
  }

  seal(flow: OidcFlow): Promise<string> {
    return new EncryptJWT({ ...flow })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setIssuedAt()
      .setExpirationTime(`${OIDC_FLOW_SECONDS}s`)
      .encrypt(this.key);
  }

  /** The flow, or null when the cookie is missing, expired or not one of ours. */
  async open(sealed: string | undefined): Promise<OidcFlow | null> {
    if (!sealed) return null;
    try {
      const { payload } = await jwtDecrypt(sealed, this.key, { keyManagementAlgorithms: ['dir'] });
      const { codeVerifier, state, nonce, rememberMe } = payload as Partial<OidcFlow>;
      if (typeof codeVerifier !== 'string' || typeof state !== 'string' || typeof nonce !== 'string') return null;
      return { codeVerifier, state, nonce, rememberMe: rememberMe === true };
    } catch {
      return null;
    }
  }
}
