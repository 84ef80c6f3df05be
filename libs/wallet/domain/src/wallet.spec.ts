import { keySigningProblem, walletRegistrationProblems, type WalletRegistration } from './wallet';

const at = '2026-11-24T09:00:00.000Z';
const policy = { allowedJurisdictions: ['HK'] };
const registration: WalletRegistration = {
  walletId: 'wallet-client-cold-1',
  tier: 'cold',
  ownerClass: 'client-segregated',
  chain: 'ethereum',
  assets: ['ETH', 'USDT'],
  address: '0x00000000000000000000000000000000000000aa',
  key: {
    keyId: 'key-cold-1',
    location: { site: 'HK-DC1', jurisdiction: 'HK' },
    backups: [{ site: 'HK-VAULT2', jurisdiction: 'HK' }],
    rotationDueAt: '2027-11-24T00:00:00.000Z',
  },
};
const codes = (problems: readonly { code: string; path: string }[]) => problems.map(({ code, path }) => [code, path]);

describe('wallet registration: where its key and backups are kept', () => {
  it('given a key and a backup at two sites inside the home jurisdiction, then the wallet can be registered', () => {
    expect(walletRegistrationProblems(registration, policy, at)).toEqual([]);
  });

  it('HK-11b given the key or a backup outside the allowed jurisdictions, then it is refused, naming each location', () => {
    const abroad = { ...registration, key: { ...registration.key, location: { site: 'SG-DC1', jurisdiction: 'SG' }, backups: [{ site: 'HK-VAULT2', jurisdiction: 'HK' }, { site: 'TW-VAULT', jurisdiction: 'TW' }] } };
    expect(codes(walletRegistrationProblems(abroad, policy, at))).toEqual([
      ['KEY_LOCATION_OUTSIDE_JURISDICTIONS', 'key.location.jurisdiction'],
      ['KEY_LOCATION_OUTSIDE_JURISDICTIONS', 'key.backups[1].jurisdiction'],
    ]);
    // a profile covering both places accepts the Taiwanese vault
    expect(codes(walletRegistrationProblems(abroad, { allowedJurisdictions: ['HK', 'TW', 'SG'] }, at))).toEqual([]);
  });

  it('HK-11f given no backup, or a backup at the primary\'s site (however spelled), then it is refused', () => {
    expect(codes(walletRegistrationProblems({ ...registration, key: { ...registration.key, backups: [] } }, policy, at))).toEqual([['KEY_BACKUP_MISSING', 'key.backups']]);
    const sameSite = { ...registration, key: { ...registration.key, backups: [{ site: 'HK-VAULT2', jurisdiction: 'HK' }, { site: ' hk-dc1', jurisdiction: 'HK' }] } };
    expect(codes(walletRegistrationProblems(sameSite, policy, at))).toEqual([['KEY_BACKUP_SAME_SITE', 'key.backups[1].site']]);
  });

  it('HK-11a given a rotation due date not after the registration, or no asset, then it is refused', () => {
    const stale = { ...registration, assets: [], key: { ...registration.key, rotationDueAt: at } };
    expect(codes(walletRegistrationProblems(stale, policy, at))).toEqual([
      ['WALLET_ASSETS_EMPTY', 'assets'],
      ['KEY_ROTATION_DUE_INVALID', 'key.rotationDueAt'],
    ]);
    expect(codes(walletRegistrationProblems({ ...registration, key: { ...registration.key, rotationDueAt: 'next year' } }, policy, at))).toEqual([['KEY_ROTATION_DUE_INVALID', 'key.rotationDueAt']]);
  });
});

describe('signing with a key', () => {
  it('HK-11a given a key before its rotation due date, then it may sign; at or after it, KEY_ROTATION_OVERDUE', () => {
    expect(keySigningProblem(registration.key, '2027-11-23T23:59:59.999Z')).toBeUndefined();
    expect(keySigningProblem(registration.key, '2027-11-24T00:00:00.000Z')).toMatchObject({ code: 'KEY_ROTATION_OVERDUE', path: 'keyId' });
    expect(keySigningProblem(registration.key, '2028-01-01T00:00:00.000Z')).toMatchObject({ code: 'KEY_ROTATION_OVERDUE' });
  });
});
