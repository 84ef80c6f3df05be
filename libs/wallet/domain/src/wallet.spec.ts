import { deciderSpecification } from '@custody/decider/testing';
import {
  APPROVAL_TTL_MS_MAX,
  QUORUM_SPANS,
  keySigningProblem,
  quorumSpan,
  walletHoldsAsset,
  walletDecider,
  walletRegistrationProblems,
  type QuorumSpan,
  type WalletCommand,
  type WalletRegistration,
  type WalletState,
} from './wallet';

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
const codes = (problems: readonly { code: string; path: string }[]) =>
  problems.map(({ code, path }) => [code, path]);

describe('wallet registration: where its key and backups are kept', () => {
  it('given a key and a backup at two sites inside the home jurisdiction, then the wallet can be registered', () => {
    expect(walletRegistrationProblems(registration, policy, at)).toEqual([]);
  });

  it('HK-11b given the key or a backup outside the allowed jurisdictions, then it is refused, naming each location', () => {
    const abroad = {
      ...registration,
      key: {
        ...registration.key,
        location: { site: 'SG-DC1', jurisdiction: 'SG' },
        backups: [
          { site: 'HK-VAULT2', jurisdiction: 'HK' },
          { site: 'TW-VAULT', jurisdiction: 'TW' },
        ],
      },
    };
    expect(codes(walletRegistrationProblems(abroad, policy, at))).toEqual([
      ['KEY_LOCATION_OUTSIDE_JURISDICTIONS', 'key.location.jurisdiction'],
      ['KEY_LOCATION_OUTSIDE_JURISDICTIONS', 'key.backups[1].jurisdiction'],
    ]);
    // a profile covering both places accepts the Taiwanese vault
    expect(
      codes(walletRegistrationProblems(abroad, { allowedJurisdictions: ['HK', 'TW', 'SG'] }, at)),
    ).toEqual([]);
  });

  it("HK-11f given no backup, or a backup at the primary's site (however spelled), then it is refused", () => {
    expect(
      codes(
        walletRegistrationProblems(
          { ...registration, key: { ...registration.key, backups: [] } },
          policy,
          at,
        ),
      ),
    ).toEqual([['KEY_BACKUP_MISSING', 'key.backups']]);
    const sameSite = {
      ...registration,
      key: {
        ...registration.key,
        backups: [
          { site: 'HK-VAULT2', jurisdiction: 'HK' },
          { site: ' hk-dc1', jurisdiction: 'HK' },
        ],
      },
    };
    expect(codes(walletRegistrationProblems(sameSite, policy, at))).toEqual([
      ['KEY_BACKUP_SAME_SITE', 'key.backups[1].site'],
    ]);
  });

  it('HK-11a given a rotation due date not after the registration, or no asset, then it is refused', () => {
    const stale = { ...registration, assets: [], key: { ...registration.key, rotationDueAt: at } };
    expect(codes(walletRegistrationProblems(stale, policy, at))).toEqual([
      ['WALLET_ASSETS_EMPTY', 'assets'],
      ['KEY_ROTATION_DUE_INVALID', 'key.rotationDueAt'],
    ]);
    expect(
      codes(
        walletRegistrationProblems(
          { ...registration, key: { ...registration.key, rotationDueAt: 'next year' } },
          policy,
          at,
        ),
      ),
    ).toEqual([['KEY_ROTATION_DUE_INVALID', 'key.rotationDueAt']]);
  });
});

describe('signing with a key', () => {
  it('HK-11a given a key before its rotation due date, then it may sign; at or after it, KEY_ROTATION_OVERDUE', () => {
    expect(keySigningProblem(registration.key, '2027-11-23T23:59:59.999Z')).toBeUndefined();
    expect(keySigningProblem(registration.key, '2027-11-24T00:00:00.000Z')).toMatchObject({
      code: 'KEY_ROTATION_OVERDUE',
      path: 'keyId',
    });
    expect(keySigningProblem(registration.key, '2028-01-01T00:00:00.000Z')).toMatchObject({
      code: 'KEY_ROTATION_OVERDUE',
    });
  });
});

