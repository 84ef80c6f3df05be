import { Roles } from './decorators';
import type { Role } from './roles';

describe('@Roles()', () => {
  it('given a role string that is not a known Role, when decorating, then it fails loudly at startup', () => {
    expect(() => Roles('superuser' as Role)).toThrow('unknown roles: superuser');
  });

  it('given no roles (from untyped code), when decorating, then it fails loudly instead of meaning "anyone"', () => {
    const untypedRoles = Roles as (...roles: Role[]) => unknown;
    expect(() => untypedRoles()).toThrow('needs at least one role');
  });
});
