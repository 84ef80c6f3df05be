import { decideWallet, evolveWallet, keySigningProblem, walletRegistrationProblems, type WalletRegistration } from './wallet';

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

describe('key rotation, maker-checker (HK-11a)', () => {
  const state = { registration, quorum: { required: 2, spanDepartmentsOrSites: false, approvalTtlMs: 60_000 }, confirmationsRequired: 2, registeredAt: at };
  const request = { type: 'RequestKeyRotation' as const, walletId: registration.walletId, requestId: 'ROT-1', location: { site: 'HK-DC1', jurisdiction: 'HK' }, backups: [{ site: 'HK-VAULT2', jurisdiction: 'HK' }], rotationDueAt: '2028-11-24T00:00:00.000Z', reason: 'annual', requestedBy: 'admin-1', at };
  const approve = (approvedBy: string, requestId = 'ROT-1') => ({ type: 'RotateWalletKey' as const, walletId: registration.walletId, requestId, key: { keyId: 'key-cold-2', location: request.location, backups: request.backups, rotationDueAt: request.rotationDueAt }, address: '0x00000000000000000000000000000000000000bb', approvedBy, at });
  const pending = (() => {
    const decision = decideWallet(request, state, policy);
    return (decision.ok ? decision.events : []).reduce(evolveWallet, state as ReturnType<typeof evolveWallet>);
  })();
  const code = (decision: ReturnType<typeof decideWallet>) => (decision.ok ? decision.events.map((event) => event.type) : [decision.error.code, decision.error.path]);

  it('HK-11a given a rotation requested by admin-1, then admin-1 cannot approve it; admin-2 can, and the event names both', () => {
    expect(code(decideWallet(approve('admin-1'), pending, policy))).toEqual(['MAKER_CHECKER_SAME_PERSON', 'approvedBy']);
    const approved = decideWallet(approve('admin-2'), pending, policy);
    expect(approved.ok && approved.events[0]?.data).toMatchObject({ requestedBy: 'admin-1', approvedBy: 'admin-2', previousKeyId: 'key-cold-1' });
  });

  it('HK-11a given no pending rotation, another request pending, or a backup abroad, then each is refused with its code', () => {
    expect(code(decideWallet(approve('admin-2'), state, policy))).toEqual(['KEY_ROTATION_UNKNOWN', 'requestId']);
    expect(code(decideWallet({ ...request, requestId: 'ROT-2', requestedBy: 'admin-2' }, pending, policy))).toEqual(['KEY_ROTATION_PENDING', 'requestId']);
    expect(code(decideWallet({ ...request, backups: [{ site: 'SG-1', jurisdiction: 'SG' }] }, state, policy))).toEqual(['KEY_LOCATION_OUTSIDE_JURISDICTIONS', 'key.backups[0].jurisdiction']);
  });
});
