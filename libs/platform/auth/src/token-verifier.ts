import {
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import type { AuthConfig } from './auth-config';
import {
  SigningKeysUnavailableError,
  TokenExpiredError,
  TokenInvalidError,
  type TokenVerificationError,
} from './errors';
import {
  CLOCK_TOLERANCE_SECONDS,
  JWKS_CACHE_MAX_AGE_MS,
  JWKS_FETCH_TIMEOUT_MS,
  JWKS_REFETCH_COOLDOWN_MS,
  ROLES_CLAIM_ENTRIES_MAX,
  SUBJECT_LENGTH_MAX,
  TOKEN_LENGTH_MAX,
} from './limits';
import { isRole, type Caller, type Role } from './roles';

export interface TokenVerifierOptions {
  /** Source of "now" for exp / nbf checks; tests pass a fixed clock. */
  readonly clock?: () => Date;
}

/** Claims every accepted token must carry: without iat and exp its lifetime cannot be bounded. */
const REQUIRED_CLAIMS = ['sub', 'iat', 'exp'];

/** Turns a bearer JWT into a Caller, or rejects with a TokenVerificationError. */
export class TokenVerifier {
  readonly #config: AuthConfig;
  readonly #clock: () => Date;
  readonly #remoteKeys: JWTVerifyGetKey | undefined;

  constructor(config: AuthConfig, options: TokenVerifierOptions = {}) {
    this.#config = config;
    this.#clock = options.clock ?? (() => new Date());
    this.#remoteKeys = config.keys.kind === 'jwks' ? remoteKeyResolver(config.keys.url) : undefined;
  }

  async verify(token: string): Promise<Caller> {
    if (token.length > TOKEN_LENGTH_MAX) {
      throw new TokenInvalidError(
        'too-long',
        `token is longer than ${TOKEN_LENGTH_MAX} characters`,
      );
    }
    const payload = await this.#verifySignatureAndClaims(token);
    const caller = callerFromPayload(payload);
    this.#assertIssuedInThePast(payload);
    this.#assertLifetimeWithinMaximum(payload, caller.roles);
    return caller;
  }

  /**
   * iat no later than now (plus the clock tolerance): jose checks iat only with maxTokenAge, so without this a token
   * issued "in a century, an hour before its exp" would pass the lifetime check and be valid for a century.
   */
  #assertIssuedInThePast(payload: JWTPayload): void {
    const { iat } = payload;
    if (typeof iat !== 'number') throw new Error('assertion failed: iat is a required claim');
    const nowSeconds = Math.floor(this.#clock().getTime() / 1000);
    if (iat > nowSeconds + CLOCK_TOLERANCE_SECONDS) {
      throw new TokenInvalidError(
        'issued-in-the-future',
        `token issued-at (iat) is ${iat - nowSeconds} s in the future, more than the ${CLOCK_TOLERANCE_SECONDS} s clock tolerance`,
      );
    }
  }

  /** exp - iat at most the maximum for the caller's kind: a token valid for 100 years is refused even while unexpired. */
  #assertLifetimeWithinMaximum(payload: JWTPayload, roles: readonly Role[]): void {
    const { iat, exp } = payload;
    if (typeof iat !== 'number' || typeof exp !== 'number')
      throw new Error('assertion failed: iat and exp are required claims');
    const serviceOnly = roles.length > 0 && roles.every((role) => role === 'custody-service');
    const maximum = serviceOnly
      ? this.#config.tokenLifetimeMaxSeconds.service
      : this.#config.tokenLifetimeMaxSeconds.staff;
    if (exp - iat > maximum) {
      throw new TokenInvalidError(
        'lifetime-too-long',
        `token lifetime (exp - iat) is ${exp - iat} s, more than the ${maximum} s accepted for ${serviceOnly ? 'a service' : 'a staff'} token`,
      );
    }
  }

  async #verifySignatureAndClaims(token: string): Promise<JWTPayload> {
    const keys = this.#config.keys;
    const options: JWTVerifyOptions = {
      issuer: this.#config.issuer,
      audience: this.#config.audience,
      algorithms: [...keys.algorithms],
      requiredClaims: REQUIRED_CLAIMS,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: this.#clock(),
    };
    try {
      const result =
        keys.kind === 'shared-secret'
          ? await jwtVerify(token, keys.secret.bytes(), options)
          : await jwtVerify(token, this.#remoteKeyResolver(), options);
      return result.payload;
    } catch (error) {
      throw toVerificationError(error);
    }
  }

  #remoteKeyResolver(): JWTVerifyGetKey {
    if (this.#remoteKeys === undefined)
      throw new Error('assertion failed: JWKS key source without a resolver');
    return this.#remoteKeys;
  }
}

