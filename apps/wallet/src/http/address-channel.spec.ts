import { REQUIRED_ROLES_METADATA } from '@custody/auth';
import { additionChannel } from './address-channel';
import { CustodiansController } from './wallets.controller';
import { AllowListController } from './allow-list.controller';

const exchange = ['exchange'];
const rolesOf = (controller: { prototype: object }, method: string) =>
  Reflect.getMetadata(
    REQUIRED_ROLES_METADATA,
    (controller.prototype as Record<string, unknown>)[method] as object,
  ) as string[];

describe("who adds a client's address (HK-11h) and who decides key access (TW-18, HK-11c)", () => {
  it("HK-11h the exchange's service identity is the client's channel; an operator is staff; another service's identity is neither", () => {
    expect(additionChannel({ id: 'exchange', roles: ['custody-service'] }, exchange)).toBe(
      'client',
    );
    expect(additionChannel({ id: 'ops-1', roles: ['operator'] }, exchange)).toBe('staff');
    expect(
      additionChannel({ id: 'wallet-service', roles: ['custody-service'] }, exchange),
    ).toBeUndefined();
    expect(additionChannel({ id: 'exchange', roles: ['operator'] }, exchange)).toBe('staff'); // a person named like the exchange is still a person
    expect(additionChannel({ id: 'admin-1', roles: ['admin'] }, exchange)).toBeUndefined();
  });

  it("HK-11h the challenge and proof routes take the client's channel or staff; the decision on a held addition takes an approver only", () => {
    expect(rolesOf(AllowListController, 'issue')).toEqual(['custody-service', 'operator']);
    expect(rolesOf(AllowListController, 'prove')).toEqual(['custody-service', 'operator']);
    expect(rolesOf(AllowListController, 'decide')).toEqual(['approver']);
  });

  it('TW-18 HK-11c a key-access decision takes an approver only: admin is not listed', () => {
    expect(rolesOf(CustodiansController, 'decideChange')).toEqual(['approver']);
  });
});