describe('key rotation, maker-checker (HK-11a)', () => {
  const state = {
    registration,
    quorum: { required: 2, spanDepartmentsOrSites: false, approvalTtlMs: 60_000 },
    confirmationsRequired: 2,
    registeredAt: at,
  };
  const request = {
    type: 'RequestKeyRotation' as const,
    walletId: registration.walletId,
    requestId: 'ROT-1',
    location: { site: 'HK-DC1', jurisdiction: 'HK' },
    backups: [{ site: 'HK-VAULT2', jurisdiction: 'HK' }],
    rotationDueAt: '2028-11-24T00:00:00.000Z',
    reason: 'annual',
    requestedBy: 'admin-1',
    at,
  };
  const approve = (approvedBy: string, requestId = 'ROT-1') => ({
    type: 'RotateWalletKey' as const,
    walletId: registration.walletId,
    requestId,
    key: {
      keyId: 'key-cold-2',
      location: request.location,
      backups: request.backups,
      rotationDueAt: request.rotationDueAt,
    },
    address: '0x00000000000000000000000000000000000000bb',
    approvedBy,
    at,
  });
  const { type: _type, ...requested } = request;
  const pending = walletDecider.evolve(state, { type: 'KeyRotationRequested', data: requested });
  const code = (decision: ReturnType<typeof walletDecider.decide>) =>
    decision.ok
      ? decision.events.map((event) => event.type)
      : [decision.error.code, decision.error.path];

  it('HK-11a given a rotation requested by admin-1, then admin-1 cannot approve it; admin-2 can, and the event names both', () => {
    expect(code(walletDecider.decide(approve('admin-1'), pending, policy))).toEqual([
      'MAKER_CHECKER_SAME_PERSON',
      'approvedBy',
    ]);
    const approved = walletDecider.decide(approve('admin-2'), pending, policy);
    expect(approved.ok && approved.events[0]?.data).toMatchObject({
      requestedBy: 'admin-1',
      approvedBy: 'admin-2',
      previousKeyId: 'key-cold-1',
    });
  });

  it('HK-11a given no pending rotation, another request pending, or a backup abroad, then each is refused with its code', () => {
    expect(code(walletDecider.decide(approve('admin-2'), state, policy))).toEqual([
      'KEY_ROTATION_UNKNOWN',
      'requestId',
    ]);
    expect(
      code(
        walletDecider.decide(
          { ...request, requestId: 'ROT-2', requestedBy: 'admin-2' },
          pending,
          policy,
        ),
      ),
    ).toEqual(['KEY_ROTATION_PENDING', 'requestId']);
    expect(
      code(
        walletDecider.decide(
          { ...request, backups: [{ site: 'SG-1', jurisdiction: 'SG' }] },
          state,
          policy,
        ),
      ),
    ).toEqual(['KEY_LOCATION_OUTSIDE_JURISDICTIONS', 'key.backups[0].jurisdiction']);
  });
});

