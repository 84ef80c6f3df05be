import type { OpenBreach } from './breaches';
import { capitalReport, type CryptoAssetGroup } from './capital';
import type { ComplianceFacts, LedgerBooks, WalletHolding } from './facts';
import { defaultProfile } from './policy-profile';

// Figures are chosen to read as whole numbers: ALT, BET and CEE have no decimals and a price of 1,
// so an amount of 100 is worth 100.00; Tier 1 capital is 10,000, so 1% is 100 and 2% is 200.
const asOf = '2026-11-24T09:00:00.000Z';
const fresh = '2026-11-24T08:59:00.000Z';
const stale = '2026-11-24T08:00:00.000Z';
const TIER1 = '10000';
const HK = defaultProfile(['HK']);
const TW = defaultProfile(['TW']);
const BOTH = defaultProfile(['HK', 'TW']);

const house = (asset: string, amount: bigint, walletId = 'house-hot'): WalletHolding => ({
  walletId,
  tier: 'hot',
  ownerClass: 'house',
  asset,
  clientMinor: amount,
  houseMinor: 0n,
  onChainMinor: amount,
});
const client = (
  asset: string,
  clientMinor: bigint,
  houseMinor = 0n,
  walletId = 'client-hot',
): WalletHolding => ({
  walletId,
  tier: 'hot',
  ownerClass: 'client-segregated',
  asset,
  clientMinor,
  houseMinor,
  onChainMinor: clientMinor + houseMinor,
});
const price = (asset: string, observedAt = fresh) =>
  [asset, { asset, price: '1', observedAt }] as const;

function facts(
  holdings: WalletHolding[],
  overrides: Partial<ComplianceFacts> = {},
): ComplianceFacts {
  return {
    asOf,
    reportCurrency: 'USD',
    holdings,
    prices: new Map([price('ALT'), price('BET'), price('CEE')]),
    decimals: new Map([
      ['ALT', 0],
      ['BET', 0],
      ['CEE', 0],
    ]),
    exceptions: [],
    insurance: [],
    ...overrides,
  };
}
const groups = (entries: Record<string, CryptoAssetGroup>) => new Map(Object.entries(entries));
const twoA = groups({ ALT: '2a' });
const breach = (ruleId: string, subject: string): OpenBreach => ({
  breachId: `${ruleId}/${subject}@${asOf}`,
  ruleId,
  subject,
  detectedAt: asOf,
  evidence: {
    ruleId,
    subject,
    verdict: 'fail',
    policyVersion: BOTH.version,
    asOf,
    reason: 'failing',
    inputs: {},
    figures: {},
  },
});

