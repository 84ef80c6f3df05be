import {
  ForbiddenException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { AuthErrorCode } from './errors';
import type { Role } from './roles';

export type AuthenticationFailureCode =
  | typeof AuthErrorCode.tokenMissing
  | typeof AuthErrorCode.tokenInvalid
  | typeof AuthErrorCode.tokenExpired;

export interface AuthenticationFailureBody {
  readonly statusCode: 401;
  readonly code: AuthenticationFailureCode;
  readonly reason: string;
}

/** 401. `wwwAuthenticate` is the RFC 6750 challenge the guard sends in the WWW-Authenticate header. */
export class AuthenticationFailedException extends UnauthorizedException {
  readonly wwwAuthenticate: string;

  constructor(code: AuthenticationFailureCode, reason: string) {
    const body: AuthenticationFailureBody = { statusCode: 401, code, reason };
    super(body);
    this.wwwAuthenticate = bearerChallenge(code, reason);
  }
}

export interface RoleMissingBody {
  readonly statusCode: 403;
  readonly code: typeof AuthErrorCode.roleMissing;
  readonly reason: string;
  readonly requiredRoles: readonly Role[];
  readonly callerRoles: readonly Role[];
}

/** 403: authenticated, but holds none of the roles the route requires. */
export class RoleMissingException extends ForbiddenException {
  constructor(requiredRoles: readonly Role[], callerRoles: readonly Role[]) {
    const reason = `caller needs one of the roles [${requiredRoles.join(', ')}]`;
    const body: RoleMissingBody = {
      statusCode: 403,
      code: AuthErrorCode.roleMissing,
      reason,
      requiredRoles,
      callerRoles,
    };
    super(body);
  }
}

export interface SigningKeysUnavailableBody {
  readonly statusCode: 503;
  readonly code: typeof AuthErrorCode.signingKeysUnavailable;
  readonly reason: string;
}

/** 503: tokens cannot be checked right now because the JWKS endpoint failed. */
export class SigningKeysUnavailableException extends ServiceUnavailableException {
  constructor(reason: string) {
    const body: SigningKeysUnavailableBody = {
      statusCode: 503,
      code: AuthErrorCode.signingKeysUnavailable,
      reason,
    };
    super(body);
  }
}

/** RFC 6750 §3: no error code when credentials are absent, `invalid_token` otherwise. */
function bearerChallenge(code: AuthenticationFailureCode, reason: string): string {
  const description = `error_description="${quotable(reason)}"`;
  if (code === AuthErrorCode.tokenMissing) return `Bearer ${description}`;
  return `Bearer error="invalid_token", ${description}`;
}

/** Keeps only characters RFC 6750 allows inside error_description. */
function quotable(text: string): string {
  return text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, "'");
}
