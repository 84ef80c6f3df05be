import { deciderSpecification } from '@custody/decider/testing';
import { defaultProfile } from './policy-profile';
import {
  decideWithdrawalPolicy,
  withdrawalDecisionDecider,
  type WithdrawalLimits,
  type WithdrawalPolicyFacts,
} from './withdrawal-policy';

const HK = defaultProfile(['HK']);
const limits: WithdrawalLimits = {
  dailyPerClientMinor: new Map([['ETH', 1_000n]]),
  quorumTiers: [
    { asset: 'ETH', aboveMinor: 100n, quorum: 3 },
    { asset: 'ETH', aboveMinor: 500n, quorum: 4 },
  ],
  baseQuorum: 2,
};
const facts = (overrides: Partial<WithdrawalPolicyFacts> = {}): WithdrawalPolicyFacts => ({
  clientId: 'alice',
  asset: 'ETH',
  amountMinor: 100n,
  destinationAllowListed: true,
  availableMinor: 1_000n,
  withdrawnTodayMinor: 0n,
  ...overrides,
});
const failedChecks = (overrides: Partial<WithdrawalPolicyFacts>) =>
  decideWithdrawalPolicy(facts(overrides), limits, HK)
    .checks.filter((check) => !check.passed)
    .map((check) => check.check);

describe('the withdrawal decision (HK-11h allow-list, HK-7 balance, daily limit, HK-11d quorum by tier)', () => {
  it("HK-11h given a destination not on the client's proven allow-list, then refused, whatever else holds", () => {
    const verdict = decideWithdrawalPolicy(facts({ destinationAllowListed: false }), limits, HK);
    expect(verdict).toMatchObject({
      allowed: false,
      policyVersion: 'HK-default-1',
      reason: expect.stringMatching(/HK-11h allow-listed destination: not on/),
    });
  });

  it('HK-7 given exactly the available balance, then allowed; one minor unit more, then refused with both figures', () => {
    expect(
      decideWithdrawalPolicy(facts({ amountMinor: 100n, availableMinor: 100n }), limits, HK)
        .allowed,
    ).toBe(true);
    const verdict = decideWithdrawalPolicy(
      facts({ amountMinor: 101n, availableMinor: 100n }),
      limits,
      HK,
    );
    expect(verdict.allowed).toBe(false);
    expect(verdict.reason).toBe('HK-7 available balance: 100 available, 101 asked');
  });

  it('given the daily limit reached exactly by this withdrawal, then allowed; one minor unit over, then refused', () => {
    expect(failedChecks({ withdrawnTodayMinor: 900n, amountMinor: 100n })).toEqual([]);
    expect(failedChecks({ withdrawnTodayMinor: 901n, amountMinor: 100n })).toEqual(['daily limit']);
  });

  it('given an asset with no daily limit configured, then no daily limit applies', () => {
    expect(failedChecks({ asset: 'BTC', withdrawnTodayMinor: 10n ** 30n })).toEqual([]);
  });

  it("HK-11d the quorum is the base up to a tier's bound and the highest tier strictly above it", () => {
    const quorum = (amountMinor: bigint) =>
      decideWithdrawalPolicy(facts({ amountMinor }), limits, HK).quorumRequired;
    expect([quorum(100n), quorum(101n), quorum(500n), quorum(501n)]).toEqual([2, 3, 3, 4]);
  });

  it('HK-11d given a base quorum of one, then two people are still required', () => {
    expect(decideWithdrawalPolicy(facts(), { ...limits, baseQuorum: 1 }, HK).quorumRequired).toBe(
      2,
    );
  });

  it('given an amount of zero, then refused; every check is reported with its inputs, passed or not', () => {
    const verdict = decideWithdrawalPolicy(facts({ amountMinor: 0n }), limits, HK);
    expect(verdict.allowed).toBe(false);
    expect(verdict.checks.map((check) => [check.check, check.passed])).toEqual([
      ['amount', false],
      ['HK-11h allow-listed destination', true],
      ['HK-7 available balance', true],
      ['daily limit', true],
    ]);
  });
});

