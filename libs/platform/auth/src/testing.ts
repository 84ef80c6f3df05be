/** Test and development helpers. Not part of index.ts: production code must not mint tokens. */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { SHARED_SECRET_BYTES_MIN } from './limits';

/** Lifetime of a test token when the caller gives none. */
export const TEST_TOKEN_LIFETIME_SECONDS_DEFAULT = 600;

export interface TestTokenClaims {
  /** The same string as AUTH_JWT_SECRET. */
  readonly secret: string;
  readonly issuer: string;
  readonly audience: string;
  readonly subject: string;
  /** Plain strings, so tests can include unknown roles. */
  readonly roles: readonly string[];
  readonly expiresInSeconds?: number;
  /** Default: now. Put it in the past to mint an expired token. */
  readonly issuedAt?: Date;
}

/** Signs an HS256 JWT as the shared-secret (development) key source expects it. */
export async function signTestToken(claims: TestTokenClaims): Promise<string> {
  const secret = new TextEncoder().encode(claims.secret);
  if (secret.byteLength < SHARED_SECRET_BYTES_MIN) {
    throw new Error(
      `assertion failed: test secret must be at least ${SHARED_SECRET_BYTES_MIN} bytes`,
    );
  }
  const issuedAtSeconds = Math.floor((claims.issuedAt ?? new Date()).getTime() / 1000);
  const lifetimeSeconds = claims.expiresInSeconds ?? TEST_TOKEN_LIFETIME_SECONDS_DEFAULT;
  return new SignJWT({ roles: [...claims.roles] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(claims.issuer)
    .setAudience(claims.audience)
    .setSubject(claims.subject)
    .setIssuedAt(issuedAtSeconds)
    .setJti(randomUUID()) // a token id: what a logout revokes (the dashboard's)
    .setExpirationTime(issuedAtSeconds + lifetimeSeconds)
    .sign(secret);
}