describe('wallet registration: the command (HK-11a, HK-11b, HK-11d, HK-11f)', () => {
  const quorum = { required: 2, spanDepartmentsOrSites: true, approvalTtlMs: 60_000 };
  const register = (
    overrides: Partial<Extract<WalletCommand, { type: 'RegisterWallet' }>> = {},
  ): WalletCommand => ({
    type: 'RegisterWallet',
    registration,
    quorum,
    confirmationsRequired: 12,
    registeredBy: 'admin-1',
    at,
    ...overrides,
  });
  const outcome = (decision: ReturnType<typeof walletDecider.decide>) =>
    decision.ok
      ? decision.events.map((event) => event.type)
      : [decision.error.code, decision.error.path];

  it('HK-11d / TW-16 given a quorum of exactly 2 custodians (the floor), then the wallet is registered with its policy, confirmations and who registered it', () => {
    expect(walletDecider.decide(register(), undefined, policy)).toEqual({
      ok: true,
      events: [
        {
          type: 'WalletRegistered',
          data: { ...registration, quorum, confirmationsRequired: 12, registeredBy: 'admin-1', at },
        },
      ],
    });
  });

  it('HK-11d / TW-16 given a quorum of 1 (one below the floor), then QUORUM_POLICY_INVALID on quorum.required', () => {
    expect(
      outcome(
        walletDecider.decide(register({ quorum: { ...quorum, required: 1 } }), undefined, policy),
      ),
    ).toEqual(['QUORUM_POLICY_INVALID', 'quorum.required']);
  });

  it('HK-11d / TW-16 given a quorum of 15 (the ceiling), then it is registered; 16 or a fraction is QUORUM_POLICY_INVALID on quorum.required', () => {
    expect(
      outcome(
        walletDecider.decide(register({ quorum: { ...quorum, required: 15 } }), undefined, policy),
      ),
    ).toEqual(['WalletRegistered']);
    expect(
      outcome(
        walletDecider.decide(register({ quorum: { ...quorum, required: 16 } }), undefined, policy),
      ),
    ).toEqual(['QUORUM_POLICY_INVALID', 'quorum.required']);
    expect(
      outcome(
        walletDecider.decide(register({ quorum: { ...quorum, required: 2.5 } }), undefined, policy),
      ),
    ).toEqual(['QUORUM_POLICY_INVALID', 'quorum.required']);
  });

  it('TW-17.4 given an approval lifetime of 1 ms or exactly a day, then it is registered; 0, a day and 1 ms, or a fraction is QUORUM_POLICY_INVALID on quorum.approvalTtlMs', () => {
    const ttl = (approvalTtlMs: number) =>
      outcome(
        walletDecider.decide(register({ quorum: { ...quorum, approvalTtlMs } }), undefined, policy),
      );
    expect(ttl(1)).toEqual(['WalletRegistered']);
    expect(ttl(APPROVAL_TTL_MS_MAX)).toEqual(['WalletRegistered']);
    expect(APPROVAL_TTL_MS_MAX).toBe(86_400_000);
    expect(ttl(0)).toEqual(['QUORUM_POLICY_INVALID', 'quorum.approvalTtlMs']);
    expect(ttl(APPROVAL_TTL_MS_MAX + 1)).toEqual(['QUORUM_POLICY_INVALID', 'quorum.approvalTtlMs']);
    expect(ttl(1.5)).toEqual(['QUORUM_POLICY_INVALID', 'quorum.approvalTtlMs']);
  });

  it('given 1 or 1000 confirmations, then it is registered; 0, 1001 or a fraction is QUORUM_POLICY_INVALID on confirmationsRequired', () => {
    const confirmations = (confirmationsRequired: number) =>
      outcome(walletDecider.decide(register({ confirmationsRequired }), undefined, policy));
    expect(confirmations(1)).toEqual(['WalletRegistered']);
    expect(confirmations(1_000)).toEqual(['WalletRegistered']);
    expect(confirmations(0)).toEqual(['QUORUM_POLICY_INVALID', 'confirmationsRequired']);
    expect(confirmations(1_001)).toEqual(['QUORUM_POLICY_INVALID', 'confirmationsRequired']);
    expect(confirmations(1.5)).toEqual(['QUORUM_POLICY_INVALID', 'confirmationsRequired']);
  });

  it('HK-11b given a key location problem and a bad quorum, then the key location is named first', () => {
    const abroad = {
      ...registration,
      key: { ...registration.key, location: { site: 'SG-DC1', jurisdiction: 'SG' } },
    };
    expect(
      outcome(
        walletDecider.decide(
          register({ registration: abroad, quorum: { ...quorum, required: 1 } }),
          undefined,
          policy,
        ),
      ),
    ).toEqual(['KEY_LOCATION_OUTSIDE_JURISDICTIONS', 'key.location.jurisdiction']);
  });

  it('given the registration retried with the same content (keys in another order), then nothing new; other content or another quorum is WALLET_ALREADY_REGISTERED', () => {
    const { state } = deciderSpecification(walletDecider).given([
      {
        type: 'WalletRegistered',
        data: { ...registration, quorum, confirmationsRequired: 12, registeredBy: 'admin-1', at },
      },
    ]);
    expect(state).toEqual({ registration, quorum, confirmationsRequired: 12, registeredAt: at });
    const reordered = Object.fromEntries(
      Object.entries(registration).reverse(),
    ) as unknown as WalletRegistration;
    expect(
      walletDecider.decide(
        register({ registration: reordered, at: '2026-11-25T00:00:00.000Z' }),
        state,
        policy,
      ),
    ).toEqual({ ok: true, events: [] });
    expect(
      outcome(
        walletDecider.decide(
          register({ registration: { ...registration, assets: ['ETH'] } }),
          state,
          policy,
        ),
      ),
    ).toEqual(['WALLET_ALREADY_REGISTERED', 'registration.walletId']);
    expect(
      outcome(
        walletDecider.decide(register({ quorum: { ...quorum, required: 3 } }), state, policy),
      ),
    ).toEqual(['WALLET_ALREADY_REGISTERED', 'registration.walletId']);
  });

  it('given a registered wallet, then it holds exactly the assets it was registered with', () => {
    const state = { registration, quorum, confirmationsRequired: 12, registeredAt: at };
    expect(walletHoldsAsset(state, 'USDT')).toBe(true);
    expect(walletHoldsAsset(state, 'BTC')).toBe(false);
  });
});