/** Fetches keys from the JWKS URL; transport failures become SigningKeysUnavailableError. */
function remoteKeyResolver(url: URL): JWTVerifyGetKey {
  const remoteKeys = createRemoteJWKSet(url, {
    timeoutDuration: JWKS_FETCH_TIMEOUT_MS,
    cooldownDuration: JWKS_REFETCH_COOLDOWN_MS,
    cacheMaxAge: JWKS_CACHE_MAX_AGE_MS,
  });
  return async (protectedHeader, token) => {
    try {
      return await remoteKeys(protectedHeader, token);
    } catch (error) {
      if (
        error instanceof joseErrors.JWKSNoMatchingKey ||
        error instanceof joseErrors.JWKSMultipleMatchingKeys
      )
        throw error;
      throw new SigningKeysUnavailableError(error);
    }
  };
}

/** Maps jose failures to stable codes. Anything else is a programmer error and is rethrown as is. */
function toVerificationError(error: unknown): TokenVerificationError {
  if (error instanceof SigningKeysUnavailableError) return error;
  if (error instanceof joseErrors.JWTExpired) return new TokenExpiredError(expiryOf(error.payload));
  if (error instanceof joseErrors.JWTClaimValidationFailed) return claimError(error);
  if (error instanceof joseErrors.JOSEAlgNotAllowed) {
    return new TokenInvalidError(
      'algorithm-refused',
      'token signature algorithm is not accepted here',
    );
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return new TokenInvalidError('signature-mismatch', 'token signature does not verify');
  }
  if (
    error instanceof joseErrors.JWKSNoMatchingKey ||
    error instanceof joseErrors.JWKSMultipleMatchingKeys
  ) {
    return new TokenInvalidError(
      'signing-key-not-found',
      'no single known signing key matches the token header',
    );
  }
  if (error instanceof joseErrors.JOSEError)
    return new TokenInvalidError('malformed', 'token is not a well-formed signed JWT');
  throw error;
}

function claimError(
  error: InstanceType<typeof joseErrors.JWTClaimValidationFailed>,
): TokenInvalidError {
  switch (error.claim) {
    case 'iss':
      return new TokenInvalidError(
        'issuer-mismatch',
        'token issuer (iss) is not the trusted issuer',
      );
    case 'aud':
      return new TokenInvalidError(
        'audience-mismatch',
        'token audience (aud) does not include this service',
      );
    case 'sub':
      return new TokenInvalidError('subject-missing', 'token has no subject (sub) claim');
    case 'exp':
      return new TokenInvalidError('expiry-missing', 'token has no valid expiry (exp) claim');
    case 'iat':
      return new TokenInvalidError(
        'issued-at-missing',
        'token has no valid issued-at (iat) claim: its lifetime cannot be bounded',
      );
    case 'nbf':
      return new TokenInvalidError(
        'not-yet-valid',
        'token is not valid yet (nbf is in the future)',
      );
    default:
      return new TokenInvalidError(
        'claim-invalid',
        `token claim "${error.claim}" is invalid (${error.reason})`,
      );
  }
}

function expiryOf(payload: JWTPayload): Date | undefined {
  return typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : undefined;
}

function callerFromPayload(payload: JWTPayload): Caller {
  const subject = payload.sub;
  if (typeof subject !== 'string' || subject === '') {
    throw new TokenInvalidError(
      'subject-missing',
      'token subject (sub) must be a non-empty string',
    );
  }
  if (subject.length > SUBJECT_LENGTH_MAX) {
    throw new TokenInvalidError(
      'claim-invalid',
      `token subject (sub) is longer than ${SUBJECT_LENGTH_MAX} characters`,
    );
  }
  return { id: subject, roles: knownRolesOf(payload['roles']) };
}

/** Keeps the known roles of a `roles` claim, once each; unknown strings are ignored. */
function knownRolesOf(claim: unknown): Role[] {
  if (claim === undefined) return [];
  if (!Array.isArray(claim)) {
    throw new TokenInvalidError(
      'roles-claim-invalid',
      'token roles claim must be an array of strings',
    );
  }
  if (claim.length > ROLES_CLAIM_ENTRIES_MAX) {
    throw new TokenInvalidError(
      'roles-claim-invalid',
      `token roles claim has more than ${ROLES_CLAIM_ENTRIES_MAX} entries`,
    );
  }
  return [...new Set(claim.filter(isRole))];
}
