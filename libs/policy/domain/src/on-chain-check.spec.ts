import type { ComplianceFacts, WalletHolding } from './facts';
import { deciderSpecification } from '@custody/decider/testing';
import {
  onChainCheck,
  onChainChecksDecider,
  onChainFacts,
  onChainRecordsCheck,
  type OnChainCheckRecorded,
  type UnreadBalance,
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

describe('TW-14 / HK-21 on-chain check: every wallet and every asset read, held to the records (issue 25)', () => {
  const known = new Map<string, Pick<WalletHolding, 'tier' | 'ownerClass'>>([
    ...wallets,
    ['house-1', { tier: 'hot', ownerClass: 'house' }],
  ]);
  const withUsdc = (holdings: WalletHolding[]) => ({
    ...facts(holdings),
    decimals: new Map([
      ['ETH', 18],
      ['USDC', 6],
    ]),
  });
  const recorded = withUsdc([holding('hot-1', 'hot', 100n)]);
  const eth = { walletId: 'hot-1', asset: 'ETH', balanceMinor: 100n };
  const noUnread: UnreadBalance[] = [];
  const passing = {
    ruleId: 'TW-14',
    subject: 'all',
    verdict: 'pass',
    policyVersion: TW.version,
    asOf: '2026-11-24T09:00:00.000Z',
    reason:
      "every balance read on chain (2 in 1 wallets, each asset of the registry on each wallet's chain) is one the records have",
    inputs: { unread: [] },
    figures: { walletsRead: '1', balancesRead: '2', unrecorded: '0', unread: '0' },
  };

  it('TW-14 given 5 USDC on chain in a client wallet that the records do not have, then a failing item naming the wallet, the asset, recorded 0 and the chain amount in units and minor units', () => {
    const results = onChainRecordsCheck(
      recorded,
      known,
      [eth, { walletId: 'hot-1', asset: 'USDC', balanceMinor: 5_000_000n }],
      noUnread,
      TW,
    );
    expect(results).toEqual([
      {
        ...passing,
        verdict: 'fail',
        reason:
          '1 balances on chain that the records do not have: hot-1 5.000000 USDC (5000000 minor units)',
        figures: { walletsRead: '1', balancesRead: '2', unrecorded: '1', unread: '0' },
      },
      {
        ruleId: 'TW-14',
        subject: 'hot-1/USDC',
        verdict: 'fail',
        policyVersion: TW.version,
        asOf: '2026-11-24T09:00:00.000Z',
        reason:
          'client-segregated hot wallet hot-1 holds 5.000000 USDC (5000000 minor units) on chain that the records do not have: they have 0.000000 USDC (0 minor units)',
        inputs: { walletId: 'hot-1', asset: 'USDC', ownerClass: 'client-segregated', tier: 'hot' },
        figures: {
          recorded: '0.000000',
          onChain: '5.000000',
          recordedMinor: '0',
          onChainMinor: '5000000',
        },
      },
    ]);
  });

  it('TW-14 given an asset the records do not have read at 0, then nothing: the check passes and the facts gain no holding of it', () => {
    const balances = [eth, { walletId: 'hot-1', asset: 'USDC', balanceMinor: 0n }];
    expect(onChainRecordsCheck(recorded, known, balances, noUnread, TW)).toEqual([passing]);
    expect(onChainFacts(recorded, known, balances).holdings.map((h) => h.asset)).toEqual(['ETH']);
  });

  it('TW-14 given records that came to exactly 0 and 1 minor unit on chain, then a failing item; with 1 minor unit recorded, none', () => {
    const chain = [{ walletId: 'hot-1', asset: 'ETH', balanceMinor: 1n }];
    expect(
      onChainRecordsCheck(withUsdc([holding('hot-1', 'hot', 0n)]), known, chain, noUnread, TW).map(
        (result) => [result.subject, result.verdict],
      ),
    ).toEqual([
      ['all', 'fail'],
      ['hot-1/ETH', 'fail'],
    ]);
    expect(
      onChainRecordsCheck(withUsdc([holding('hot-1', 'hot', 1n)]), known, chain, noUnread, TW).map(
        (result) => [result.subject, result.verdict],
      ),
    ).toEqual([['all', 'pass']]);
  });

  it("TW-14 given a wallet whose records hold only the house's gas float (clients 0, house 3) and 3 on chain, then it is recorded: no failing item", () => {
    expect(
      onChainRecordsCheck(
        withUsdc([holding('hot-1', 'hot', 0n, 3n)]),
        known,
        [{ walletId: 'hot-1', asset: 'ETH', balanceMinor: 3n }],
        noUnread,
        TW,
      ).map((result) => result.verdict),
    ).toEqual(['pass']);
  });

  it("TW-14 given a house wallet read, holding 2 ETH and 0 USDC that no record has, then a failing item for its ETH; its balance counts as the house's in the facts", () => {
    const balances = [
      { walletId: 'house-1', asset: 'ETH', balanceMinor: 2n },
      { walletId: 'house-1', asset: 'USDC', balanceMinor: 0n },
    ];
    expect(
      onChainRecordsCheck(recorded, known, balances, noUnread, TW).find(
        (result) => result.subject === 'house-1/ETH',
      ),
    ).toMatchObject({
      verdict: 'fail',
      reason:
        'house hot wallet house-1 holds 0.000000000000000002 ETH (2 minor units) on chain that the records do not have: they have 0.000000000000000000 ETH (0 minor units)',
    });
    expect(onChainFacts(recorded, known, balances).holdings).toEqual([
      {
        walletId: 'house-1',
        tier: 'hot',
        ownerClass: 'house',
        asset: 'ETH',
        clientMinor: 0n,
        houseMinor: 2n,
        onChainMinor: 2n,
      },
    ]);
  });

  it('TW-14 given an asset the registry gives no decimals for, then the evidence shows minor units only', () => {
    const [, item] = onChainRecordsCheck(
      recorded,
      known,
      [{ walletId: 'cold-1', asset: 'DOGE', balanceMinor: 7n }],
      noUnread,
      TW,
    );
    expect(item).toMatchObject({
      reason:
        'client-segregated cold wallet cold-1 holds 7 minor units of DOGE on chain that the records do not have: they have 0 minor units of DOGE',
      figures: { recordedMinor: '0', onChainMinor: '7' },
    });
    expect(Object.keys(item?.figures ?? {})).toEqual(['recordedMinor', 'onChainMinor']);
  });

  it('TW-14 given two unrecorded balances and two things unread, then the item over all fails, naming each, and lists what was not read', () => {
    const unread: UnreadBalance[] = [
      { walletId: 'cold-1', asset: null, reason: 'no reader for the bitcoin chain' },
      {
        walletId: 'hot-1',
        asset: 'USDT',
        reason: 'ethereum at block 9: no answer within 15000 ms',
      },
    ];
    const [all] = onChainRecordsCheck(
      recorded,
      known,
      [
        { walletId: 'hot-1', asset: 'USDC', balanceMinor: 1n },
        { walletId: 'house-1', asset: 'USDC', balanceMinor: 2n },
      ],
      unread,
      TW,
    );
    expect(all).toEqual({
      ...passing,
      verdict: 'fail',
      reason:
        '2 balances on chain that the records do not have: hot-1 0.000001 USDC (1 minor units), house-1 0.000002 USDC (2 minor units); not read on chain: cold-1 (no reader for the bitcoin chain); hot-1 USDT (ethereum at block 9: no answer within 15000 ms)',
      inputs: { unread },
      figures: { walletsRead: '2', balancesRead: '2', unrecorded: '2', unread: '2' },
    });
  });

  it('TW-14 given everything read recorded but a wallet unread, then indeterminate, never a pass', () => {
    const unread: UnreadBalance[] = [{ walletId: 'cold-1', asset: null, reason: 'no address' }];
    expect(onChainRecordsCheck(recorded, known, [eth], unread, TW)).toEqual([
      {
        ...passing,
        verdict: 'indeterminate',
        reason: 'not read on chain: cold-1 (no address)',
        inputs: { unread },
        figures: { walletsRead: '1', balancesRead: '1', unrecorded: '0', unread: '1' },
      },
    ]);
  });

  it('HK-21 / TW-14 each licence answers under its own rule: HK alone HK-21, TW alone TW-14, both HK-21 then TW-14', () => {
    const rules = (profile: typeof TW) =>
      onChainRecordsCheck(
        recorded,
        known,
        [{ walletId: 'hot-1', asset: 'USDC', balanceMinor: 1n }],
        noUnread,
        profile,
      ).map((result) => `${result.ruleId} ${result.subject}`);
    expect(rules(defaultProfile(['HK']))).toEqual(['HK-21 all', 'HK-21 hot-1/USDC']);
    expect(rules(TW)).toEqual(['TW-14 all', 'TW-14 hot-1/USDC']);
    expect(rules(defaultProfile(['HK', 'TW']))).toEqual([
      'HK-21 all',
      'HK-21 hot-1/USDC',
      'TW-14 all',
      'TW-14 hot-1/USDC',
    ]);
  });

  it('TW-14 a balance of a wallet the service does not know is a programmer error, never a silent item', () => {
    expect(() =>
      onChainRecordsCheck(
        recorded,
        known,
        [{ walletId: 'mystery', asset: 'USDC', balanceMinor: 1n }],
        noUnread,
        TW,
      ),
    ).toThrow(/mystery was read on chain but is not a known wallet/);
  });

  it('TW-14 given a recorded asset read at 0 on chain, then it stays a holding (the chain shows it gone)', () => {
    expect(
      onChainFacts(recorded, known, [{ ...eth, balanceMinor: 0n }]).holdings.map((h) => [
        h.asset,
        h.onChainMinor,
      ]),
    ).toEqual([['ETH', 0n]]);
  });

  it('TW-3 / TW-14 given anything unread, then a rule passing on what was read is indeterminate, naming what was not read; a failing one still fails', () => {
    const chain = onChainFacts(recorded, wallets, [
      { walletId: 'cold-1', asset: 'ETH', balanceMinor: 80n },
      { walletId: 'hot-1', asset: 'ETH', balanceMinor: 20n },
    ]);
    const read = onChainCheck(chain, TW);
    expect(read.map((result) => [result.ruleId, result.verdict])).toEqual([['TW-3', 'pass']]);
    const unread: UnreadBalance[] = [
      { walletId: 'cold-2', asset: null, reason: 'no address' },
      { walletId: 'hot-2', asset: 'ETH', reason: 'no answer' },
    ];
    expect(onChainCheck(chain, TW, unread)).toEqual([
      {
        ...read[0],
        verdict: 'indeterminate',
        reason: `${read[0]?.reason} on what was read; not read on chain: cold-2 (no address); hot-2 ETH (no answer)`,
      },
    ]);
    const failing = onChainFacts(recorded, wallets, [
      { walletId: 'cold-1', asset: 'ETH', balanceMinor: 10n },
      { walletId: 'hot-1', asset: 'ETH', balanceMinor: 90n },
    ]);
    expect(onChainCheck(failing, TW, unread)).toEqual(onChainCheck(failing, TW));
    expect(onChainCheck(failing, TW, unread)[0]?.verdict).toBe('fail');
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