describe('wallet registration: which span its quorum asks for (HK-11e)', () => {
  const quorum = { required: 2, spanDepartmentsOrSites: true, approvalTtlMs: 60_000 };
  /** `span` as the caller sent it: one of the four, left out (undefined), or a stray text. */
  const register = (
    span: string | undefined,
    spanDepartmentsOrSites = true,
  ): Extract<WalletCommand, { type: 'RegisterWallet' }> => ({
    type: 'RegisterWallet',
    registration,
    quorum: { ...quorum, spanDepartmentsOrSites, span: span as QuorumSpan | undefined },
    confirmationsRequired: 12,
    registeredBy: 'admin-1',
    at,
  });
  const published = {
    type: 'WalletRegistered',
    data: { ...registration, quorum, confirmationsRequired: 12, registeredBy: 'admin-1', at },
  } as const;
  const outcome = (decision: ReturnType<typeof walletDecider.decide>) =>
    decision.ok
      ? decision.events.map((event) => event.type)
      : [decision.error.code, decision.error.path];

  it('HK-11e given a wallet registered to require distinct departments, then WalletRegistered is published with its quorum exactly as the frozen v1 has it, and WalletQuorumSpanSet records the span; the state holds it', () => {
    const decision = walletDecider.decide(register('departments'), undefined, policy);
    expect(decision).toEqual({
      ok: true,
      events: [
        published,
        {
          type: 'WalletQuorumSpanSet',
          data: { walletId: registration.walletId, span: 'departments', setBy: 'admin-1', at },
        },
      ],
    });
    const { state } = deciderSpecification(walletDecider).given(decision.ok ? decision.events : []);
    expect(state?.quorum).toEqual({ ...quorum, span: 'departments' });
  });

  it('HK-11e given each of the four spans, then each is registered with its own span; a span left out records no span event (the wallet spans either, as before)', () => {
    expect(QUORUM_SPANS).toEqual(['either', 'departments', 'sites', 'both']);
    for (const span of QUORUM_SPANS) {
      const decision = walletDecider.decide(register(span), undefined, policy);
      expect(decision.ok && decision.events.map((event) => event.data)).toEqual([
        published.data,
        { walletId: registration.walletId, span, setBy: 'admin-1', at },
      ]);
    }
    expect(walletDecider.decide(register(undefined), undefined, policy)).toEqual({
      ok: true,
      events: [published],
    });
  });

  it('HK-11e given a span the wallet does not know, then QUORUM_POLICY_INVALID on quorum.span', () => {
    expect(outcome(walletDecider.decide(register('all'), undefined, policy))).toEqual([
      'QUORUM_POLICY_INVALID',
      'quorum.span',
    ]);
  });

  it('HK-11e given a span with spanDepartmentsOrSites false, then QUORUM_POLICY_INVALID on quorum.span (even either); without a span, registered with no span', () => {
    for (const span of ['departments', 'either'])
      expect(outcome(walletDecider.decide(register(span, false), undefined, policy))).toEqual([
        'QUORUM_POLICY_INVALID',
        'quorum.span',
      ]);
    expect(outcome(walletDecider.decide(register(undefined, false), undefined, policy))).toEqual([
      'WalletRegistered',
    ]);
  });

  it('HK-11e given a bad quorum count and a bad span, then the count is named first', () => {
    expect(
      outcome(
        walletDecider.decide(
          {
            ...register('all'),
            quorum: { ...quorum, required: 1, span: 'all' as QuorumSpan },
          },
          undefined,
          policy,
        ),
      ),
    ).toEqual(['QUORUM_POLICY_INVALID', 'quorum.required']);
  });

  it("HK-11e given the registration retried, then a span left out and 'either' are one quorum; another span is WALLET_ALREADY_REGISTERED", () => {
    const before = deciderSpecification(walletDecider).given([published]).state; // registered before the choice existed
    const either = deciderSpecification(walletDecider).given([
      published,
      {
        type: 'WalletQuorumSpanSet',
        data: { walletId: registration.walletId, span: 'either', setBy: 'admin-1', at },
      },
    ]).state;
    const departments = deciderSpecification(walletDecider).given([
      published,
      {
        type: 'WalletQuorumSpanSet',
        data: { walletId: registration.walletId, span: 'departments', setBy: 'admin-1', at },
      },
    ]).state;
    expect(outcome(walletDecider.decide(register('either'), before, policy))).toEqual([]);
    expect(outcome(walletDecider.decide(register(undefined), either, policy))).toEqual([]);
    expect(outcome(walletDecider.decide(register('departments'), departments, policy))).toEqual([]);
    for (const [span, state] of [
      ['departments', before],
      ['departments', either],
      [undefined, departments],
      ['both', departments],
    ] as const)
      expect(outcome(walletDecider.decide(register(span), state, policy))).toEqual([
        'WALLET_ALREADY_REGISTERED',
        'registration.walletId',
      ]);
  });

  it('HK-11e the span a quorum is judged with: none unless it spans; either when it spans without saying which; else its own', () => {
    expect(quorumSpan({ ...quorum, spanDepartmentsOrSites: false })).toBeUndefined();
    expect(quorumSpan(quorum)).toBe('either');
    expect(quorumSpan({ ...quorum, span: 'sites' })).toBe('sites');
    expect(quorumSpan({ ...quorum, span: 'both' })).toBe('both');
  });

  it('HK-11e given a span event for a wallet never registered, then evolving it is an assertion failure', () => {
    expect(() =>
      walletDecider.evolve(undefined, {
        type: 'WalletQuorumSpanSet',
        data: { walletId: registration.walletId, span: 'sites', setBy: 'admin-1', at },
      }),
    ).toThrow('assertion: a quorum span of an unregistered wallet');
  });
});