describe('BC-3 Group 2 exposure of own holdings against 1% and 2% of Tier 1 capital', () => {
  it('BC-3 given Group 2a at exactly 1% of Tier 1, then within 1% at normal weights (100%)', () => {
    expect(capitalReport(facts([house('ALT', 100n)]), BOTH, twoA, TIER1, [])).toMatchObject({
      group2Exposure: '100.00',
      group2ShareOfTier1: '1.0000%',
      group2Status: 'within 1%',
      riskWeightedAssets: '100.00',
      valuation: 'complete',
    });
  });

  it('BC-3 given Group 2a one unit under 1%, then within 1%; one unit over, then above 1% and the excess of 1 takes 1250%', () => {
    expect(capitalReport(facts([house('ALT', 99n)]), BOTH, twoA, TIER1, [])).toMatchObject({
      group2ShareOfTier1: '0.9900%',
      group2Status: 'within 1%',
      riskWeightedAssets: '99.00',
    });
    // 101 at 100% plus the excess 1 at the further 1150%: 101 + 11.5
    expect(capitalReport(facts([house('ALT', 101n)]), BOTH, twoA, TIER1, [])).toMatchObject({
      group2ShareOfTier1: '1.0100%',
      group2Status: 'above 1%',
      riskWeightedAssets: '112.50',
    });
  });

  it('BC-3 given Group 2a at exactly 2% of Tier 1, then above 1% (not past the limit): only the excess of 100 takes 1250%', () => {
    // 200 + 100 x 11.5
    expect(capitalReport(facts([house('ALT', 200n)]), BOTH, twoA, TIER1, [])).toMatchObject({
      group2ShareOfTier1: '2.0000%',
      group2Status: 'above 1%',
      riskWeightedAssets: '1350.00',
    });
  });

  it('BC-3 given Group 2a one unit under 2%, then above 1%; one unit over 2%, then above the limit and all Group 2 takes 1250%', () => {
    // 199 + 99 x 11.5
    expect(capitalReport(facts([house('ALT', 199n)]), BOTH, twoA, TIER1, [])).toMatchObject({
      group2ShareOfTier1: '1.9900%',
      group2Status: 'above 1%',
      riskWeightedAssets: '1337.50',
    });
    // 201 x 12.5
    expect(capitalReport(facts([house('ALT', 201n)]), BOTH, twoA, TIER1, [])).toMatchObject({
      group2ShareOfTier1: '2.0100%',
      group2Status: 'above 2% limit',
      riskWeightedAssets: '2512.50',
    });
  });

  it('BC-3 given the excess over 1% larger than the Group 2a exposure, then only the 2a exposure moves to 1250% (2b is there already)', () => {
    // 2a 20, 2b 150: 170 = 1.7% of Tier 1, excess 70 > 20. Normal 20 + 150 x 12.5 = 1895, plus 20 x 11.5 = 230
    const report = capitalReport(
      facts([house('ALT', 20n), house('BET', 150n)]),
      BOTH,
      groups({ ALT: '2a', BET: '2b' }),
      TIER1,
      [],
    );
    expect(report).toMatchObject({
      group2Exposure: '170.00',
      group2Status: 'above 1%',
      riskWeightedAssets: '2125.00',
      byGroup: { '1a': '0.00', '1b': '0.00', '2a': '20.00', '2b': '150.00' },
    });
  });

  it('BC-3 given the excess over 1% smaller than the Group 2a exposure, then only the excess moves to 1250%', () => {
    // 2a 80, 2b 40: 120 = 1.2%, excess 20 < 80. Normal 80 + 40 x 12.5 = 580, plus 20 x 11.5 = 230
    expect(
      capitalReport(
        facts([house('ALT', 80n), house('BET', 40n)]),
        BOTH,
        groups({ ALT: '2a', BET: '2b' }),
        TIER1,
        [],
      ).riskWeightedAssets,
    ).toBe('810.00');
  });

  it("BC-3 the limits are the profile's: a soft limit of 0.5% puts 1% above it", () => {
    const strict = {
      ...BOTH,
      thresholds: { ...BOTH.thresholds, group2SoftLimit: '0.005', group2HardLimit: '0.01' },
    };
    expect(capitalReport(facts([house('ALT', 100n)]), strict, twoA, TIER1, [])).toMatchObject({
      group2Status: 'above 1%',
      riskWeightedAssets: '675.00',
    }); // 100 + 50 x 11.5
    expect(capitalReport(facts([house('ALT', 101n)]), strict, twoA, TIER1, []).group2Status).toBe(
      'above 2% limit',
    );
  });

  it('BC-3 given Tier 1 capital of zero, below zero or not a decimal, then it is a programmer error, never a report', () => {
    for (const tier1 of ['0', '-1', 'ten'])
      expect(() => capitalReport(facts([house('ALT', 1n)]), BOTH, twoA, tier1, [])).toThrow(
        /Tier 1 capital is a positive decimal/,
      );
  });
});

