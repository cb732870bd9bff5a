import { randomBytes } from 'node:crypto';
import { plainToInstance, Transform } from 'class-transformer';
import {
  getMetadataStorage,
  IsBoolean,
  IsEmail,
  isEmail,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateIf,
  validateSync,
  type ValidationError,
} from 'class-validator';

/** The shortest HS256 secret accepted: RFC 7518 §3.2 wants a key at least as long as the hash. */
export const MIN_SECRET_BYTES = 32;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** One line per problem, each naming its variable; values are echoed except for secrets. */
export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/**
 * Integers are written as digits only: `Number()` would take '', '0x10' or '1e3'. Anything else stays a string and
 * fails.
 */
const AsInteger = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value,
  );
/** Flags are `true` or `false`: a typo must not silently mean false. */
const AsFlag = () =>
  Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value));

const IntegerFrom = (min: number, max: number, unit = '') =>
  ValidateBy({
    name: 'integerFrom',
    validator: {
      validate: (value) => Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max,
      defaultMessage: (args) =>
        `${args?.property} must be an integer from ${min} to ${max}${unit} (got "${String(args?.value)}")`,
    },
  });

/** A comma-separated list: spaces around entries and empty entries are dropped. */
const AsList = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((entry) => entry.trim())
          .filter(Boolean)
      : value,
  );

/** Serialised origins (`https://app.example.com`, `http://localhost:5173`): scheme, host and port, nothing else. */
const isOrigin = (value: unknown): boolean => {
  try {
    return typeof value === 'string' && new URL(value).origin === value;
  } catch {
    return false;
  }
};

const Origins = () =>
  ValidateBy({
    name: 'origins',
    validator: {
      validate: (value) => Array.isArray(value) && value.every(isOrigin),
      defaultMessage: (args) =>
        `${args?.property} must be comma-separated origins like https://app.example.com ` +
        `(got "${((args?.value ?? []) as string[]).find((entry) => !isOrigin(entry))}")`,
    },
  });

const Emails = () =>
  ValidateBy({
    name: 'emails',
    validator: {
      validate: (value) => Array.isArray(value) && value.every((entry) => isEmail(entry)),
      defaultMessage: (args) =>
        `${args?.property} must be comma-separated email addresses ` +
        `(got "${((args?.value ?? []) as string[]).find((entry) => !isEmail(entry))}")`,
    },
  });

const MinBytes = (bytes: number) =>
  ValidateBy({
    name: 'minBytes',
    validator: {
      validate: (value) => typeof value === 'string' && Buffer.byteLength(value) >= bytes,
      defaultMessage: (args) => {
        const problem =
          args?.value === undefined ? 'is required when NODE_ENV=production' : `must be at least ${bytes} bytes`;
        return `${args?.property} ${problem} (generate one with: openssl rand -base64 ${bytes})`;
      },
    },
  });

const flag = { message: '$property must be true or false (got "$value")' };

/** An https URL, or http on a loopback host (a provider or a redirect target on this machine). */
const isWebUrl = (value: unknown): boolean => {
  try {
    const url = new URL(String(value));
    return (
      url.protocol === 'https:' || (url.protocol === 'http:' && /^(localhost|127\.0\.0\.1|\[::1\])$/.test(url.hostname))
    );
  } catch {
    return false;
  }
};
const WebUrl = () =>
  ValidateBy({
    name: 'webUrl',
    validator: {
      validate: isWebUrl,
      defaultMessage: (args) =>
        `${args?.property} must be an https URL (http only on localhost) (got "${String(args?.value)}")`,
    },
  });

/** Sign-in through an OpenID provider needs all of these, or none. */
export const OIDC_VARIABLES = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URI'] as const;

/**
 * Every variable the demo reads, with what it accepts and its default; `.env.example` documents the
 * same set (a test keeps them equal). Unset and empty variables take the default.
 */