describe('wallet registration problems: every one, in order (HK-11a, HK-11b, HK-11f)', () => {
  it('HK-11a given a rotation due date exactly at the registration time, then KEY_ROTATION_DUE_INVALID; one millisecond after, accepted', () => {
    expect(
      codes(
        walletRegistrationProblems(
          { ...registration, key: { ...registration.key, rotationDueAt: at } },
          policy,
          at,
        ),
      ),
    ).toEqual([['KEY_ROTATION_DUE_INVALID', 'key.rotationDueAt']]);
    expect(
      codes(
        walletRegistrationProblems(
          {
            ...registration,
            key: { ...registration.key, rotationDueAt: '2026-11-24T09:00:00.001Z' },
          },
          policy,
          at,
        ),
      ),
    ).toEqual([]);
  });

  it("HK-11b HK-11f given two backups, one abroad and one at the primary's site, then each is named at its own index", () => {
    const key = {
      ...registration.key,
      backups: [
        { site: 'HK-DC1 ', jurisdiction: 'HK' },
        { site: 'TW-VAULT', jurisdiction: 'TW' },
        { site: 'HK-VAULT2', jurisdiction: 'HK' },
      ],
    };
    expect(codes(walletRegistrationProblems({ ...registration, key }, policy, at))).toEqual([
      ['KEY_BACKUP_SAME_SITE', 'key.backups[0].site'],
      ['KEY_LOCATION_OUTSIDE_JURISDICTIONS', 'key.backups[1].jurisdiction'],
    ]);
  });

  it("HK-11f given a primary site written with other case and spaces than its backup's, then it is one site", () => {
    const key = {
      ...registration.key,
      location: { site: ' hk-dc1 ', jurisdiction: 'HK' },
      backups: [{ site: 'HK-DC1', jurisdiction: 'HK' }],
    };
    expect(codes(walletRegistrationProblems({ ...registration, key }, policy, at))).toEqual([
      ['KEY_BACKUP_SAME_SITE', 'key.backups[0].site'],
    ]);
  });

  it("HK-11f given a backup whose site only shares a prefix with the primary's, then it is a second site", () => {
    const key = { ...registration.key, backups: [{ site: 'HK-DC10', jurisdiction: 'HK' }] };
    expect(walletRegistrationProblems({ ...registration, key }, policy, at)).toEqual([]);
  });
});

