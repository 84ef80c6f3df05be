/** Stable result codes of authentication and authorization. Never rename or reuse. */
export const AuthErrorCode = {
  tokenMissing: 'AUTH_TOKEN_MISSING',
  tokenInvalid: 'AUTH_TOKEN_INVALID',
  tokenExpired: 'AUTH_TOKEN_EXPIRED',
  roleMissing: 'AUTH_ROLE_MISSING',
  signingKeysUnavailable: 'AUTH_SIGNING_KEYS_UNAVAILABLE',
} as const;
export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

/** Why a token is invalid, finer than the code; for tests and logs. Never rename or reuse. */
export type TokenProblem =
  | 'too-long'
  | 'malformed'
  | 'algorithm-refused'
  | 'signature-mismatch'
  | 'signing-key-not-found'
  | 'issuer-mismatch'
  | 'audience-mismatch'
  | 'subject-missing'
  | 'expiry-missing'
  | 'not-yet-valid'
  | 'claim-invalid'
  | 'roles-claim-invalid'
  | 'issued-at-missing'
  | 'lifetime-too-long'
  | 'issued-in-the-future';

/** A token could not be turned into a caller. `message` is the human-readable reason. */
export abstract class TokenVerificationError extends Error {
  abstract readonly code: AuthErrorCode;
}

/** The token is malformed, forged, meant for someone else, or lacks a required claim. */
export class TokenInvalidError extends TokenVerificationError {
  readonly code = AuthErrorCode.tokenInvalid;
  constructor(
    readonly problem: TokenProblem,
    reason: string,
  ) {
    super(reason);
    this.name = 'TokenInvalidError';
  }
}

/** The token was valid but its `exp` is past (beyond the clock tolerance). */
export class TokenExpiredError extends TokenVerificationError {
  readonly code = AuthErrorCode.tokenExpired;
  constructor(readonly expiredAt: Date | undefined) {
    super(
      expiredAt === undefined ? 'token has expired' : `token expired at ${expiredAt.toISOString()}`,
    );
    this.name = 'TokenExpiredError';
  }
}

/** The JWKS endpoint could not be reached or answered nonsense: not the caller's fault. */
export class SigningKeysUnavailableError extends TokenVerificationError {
  readonly code = AuthErrorCode.signingKeysUnavailable;
  constructor(cause: unknown) {
    super('signing keys are unavailable (JWKS endpoint unreachable or invalid); try again later', {
      cause,
    });
    this.name = 'SigningKeysUnavailableError';
  }
}
