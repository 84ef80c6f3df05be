import {
  JWKS_ALGORITHMS,
  SERVICE_TOKEN_LIFETIME_SECONDS_MAX_DEFAULT,
  SHARED_SECRET_ALGORITHMS,
  SHARED_SECRET_BYTES_MIN,
  STAFF_TOKEN_LIFETIME_SECONDS_MAX_DEFAULT,
  TOKEN_LIFETIME_SECONDS_MAX_HIGHEST,
  TOKEN_LIFETIME_SECONDS_MAX_LOWEST,
} from './limits';
import { SharedSecret } from './shared-secret';

/** Where token signing keys come from: a shared HS256 secret (development) or a JWKS URL (production). */
export type TokenKeySource =
  | {
      readonly kind: 'shared-secret';
      readonly algorithms: typeof SHARED_SECRET_ALGORITHMS;
      readonly secret: SharedSecret;
    }
  | { readonly kind: 'jwks'; readonly algorithms: typeof JWKS_ALGORITHMS; readonly url: URL };

export interface AuthConfig {
  readonly issuer: string;
  readonly audience: string;
  readonly keys: TokenKeySource;
  /** Longest exp - iat accepted: for a token with any staff role (or none), and for one whose only role is custody-service. */
  readonly tokenLifetimeMaxSeconds: { readonly staff: number; readonly service: number };
}

export const AUTH_ENVIRONMENT_VARIABLES = [
  'AUTH_ISSUER',
  'AUTH_AUDIENCE',
  'AUTH_JWT_SECRET',
  'AUTH_JWKS_URL',
  'AUTH_STAFF_TOKEN_LIFETIME_MAX_SECONDS',
  'AUTH_SERVICE_TOKEN_LIFETIME_MAX_SECONDS',
  'AUTH_ALLOW_HS256_IN_PRODUCTION',
] as const;
export type AuthEnvironmentVariable = (typeof AUTH_ENVIRONMENT_VARIABLES)[number];
/** Named in a problem that concerns the choice between the two key sources. */
export const KEY_SOURCE_VARIABLES = 'AUTH_JWT_SECRET, AUTH_JWKS_URL';

export interface AuthConfigProblem {
  readonly variable: AuthEnvironmentVariable | typeof KEY_SOURCE_VARIABLES;
  /** Human readable; never contains the secret's value. */
  readonly reason: string;
}

export type AuthConfigResult =
  | { readonly ok: true; readonly config: AuthConfig }
  | { readonly ok: false; readonly problems: readonly AuthConfigProblem[] };

type Environment = Readonly<Record<string, string | undefined>>;
type Parsed<T> = { value: T; problems: AuthConfigProblem[] };

/** Hosts that may serve a JWKS over plain http (tests, local development). */
const PLAIN_HTTP_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost']);

/** Reads the auth variables; returns the config or every problem found. Pure: never throws, never logs. */
export function parseAuthConfig(environment: Environment): AuthConfigResult {
  const issuer = parseRequired(environment, 'AUTH_ISSUER');
  const audience = parseRequired(environment, 'AUTH_AUDIENCE');
  const keys = parseKeySource(environment);
  const staffLifetime = parseLifetimeMax(
    environment,
    'AUTH_STAFF_TOKEN_LIFETIME_MAX_SECONDS',
    STAFF_TOKEN_LIFETIME_SECONDS_MAX_DEFAULT,
  );
  const serviceLifetime = parseLifetimeMax(
    environment,
    'AUTH_SERVICE_TOKEN_LIFETIME_MAX_SECONDS',
    SERVICE_TOKEN_LIFETIME_SECONDS_MAX_DEFAULT,
  );
  const problems = [
    ...issuer.problems,
    ...audience.problems,
    ...keys.problems,
    ...staffLifetime.problems,
    ...serviceLifetime.problems,
    ...sharedSecretInProduction(environment, keys.value),
  ];
  if (
    problems.length > 0 ||
    issuer.value === undefined ||
    audience.value === undefined ||
    keys.value === undefined
  ) {
    return { ok: false, problems };
  }
  const tokenLifetimeMaxSeconds = { staff: staffLifetime.value, service: serviceLifetime.value };
  return {
    ok: true,
    config: {
      issuer: issuer.value,
      audience: audience.value,
      keys: keys.value,
      tokenLifetimeMaxSeconds,
    },
  };
}

/** A maximum token lifetime in whole seconds, within the bounds of limits.ts; the default when unset. */
function parseLifetimeMax(
  environment: Environment,
  variable: AuthEnvironmentVariable,
  fallback: number,
): Parsed<number> {
  const text = readTrimmed(environment, variable);
  if (text === undefined) return { value: fallback, problems: [] };
  const seconds = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (seconds >= TOKEN_LIFETIME_SECONDS_MAX_LOWEST && seconds <= TOKEN_LIFETIME_SECONDS_MAX_HIGHEST)
    return { value: seconds, problems: [] };
  const reason = `must be whole seconds from ${TOKEN_LIFETIME_SECONDS_MAX_LOWEST} to ${TOKEN_LIFETIME_SECONDS_MAX_HIGHEST}`;
  return { value: fallback, problems: [{ variable, reason }] };
}