export class DemoEnvironment {
  @IsIn(['development', 'production', 'test'], {
    message: '$property must be development, production or test (got "$value")',
  })
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: '$property must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  // The pool may go through a transaction pooler; LISTEN and the migrations' advisory lock need a session.
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: '$property must be a postgres:// or postgresql:// URL' })
  DATABASE_DIRECT_URL?: string;

  @IsString()
  EMBEDDED_POSTGRES_DIR = '.data/postgres';

  // Unset outside production: a random one for the run. Given: at least 32 bytes everywhere (AuthModule refuses less).
  @ValidateIf((env: DemoEnvironment) => env.NODE_ENV === 'production' || env.JWT_SECRET !== undefined)
  @MinBytes(MIN_SECRET_BYTES)
  JWT_SECRET?: string;

  @AsInteger()
  @IntegerFrom(0, 65535)
  PORT = 3000;

  @IsIn(['fastify', 'express'], { message: '$property must be fastify or express (got "$value")' })
  HTTP_ADAPTER: 'fastify' | 'express' = 'fastify';

  @IsEmail({}, { message: '$property must be an email address (got "$value")' })
  DEMO_USER_EMAIL = 'demo@example.com';

  @MaxLength(1024, { message: '$property must be at most 1024 characters: the login route refuses longer passwords' })
  DEMO_USER_PASSWORD = 'demo-password';

  @AsFlag()
  @IsBoolean(flag)
  AUTH_EXPOSE_ERROR_DETAILS = false;

  // Cookie mode (the sessions page at GET / needs it): HttpOnly cookies besides the Authorization header.
  @AsFlag()
  @IsBoolean(flag)
  AUTH_COOKIE = true;

  // In cookie mode, the login and refresh bodies carry the tokens too, for curl and API clients; false: cookies only.
  @AsFlag()
  @IsBoolean(flag)
  AUTH_COOKIE_TOKENS_IN_BODY = true;

  // Single-page apps: CORS with credentials (the module's `cors`, Nest's for the demo's routes) and
  // cookie-authenticated state changes; empty: no CORS, only the demo's own origin.
  @AsList()
  @Origins()
  AUTH_ALLOWED_ORIGINS: string[] = [];

  // Signed in, these emails may list and end any user's sessions; empty: the admin routes are not mounted.
  @AsList()
  @Emails()
  AUTH_ADMIN_EMAILS: string[] = [];

  @AsInteger()
  @IntegerFrom(0, Math.floor(MAX_TIMER_MS / 1000), ' seconds')
  AUTH_CLEANUP_INTERVAL_SECONDS = 3600;

  // A session's absolute lifetime from sign-in, "remember me" or not.
  @AsInteger()
  @IntegerFrom(60, 10 * 365 * 86_400, ' seconds')
  AUTH_SESSION_LIFETIME_SECONDS = 30 * 86_400;

  // A session unused for longer ends (0: no idle limit); a "remember me" sign-in has none.
  @AsInteger()
  @IntegerFrom(0, 365 * 86_400, ' seconds')
  AUTH_IDLE_TIMEOUT_SECONDS = 1800;

  // Live sessions per user (0: no limit).
  @AsInteger()
  @IntegerFrom(0, 10_000)
  AUTH_MAX_SESSIONS_PER_USER = 0;

  @IsIn(['refuse', 'evict-oldest', 'evict-idle'], {
    message: '$property must be refuse, evict-oldest or evict-idle (got "$value")',
  })
  AUTH_SESSION_LIMIT_POLICY: 'refuse' | 'evict-oldest' | 'evict-idle' = 'evict-oldest';

  // A just-rotated refresh token presented again within this many seconds gets the same successor (0: strict).
  @AsInteger()
  @IntegerFrom(0, 300, ' seconds')
  AUTH_REFRESH_REUSE_INTERVAL_SECONDS = 10;

  @AsInteger()
  @IntegerFrom(0, Number.MAX_SAFE_INTEGER)
  AUTH_RATE_LIMIT_PER_MINUTE = 30;

  // How many reverse proxies in front of the demo may name the client in X-Forwarded-For (0: none).
  @AsInteger()
  @IntegerFrom(0, 10)
  TRUST_PROXY = 0;

  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: '$property must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsIn(['cached', 'strict'], { message: '$property must be cached or strict (got "$value")' })
  AUTH_REVOCATION: 'cached' | 'strict' = 'cached';

  // Sessions the cached mode keeps in memory per instance (least recently used first out).
  @AsInteger()
  @IntegerFrom(1, 10_000_000)
  AUTH_REVOCATION_CACHE_ENTRIES = 100_000;

  // Guard reads that arrive together share one statement (AuthModuleOptions.batchReads).
  @AsFlag()
  @IsBoolean(flag)
  AUTH_BATCH_READS = true;

  // A repeated access token skips signature verification until it expires (AuthModuleOptions.verifiedTokenCache).
  @AsFlag()
  @IsBoolean(flag)
  AUTH_VERIFIED_TOKEN_CACHE = true;

  // How access tokens are signed: HS256 with JWT_SECRET, or RS256 / ES256 with JWT_PRIVATE_KEY and JWT_PUBLIC_KEY.
  @IsIn(['HS256', 'RS256', 'ES256'], { message: '$property must be HS256, RS256 or ES256 (got "$value")' })
  JWT_ALGORITHM: 'HS256' | 'RS256' | 'ES256' = 'HS256';

  // PEM (PKCS#8); \n in the value stands for a line break. Required with RS256 and ES256.
  @ValidateIf((env: DemoEnvironment) => env.JWT_ALGORITHM !== 'HS256' || env.JWT_PRIVATE_KEY !== undefined)
  @Matches(/-----BEGIN PRIVATE KEY-----/, {
    message: '$property must be a PEM private key (PKCS#8) with RS256 or ES256',
  })
  JWT_PRIVATE_KEY?: string;

  // PEM (SPKI); \n in the value stands for a line break. Required with RS256 and ES256.
  @ValidateIf((env: DemoEnvironment) => env.JWT_ALGORITHM !== 'HS256' || env.JWT_PUBLIC_KEY !== undefined)
  @Matches(/-----BEGIN PUBLIC KEY-----/, { message: '$property must be a PEM public key (SPKI) with RS256 or ES256' })
  JWT_PUBLIC_KEY?: string;

  // More skew than a few minutes is a broken clock, not drift to tolerate.
  @AsInteger()
  @IntegerFrom(0, 300, ' seconds')
  AUTH_CLOCK_TOLERANCE_SECONDS = 5;

  // 0 would mean "wait forever" to pg, the opposite of what the setting is for.
  @AsInteger()
  @IntegerFrom(1, MAX_TIMER_MS, ' ms')
  DB_TIMEOUT_MS = 5000;

  // The most connections the demo's pool opens; the cached mode's listener is one more (README: "Deploying").
  @AsInteger()
  @IntegerFrom(1, 10_000)
  DATABASE_POOL_SIZE = 10;
  // Off by default: named statements break behind a transaction pooler (see AuthModuleOptions.preparedStatements).
  @AsFlag()
  @IsBoolean(flag)
  DATABASE_PREPARED_STATEMENTS = false;

  @AsInteger()
  @IntegerFrom(0, MAX_TIMER_MS, ' ms')
  SHUTDOWN_TIMEOUT_MS = 10_000;

  @AsFlag()
  @IsBoolean(flag)
  AUDIT_LOG = true;

  @AsFlag()
  @IsBoolean(flag)
  BENCH_ROUTES = false;

  // On by default: the demo shows what the module measures. A deployment keeps /metrics off the public network.
  @AsFlag()
  @IsBoolean(flag)
  METRICS = true;

  // Sign-in through an OpenID Connect provider (GET /auth/oidc/login): its issuer, this app's client there, and the
  // callback URL registered with it. All four or none.
  @IsOptional()
  @WebUrl()
  OIDC_ISSUER?: string;

  @IsOptional()
  @IsString()
  OIDC_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  OIDC_CLIENT_SECRET?: string;

  @IsOptional()
  @WebUrl()
  OIDC_REDIRECT_URI?: string;

  // Where the provider sends the browser after signing out there (registered with it); unset: its own page.
  @IsOptional()
  @WebUrl()
  OIDC_POST_LOGOUT_REDIRECT_URI?: string;
}