describe("BC-1 / BC-2 exposures per group of the institution's own holdings", () => {
  it('BC-1 given own holdings in several wallets, then one exposure per asset in asset order, an unclassified asset as 2b at 1250% (BC-2)', () => {
    const own = [
      house('CEE', 3n),
      house('ALT', 5n),
      client('BET', 1_000n, 7n),
      house('ALT', 2n, 'house-cold'),
      client('CEE', 0n, 4n, 'client-cold'),
    ];
    const report = capitalReport(facts(own), BOTH, groups({ ALT: '1a', BET: '1b' }), TIER1, []);
    expect(report.exposures).toEqual([
      { asset: 'ALT', group: '1a', classified: true, amountMinor: '7', value: '7.00' },
      { asset: 'BET', group: '1b', classified: true, amountMinor: '7', value: '7.00' },
      { asset: 'CEE', group: '2b', classified: false, amountMinor: '7', value: '7.00' },
    ]);
    expect(report).toMatchObject({
      byGroup: { '1a': '7.00', '1b': '7.00', '2a': '0.00', '2b': '7.00' },
      group2Exposure: '7.00',
      group2ShareOfTier1: '0.0700%',
      riskWeightedAssets: '101.50',
    }); // 7 + 7 + 7 x 12.5
  });

  it("BC-1 given a house wallet, then all of it is the institution's, however its shares are recorded", () => {
    const wallet: WalletHolding = {
      walletId: 'house-hot',
      tier: 'hot',
      ownerClass: 'house',
      asset: 'ALT',
      clientMinor: 3n,
      houseMinor: 2n,
      onChainMinor: 5n,
    };
    expect(capitalReport(facts([wallet]), BOTH, twoA, TIER1, []).exposures).toEqual([
      { asset: 'ALT', group: '2a', classified: true, amountMinor: '5', value: '5.00' },
    ]);
  });

  it('BC-1 given an asset the institution holds none of, then it has no exposure line', () => {
    expect(
      capitalReport(facts([house('ALT', 0n), client('BET', 5n)]), BOTH, new Map(), TIER1, [])
        .exposures,
    ).toEqual([]);
  });

  it('BC-2 given Group 2b within 1% and Group 2a beside it, then 2b takes 1250% and 2a 100%', () => {
    expect(
      capitalReport(
        facts([house('ALT', 10n), house('BET', 4n)]),
        BOTH,
        groups({ ALT: '2a', BET: '2b' }),
        TIER1,
        [],
      ).riskWeightedAssets,
    ).toBe('60.00'); // 10 + 4 x 12.5
  });

  it('given the report, then it names its instant, policy version, currency and Tier 1 capital as given', () => {
    expect(capitalReport(facts([]), HK, new Map(), '10000.5', [])).toMatchObject({
      asOf,
      policyVersion: 'HK-default-1',
      reportCurrency: 'USD',
      tier1Capital: '10000.5',
      valuation: 'complete',
      valuationGaps: [],
      priceProblems: [],
    });
  });
});

describe('valuation gaps: no status is claimed on figures that are not complete', () => {
  it('given a stale price of an own asset, then indeterminate with the price problem, and the asset valued at nothing', () => {
    const report = capitalReport(
      facts([house('ALT', 300n), house('BET', 50n)], {
        prices: new Map([price('ALT', stale), price('BET')]),
      }),
      BOTH,
      twoA,
      TIER1,
      [],
    );
    expect(report).toMatchObject({
      valuation: 'indeterminate',
      group2Status: 'indeterminate',
      valuationGaps: ['ALT price stale'],
      priceProblems: [{ asset: 'ALT', problem: 'stale', observedAt: stale }],
    });
    expect(report.exposures[0]).toEqual({
      asset: 'ALT',
      group: '2a',
      classified: true,
      amountMinor: '300',
      value: '0.00',
    });
  });

  it('given own balances known to be incomplete, or an own holding below zero, then indeterminate, each gap named', () => {
    expect(
      capitalReport(
        facts([house('ALT', 1n)], { gaps: ['house wallet w: not observed'] }),
        BOTH,
        twoA,
        TIER1,
        [],
      ),
    ).toMatchObject({
      valuation: 'indeterminate',
      group2Status: 'indeterminate',
      valuationGaps: ['house wallet w: not observed'],
    });
    const negative = capitalReport(
      facts([client('ALT', 100n, -5n), client('BET', 100n, 0n)]),
      BOTH,
      twoA,
      TIER1,
      [],
    );
    expect(negative).toMatchObject({ valuation: 'indeterminate', group2Status: 'indeterminate' });
    expect(negative.valuationGaps).toEqual([expect.stringMatching(/^own ALT is negative \(-5\)/)]);
  });
});