describe('the withdrawal verdict as evidence: every check with its inputs, the reason in full', () => {
  it('HK-11h / HK-7 given everything in order below every tier, then allowed with the base quorum, each check saying what it saw', () => {
    expect(
      decideWithdrawalPolicy(facts({ amountMinor: 100n, withdrawnTodayMinor: 250n }), limits, HK),
    ).toEqual({
      allowed: true,
      quorumRequired: 2,
      reason: 'allowed with a quorum of 2',
      policyVersion: 'HK-default-1',
      checks: [
        { check: 'amount', passed: true, detail: '100 minor units' },
        {
          check: 'HK-11h allow-listed destination',
          passed: true,
          detail: "on the client's proven allow-list",
        },
        { check: 'HK-7 available balance', passed: true, detail: '1000 available, 100 asked' },
        { check: 'daily limit', passed: true, detail: '250 already today + 100 against 1000' },
      ],
    });
  });

  it('HK-11d given an amount above a tier, then the reason names the tier that set the quorum', () => {
    expect(decideWithdrawalPolicy(facts({ amountMinor: 501n }), limits, HK).reason).toBe(
      'allowed with a quorum of 4 (above 500 ETH)',
    );
  });

  it('HK-11h / HK-7 given every check failing, then refused and the reason lists each failed check with its inputs, in order', () => {
    const verdict = decideWithdrawalPolicy(
      facts({
        amountMinor: 0n,
        destinationAllowListed: false,
        availableMinor: -1n,
        withdrawnTodayMinor: 1_001n,
      }),
      limits,
      HK,
    );
    expect(verdict.allowed).toBe(false);
    expect(verdict.reason).toBe(
      "amount: 0 minor units; HK-11h allow-listed destination: not on the client's proven allow-list; HK-7 available balance: -1 available, 0 asked; daily limit: 1001 already today + 0 against 1000",
    );
  });

  it('given an asset with no daily limit, then its check passes and says so', () => {
    expect(decideWithdrawalPolicy(facts({ asset: 'BTC' }), limits, HK).checks[3]).toEqual({
      check: 'daily limit',
      passed: true,
      detail: 'no daily limit for BTC',
    });
  });

  it("HK-11d given a tier of another asset, then it does not set this asset's quorum", () => {
    const mixed: WithdrawalLimits = {
      ...limits,
      quorumTiers: [{ asset: 'BTC', aboveMinor: 0n, quorum: 5 }, ...limits.quorumTiers],
    };
    expect(decideWithdrawalPolicy(facts({ amountMinor: 50n }), mixed, HK)).toMatchObject({
      quorumRequired: 2,
      reason: 'allowed with a quorum of 2',
    });
    expect(
      decideWithdrawalPolicy(facts({ asset: 'BTC', amountMinor: 1n }), mixed, HK).quorumRequired,
    ).toBe(5);
  });

  it('HK-11d given a base quorum above the floor, then it applies; a base quorum of zero, a fraction or not a number is refused as a broken configuration', () => {
    expect(decideWithdrawalPolicy(facts(), { ...limits, baseQuorum: 3 }, HK).quorumRequired).toBe(
      3,
    );
    for (const baseQuorum of [0, -2, 1.5, Number.NaN])
      expect(() => decideWithdrawalPolicy(facts(), { ...limits, baseQuorum }, HK)).toThrow(
        /base quorum/,
      );
  });
});