describe('key rotation: request and approval (HK-11a, HK-11b, HK-11f, maker-checker)', () => {
  const quorum = { required: 2, spanDepartmentsOrSites: false, approvalTtlMs: 60_000 };
  const state: WalletState = { registration, quorum, confirmationsRequired: 2, registeredAt: at };
  const newKey = {
    keyId: 'key-cold-2',
    location: { site: 'HK-DC3', jurisdiction: 'HK' },
    backups: [{ site: 'HK-VAULT4', jurisdiction: 'HK' }],
    rotationDueAt: '2028-11-24T00:00:00.000Z',
  };
  const request = (
    overrides: Partial<Extract<WalletCommand, { type: 'RequestKeyRotation' }>> = {},
  ): WalletCommand => ({
    type: 'RequestKeyRotation',
    walletId: registration.walletId,
    requestId: 'ROT-1',
    location: newKey.location,
    backups: newKey.backups,
    rotationDueAt: newKey.rotationDueAt,
    reason: 'annual',
    requestedBy: 'admin-1',
    at,
    ...overrides,
  });
  const rotate = (
    overrides: Partial<Extract<WalletCommand, { type: 'RotateWalletKey' }>> = {},
  ): WalletCommand => ({
    type: 'RotateWalletKey',
    walletId: registration.walletId,
    requestId: 'ROT-1',
    key: newKey,
    address: '0x00000000000000000000000000000000000000bb',
    approvedBy: 'admin-2',
    at,
    ...overrides,
  });
  const outcome = (decision: ReturnType<typeof walletDecider.decide>) =>
    decision.ok
      ? decision.events.map((event) => event.type)
      : [decision.error.code, decision.error.path];
  /** The rotation request() records: ROT-1, asked for by admin-1, waiting for approval. */
  const pending = walletDecider.evolve(state, {
    type: 'KeyRotationRequested',
    data: {
      walletId: registration.walletId,
      requestId: 'ROT-1',
      location: newKey.location,
      backups: newKey.backups,
      rotationDueAt: newKey.rotationDueAt,
      reason: 'annual',
      requestedBy: 'admin-1',
      at,
    },
  });

  it('HK-11a given a registered wallet, when a rotation is requested with a reason, then KeyRotationRequested carries the whole request and the wallet waits for approval', () => {
    expect(walletDecider.decide(request(), state, policy)).toEqual({
      ok: true,
      events: [
        {
          type: 'KeyRotationRequested',
          data: {
            walletId: registration.walletId,
            requestId: 'ROT-1',
            location: newKey.location,
            backups: newKey.backups,
            rotationDueAt: newKey.rotationDueAt,
            reason: 'annual',
            requestedBy: 'admin-1',
            at,
          },
        },
      ],
    });
    expect(pending).toEqual({
      ...state,
      pendingRotation: {
        requestId: 'ROT-1',
        location: newKey.location,
        backups: newKey.backups,
        rotationDueAt: newKey.rotationDueAt,
        reason: 'annual',
        requestedBy: 'admin-1',
      },
    });
  });

  it('given no wallet, then a request or an approval is WALLET_UNKNOWN on walletId', () => {
    expect(outcome(walletDecider.decide(request(), undefined, policy))).toEqual([
      'WALLET_UNKNOWN',
      'walletId',
    ]);
    expect(outcome(walletDecider.decide(rotate(), undefined, policy))).toEqual([
      'WALLET_UNKNOWN',
      'walletId',
    ]);
  });

  it('HK-11a given a request without a reason (blank), then REASON_REQUIRED', () => {
    expect(outcome(walletDecider.decide(request({ reason: '  ' }), state, policy))).toEqual([
      'REASON_REQUIRED',
      'reason',
    ]);
  });

  it('HK-11a given a requested rotation due exactly at the request time, then KEY_ROTATION_DUE_INVALID; one millisecond later, requested', () => {
    expect(outcome(walletDecider.decide(request({ rotationDueAt: at }), state, policy))).toEqual([
      'KEY_ROTATION_DUE_INVALID',
      'key.rotationDueAt',
    ]);
    expect(
      outcome(
        walletDecider.decide(request({ rotationDueAt: '2026-11-24T09:00:00.001Z' }), state, policy),
      ),
    ).toEqual(['KeyRotationRequested']);
  });

  it('HK-11f given a requested new key without a backup, then KEY_BACKUP_MISSING', () => {
    expect(outcome(walletDecider.decide(request({ backups: [] }), state, policy))).toEqual([
      'KEY_BACKUP_MISSING',
      'key.backups',
    ]);
  });

  it('given the same request retried by the same person, then nothing new; the same id from someone else or another id is KEY_ROTATION_PENDING', () => {
    expect(walletDecider.decide(request(), pending, policy)).toEqual({ ok: true, events: [] });
    expect(
      outcome(walletDecider.decide(request({ requestedBy: 'admin-3' }), pending, policy)),
    ).toEqual(['KEY_ROTATION_PENDING', 'requestId']);
    expect(outcome(walletDecider.decide(request({ requestId: 'ROT-2' }), pending, policy))).toEqual(
      ['KEY_ROTATION_PENDING', 'requestId'],
    );
  });

  it('HK-11a given a pending rotation, when a different person approves it with the new key, then WalletKeyRotated names both and the wallet uses the new key and address', () => {
    const decision = walletDecider.decide(rotate(), pending, policy);
    expect(decision).toEqual({
      ok: true,
      events: [
        {
          type: 'WalletKeyRotated',
          data: {
            walletId: registration.walletId,
            requestId: 'ROT-1',
            previousKeyId: 'key-cold-1',
            key: newKey,
            address: '0x00000000000000000000000000000000000000bb',
            requestedBy: 'admin-1',
            approvedBy: 'admin-2',
            at,
          },
        },
      ],
    });
    const rotated = walletDecider.decide(rotate(), pending, policy);
    expect((rotated.ok ? rotated.events : []).reduce(walletDecider.evolve, pending)).toEqual({
      ...state,
      registration: {
        ...registration,
        key: newKey,
        address: '0x00000000000000000000000000000000000000bb',
      },
    });
  });

  it('maker-checker: the requester cannot approve their own rotation (MAKER_CHECKER_SAME_PERSON); an approval of another request id is KEY_ROTATION_UNKNOWN', () => {
    expect(
      outcome(walletDecider.decide(rotate({ approvedBy: 'admin-1' }), pending, policy)),
    ).toEqual(['MAKER_CHECKER_SAME_PERSON', 'approvedBy']);
    expect(outcome(walletDecider.decide(rotate({ requestId: 'ROT-2' }), pending, policy))).toEqual([
      'KEY_ROTATION_UNKNOWN',
      'requestId',
    ]);
  });

  it('HK-11a given an approval bringing the same key id again, then KEY_ROTATION_DUE_INVALID on key.keyId', () => {
    expect(
      outcome(
        walletDecider.decide(rotate({ key: { ...newKey, keyId: 'key-cold-1' } }), pending, policy),
      ),
    ).toEqual(['KEY_ROTATION_DUE_INVALID', 'key.keyId']);
  });

  it("HK-11a HK-11b given an approved key due exactly at the approval time or kept abroad, then it is refused with that key's problem; due one millisecond later, rotated", () => {
    expect(
      outcome(
        walletDecider.decide(rotate({ key: { ...newKey, rotationDueAt: at } }), pending, policy),
      ),
    ).toEqual(['KEY_ROTATION_DUE_INVALID', 'key.rotationDueAt']);
    expect(
      outcome(
        walletDecider.decide(
          rotate({ key: { ...newKey, location: { site: 'SG-DC1', jurisdiction: 'SG' } } }),
          pending,
          policy,
        ),
      ),
    ).toEqual(['KEY_LOCATION_OUTSIDE_JURISDICTIONS', 'key.location.jurisdiction']);
    expect(
      outcome(
        walletDecider.decide(
          rotate({ key: { ...newKey, rotationDueAt: '2026-11-24T09:00:00.001Z' } }),
          pending,
          policy,
        ),
      ),
    ).toEqual(['WalletKeyRotated']);
  });

  it('given a rotation event for a wallet never registered, then evolving it is an assertion failure', () => {
    const requested = walletDecider.decide(request(), state, policy);
    const rotated = walletDecider.decide(rotate(), pending, policy);
    expect(() =>
      (requested.ok ? requested.events : []).reduce(walletDecider.evolve, undefined),
    ).toThrow('assertion');
    expect(() =>
      (rotated.ok ? rotated.events : []).reduce(walletDecider.evolve, undefined),
    ).toThrow('assertion');
  });
});

describe('walletDecider: the wallet stream (issue 24)', () => {
  it("holds exactly the wallet stream's event types", () => {
    expect([...walletDecider.eventTypes]).toEqual([
      'WalletRegistered',
      'WalletQuorumSpanSet',
      'KeyRotationRequested',
      'WalletKeyRotated',
    ]);
    expect(walletDecider.initialState).toBeUndefined();
  });

  it('given a command or an event of no known type, then an assertion failure naming it', () => {
    const stray = { type: 'Stray' } as never;
    expect(() => walletDecider.decide(stray, undefined, policy)).toThrow(
      'assertion: unhandled {"type":"Stray"}',
    );
    expect(() => walletDecider.evolve(undefined, stray)).toThrow(
      'assertion: unhandled {"type":"Stray"}',
    );
  });
});