/** The names of the variables `DemoEnvironment` reads, in declaration order. */
export function demoEnvironmentVariables(): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(DemoEnvironment, '', true, false);
  return [...new Set(metadata.map(({ propertyName }) => propertyName))];
}

export interface ValidatedEnvironment {
  environment: DemoEnvironment;
  /** Accepted, but worth a line in the log. */
  warnings: string[];
}

/**
 * Nest's "custom validate function" pattern (plainToInstance + validateSync), run by main.ts before
 * anything starts: throws `InvalidEnvironmentError` listing every problem at once. Outside production
 * a missing JWT_SECRET is replaced by a random one, with a warning.
 */
export function validateDemoEnvironment(env: Record<string, string | undefined>): ValidatedEnvironment {
  const given = Object.fromEntries(
    demoEnvironmentVariables().flatMap((name) => (env[name] ? [[name, env[name]]] : [])),
  );
  const environment = plainToInstance(DemoEnvironment, given);
  const problems = validateSync(environment, { stopAtFirstError: true }).flatMap(messagesOf);
  const missingOidc = OIDC_VARIABLES.filter((name) => environment[name] === undefined);
  if (missingOidc.length && missingOidc.length < OIDC_VARIABLES.length)
    problems.push(`${OIDC_VARIABLES.join(', ')} go together: set all or none (missing: ${missingOidc.join(', ')})`);
  if (problems.length) throw new InvalidEnvironmentError(problems);
  const warnings: string[] = [];
  if (environment.JWT_SECRET === undefined) {
    environment.JWT_SECRET = randomBytes(MIN_SECRET_BYTES).toString('base64url');
    warnings.push(
      'JWT_SECRET is not set: using a random one for this run; tokens will not survive a restart ' +
        '(NODE_ENV=production refuses to start without one)',
    );
  }
  return { environment, warnings };
}

function messagesOf(error: ValidationError): string[] {
  return Object.values(error.constraints ?? {});
}
