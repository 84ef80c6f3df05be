import type { ComplianceFacts, WalletHolding } from './facts';
import { deciderSpecification } from '@custody/decider/testing';
import {
  onChainCheck,
  onChainChecksDecider,
  onChainFacts,
  type OnChainCheckRecorded,
} from './on-chain-check';
import { defaultProfile } from './policy-profile';

const TW = defaultProfile(['TW']);
const holding = (
  walletId: string,
  tier: 'cold' | 'hot',
  clientMinor: bigint,
  houseMinor = 0n,
): WalletHolding => ({
  walletId,
  tier,
  ownerClass: 'client-segregated',
  asset: 'ETH',
  clientMinor,
  houseMinor,
  onChainMinor: clientMinor + houseMinor,
});
const facts = (holdings: WalletHolding[]): ComplianceFacts => ({
  asOf: '2026-11-24T09:00:00.000Z',
  reportCurrency: 'USD',
  holdings,
  prices: new Map([
    ['ETH', { asset: 'ETH', price: '3000', observedAt: '2026-11-24T08:59:00.000Z' }],
  ]),
  decimals: new Map([['ETH', 18]]),
  exceptions: [
    {
      exceptionId: 'X-1',
      walletId: 'hot-1',
      asset: 'ETH',
      amountMinor: 5n,
      purpose: 'network-fee',
    },
  ],
  insurance: [],
});
const wallets = new Map([
  ['cold-1', { tier: 'cold' as const, ownerClass: 'client-segregated' as const }],
  ['hot-1', { tier: 'hot' as const, ownerClass: 'client-segregated' as const }],
]);

describe('TW-14 monthly check: the ratios and the 20% cap from on-chain balances alone', () => {
  it('TW-3 given records at 80% cold but the chain at 70% cold, then the check fails on what the chain shows', () => {
    const recorded = facts([holding('cold-1', 'cold', 80n), holding('hot-1', 'hot', 20n)]);
    expect(onChainCheck(recorded, TW).find((result) => result.ruleId === 'TW-3')?.verdict).toBe(
      'pass',
    );
    const chain = onChainFacts(recorded, wallets, [
      { walletId: 'cold-1', asset: 'ETH', balanceMinor: 70n },
      { walletId: 'hot-1', asset: 'ETH', balanceMinor: 30n },
    ]);
    expect(onChainCheck(chain, TW).find((result) => result.ruleId === 'TW-3')).toMatchObject({
      verdict: 'fail',
    });
  });

  it("TW-4 the house share recorded stays the house's: the rest of the chain balance is the clients'", () => {
    const chain = onChainFacts(facts([holding('hot-1', 'hot', 100n, 5n)]), wallets, [
      { walletId: 'hot-1', asset: 'ETH', balanceMinor: 103n },
    ]);
    expect(chain.holdings).toEqual([
      {
        walletId: 'hot-1',
        tier: 'hot',
        ownerClass: 'client-segregated',
        asset: 'ETH',
        clientMinor: 98n,
        houseMinor: 5n,
        onChainMinor: 103n,
      },
    ]);
  });

  it('a wallet read on chain that the service does not know is a programmer error, never a silent zero', () => {
    expect(() =>
      onChainFacts(facts([]), wallets, [{ walletId: 'mystery', asset: 'ETH', balanceMinor: 1n }]),
    ).toThrow(/not a known wallet/);
  });
});

