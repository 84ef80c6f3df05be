import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { isRole, type Caller, type Role } from './roles';

export const PUBLIC_ROUTE_METADATA = 'custody:auth:public';
export const REQUIRED_ROLES_METADATA = 'custody:auth:required-roles';

/** The request the guard has authenticated: `caller` is set before the handler runs. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  caller?: Caller;
}

/** Marks a handler or controller as reachable without a token (probes, metrics, login pages). */
export const Public = (): MethodDecorator & ClassDecorator =>
  SetMetadata(PUBLIC_ROUTE_METADATA, true);

/**
 * The caller needs at least one of these roles. No role implies another: `admin` passes only
 * where it is listed (separation of duties). A handler's @Roles replaces its controller's.
 */
export function Roles(...roles: [Role, ...Role[]]): MethodDecorator & ClassDecorator {
  if (roles.length === 0) throw new Error('assertion failed: @Roles() needs at least one role');
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0)
    throw new Error(`assertion failed: @Roles() got unknown roles: ${unknown.join(', ')}`);
  return SetMetadata(REQUIRED_ROLES_METADATA, Object.freeze([...new Set(roles)]));
}

/** Injects the authenticated Caller. Using it on a @Public() route is a programmer error. */
export const CurrentCaller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Caller => {
    const caller = context.switchToHttp().getRequest<AuthenticatedRequest>().caller;
    if (caller === undefined) {
      throw new Error(
        'assertion failed: @CurrentCaller() used on a route the AuthGuard did not authenticate',
      );
    }
    return caller;
  },
);