describe('BC-4 client custody assets shown apart, with whether segregation holds', () => {
  const books: LedgerBooks = { clientLiabilities: new Map(), custody: [] };

  it('BC-4 given client holdings, then they are listed per asset in asset order, without house shares or empty assets', () => {
    const report = capitalReport(
      facts([
        client('BET', 0n, 2n),
        client('CEE', 0n),
        client('ALT', 3n, 1n),
        client('ALT', 4n, 0n, 'client-cold'),
        client('CEE', 5n, 0n, 'client-cold'),
        house('BET', 9n),
      ]),
      TW,
      new Map(),
      TIER1,
      [],
    );
    expect(report.clientCustody.holdings).toEqual([
      { asset: 'ALT', amountMinor: '7' },
      { asset: 'CEE', amountMinor: '5' },
    ]);
    const three = capitalReport(
      facts([client('BET', 2n), client('ALT', 1n), client('CEE', 3n)]),
      TW,
      new Map(),
      TIER1,
      [],
    );
    expect(three.clientCustody.holdings).toEqual([
      { asset: 'ALT', amountMinor: '1' },
      { asset: 'BET', amountMinor: '2' },
      { asset: 'CEE', amountMinor: '3' },
    ]);
  });

  it("BC-4 under a TW profile, or with the ledger's books read, and no segregation breach open, then segregation holds", () => {
    for (const report of [
      capitalReport(facts([]), TW, new Map(), TIER1, []),
      capitalReport(facts([], { books }), HK, new Map(), TIER1, []),
    ]) {
      expect(report.clientCustody).toMatchObject({
        segregation: 'holds',
        openBreaches: [],
        statement: expect.stringMatching(/^Client assets are held in segregated client wallets/),
      });
    }
  });

  it("BC-4 under an HK-only profile without the ledger's books, then segregation is not evaluated and the relief not asserted", () => {
    expect(capitalReport(facts([]), HK, new Map(), TIER1, []).clientCustody).toMatchObject({
      segregation: 'not evaluated',
      openBreaches: [],
      statement: expect.stringMatching(/^The policy in force does not check commingling/),
    });
  });

  it('BC-4 given open TW-4, HK-6 and TW-12 breaches, then segregation is in doubt naming each; an open breach of another rule does not count', () => {
    const open = [
      breach('TW-4', 'hot-1'),
      breach('HK-11g', 'ETH'),
      breach('HK-6', 'ETH'),
      breach('TW-12', 'BTC'),
    ];
    const custody = capitalReport(facts([]), HK, new Map(), TIER1, open).clientCustody;
    expect(custody).toMatchObject({
      segregation: 'in doubt',
      openBreaches: [`TW-4/hot-1@${asOf}`, `HK-6/ETH@${asOf}`, `TW-12/BTC@${asOf}`],
    });
    expect(custody.statement).toBe(
      `Segregation is in doubt while these breaches are open: TW-4 hot-1 since ${asOf}; HK-6 ETH since ${asOf}; TW-12 BTC since ${asOf}. The BC-4 relief for client assets may not apply.`,
    );
    expect(
      capitalReport(facts([]), TW, new Map(), TIER1, [breach('HK-11g', 'ETH')]).clientCustody,
    ).toMatchObject({ segregation: 'holds', openBreaches: [] });
  });
});