describe('a withdrawal is decided once', () => {
  const request = {
    withdrawalId: 'W-1',
    clientId: 'alice',
    asset: 'ETH',
    amountMinor: 100n,
    destinationAllowListed: true,
  };
  const at = '2026-11-24T09:00:00.000Z';
  it('given no decision yet, then one WithdrawalPolicyDecided with the facts it was taken on and the policy version', () => {
    const decided = withdrawalDecisionDecider.decide(
      { type: 'DecideWithdrawalPolicy', request, at },
      undefined,
      { availableMinor: 1_000n, withdrawnTodayMinor: 0n, limits, profile: HK },
    );
    const verdict = decideWithdrawalPolicy(
      { ...request, availableMinor: 1_000n, withdrawnTodayMinor: 0n },
      limits,
      HK,
    );
    expect(decided).toEqual({
      ok: true,
      events: [
        {
          type: 'WithdrawalPolicyDecided',
          data: {
            ...request,
            allowed: true,
            quorumRequired: 2,
            reason: 'allowed with a quorum of 2',
            policyVersion: 'HK-default-1',
            checks: verdict.checks,
            availableMinor: 1_000n,
            withdrawnTodayMinor: 0n,
            at,
          },
        },
      ],
    });
  });

  it('given it was decided, then the same request records nothing and a different one under the same id is refused', () => {
    const decided = withdrawalDecisionDecider.decide(
      { type: 'DecideWithdrawalPolicy', request, at },
      undefined,
      { availableMinor: 1_000n, withdrawnTodayMinor: 0n, limits, profile: HK },
    );
    const recorded = decided.ok ? decided.events[0]?.data : undefined;
    expect(
      withdrawalDecisionDecider.decide({ type: 'DecideWithdrawalPolicy', request, at }, recorded, {
        availableMinor: 0n,
        withdrawnTodayMinor: 0n,
        limits,
        profile: HK,
      }),
    ).toEqual({ ok: true, events: [] });
    expect(
      withdrawalDecisionDecider.decide(
        { type: 'DecideWithdrawalPolicy', request: { ...request, amountMinor: 101n }, at },
        recorded,
        { availableMinor: 1_000n, withdrawnTodayMinor: 0n, limits, profile: HK },
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'WITHDRAWAL_DECISION_CONFLICT', path: 'withdrawalId' },
    });
  });

  describe('replayed under the same id (idempotency)', () => {
    const first = withdrawalDecisionDecider.decide(
      { type: 'DecideWithdrawalPolicy', request, at },
      undefined,
      { availableMinor: 1_000n, withdrawnTodayMinor: 0n, limits, profile: HK },
    );
    const recorded = first.ok ? first.events[0]?.data : undefined;
    const conflict = {
      ok: false,
      error: {
        code: 'WITHDRAWAL_DECISION_CONFLICT',
        path: 'withdrawalId',
        reason: expect.any(String),
      },
    };

    it('given the same request with other facts and another instant, then the recorded decision stands and nothing new is recorded', () => {
      expect(recorded).toMatchObject({ withdrawalId: 'W-1', allowed: true });
      expect(
        withdrawalDecisionDecider.decide(
          {
            type: 'DecideWithdrawalPolicy',
            request: { ...request },
            at: '2026-11-25T09:00:00.000Z',
          },
          recorded,
          {
            availableMinor: 0n,
            withdrawnTodayMinor: 999n,
            limits: { ...limits, baseQuorum: 5 },
            profile: HK,
          },
        ),
      ).toEqual({ ok: true, events: [] });
    });

    it.each([
      ['another client', { clientId: 'bob' }],
      ['another asset', { asset: 'BTC' }],
      ['another amount', { amountMinor: 99n }],
      ['another allow-list answer', { destinationAllowListed: false }],
    ])(
      'given %s under the same id, then WITHDRAWAL_DECISION_CONFLICT on withdrawalId and nothing recorded',
      (_what, change) => {
        expect(
          withdrawalDecisionDecider.decide(
            { type: 'DecideWithdrawalPolicy', request: { ...request, ...change }, at },
            recorded,
            { availableMinor: 1_000n, withdrawnTodayMinor: 0n, limits, profile: HK },
          ),
        ).toEqual(conflict);
      },
    );

    it('HK-11h given a refusal recorded (destination not allow-listed), then the same request replayed is still that refusal, not a new decision', () => {
      const refused = withdrawalDecisionDecider.decide(
        {
          type: 'DecideWithdrawalPolicy',
          request: { ...request, destinationAllowListed: false },
          at: at,
        },
        undefined,
        { availableMinor: 1_000n, withdrawnTodayMinor: 0n, limits, profile: HK },
      );
      const data = refused.ok ? refused.events[0]?.data : undefined;
      expect(data).toMatchObject({ allowed: false, destinationAllowListed: false });
      expect(
        withdrawalDecisionDecider.decide(
          {
            type: 'DecideWithdrawalPolicy',
            request: { ...request, destinationAllowListed: false },
            at: at,
          },
          data,
          { availableMinor: 1_000n, withdrawnTodayMinor: 0n, limits, profile: HK },
        ),
      ).toEqual({ ok: true, events: [] });
      expect(
        withdrawalDecisionDecider.decide({ type: 'DecideWithdrawalPolicy', request, at }, data, {
          availableMinor: 1_000n,
          withdrawnTodayMinor: 0n,
          limits,
          profile: HK,
        }),
      ).toEqual(conflict);
    });
  });
});

describe('withdrawalDecisionDecider: a withdrawal decision stream (issue 24)', () => {
  const request = {
    withdrawalId: 'W-9',
    clientId: 'alice',
    asset: 'ETH',
    amountMinor: 100n,
    destinationAllowListed: true,
  };
  const at = '2026-11-24T09:00:00.000Z';
  const books = { availableMinor: 1_000n, withdrawnTodayMinor: 0n };
  const decided = withdrawalDecisionDecider.decide(
    { type: 'DecideWithdrawalPolicy', request, at },
    undefined,
    { ...books, limits: limits, profile: HK },
  );
  const recorded = decided.ok ? decided.events : [];
  const spec = deciderSpecification(withdrawalDecisionDecider);
  const decide = { type: 'DecideWithdrawalPolicy', request, at } as const;

  it('holds only WithdrawalPolicyDecided, from no decision', () => {
    expect([...withdrawalDecisionDecider.eventTypes]).toEqual(['WithdrawalPolicyDecided']);
    expect(withdrawalDecisionDecider.initialState).toBeUndefined();
  });

  it('given no decision, when decided on the books, limits and profile, then the decision taken on exactly those books', () => {
    expect(recorded).toHaveLength(1);
    spec
      .given([])
      .when(decide, { ...books, limits, profile: HK })
      .thenEmits(recorded);
  });

  it('given the decision recorded, then the same request records nothing and another under its id is refused', () => {
    const given = spec.given(recorded);
    expect(given.state).toEqual(recorded[0]?.data);
    given
      .when(decide, { availableMinor: 0n, withdrawnTodayMinor: 0n, limits, profile: HK })
      .thenEmitsNothing();
    given
      .when(
        { ...decide, request: { ...request, amountMinor: 101n } },
        { ...books, limits, profile: HK },
      )
      .thenRefuses('WITHDRAWAL_DECISION_CONFLICT', 'withdrawalId');
  });

  it('given an event of no known type, then an assertion failure naming it', () => {
    expect(() => withdrawalDecisionDecider.evolve(undefined, { type: 'Stray' } as never)).toThrow(
      'assertion: unhandled "Stray"',
    );
  });
});
