import { allowAllUserStore, type AuthUserStore } from './auth-user-store.interface.js';
import type { AuthModuleOptions, SigningOptions } from './auth-options.interface.js';
import { mapGuardErrorToGeneric } from './generic/generic-error.mapper.js';
import type { ErrorMapper } from './routes/error-response.js';

/** Every option with its default applied; the rest of the module reads only this. */
export interface ResolvedAuthOptions {
  signing: SigningOptions;
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  sessionTtlSeconds: number;
  systemId: string;
  exposeErrorDetails: boolean;
  userStore: AuthUserStore;
  guardErrorMapper: ErrorMapper;
}

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

const DEFAULTS = {
  issuer: 'nest-signout',
  audience: 'nest-signout-api',
  accessTokenTtlSeconds: 15 * 60,
  sessionTtlSeconds: 30 * 24 * 60 * 60,
  systemId: 'core',
  exposeErrorDetails: false,
} as const;

export function resolveAuthOptions(options: AuthModuleOptions): ResolvedAuthOptions {
  if (!options?.signing) throw new Error('AuthModule: the `signing` option is required');
  const signing = options.signing;
  if (signing.algorithm === 'HS256' && !signing.secret) throw new Error('AuthModule: HS256 needs a secret');
  if (signing.algorithm !== 'HS256' && (!signing.privateKey || !signing.publicKey)) {
    throw new Error(`AuthModule: ${signing.algorithm} needs privateKey and publicKey`);
  }
  const resolved: ResolvedAuthOptions = {
    signing,
    issuer: options.issuer ?? DEFAULTS.issuer,
    audience: options.audience ?? DEFAULTS.audience,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? DEFAULTS.accessTokenTtlSeconds,
    sessionTtlSeconds: options.sessionTtlSeconds ?? DEFAULTS.sessionTtlSeconds,
    systemId: options.systemId ?? DEFAULTS.systemId,
    exposeErrorDetails: options.exposeErrorDetails ?? DEFAULTS.exposeErrorDetails,
    userStore: options.userStore ?? allowAllUserStore,
    guardErrorMapper: options.guardErrorMapper ?? mapGuardErrorToGeneric,
  };
  for (const key of ['accessTokenTtlSeconds', 'sessionTtlSeconds'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] <= 0) throw new Error(`AuthModule: ${key} must be a positive integer`);
  }
  return resolved;
}