describe('BC-3 the risk-weighted assets line by line: the part above 1% of Tier 1 on its own line (issue 25)', () => {
  // DEC has 6 decimals and a price of 1: one minor unit is 0.000001, so one minor unit above 1% of
  // a Tier 1 of 10,000 is 100.000001 (a share of 1.00000001%)
  const withDec = (holdings: WalletHolding[]) =>
    facts(holdings, {
      prices: new Map([price('ALT'), price('BET'), price('CEE'), price('DEC')]),
      decimals: new Map([
        ['ALT', 0],
        ['BET', 0],
        ['CEE', 0],
        ['DEC', 6],
      ]),
    });
  const decTwoA = groups({ DEC: '2a' });
  const linesOf = (report: ReturnType<typeof capitalReport>) =>
    report.riskWeightedAssetLines?.map((line) => [
      line.line,
      line.exposure,
      line.riskWeight,
      line.riskWeightedAssets,
    ]);

  it('BC-3 given Group 2a at exactly 1% of Tier 1, then every line at its normal weight and the line above 1% is empty', () => {
    const report = capitalReport(facts([house('ALT', 100n)]), BOTH, twoA, TIER1, []);
    expect(linesOf(report)).toEqual([
      ['group-1a', '0.00', '100%', '0.00'],
      ['group-1b', '0.00', '100%', '0.00'],
      ['group-2a', '100.00', '100%', '100.00'],
      ['group-2b', '0.00', '1250%', '0.00'],
      ['group-2-above-soft-limit', '0.00', '1250%', '0.00'],
    ]);
    expect(report).toMatchObject({ group2ShareOfTier1: '1.0000%', riskWeightedAssets: '100.00' });
    expect(report.riskWeightedAssetLines?.map((line) => line.basis)).toEqual([
      'Group 1a (BC-1) at 100%',
      'Group 1b (BC-1) at 100%',
      'Group 2a up to 1.0000% of Tier 1 (100) at 100%',
      'Group 2b, unclassified included (BC-1), up to 1.0000% of Tier 1 (100) at 1250% (BC-2)',
      'Group 2 above 1.0000% of Tier 1 (100) at 1250% (BC-3)',
    ]);
  });

  it('BC-3 given Group 2a one minor unit above 1% of Tier 1, then above 1%, the share rounded up to show it, and that minor unit alone on the line at 1250%', () => {
    // 100.000001 of 10,000 = 1.00000001%: 100 at 100% = 100; 0.000001 x 12.5 = 0.0000125, shown up as 0.01
    const report = capitalReport(withDec([house('DEC', 100_000_001n)]), BOTH, decTwoA, TIER1, []);
    expect(report).toMatchObject({
      group2Status: 'above 1%',
      group2ShareOfTier1: '1.0001%',
      riskWeightedAssets: '100.01',
    });
    expect(linesOf(report)?.slice(2)).toEqual([
      ['group-2a', '100.00', '100%', '100.00'],
      ['group-2b', '0.00', '1250%', '0.00'],
      ['group-2-above-soft-limit', '0.01', '1250%', '0.01'],
    ]);
  });

  it('BC-3 given Group 2a at exactly 2% of Tier 1, then above 1% (within the limit): 100 at 100% and the 100 above 1% on its own line at 1250%', () => {
    const report = capitalReport(facts([house('ALT', 200n)]), BOTH, twoA, TIER1, []);
    expect(linesOf(report)?.slice(2)).toEqual([
      ['group-2a', '100.00', '100%', '100.00'],
      ['group-2b', '0.00', '1250%', '0.00'],
      ['group-2-above-soft-limit', '100.00', '1250%', '1250.00'],
    ]);
    expect(report).toMatchObject({
      group2Status: 'above 1%',
      group2ShareOfTier1: '2.0000%',
      riskWeightedAssets: '1350.00',
    });
  });

  it('BC-3 given Group 2a one minor unit above 2% of Tier 1, then above the limit: every Group 2 line at 1250%, the 2a line saying why', () => {
    // 200.000001: 100 x 12.5 = 1250 up to 1%; 100.000001 x 12.5 = 1250.0000125 above it; total 2500.0000125, shown up
    const report = capitalReport(withDec([house('DEC', 200_000_001n)]), BOTH, decTwoA, TIER1, []);
    expect(report).toMatchObject({
      group2Status: 'above 2% limit',
      group2ShareOfTier1: '2.0001%',
      riskWeightedAssets: '2500.01',
    });
    expect(linesOf(report)?.slice(2)).toEqual([
      ['group-2a', '100.00', '1250%', '1250.00'],
      ['group-2b', '0.00', '1250%', '0.00'],
      ['group-2-above-soft-limit', '100.01', '1250%', '1250.01'],
    ]);
    expect(report.riskWeightedAssetLines?.[2]?.basis).toBe(
      'Group 2a up to 1.0000% of Tier 1 (100) at 1250%: Group 2 is above 2.0000% of Tier 1, all of it takes 1250% (BC-3)',
    );
  });

  it('BC-1 / BC-2 given an unclassified asset beside Group 2a above 1%, then it is 2b on the 2b line at 1250%, and the excess is taken from 2a first', () => {
    // ALT 2a 150, CEE unclassified 20: 170 = 1.7%, excess 70 from 2a: 80 x 1 + 20 x 12.5 + 70 x 12.5 = 1205
    const report = capitalReport(
      facts([house('ALT', 150n), house('CEE', 20n)]),
      BOTH,
      twoA,
      TIER1,
      [],
    );
    expect(report.exposures[1]).toEqual({
      asset: 'CEE',
      group: '2b',
      classified: false,
      amountMinor: '20',
      value: '20.00',
    });
    expect(linesOf(report)?.slice(2)).toEqual([
      ['group-2a', '80.00', '100%', '80.00'],
      ['group-2b', '20.00', '1250%', '250.00'],
      ['group-2-above-soft-limit', '70.00', '1250%', '875.00'],
    ]);
    expect(report.riskWeightedAssets).toBe('1205.00');
  });

  it('BC-3 given the excess over 1% larger than Group 2a, then the rest of it comes out of the 2b line (each unit weighed once)', () => {
    // 2a 20, 2b 150: excess 70 = 20 of 2a + 50 of 2b; 0 + 100 x 12.5 + 70 x 12.5 = 2125
    const report = capitalReport(
      facts([house('ALT', 20n), house('BET', 150n)]),
      BOTH,
      groups({ ALT: '2a', BET: '2b' }),
      TIER1,
      [],
    );
    expect(linesOf(report)?.slice(2)).toEqual([
      ['group-2a', '0.00', '100%', '0.00'],
      ['group-2b', '100.00', '1250%', '1250.00'],
      ['group-2-above-soft-limit', '70.00', '1250%', '875.00'],
    ]);
    expect(report.riskWeightedAssets).toBe('2125.00');
  });

  it('BC-1 given Group 1a and 1b holdings, then each has its own line at 100%', () => {
    const report = capitalReport(
      facts([house('ALT', 7n), house('BET', 9n)]),
      BOTH,
      groups({ ALT: '1a', BET: '1b' }),
      TIER1,
      [],
    );
    expect(linesOf(report)?.slice(0, 2)).toEqual([
      ['group-1a', '7.00', '100%', '7.00'],
      ['group-1b', '9.00', '100%', '9.00'],
    ]);
    expect(report.riskWeightedAssets).toBe('16.00');
  });

  it('BC-3 given a soft limit of 0.5% in the profile, then the lines name it and the part above it takes 1250%', () => {
    const strict = {
      ...BOTH,
      thresholds: { ...BOTH.thresholds, group2SoftLimit: '0.005', group2HardLimit: '0.01' },
    };
    const report = capitalReport(facts([house('ALT', 100n)]), strict, twoA, TIER1, []);
    expect(report.riskWeightedAssetLines?.[4]).toEqual({
      line: 'group-2-above-soft-limit',
      basis: 'Group 2 above 0.5000% of Tier 1 (50) at 1250% (BC-3)',
      exposure: '50.00',
      riskWeight: '1250%',
      riskWeightedAssets: '625.00',
    });
  });

  it('BC-3 given valuation indeterminate (a stale price, a house wallet not observed), then no Group 2 figure and no risk-weighted figure at all: null, never 0.00', () => {
    for (const report of [
      capitalReport(
        facts([house('ALT', 300n)], { prices: new Map([price('ALT', stale)]) }),
        BOTH,
        twoA,
        TIER1,
        [],
      ),
      capitalReport(
        facts([house('ALT', 300n)], { gaps: ['house wallet w: not observed'] }),
        BOTH,
        twoA,
        TIER1,
        [],
      ),
    ])
      expect(report).toMatchObject({
        valuation: 'indeterminate',
        group2Status: 'indeterminate',
        byGroup: null,
        group2Exposure: null,
        group2ShareOfTier1: null,
        riskWeightedAssets: null,
        riskWeightedAssetLines: null,
      });
  });

  it("BC-1 own holdings per wallet and asset: a house wallet's whole balance, a client wallet's house share; nothing for a wallet with none of its own", () => {
    const report = capitalReport(
      facts([
        client('ALT', 1_000n, 4n, 'client-hot'),
        client('BET', 500n, 0n, 'client-hot'),
        { ...house('ALT', 5n, 'house-cold'), houseMinor: 2n },
        house('CEE', 3n, 'house-cold'),
      ]),
      BOTH,
      twoA,
      TIER1,
      [],
    );
    expect(report.ownHoldings).toEqual([
      { walletId: 'client-hot', ownerClass: 'client-segregated', asset: 'ALT', amountMinor: '4' },
      { walletId: 'house-cold', ownerClass: 'house', asset: 'ALT', amountMinor: '7' },
      { walletId: 'house-cold', ownerClass: 'house', asset: 'CEE', amountMinor: '3' },
    ]);
  });
});
