export { AuthGuard } from './auth.guard';
export {
  AUTH_ENVIRONMENT_VARIABLES,
  KEY_SOURCE_VARIABLES,
  parseAuthConfig,
  type AuthConfig,
  type AuthConfigProblem,
  type AuthConfigResult,
  type AuthEnvironmentVariable,
  type TokenKeySource,
} from './auth-config';
export { AuthModule } from './auth.module';
export { readBearerToken, type BearerTokenResult } from './bearer-token';
export {
  CurrentCaller,
  Public,
  PUBLIC_ROUTE_METADATA,
  REQUIRED_ROLES_METADATA,
  Roles,
  type AuthenticatedRequest,
} from './decorators';
export * from './errors';
export * from './http-exceptions';
export * from './limits';
export { isRole, ROLES, type Caller, type Role } from './roles';
export { SharedSecret } from './shared-secret';
export { TokenVerifier, type TokenVerifierOptions } from './token-verifier';
