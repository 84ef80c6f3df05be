/** Every role a caller can hold. Stored values: never rename or reuse one. */
/** `custody-service`: another custody service calling on its own behalf (a workload identity, e.g. a projected service-account token), never a person. */
export const ROLES = [
  'operator',
  'approver',
  'key-custodian',
  'auditor',
  'sre',
  'admin',
  'custody-service',
] as const;
export type Role = (typeof ROLES)[number];

const knownRoles: ReadonlySet<string> = new Set(ROLES);

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && knownRoles.has(value);
}

/** Who is calling: the token's `sub` claim and the known roles from its `roles` claim. */
export interface Caller {
  readonly id: string;
  readonly roles: readonly Role[];
}
