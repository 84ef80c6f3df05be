import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { readBearerToken } from './bearer-token';
import {
  PUBLIC_ROUTE_METADATA,
  REQUIRED_ROLES_METADATA,
  type AuthenticatedRequest,
} from './decorators';
import { AuthErrorCode, SigningKeysUnavailableError, TokenVerificationError } from './errors';
import {
  AuthenticationFailedException,
  RoleMissingException,
  SigningKeysUnavailableException,
  type AuthenticationFailureCode,
} from './http-exceptions';
import type { Caller, Role } from './roles';
import { TokenVerifier } from './token-verifier';

interface ChallengeableResponse {
  setHeader(name: string, value: string): unknown;
}

/**
 * Global guard (APP_GUARD): every route needs a valid bearer token unless it is @Public();
 * routes with @Roles(...) also need one of those roles. Sets `request.caller`.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  readonly #logger = new Logger(AuthGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.#metadata<boolean>(context, PUBLIC_ROUTE_METADATA) === true) return true;
    if (context.getType() !== 'http') {
      throw new Error(
        `assertion failed: AuthGuard protects http only, got '${context.getType()}'; mark it @Public()`,
      );
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const caller = await this.#authenticate(
      request,
      context.switchToHttp().getResponse<ChallengeableResponse>(),
    );
    request.caller = caller;
    assertHasRequiredRole(
      caller,
      this.#metadata<readonly Role[]>(context, REQUIRED_ROLES_METADATA),
    );
    return true;
  }

  async #authenticate(
    request: AuthenticatedRequest,
    response: ChallengeableResponse,
  ): Promise<Caller> {
    const bearer = readBearerToken(request.headers['authorization']);
    if (!bearer.found)
      throw challenge(
        response,
        new AuthenticationFailedException(AuthErrorCode.tokenMissing, bearer.reason),
      );
    try {
      return await this.verifier.verify(bearer.token);
    } catch (error) {
      if (error instanceof SigningKeysUnavailableError) {
        this.#logger.error(`${error.message}: ${String(error.cause)}`);
        throw new SigningKeysUnavailableException(error.message);
      }
      if (error instanceof TokenVerificationError) {
        throw challenge(
          response,
          new AuthenticationFailedException(authenticationCodeOf(error), error.message),
        );
      }
      throw error;
    }
  }

  #metadata<T>(context: ExecutionContext, key: string): T | undefined {
    return this.reflector.getAllAndOverride<T | undefined>(key, [
      context.getHandler(),
      context.getClass(),
    ]);
  }
}

function assertHasRequiredRole(caller: Caller, requiredRoles: readonly Role[] | undefined): void {
  if (requiredRoles === undefined) return;
  if (requiredRoles.some((role) => caller.roles.includes(role))) return;
  throw new RoleMissingException(requiredRoles, caller.roles);
}

function authenticationCodeOf(error: TokenVerificationError): AuthenticationFailureCode {
  return error.code === AuthErrorCode.tokenExpired
    ? AuthErrorCode.tokenExpired
    : AuthErrorCode.tokenInvalid;
}

function challenge(
  response: ChallengeableResponse,
  exception: AuthenticationFailedException,
): AuthenticationFailedException {
  response.setHeader('WWW-Authenticate', exception.wwwAuthenticate);
  return exception;
}