describe('TW-14 on-chain facts: what the chain shows, split by what the records know', () => {
  const known = new Map<string, Pick<WalletHolding, 'tier' | 'ownerClass'>>([
    ...wallets,
    ['house-1', { tier: 'hot', ownerClass: 'house' }],
  ]);
  const usdt = (walletId: string, houseMinor: bigint): WalletHolding => ({
    walletId,
    tier: 'hot',
    ownerClass: 'client-segregated',
    asset: 'USDT',
    clientMinor: 100n,
    houseMinor,
    onChainMinor: 100n + houseMinor,
  });

  it("given the house share recorded for the same wallet and asset only, then only that is the house's; a wallet or asset not recorded has no house share", () => {
    const recorded = facts([
      holding('hot-1', 'hot', 100n, 5n),
      usdt('hot-1', 7n),
      usdt('cold-1', 9n),
    ]);
    const chain = onChainFacts(recorded, known, [
      { walletId: 'hot-1', asset: 'USDT', balanceMinor: 50n },
      { walletId: 'cold-1', asset: 'ETH', balanceMinor: 40n },
    ]);
    expect(chain.holdings).toEqual([
      {
        walletId: 'hot-1',
        tier: 'hot',
        ownerClass: 'client-segregated',
        asset: 'USDT',
        clientMinor: 43n,
        houseMinor: 7n,
        onChainMinor: 50n,
      },
      {
        walletId: 'cold-1',
        tier: 'cold',
        ownerClass: 'client-segregated',
        asset: 'ETH',
        clientMinor: 40n,
        houseMinor: 0n,
        onChainMinor: 40n,
      },
    ]);
  });

  it("given a house wallet read on chain, then all of it is the house's; the other facts are kept as they were", () => {
    const recorded = facts([]);
    const chain = onChainFacts(recorded, known, [
      { walletId: 'house-1', asset: 'ETH', balanceMinor: 12n },
    ]);
    expect(chain).toEqual({
      ...recorded,
      holdings: [
        {
          walletId: 'house-1',
          tier: 'hot',
          ownerClass: 'house',
          asset: 'ETH',
          clientMinor: 0n,
          houseMinor: 12n,
          onChainMinor: 12n,
        },
      ],
    });
  });
});

describe('TW-14 on-chain check: each licence gets its own ratios and no other', () => {
  const recorded = facts([holding('cold-1', 'cold', 80n), holding('hot-1', 'hot', 20n, 5n)]);

  it('given a TW-only profile, then TW-3 and TW-4 and no HK rule', () => {
    expect(onChainCheck(recorded, TW).map((result) => result.ruleId)).toEqual(['TW-3', 'TW-4']);
  });

  it('given an HK-only profile, then HK-11g alone', () => {
    expect(
      onChainCheck(recorded, defaultProfile(['HK'])).map((result) => [
        result.ruleId,
        result.verdict,
      ]),
    ).toEqual([['HK-11g', 'fail']]);
  });

  it('given both, then HK-11g, TW-3 and TW-4', () => {
    expect(
      onChainCheck(recorded, defaultProfile(['HK', 'TW'])).map((result) => result.ruleId),
    ).toEqual(['HK-11g', 'TW-3', 'TW-4']);
  });
});

describe('onChainChecksDecider: the on-chain checks stream (issue 24)', () => {
  const check = (checkId: string): OnChainCheckRecorded['data'] => ({
    checkId,
    at: '2026-11-24T09:00:00.000Z',
    policyVersion: TW.version,
    heights: [{ chain: 'ethereum', blockNumber: '12' }],
    unread: [],
    balances: [{ walletId: 'hot-1', asset: 'ETH', balanceMinor: 5n }],
    results: [],
  });
  const recorded = (checkId: string): OnChainCheckRecorded => ({
    type: 'OnChainComplianceChecked',
    data: check(checkId),
  });

  it('holds only OnChainComplianceChecked, from no check', () => {
    expect([...onChainChecksDecider.eventTypes]).toEqual(['OnChainComplianceChecked']);
    expect(onChainChecksDecider.initialState).toEqual([]);
  });

  it('given checks recorded, then they are the state in order; a new check is recorded as it is', () => {
    const given = deciderSpecification(onChainChecksDecider).given([
      recorded('check-1'),
      recorded('check-2'),
    ]);
    expect(given.state).toEqual([check('check-1'), check('check-2')]);
    given
      .when({ type: 'RecordOnChainCheck', check: check('check-3') })
      .thenEmits([recorded('check-3')]);
  });

  it('given an event of no known type, then an assertion failure naming it', () => {
    expect(() => onChainChecksDecider.evolve([], { type: 'Stray' } as never)).toThrow(
      'assertion: unhandled "Stray"',
    );
  });
});
