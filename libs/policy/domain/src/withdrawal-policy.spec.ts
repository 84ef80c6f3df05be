import { defaultProfile } from './policy-profile';
import { decideWithdrawal, decideWithdrawalPolicy, type WithdrawalLimits, type WithdrawalPolicyFacts } from './withdrawal-policy';

const HK = defaultProfile(['HK']);
const limits: WithdrawalLimits = {
  dailyPerClientMinor: new Map([['ETH', 1_000n]]),
  quorumTiers: [
    { asset: 'ETH', aboveMinor: 100n, quorum: 3 },
    { asset: 'ETH', aboveMinor: 500n, quorum: 4 },
  ],
  baseQuorum: 2,
};
const facts = (overrides: Partial<WithdrawalPolicyFacts> = {}): WithdrawalPolicyFacts => ({ clientId: 'alice', asset: 'ETH', amountMinor: 100n, destinationAllowListed: true, availableMinor: 1_000n, withdrawnTodayMinor: 0n, ...overrides });
const failedChecks = (overrides: Partial<WithdrawalPolicyFacts>) => decideWithdrawalPolicy(facts(overrides), limits, HK).checks.filter((check) => !check.passed).map((check) => check.check);

describe('the withdrawal decision (HK-11h allow-list, HK-7 balance, daily limit, HK-11d quorum by tier)', () => {
  it('HK-11h given a destination not on the client\'s proven allow-list, then refused, whatever else holds', () => {
    const verdict = decideWithdrawalPolicy(facts({ destinationAllowListed: false }), limits, HK);
    expect(verdict).toMatchObject({ allowed: false, policyVersion: 'HK-default-1', reason: expect.stringMatching(/HK-11h allow-listed destination: not on/) });
  });

  it('HK-7 given exactly the available balance, then allowed; one minor unit more, then refused with both figures', () => {
    expect(decideWithdrawalPolicy(facts({ amountMinor: 100n, availableMinor: 100n }), limits, HK).allowed).toBe(true);
    const verdict = decideWithdrawalPolicy(facts({ amountMinor: 101n, availableMinor: 100n }), limits, HK);
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

  it('HK-11d the quorum is the base up to a tier\'s bound and the highest tier strictly above it', () => {
    const quorum = (amountMinor: bigint) => decideWithdrawalPolicy(facts({ amountMinor }), limits, HK).quorumRequired;
    expect([quorum(100n), quorum(101n), quorum(500n), quorum(501n)]).toEqual([2, 3, 3, 4]);
  });

  it('HK-11d given a base quorum of one, then two people are still required', () => {
    expect(decideWithdrawalPolicy(facts(), { ...limits, baseQuorum: 1 }, HK).quorumRequired).toBe(2);
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

describe('a withdrawal is decided once', () => {
  const request = { withdrawalId: 'W-1', clientId: 'alice', asset: 'ETH', amountMinor: 100n, destinationAllowListed: true };
  const at = '2026-11-24T09:00:00.000Z';
  it('given no decision yet, then one WithdrawalPolicyDecided with the facts it was taken on and the policy version', () => {
    const decided = decideWithdrawal(undefined, request, { availableMinor: 1_000n, withdrawnTodayMinor: 0n }, limits, HK, at);
    expect(decided).toMatchObject({ ok: true, events: [{ type: 'WithdrawalPolicyDecided', data: { ...request, allowed: true, quorumRequired: 2, policyVersion: 'HK-default-1', availableMinor: 1_000n, at } }] });
  });

  it('given it was decided, then the same request records nothing and a different one under the same id is refused', () => {
    const decided = decideWithdrawal(undefined, request, { availableMinor: 1_000n, withdrawnTodayMinor: 0n }, limits, HK, at);
    const recorded = decided.ok ? decided.events[0]?.data : undefined;
    expect(decideWithdrawal(recorded, request, { availableMinor: 0n, withdrawnTodayMinor: 0n }, limits, HK, at)).toEqual({ ok: true, events: [] });
    expect(decideWithdrawal(recorded, { ...request, amountMinor: 101n }, { availableMinor: 1_000n, withdrawnTodayMinor: 0n }, limits, HK, at)).toMatchObject({ ok: false, error: { code: 'WITHDRAWAL_DECISION_CONFLICT', path: 'withdrawalId' } });
  });
});