/** Unset, empty and blank values all count as not set. */
function readTrimmed(
  environment: Environment,
  variable: AuthEnvironmentVariable,
): string | undefined {
  const value = environment[variable]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function parseRequired(
  environment: Environment,
  variable: AuthEnvironmentVariable,
): Parsed<string | undefined> {
  const value = readTrimmed(environment, variable);
  if (value !== undefined) return { value, problems: [] };
  return { value: undefined, problems: [{ variable, reason: 'is required but not set' }] };
}

function parseKeySource(environment: Environment): Parsed<TokenKeySource | undefined> {
  const secret = environment['AUTH_JWT_SECRET'];
  const secretIsSet = secret !== undefined && secret !== '';
  const jwksUrl = readTrimmed(environment, 'AUTH_JWKS_URL');
  if (secretIsSet && jwksUrl !== undefined) {
    return keySourceProblem(
      'exactly one must be set, but both are: use AUTH_JWKS_URL in production, AUTH_JWT_SECRET only in development',
    );
  }
  if (secretIsSet) return parseSharedSecret(secret);
  if (jwksUrl !== undefined) return parseJwksUrl(jwksUrl);
  return keySourceProblem(
    'exactly one must be set, but neither is: AUTH_JWKS_URL (RS256/ES256) or AUTH_JWT_SECRET (HS256, development)',
  );
}

/**
 * HS256 with NODE_ENV=production: whoever holds the one secret can mint any person's token, an
 * approver's too, so every maker-checker is one person. Refused unless AUTH_ALLOW_HS256_IN_PRODUCTION=true
 * names that choice (docker compose on one host, which has no identity provider).
 */
function sharedSecretInProduction(
  environment: Environment,
  keys: TokenKeySource | undefined,
): AuthConfigProblem[] {
  const allow = readTrimmed(environment, 'AUTH_ALLOW_HS256_IN_PRODUCTION') ?? 'false';
  if (allow !== 'true' && allow !== 'false')
    return [{ variable: 'AUTH_ALLOW_HS256_IN_PRODUCTION', reason: `must be 'true' or 'false'` }];
  if (
    environment['NODE_ENV'] !== 'production' ||
    keys?.kind !== 'shared-secret' ||
    allow === 'true'
  )
    return [];
  return [
    {
      variable: 'AUTH_JWT_SECRET',
      reason:
        "refused with NODE_ENV=production: whoever holds the secret can mint any person's token, so maker-checker would be one person; use AUTH_JWKS_URL (or AUTH_ALLOW_HS256_IN_PRODUCTION=true on a single-host demonstration)",
    },
  ];
}

function keySourceProblem(reason: string): Parsed<undefined> {
  return { value: undefined, problems: [{ variable: KEY_SOURCE_VARIABLES, reason }] };
}

function parseSharedSecret(secret: string): Parsed<TokenKeySource | undefined> {
  const bytes = new TextEncoder().encode(secret);
  if (bytes.byteLength < SHARED_SECRET_BYTES_MIN) {
    const reason = `must be at least ${SHARED_SECRET_BYTES_MIN} bytes for HS256, got ${bytes.byteLength}`;
    return { value: undefined, problems: [{ variable: 'AUTH_JWT_SECRET', reason }] };
  }
  return {
    value: {
      kind: 'shared-secret',
      algorithms: SHARED_SECRET_ALGORITHMS,
      secret: new SharedSecret(bytes),
    },
    problems: [],
  };
}

function parseJwksUrl(text: string): Parsed<TokenKeySource | undefined> {
  const problem = (reason: string): Parsed<undefined> => ({
    value: undefined,
    problems: [{ variable: 'AUTH_JWKS_URL', reason }],
  });
  if (!URL.canParse(text)) return problem('is not a valid absolute URL');
  const url = new URL(text);
  if (url.username !== '' || url.password !== '') return problem('must not carry credentials');
  if (url.protocol === 'https:') return { value: jwksSource(url), problems: [] };
  if (url.protocol === 'http:' && PLAIN_HTTP_HOSTS.has(url.hostname))
    return { value: jwksSource(url), problems: [] };
  if (url.protocol === 'http:')
    return problem('must use https (plain http is allowed only for 127.0.0.1 and localhost)');
  return problem(`must use https, not ${url.protocol.replace(/:$/, '')}`);
}

function jwksSource(url: URL): TokenKeySource {
  return { kind: 'jwks', algorithms: JWKS_ALGORITHMS, url };
}
