import { trackBreaches, evolveBreaches, type OpenBreach } from './breaches';
import { capitalReport } from './capital';
import type { ComplianceFacts, CustodyBalance, LedgerBooks, WalletHolding } from './facts';
import { defaultProfile, profileProblems } from './policy-profile';
import {
  evaluateCompliance,
  hkColdStorage,
  hkInsurance,
  segregation,
  twColdStorage,
  twCommingling,
} from './rules';

const asOf = '2026-11-24T09:00:00.000Z';
const fresh = '2026-11-24T08:59:00.000Z';
const stale = '2026-11-24T08:00:00.000Z'; // an hour old: past the 15 minute default
const HK = defaultProfile(['HK']);
const TW = defaultProfile(['TW']);
const BOTH = defaultProfile(['HK', 'TW']);
const ETH = 10n ** 18n;

const holding = (
  walletId: string,
  tier: 'cold' | 'hot',
  asset: string,
  clientMinor: bigint,
  houseMinor = 0n,
  ownerClass: 'client-segregated' | 'house' = 'client-segregated',
): WalletHolding => ({
  walletId,
  tier,
  ownerClass,
  asset,
  clientMinor,
  houseMinor,
  onChainMinor: clientMinor + houseMinor,
});
function facts(
  holdings: WalletHolding[],
  overrides: Partial<ComplianceFacts> = {},
): ComplianceFacts {
  return {
    asOf,
    reportCurrency: 'USD',
    holdings,
    prices: new Map([
      ['ETH', { asset: 'ETH', price: '3000', observedAt: fresh }],
      ['USDT', { asset: 'USDT', price: '1', observedAt: fresh }],
      ['BTC', { asset: 'BTC', price: '90000', observedAt: fresh }],
    ]),
    decimals: new Map([
      ['ETH', 18],
      ['USDT', 6],
      ['BTC', 8],
    ]),
    exceptions: [],
    insurance: [],
    ...overrides,
  };
}

describe('HK-11g cold storage by quantity, per asset', () => {
  it('HK-11g given exactly 98% of client ETH cold, then pass; given 97.99%, then fail with the hot-to-cold move that restores 98%', () => {
    expect(
      hkColdStorage(
        facts([
          holding('cold-1', 'cold', 'ETH', 98n * ETH),
          holding('hot-1', 'hot', 'ETH', 2n * ETH),
        ]),
        HK,
      )[0]?.verdict,
    ).toBe('pass');
    const [result] = hkColdStorage(
      facts([holding('cold-1', 'cold', 'ETH', 9_799n), holding('hot-1', 'hot', 'ETH', 201n)]),
      HK,
    );
    expect(result).toMatchObject({
      ruleId: 'HK-11g',
      subject: 'ETH',
      verdict: 'fail',
      policyVersion: 'HK-default-1',
      figures: { coldShare: '97.9900%' },
      rebalancing: [{ asset: 'ETH', direction: 'hot-to-cold', amountMinor: '1' }],
    });
    expect(
      hkColdStorage(
        facts([holding('cold-1', 'cold', 'ETH', 9_800n), holding('hot-1', 'hot', 'ETH', 200n)]),
        HK,
      )[0]?.verdict,
    ).toBe('pass'); // after the move
  });

  it('HK-11g house wallets do not count as client holdings; an asset nobody holds passes', () => {
    const results = hkColdStorage(
      facts([
        holding('cold-1', 'cold', 'ETH', 98n),
        holding('house-hot', 'hot', 'ETH', 1_000n, 0n, 'house'),
        holding('hot-1', 'hot', 'USDT', 0n),
      ]),
      HK,
    );
    expect(results.map((result) => [result.subject, result.verdict])).toEqual([
      ['ETH', 'pass'],
      ['USDT', 'pass'],
    ]);
  });
});

describe('TW-3 cold storage: 75% by quantity per asset, or 85% by value overall', () => {
  it('TW-3 given every asset at least 75% cold, then pass', () => {
    expect(
      twColdStorage(facts([holding('c', 'cold', 'ETH', 75n), holding('h', 'hot', 'ETH', 25n)]), TW)
        .verdict,
    ).toBe('pass');
  });

  it('TW-3 given USDT mostly hot by quantity but 90% of the value cold, then pass by value', () => {
    // 10 ETH cold = 30,000; USDT 3,333.33 hot of 3,433.33: USDT is 2.9% cold by quantity; value cold 30,100 / 33,433.33 = 90.03%
    const result = twColdStorage(
      facts([
        holding('c', 'cold', 'ETH', 10n * ETH),
        holding('c', 'cold', 'USDT', 100_000_000n),
        holding('h', 'hot', 'USDT', 3_333_330_000n),
      ]),
      TW,
    );
    expect(result.verdict).toBe('pass');
    expect(result.figures['coldValueShare']).toBe('90.0299%');
  });

  it('TW-3 given the quantity test fails and a price is stale, then indeterminate (fail safe), never pass', () => {
    const prices = new Map([
      ['USDT', { asset: 'USDT', price: '1', observedAt: stale }],
      ['ETH', { asset: 'ETH', price: '3000', observedAt: fresh }],
    ]);
    const result = twColdStorage(
      facts([holding('c', 'cold', 'ETH', 10n * ETH), holding('h', 'hot', 'USDT', 3_333_330_000n)], {
        prices,
      }),
      TW,
    );
    expect(result.verdict).toBe('indeterminate');
    expect(result.reason).toMatch(/USDT price stale/);
    expect(result.figures['coldValueShare']).toBe('indeterminate');
  });

  it('TW-3 given both tests fail, then fail with the moves that restore 75% per asset', () => {
    const result = twColdStorage(
      facts([holding('c', 'cold', 'ETH', 70n), holding('h', 'hot', 'ETH', 30n)]),
      TW,
    );
    expect(result).toMatchObject({
      verdict: 'fail',
      rebalancing: [{ asset: 'ETH', direction: 'hot-to-cold', amountMinor: '5' }],
    });
  });
});

describe('TW-4 house assets in client wallets', () => {
  const exception = (
    walletId: string,
    amountMinor: bigint,
    purpose: 'network-fee' | 'trading-fees-held' = 'trading-fees-held',
  ) => ({
    exceptionId: `X-${walletId}-${amountMinor}`,
    walletId,
    asset: 'ETH',
    amountMinor,
    purpose,
  });

  it('TW-4 given house ETH at 20% of the client ETH in a hot wallet, covered by an exception, then pass; at 21%, fail', () => {
    expect(
      twCommingling(
        facts([holding('hot-1', 'hot', 'ETH', 100n, 20n)], {
          exceptions: [exception('hot-1', 20n)],
        }),
        TW,
      )[0]?.verdict,
    ).toBe('pass');
    const over = twCommingling(
      facts([holding('hot-1', 'hot', 'ETH', 100n, 21n)], { exceptions: [exception('hot-1', 21n)] }),
      TW,
    )[0];
    expect(over).toMatchObject({ verdict: 'fail', figures: { houseShare: '21.0000%' } });
  });

  it('TW-4 given house assets without a recorded commingling exception, then fail naming the uncovered amount', () => {
    expect(
      twCommingling(
        facts([holding('hot-1', 'hot', 'ETH', 100n, 10n)], {
          exceptions: [exception('hot-1', 4n)],
        }),
        TW,
      )[0]?.reason,
    ).toMatch(/6 minor units of house ETH have no recorded commingling exception/);
  });

  it('TW-4 given a client cold wallet with house ETH for gas, then pass; for anything else, fail', () => {
    expect(
      twCommingling(
        facts([holding('cold-1', 'cold', 'ETH', 1_000n, 5n)], {
          exceptions: [exception('cold-1', 5n, 'network-fee')],
        }),
        TW,
      )[0]?.verdict,
    ).toBe('pass');
    expect(
      twCommingling(
        facts([holding('cold-1', 'cold', 'ETH', 1_000n, 5n)], {
          exceptions: [exception('cold-1', 5n)],
        }),
        TW,
      )[0]?.verdict,
    ).toBe('fail');
  });

  it('TW-4 given the chain shows less than the client share plus the house share, then fail', () => {
    const short = { ...holding('hot-1', 'hot', 'ETH', 100n, 10n), onChainMinor: 105n };
    expect(
      twCommingling(facts([short], { exceptions: [exception('hot-1', 10n)] }), TW)[0]?.reason,
    ).toMatch(/does not cover the client/);
  });
});

describe('HK-11j insurance cover', () => {
  const policy = (limit: string, expiresAt = '2027-01-01T00:00:00.000Z') => ({
    policyId: `P-${limit}`,
    insurer: 'Lloyds syndicate',
    limit,
    expiresAt,
  });
  // 10 ETH cold = 30,000 (50% = 15,000); 1 ETH hot = 3,000 (100%): 18,000 required
  const holdings = [holding('c', 'cold', 'ETH', 10n * ETH), holding('h', 'hot', 'ETH', ETH)];

  it('HK-11j given cover of 50% of cold and 100% of hot client value, then pass; one unit less, fail with the shortfall', () => {
    expect(hkInsurance(facts(holdings, { insurance: [policy('18000')] }), HK)).toMatchObject({
      verdict: 'pass',
      figures: { required: '18000.00' },
    });
    expect(hkInsurance(facts(holdings, { insurance: [policy('17999.99')] }), HK)).toMatchObject({
      verdict: 'fail',
      figures: { shortfall: '0.01' },
    });
  });

  it('HK-11j given an expired policy, then it covers nothing; given a stale price, then indeterminate', () => {
    expect(hkInsurance(facts(holdings, { insurance: [policy('1000000', asOf)] }), HK).verdict).toBe(
      'fail',
    );
    const prices = new Map([['ETH', { asset: 'ETH', price: '3000', observedAt: stale }]]);
    expect(
      hkInsurance(facts(holdings, { insurance: [policy('1000000')], prices }), HK).verdict,
    ).toBe('indeterminate');
  });
});

describe('continuous evaluation: breaches open once and close on a pass', () => {
  const failing = facts([holding('c', 'cold', 'ETH', 90n), holding('h', 'hot', 'ETH', 10n)]);
  const passing = facts([holding('c', 'cold', 'ETH', 99n), holding('h', 'hot', 'ETH', 1n)]);

  it('given a failing rule evaluated three times, then ComplianceBreachDetected once with its evidence; a pass then resolves it', () => {
    let open: ReadonlyMap<string, OpenBreach> = new Map();
    const detected = [];
    for (const at of [
      '2026-11-24T09:00:00.000Z',
      '2026-11-24T09:01:00.000Z',
      '2026-11-24T09:02:00.000Z',
    ]) {
      const events = trackBreaches(open, hkColdStorage(failing, HK), at);
      detected.push(...events);
      open = events.reduce(evolveBreaches, open);
    }
    expect(detected.map((event) => [event.type, event.data.subject])).toEqual([
      ['ComplianceBreachDetected', 'ETH'],
    ]);
    expect(detected[0]?.data).toMatchObject({
      breachId: 'HK-11g/ETH@2026-11-24T09:00:00.000Z',
      evidence: { verdict: 'fail', figures: { coldShare: '90.0000%' } },
    });
    const resolved = trackBreaches(open, hkColdStorage(passing, HK), '2026-11-24T10:00:00.000Z');
    expect(resolved).toEqual([
      expect.objectContaining({
        type: 'ComplianceBreachResolved',
        data: expect.objectContaining({ breachId: 'HK-11g/ETH@2026-11-24T09:00:00.000Z' }),
      }),
    ]);
  });

  it('given an indeterminate result, then it neither opens nor closes a breach', () => {
    const indeterminate = {
      ...hkColdStorage(failing, HK)[0],
      verdict: 'indeterminate' as const,
    } as ReturnType<typeof hkColdStorage>[number];
    expect(trackBreaches(new Map(), [indeterminate], asOf)).toEqual([]);
  });

  it('given both jurisdictions, then both rule sets run and each names the combined policy version', () => {
    const results = evaluateCompliance(passing, BOTH);
    expect([...new Set(results.map((result) => result.ruleId))].sort()).toEqual([
      'HK-11g',
      'HK-11j',
      'TW-3',
    ]);
    expect(new Set(results.map((result) => result.policyVersion))).toEqual(
      new Set(['HK+TW-default-1']),
    );
  });
});

describe("BC-1..BC-4 capital report of the institution's own holdings", () => {
  // own: 1 BTC (2b unless classified) = 90,000; 100,000 USDT (1b) = 100,000
  const own = [
    holding('house-hot', 'hot', 'BTC', 100_000_000n, 0n, 'house'),
    holding('house-hot', 'hot', 'USDT', 100_000_000_000n, 0n, 'house'),
    holding('client-hot', 'hot', 'ETH', 5n * ETH),
  ];
  const classes = new Map([['USDT', '1b' as const]]);

  it('BC-1 / BC-2 given an unclassified asset, then it is Group 2b at 1250%; BC-3 within 1% of Tier 1', () => {
    const report = capitalReport(facts(own), BOTH, classes, '10000000', []);
    expect(report.exposures).toEqual([
      { asset: 'BTC', group: '2b', classified: false, amountMinor: '100000000', value: '90000.00' },
      {
        asset: 'USDT',
        group: '1b',
        classified: true,
        amountMinor: '100000000000',
        value: '100000.00',
      },
    ]);
    expect(report).toMatchObject({
      group2Exposure: '90000.00',
      group2ShareOfTier1: '0.9000%',
      group2Status: 'within 1%',
      riskWeightedAssets: '1225000.00',
    }); // 100,000 + 90,000 x 12.5
  });

  it('BC-3 given Group 2a between 1% and 2% of Tier 1, then the excess above 1% takes 1250%; above 2%, all Group 2 does', () => {
    const twoA = new Map([
      ['USDT', '1b' as const],
      ['BTC', '2a' as const],
    ]);
    const above1 = capitalReport(facts(own), BOTH, twoA, '6000000', []); // 90,000 / 6,000,000 = 1.5%; excess 30,000
    expect(above1).toMatchObject({ group2Status: 'above 1%', riskWeightedAssets: '535000.00' }); // 100,000 + 90,000 + 30,000 x (12.5 - 1)
    const above2 = capitalReport(facts(own), BOTH, twoA, '4000000', []); // 2.25%
    expect(above2).toMatchObject({
      group2Status: 'above 2% limit',
      riskWeightedAssets: '1225000.00',
    });
  });

  it('BC-4 client custody assets are apart; an open TW-4 breach puts their segregation in doubt, by name', () => {
    expect(capitalReport(facts(own), BOTH, classes, '10000000', []).clientCustody).toMatchObject({
      holdings: [{ asset: 'ETH', amountMinor: (5n * ETH).toString() }],
      segregation: 'holds',
    });
    const breach: OpenBreach = {
      breachId: 'TW-4/client-hot:ETH@x',
      ruleId: 'TW-4',
      subject: 'client-hot:ETH',
      detectedAt: asOf,
      evidence: hkColdStorage(facts(own), HK)[0] as never,
    };
    const doubted = capitalReport(facts(own), BOTH, classes, '10000000', [breach]).clientCustody;
    expect(doubted).toMatchObject({
      segregation: 'in doubt',
      openBreaches: ['TW-4/client-hot:ETH@x'],
    });
    expect(doubted.statement).toMatch(/TW-4 client-hot:ETH/);
  });

  it('given a stale price of an own asset, then the Group 2 status is indeterminate, not "within 1%"', () => {
    const prices = new Map([
      ['BTC', { asset: 'BTC', price: '90000', observedAt: stale }],
      ['USDT', { asset: 'USDT', price: '1', observedAt: fresh }],
    ]);
    expect(capitalReport(facts(own, { prices }), BOTH, classes, '10000000', [])).toMatchObject({
      valuation: 'indeterminate',
      group2Status: 'indeterminate',
    });
  });
});

describe('policy profiles as data', () => {
  it('given the default profiles, then they are valid; a ratio above 1 or a bad version is refused with its path', () => {
    expect(profileProblems(BOTH)).toEqual([]);
    expect(
      profileProblems({
        ...HK,
        version: 'bad version',
        thresholds: { ...HK.thresholds, hkColdQuantityMin: '1.5', staleAfterMs: 0 },
      }).map((problem) => problem.path),
    ).toEqual(['version', 'thresholds.hkColdQuantityMin', 'thresholds.staleAfterMs']);
  });
});

describe('review cases', () => {
  it("TW-4 the 20% cap is on the wallet's client assets as a whole, by value: a little house ETH for gas beside 1M client USDT passes", () => {
    const gas = {
      exceptionId: 'X-gas',
      walletId: 'hot-1',
      asset: 'ETH',
      amountMinor: ETH / 100n,
      purpose: 'network-fee' as const,
    };
    const results = twCommingling(
      facts(
        [
          holding('hot-1', 'hot', 'USDT', 1_000_000_000_000n),
          holding('hot-1', 'hot', 'ETH', 0n, ETH / 100n),
        ],
        { exceptions: [gas] },
      ),
      TW,
    );
    expect(results).toEqual([
      expect.objectContaining({
        subject: 'hot-1',
        verdict: 'pass',
        figures: expect.objectContaining({ houseShare: '0.0030%' }),
      }),
    ]);
  });

  it('TW-4 given network fees paid out of a client wallet with no house float, then fail: the client share is short', () => {
    const [result] = twCommingling(facts([holding('hot-1', 'hot', 'ETH', 100n, -5n)]), TW);
    expect(result).toMatchObject({ verdict: 'fail' });
    expect(result?.reason).toMatch(/5 minor units of client ETH paid house expenses/);
  });

  it('given an open breach and then an indeterminate result for it, then it stays open; given its subject no longer evaluated, then it resolves saying why', () => {
    const [failing] = twCommingling(
      facts([holding('hot-1', 'hot', 'ETH', 100n, 50n)], {
        exceptions: [
          {
            exceptionId: 'X',
            walletId: 'hot-1',
            asset: 'ETH',
            amountMinor: 50n,
            purpose: 'settlement-prefunding',
          },
        ],
      }),
      TW,
    );
    if (failing === undefined) throw new Error('no result');
    const open = trackBreaches(new Map(), [failing], asOf).reduce(
      evolveBreaches,
      new Map() as ReadonlyMap<string, OpenBreach>,
    );
    expect(trackBreaches(open, [{ ...failing, verdict: 'indeterminate' }], asOf)).toEqual([]);
    const gone = trackBreaches(open, [], '2026-11-24T10:00:00.000Z');
    expect(gone).toEqual([
      expect.objectContaining({
        type: 'ComplianceBreachResolved',
        data: expect.objectContaining({
          subject: 'hot-1',
          evidence: expect.objectContaining({ reason: expect.stringMatching(/no longer applies/) }),
        }),
      }),
    ]);
  });

  it('given a price observed ahead of the facts, or of zero, then it values nothing (invalid), never a pass', () => {
    const holdings = [holding('c', 'cold', 'ETH', 10n * ETH), holding('h', 'hot', 'ETH', ETH)];
    const insurance = [
      { policyId: 'P', insurer: 'I', limit: '1000000', expiresAt: '2027-01-01T00:00:00.000Z' },
    ];
    for (const price of [
      { asset: 'ETH', price: '3000', observedAt: '2099-01-01T00:00:00.000Z' },
      { asset: 'ETH', price: '0', observedAt: fresh },
      { asset: 'ETH', price: '3000', observedAt: 'garbage' },
    ]) {
      expect(
        hkInsurance(facts(holdings, { insurance, prices: new Map([['ETH', price]]) }), HK).verdict,
      ).toBe('indeterminate');
    }
  });

  it('BC-4 under a profile without TW-4 segregation is not evaluated, not asserted; BC-3 own holdings with a gap or below zero are indeterminate', () => {
    const own = [holding('house-hot', 'hot', 'BTC', 100_000_000n, 0n, 'house')];
    expect(capitalReport(facts(own), HK, new Map(), '10000000', []).clientCustody.segregation).toBe(
      'not evaluated',
    );
    expect(
      capitalReport(
        facts(own, { gaps: ['house wallet w: not observed'] }),
        BOTH,
        new Map(),
        '10000000',
        [],
      ),
    ).toMatchObject({ valuation: 'indeterminate', group2Status: 'indeterminate' });
    expect(
      capitalReport(
        facts([holding('hot-1', 'hot', 'ETH', 100n, -5n)]),
        BOTH,
        new Map(),
        '10000000',
        [],
      ),
    ).toMatchObject({ valuation: 'indeterminate' });
  });

  it('BC-3 a profile whose normal Group 2 limit exceeds its hard limit is refused', () => {
    expect(
      profileProblems({ ...BOTH, thresholds: { ...BOTH.thresholds, group2SoftLimit: '0.05' } }).map(
        (problem) => problem.path,
      ),
    ).toEqual(['thresholds.group2SoftLimit']);
  });
});

describe("HK-6 / TW-12 segregation from the ledger's books: client liabilities held in client-segregated wallets", () => {
  const custody = (
    walletId: string,
    asset: string,
    custodyMinor: bigint,
    ownerClass: CustodyBalance['ownerClass'] = 'client-segregated',
  ): CustodyBalance => ({ walletId, ownerClass, asset, custodyMinor });
  const books = (liabilities: Record<string, bigint>, lines: CustodyBalance[]): LedgerBooks => ({
    clientLiabilities: new Map(Object.entries(liabilities)),
    custody: lines,
  });

  it('HK-6 given client-segregated custody exactly equal to what clients are owed, then pass; one minor unit less, then fail naming the shortfall and where the rest is', () => {
    const [equal] = segregation(
      facts([], {
        books: books({ ETH: 100n }, [custody('cold-1', 'ETH', 60n), custody('hot-1', 'ETH', 40n)]),
      }),
      HK,
    );
    expect(equal).toMatchObject({
      ruleId: 'HK-6',
      subject: 'ETH',
      verdict: 'pass',
      figures: { clientLiabilityMinor: '100', segregatedCustodyMinor: '100', shortfallMinor: '0' },
    });
    const [short] = segregation(
      facts([], {
        books: books({ ETH: 100n }, [
          custody('cold-1', 'ETH', 60n),
          custody('hot-1', 'ETH', 39n),
          custody('house-1', 'ETH', 1n, 'house'),
        ]),
      }),
      HK,
    );
    expect(short).toMatchObject({
      ruleId: 'HK-6',
      verdict: 'fail',
      figures: { shortfallMinor: '1', segregatedCustodyMinor: '99' },
    });
    expect(short?.reason).toMatch(
      /0\.000000000000000001 ETH \(1 minor units\) short; held elsewhere: house-1 \(house\) 0\.000000000000000001 ETH \(1 minor units\)$/,
    );
  });

  it('HK-6 a custody account below zero (a journal from another partition arrived first) is indeterminate, neither pass nor fail', () => {
    const [result] = segregation(
      facts([], {
        books: books({}, [custody('hot-1', 'ETH', -3n), custody('house-1', 'ETH', 3n, 'house')]),
      }),
      HK,
    );
    expect(result).toMatchObject({
      verdict: 'indeterminate',
      reason: expect.stringMatching(/hot-1 -0\.000000000000000003 ETH \(-3 minor units\)/),
    });
  });

  it('HK-6 custody in a wallet the policy service has not seen registered does not count as segregated, and makes a shortfall indeterminate (its registration may not have arrived)', () => {
    const [result] = segregation(
      facts([], { books: books({ USDT: 5n }, [custody('mystery', 'USDT', 5n, 'unregistered')]) }),
      HK,
    );
    expect(result).toMatchObject({
      verdict: 'indeterminate',
      figures: { shortfallMinor: '5', segregatedCustodyMinor: '0' },
      reason: expect.stringMatching(
        /not registered here: mystery 0\.000005 USDT \(5 minor units\)/,
      ),
    });
  });

  it('HK-6 more in client wallets than owed (fees the house earned, not yet swept) passes and shows the house share; nothing owed and nothing held is not evaluated', () => {
    const results = segregation(
      facts([], {
        books: books({ ETH: 90n, BTC: 0n }, [
          custody('hot-1', 'ETH', 100n),
          custody('house-1', 'BTC', 7n, 'house'),
        ]),
      }),
      HK,
    );
    expect(
      results.map((result) => [
        result.subject,
        result.verdict,
        result.figures['houseShareInClientWalletsMinor'],
      ]),
    ).toEqual([['ETH', 'pass', '10']]);
  });

  it("TW-12 under a Taiwan-only profile the same check carries the TW id; without the ledger's books it does not run", () => {
    expect(segregation(facts([], { books: books({ ETH: 1n }, []) }), TW)[0]).toMatchObject({
      ruleId: 'TW-12',
      verdict: 'fail',
    });
    expect(segregation(facts([]), BOTH)).toEqual([]);
    expect(
      evaluateCompliance(facts([], { books: books({ ETH: 1n }, []) }), BOTH).map(
        (result) => result.ruleId,
      ),
    ).toContain('HK-6');
  });

  it('BC-4 an open HK-6 breach puts segregation in doubt in the capital report; with the books read and no breach, segregation holds under an HK-only profile', () => {
    const [failing] = segregation(facts([], { books: books({ ETH: 1n }, []) }), HK);
    if (failing === undefined) throw new Error('no result');
    const open = trackBreaches(new Map(), [failing], asOf).reduce(
      evolveBreaches,
      new Map() as ReadonlyMap<string, OpenBreach>,
    );
    expect(
      capitalReport(facts([], { books: books({}, []) }), HK, new Map(), '10000000', [
        ...open.values(),
      ]).clientCustody,
    ).toMatchObject({
      segregation: 'in doubt',
      statement: expect.stringMatching(/HK-6 ETH since/),
    });
    expect(
      capitalReport(facts([], { books: books({}, []) }), HK, new Map(), '10000000', [])
        .clientCustody.segregation,
    ).toBe('holds');
  });
});

// Boundaries in whole units: ALT and BET have no decimals and a price of 1, so 100 units are worth 100.00.
const plainPrices = (observedAt = fresh) =>
  new Map([
    ['ALT', { asset: 'ALT', price: '1', observedAt }],
    ['BET', { asset: 'BET', price: '1', observedAt }],
  ]);
const plainDecimals = new Map([
  ['ALT', 0],
  ['BET', 0],
]);
const plain = (holdings: WalletHolding[], overrides: Partial<ComplianceFacts> = {}) =>
  facts(holdings, { prices: plainPrices(), decimals: plainDecimals, ...overrides });

describe('TW-3 boundaries: exactly 75% by quantity, exactly 85% by value, and one unit either side', () => {
  it('TW-3 given exactly 75% of ALT cold by quantity, then pass on quantity with every figure shown', () => {
    const result = twColdStorage(
      plain([holding('c', 'cold', 'ALT', 75n), holding('h', 'hot', 'ALT', 25n)]),
      TW,
    );
    expect(result).toEqual({
      ruleId: 'TW-3',
      subject: 'all',
      verdict: 'pass',
      policyVersion: 'TW-default-1',
      asOf,
      reason: 'every asset is at least 75.0000% cold by quantity',
      inputs: {
        holdings: [{ asset: 'ALT', coldMinor: '75', hotMinor: '25' }],
        prices: [{ asset: 'ALT', price: '1', observedAt: fresh }],
        quantityMinimum: '0.75',
        valueMinimum: '0.85',
        staleAfterMs: 900_000,
      },
      figures: {
        'coldShare.ALT': '75.0000%',
        coldValueShare: '75.0000%',
        coldValue: '75.00',
        totalValue: '100.00',
      },
    });
  });

  it('TW-3 given 74.99% of ALT cold (and so 74.99% by value), then fail with the one unit to move hot-to-cold', () => {
    const result = twColdStorage(
      plain([holding('c', 'cold', 'ALT', 7_499n), holding('h', 'hot', 'ALT', 2_501n)]),
      TW,
    );
    expect(result).toMatchObject({
      verdict: 'fail',
      figures: { 'coldShare.ALT': '74.9900%', coldValueShare: '74.9900%' },
      rebalancing: [{ asset: 'ALT', direction: 'hot-to-cold', amountMinor: '1' }],
    });
    expect(result.reason).toBe(
      'by quantity ALT 74.9900% is below 75.0000%, and by value 74.9900% is below 85.0000%',
    );
  });

  it('TW-3 given BET 25% cold by quantity but exactly 85% of all client value cold, then pass by value', () => {
    const result = twColdStorage(
      plain([
        holding('c', 'cold', 'ALT', 80n),
        holding('c', 'cold', 'BET', 5n),
        holding('h', 'hot', 'BET', 15n),
      ]),
      TW,
    );
    expect(result).toMatchObject({
      verdict: 'pass',
      reason: '85.0000% of client value is cold (minimum 85.0000%)',
      figures: {
        'coldShare.ALT': '100.0000%',
        'coldShare.BET': '25.0000%',
        coldValueShare: '85.0000%',
        coldValue: '85.00',
        totalValue: '100.00',
      },
    });
    expect(result.rebalancing).toBeUndefined();
    expect(
      twColdStorage(
        plain([
          holding('c', 'cold', 'ALT', 81n),
          holding('c', 'cold', 'BET', 5n),
          holding('h', 'hot', 'BET', 14n),
        ]),
        TW,
      ),
    ).toMatchObject({ verdict: 'pass', figures: { coldValueShare: '86.0000%' } });
  });

  it('TW-3 given one unit less cold value (84%) and BET below 75%, then fail, moving only BET (ALT passes on quantity)', () => {
    const result = twColdStorage(
      plain([
        holding('c', 'cold', 'ALT', 79n),
        holding('h', 'hot', 'ALT', 1n),
        holding('c', 'cold', 'BET', 5n),
        holding('h', 'hot', 'BET', 15n),
      ]),
      TW,
    );
    expect(result).toMatchObject({
      verdict: 'fail',
      figures: {
        'coldShare.ALT': '98.7500%',
        coldValueShare: '84.0000%',
        coldValue: '84.00',
        totalValue: '100.00',
      },
      rebalancing: [{ asset: 'BET', direction: 'hot-to-cold', amountMinor: '10' }],
    });
    expect(result.reason).toBe(
      'by quantity BET 25.0000% is below 75.0000%, and by value 84.0000% is below 85.0000%',
    );
  });

  it('TW-3 given every asset at least 75% cold and a stale price, then pass on quantity alone: the value test is not needed', () => {
    const result = twColdStorage(
      plain([holding('c', 'cold', 'ALT', 75n), holding('h', 'hot', 'ALT', 25n)], {
        prices: plainPrices(stale),
      }),
      TW,
    );
    expect(result).toMatchObject({
      verdict: 'pass',
      figures: { 'coldShare.ALT': '75.0000%', coldValueShare: 'indeterminate' },
    });
  });

  it('TW-3 given two assets below 75% and neither priced, then indeterminate naming each asset and each price problem', () => {
    const prices = new Map([['ALT', { asset: 'ALT', price: '1', observedAt: stale }]]);
    const result = twColdStorage(
      plain(
        [
          holding('c', 'cold', 'ALT', 1n),
          holding('h', 'hot', 'ALT', 1n),
          holding('c', 'cold', 'BET', 1n),
          holding('h', 'hot', 'BET', 3n),
        ],
        { prices },
      ),
      TW,
    );
    expect(result.reason).toBe(
      'by quantity ALT 50.0000%, BET 25.0000% is below 75.0000%, and the value test cannot be computed: ALT price stale, BET price missing',
    );
  });

  it('TW-3 given two assets below 75% and below 85% by value, then fail naming each, with a move for each', () => {
    const result = twColdStorage(
      plain([
        holding('c', 'cold', 'ALT', 1n),
        holding('h', 'hot', 'ALT', 1n),
        holding('c', 'cold', 'BET', 1n),
        holding('h', 'hot', 'BET', 3n),
      ]),
      TW,
    );
    expect(result).toMatchObject({
      verdict: 'fail',
      rebalancing: [
        { asset: 'ALT', direction: 'hot-to-cold', amountMinor: '1' },
        { asset: 'BET', direction: 'hot-to-cold', amountMinor: '2' },
      ],
    });
    expect(result.reason).toBe(
      'by quantity ALT 50.0000%, BET 25.0000% is below 75.0000%, and by value 33.3333% is below 85.0000%',
    );
  });

  it('TW-3 given the quantity test failing and a price missing, then indeterminate naming the asset, with the moves that would pass on quantity', () => {
    const prices = new Map([['ALT', { asset: 'ALT', price: '1', observedAt: fresh }]]);
    const result = twColdStorage(
      plain(
        [
          holding('c', 'cold', 'ALT', 99n),
          holding('c', 'cold', 'BET', 1n),
          holding('h', 'hot', 'BET', 1n),
        ],
        { prices },
      ),
      TW,
    );
    expect(result).toMatchObject({
      verdict: 'indeterminate',
      figures: { coldValueShare: 'indeterminate' },
      rebalancing: [{ asset: 'BET', direction: 'hot-to-cold', amountMinor: '1' }],
    });
    expect(result.reason).toBe(
      'by quantity BET 50.0000% is below 75.0000%, and the value test cannot be computed: BET price missing',
    );
    expect(result.inputs['prices']).toEqual([{ asset: 'ALT', price: '1', observedAt: fresh }]);
  });

  it('TW-3 given an asset held in client wallets at zero, then it is 100% cold and needs no price; house wallets and unheld prices are not read', () => {
    const result = twColdStorage(
      plain([
        holding('h', 'hot', 'CEE', 0n),
        holding('c', 'cold', 'ALT', 9n),
        holding('h', 'hot', 'ALT', 1n),
        holding('house', 'hot', 'ALT', 1_000n, 0n, 'house'),
      ]),
      TW,
    );
    expect(result).toMatchObject({
      verdict: 'pass',
      figures: {
        'coldShare.ALT': '90.0000%',
        'coldShare.CEE': '100.0000%',
        coldValueShare: '90.0000%',
        coldValue: '9.00',
        totalValue: '10.00',
      },
    });
    expect(result.inputs['prices']).toEqual([{ asset: 'ALT', price: '1', observedAt: fresh }]);
  });

  it('TW-3 given no client holdings at all, then pass with nothing valued', () => {
    expect(twColdStorage(plain([]), TW)).toMatchObject({
      verdict: 'pass',
      figures: { coldValueShare: '100.0000%', coldValue: '0.00', totalValue: '0.00' },
    });
  });
});

describe('HK-11g boundaries and evidence', () => {
  it('HK-11g given exactly 98% cold, then pass with its figures and inputs and no move; given 97%, then the move to 98%', () => {
    const [result] = hkColdStorage(
      plain([holding('c', 'cold', 'ALT', 98n), holding('h', 'hot', 'ALT', 2n)]),
      HK,
    );
    expect(result).toEqual({
      ruleId: 'HK-11g',
      subject: 'ALT',
      verdict: 'pass',
      policyVersion: 'HK-default-1',
      asOf,
      reason: '98.0000% of client ALT is in cold storage (minimum 98.0000%)',
      inputs: { coldMinor: '98', hotMinor: '2', minimum: '0.98' },
      figures: { coldShare: '98.0000%', coldShareExact: '49/50' },
    });
    const [failing] = hkColdStorage(
      plain([holding('c', 'cold', 'ALT', 97n), holding('h', 'hot', 'ALT', 3n)]),
      HK,
    );
    expect(failing).toMatchObject({
      verdict: 'fail',
      reason: 'only 97.0000% of client ALT is in cold storage; the minimum is 98.0000%',
      figures: { coldShareExact: '97/100' },
      rebalancing: [{ asset: 'ALT', direction: 'hot-to-cold', amountMinor: '1' }],
    });
  });

  it('HK-11g given an asset held at zero, then 100% cold and a pass; given one asset per result, then in asset order', () => {
    const results = hkColdStorage(
      plain([holding('h', 'hot', 'BET', 0n), holding('c', 'cold', 'ALT', 1n)]),
      HK,
    );
    expect(
      results.map((result) => [result.subject, result.verdict, result.figures['coldShare']]),
    ).toEqual([
      ['ALT', 'pass', '100.0000%'],
      ['BET', 'pass', '100.0000%'],
    ]);
  });
});

describe('TW-4 cover, the cold-wallet gas rule, the cap and the stale-price fail-safe', () => {
  const cover = (
    walletId: string,
    asset: string,
    amountMinor: bigint,
    purpose: string = 'trading-fees-held',
  ) =>
    ({
      exceptionId: `X-${walletId}-${asset}`,
      walletId,
      asset,
      amountMinor,
      purpose,
    }) as ComplianceFacts['exceptions'][number];

  it("TW-4 given house ALT at 10% of the client ALT, covered, then pass with the wallet's evidence", () => {
    const exception = cover('hot-1', 'ALT', 10n);
    const [result] = twCommingling(
      plain([holding('hot-1', 'hot', 'ALT', 100n, 10n)], { exceptions: [exception] }),
      TW,
    );
    expect(result).toEqual({
      ruleId: 'TW-4',
      subject: 'hot-1',
      verdict: 'pass',
      policyVersion: 'TW-default-1',
      asOf,
      reason: 'house assets in hot-1 are within TW-4',
      inputs: {
        walletId: 'hot-1',
        tier: 'hot',
        holdings: [
          {
            asset: 'ALT',
            clientMinor: '100',
            houseMinor: '10',
            onChainMinor: '110',
            exceptions: [{ ...exception, amountMinor: '10' }],
          },
        ],
        cap: '0.20',
        staleAfterMs: 900_000,
      },
      figures: {
        houseShare: '10.0000%',
        clientValue: '100.00',
        houseValue: '10.00',
        houseValueAllowed: '20',
        houseValueOver: '0',
        'client.ALT': '100',
        'house.ALT': '10',
      },
    });
  });

  it('TW-4 given an exception for another wallet, another asset or no TW-4 purpose, then it is no cover', () => {
    const held = [holding('hot-1', 'hot', 'ALT', 100n, 10n)];
    for (const exception of [
      cover('hot-2', 'ALT', 10n),
      cover('hot-1', 'BET', 10n),
      cover('hot-1', 'ALT', 10n, 'marketing'),
    ]) {
      const [result] = twCommingling(plain(held, { exceptions: [exception] }), TW);
      expect(result).toMatchObject({
        verdict: 'fail',
        reason: '10 minor units of house ALT have no recorded commingling exception',
      });
      expect(result?.inputs['holdings']).toEqual([expect.objectContaining({ exceptions: [] })]);
    }
  });

  it('TW-4 given exceptions adding up to exactly the house share, then covered; one unit short, then fail naming the one unit', () => {
    expect(
      twCommingling(
        plain([holding('hot-1', 'hot', 'ALT', 100n, 10n)], {
          exceptions: [cover('hot-1', 'ALT', 4n), cover('hot-1', 'ALT', 6n, 'network-fee')],
        }),
        TW,
      )[0]?.verdict,
    ).toBe('pass');
    expect(
      twCommingling(
        plain([holding('hot-1', 'hot', 'ALT', 100n, 10n)], {
          exceptions: [cover('hot-1', 'ALT', 4n), cover('hot-1', 'ALT', 5n, 'network-fee')],
        }),
        TW,
      )[0]?.reason,
    ).toBe('1 minor units of house ALT have no recorded commingling exception');
  });

  it('TW-4 given a client cold wallet with house ALT exactly covered for gas, then pass with no value figures; one unit more than the gas cover, then fail', () => {
    const [gas] = twCommingling(
      plain([holding('cold-1', 'cold', 'ALT', 100n, 5n)], {
        exceptions: [cover('cold-1', 'ALT', 5n, 'network-fee')],
      }),
      TW,
    );
    expect(gas).toMatchObject({ verdict: 'pass', inputs: { tier: 'cold' } });
    expect(gas?.figures).toEqual({});
    const [over] = twCommingling(
      plain([holding('cold-1', 'cold', 'ALT', 100n, 6n)], {
        exceptions: [cover('cold-1', 'ALT', 5n, 'network-fee'), cover('cold-1', 'ALT', 1n)],
      }),
      TW,
    );
    expect(over).toMatchObject({
      verdict: 'fail',
      reason: 'a client cold wallet holds house ALT other than for gas',
    });
  });

  it('TW-4 given a client cold wallet whose prices are stale, then no cap is valued and it is not indeterminate', () => {
    const [result] = twCommingling(
      plain([holding('cold-1', 'cold', 'ALT', 100n, 5n)], {
        exceptions: [cover('cold-1', 'ALT', 5n, 'network-fee')],
        prices: plainPrices(stale),
      }),
      TW,
    );
    expect(result).toMatchObject({
      verdict: 'pass',
      reason: 'house assets in cold-1 are within TW-4',
    });
    expect(result?.figures).toEqual({});
  });

  it('TW-4 given a stale price in a hot wallet within every other rule, then indeterminate (fail safe), never pass, with no cap figures', () => {
    const [result] = twCommingling(
      plain([holding('hot-1', 'hot', 'ALT', 100n, 10n)], {
        exceptions: [cover('hot-1', 'ALT', 10n)],
        prices: plainPrices(stale),
      }),
      TW,
    );
    expect(result).toMatchObject({
      verdict: 'indeterminate',
      reason: 'the 20% cap cannot be valued: ALT price stale',
    });
    expect(result?.figures).toEqual({});
  });

  it('TW-4 given a hot wallet over the cap on the assets priced but with another asset unpriced, then indeterminate, not fail: the unpriced client assets may bring it within', () => {
    const prices = new Map([['ALT', { asset: 'ALT', price: '1', observedAt: fresh }]]);
    const [result] = twCommingling(
      plain([holding('hot-1', 'hot', 'ALT', 100n, 50n), holding('hot-1', 'hot', 'BET', 1_000n)], {
        prices,
        exceptions: [cover('hot-1', 'ALT', 50n)],
      }),
      TW,
    );
    expect(result).toMatchObject({
      verdict: 'indeterminate',
      reason: 'the 20% cap cannot be valued: BET price missing',
    });
    expect(result?.figures).toEqual({});
  });

  it('TW-4 given several problems in one wallet, then fail naming each', () => {
    const [result] = twCommingling(
      plain([{ ...holding('hot-1', 'hot', 'ALT', 100n, 30n), onChainMinor: 120n }], {
        exceptions: [cover('hot-1', 'ALT', 20n)],
      }),
      TW,
    );
    expect(result?.reason).toBe(
      '10 minor units of house ALT have no recorded commingling exception; on chain 120 ALT less the house 30 does not cover the client 100; house assets are 30.0000% of the client assets in it by value (at most 20.0000%): 30 USD where the cap allows 20, 10 USD over (10 ALT)',
    );
  });

  it('TW-4 given a hot wallet holding house assets of an asset without a price, then indeterminate naming it; a failing rule still fails', () => {
    const prices = new Map([['ALT', { asset: 'ALT', price: '1', observedAt: fresh }]]);
    const held = [holding('hot-1', 'hot', 'ALT', 100n), holding('hot-1', 'hot', 'BET', 0n, 3n)];
    expect(
      twCommingling(plain(held, { prices, exceptions: [cover('hot-1', 'BET', 3n)] }), TW)[0],
    ).toMatchObject({
      verdict: 'indeterminate',
      reason: 'the 20% cap cannot be valued: BET price missing',
    });
    expect(twCommingling(plain(held, { prices }), TW)[0]).toMatchObject({
      verdict: 'fail',
      reason: '3 minor units of house BET have no recorded commingling exception',
    });
  });

  it('TW-4 given house assets in a hot wallet with no client value in it, then they are all of it: fail', () => {
    const [result] = twCommingling(
      plain([holding('hot-1', 'hot', 'ALT', 0n, 3n)], { exceptions: [cover('hot-1', 'ALT', 3n)] }),
      TW,
    );
    expect(result).toMatchObject({
      verdict: 'fail',
      reason:
        'house assets are all of the client assets in it by value (at most 20.0000%): 3 USD where the cap allows 0, 3 USD over (3 ALT)',
      figures: { houseShare: 'all', clientValue: '0.00', houseValue: '3.00' },
    });
  });

  it('TW-4 given a hot wallet whose only house share is below zero, then the cap is not breached: the shortfall is the failure, and the house share shows 0', () => {
    const [result] = twCommingling(
      plain([holding('hot-1', 'hot', 'ALT', 0n, -5n), holding('hot-1', 'hot', 'BET', 0n)]),
      TW,
    );
    expect(result).toMatchObject({
      verdict: 'fail',
      figures: { houseShare: '0.0000%', clientValue: '0.00', houseValue: '0.00' },
    });
    expect(result?.reason).toBe(
      '5 minor units of client ALT paid house expenses (network fees) without a house float: the client share is short',
    );
  });

  it('TW-4 given the chain showing exactly the client and house shares, then covered; one unit less, then fail naming the figures', () => {
    const exceptions = [cover('hot-1', 'ALT', 10n)];
    expect(
      twCommingling(plain([holding('hot-1', 'hot', 'ALT', 100n, 10n)], { exceptions }), TW)[0]
        ?.verdict,
    ).toBe('pass');
    const [short] = twCommingling(
      plain([{ ...holding('hot-1', 'hot', 'ALT', 100n, 10n), onChainMinor: 109n }], { exceptions }),
      TW,
    );
    expect(short).toMatchObject({
      verdict: 'fail',
      reason: 'on chain 109 ALT less the house 10 does not cover the client 100',
    });
  });

  it('TW-4 given several client wallets, then one result per wallet with house assets, in wallet order; house wallets and wallets without house assets are not judged', () => {
    const held = [
      holding('hot-2', 'hot', 'ALT', 100n, 1n),
      holding('hot-4', 'hot', 'ALT', 100n),
      holding('hot-1', 'hot', 'ALT', 100n, 1n),
      holding('hot-3', 'hot', 'ALT', 100n, 1n),
      holding('house', 'hot', 'ALT', 0n, 50n, 'house'),
    ];
    const exceptions = [cover('hot-1', 'ALT', 1n), cover('hot-2', 'ALT', 1n)];
    expect(
      twCommingling(plain(held, { exceptions }), TW).map((result) => [
        result.subject,
        result.verdict,
      ]),
    ).toEqual([
      ['hot-1', 'pass'],
      ['hot-2', 'pass'],
      ['hot-3', 'fail'],
    ]);
  });

  it('TW-4 the cap is on the wallet as a whole: house ALT and BET together against client ALT and BET together', () => {
    // house 12 + 9 = 21 against client 60 + 40 = 100: 21% over the cap though each asset alone is within it
    const held = [
      holding('hot-1', 'hot', 'ALT', 60n, 12n),
      holding('hot-1', 'hot', 'BET', 40n, 9n),
    ];
    const [result] = twCommingling(
      plain(held, { exceptions: [cover('hot-1', 'ALT', 12n), cover('hot-1', 'BET', 9n)] }),
      TW,
    );
    expect(result).toMatchObject({
      verdict: 'fail',
      reason:
        'house assets are 21.0000% of the client assets in it by value (at most 20.0000%): 21 USD where the cap allows 20, 1 USD over (1 ALT or 1 BET)',
      figures: { houseShare: '21.0000%', clientValue: '100.00', houseValue: '21.00' },
    });
  });
});

describe('HK-11j boundaries and evidence', () => {
  const policy = (policyId: string, limit: string, expiresAt = '2027-01-01T00:00:00.000Z') => ({
    policyId,
    insurer: 'Lloyds syndicate',
    limit,
    expiresAt,
  });

  it('HK-11j given cold ALT only, then 50% of it is required; given hot BET only, then 100%', () => {
    const cold = hkInsurance(
      plain([holding('c', 'cold', 'ALT', 100n)], { insurance: [policy('P-1', '50')] }),
      HK,
    );
    expect(cold).toMatchObject({
      ruleId: 'HK-11j',
      subject: 'all',
      policyVersion: 'HK-default-1',
      asOf,
      verdict: 'pass',
      reason:
        'cover in force 50.00 USD against 50.00 required (50.0000% of cold, 100.0000% of hot client value)',
      figures: {
        coldValue: '100.00',
        hotValue: '0.00',
        required: '50.00',
        cover: '50.00',
        shortfall: '0.00',
      },
    });
    const hot = hkInsurance(
      plain([holding('h', 'hot', 'BET', 100n)], { insurance: [policy('P-1', '99.99')] }),
      HK,
    );
    expect(hot).toMatchObject({
      verdict: 'fail',
      figures: {
        coldValue: '0.00',
        hotValue: '100.00',
        required: '100.00',
        cover: '99.99',
        shortfall: '0.01',
      },
    });
  });

  it('HK-11j given more cover than required, then pass with no shortfall (never one below zero)', () => {
    expect(
      hkInsurance(
        plain([holding('c', 'cold', 'ALT', 100n)], { insurance: [policy('P-1', '60')] }),
        HK,
      ),
    ).toMatchObject({
      verdict: 'pass',
      figures: { required: '50.00', cover: '60.00', shortfall: '0.00' },
    });
  });

  it('HK-11j given several policies in force, then their limits add up; one expiring a millisecond after the instant still counts', () => {
    const insurance = [
      policy('P-1', '30'),
      policy('P-2', '20', '2026-11-24T09:00:00.001Z'),
      policy('P-3', '1000', asOf),
    ];
    expect(
      hkInsurance(plain([holding('c', 'cold', 'ALT', 100n)], { insurance }), HK),
    ).toMatchObject({ verdict: 'pass', figures: { cover: '50.00' } });
  });

  it('HK-11j given a policy in force whose limit is not a decimal, then indeterminate naming it; an expired one is ignored', () => {
    const result = hkInsurance(
      plain([holding('c', 'cold', 'ALT', 100n)], {
        insurance: [policy('P-1', 'ten'), policy('P-2', '50')],
      }),
      HK,
    );
    expect(result).toMatchObject({
      verdict: 'indeterminate',
      reason: 'cannot value the required cover: P-1 limit invalid',
    });
    expect(
      hkInsurance(
        plain([holding('c', 'cold', 'ALT', 100n)], {
          insurance: [policy('P-1', 'ten', asOf), policy('P-2', '50')],
        }),
        HK,
      ).verdict,
    ).toBe('pass');
  });

  it('HK-11j given a stale price and an invalid limit, then indeterminate naming both; an asset held at zero needs no price', () => {
    const prices = new Map([['ALT', { asset: 'ALT', price: '1', observedAt: stale }]]);
    const result = hkInsurance(
      plain([holding('c', 'cold', 'ALT', 100n), holding('h', 'hot', 'BET', 0n)], {
        prices,
        insurance: [policy('P-1', 'ten')],
      }),
      HK,
    );
    expect(result.reason).toBe(
      'cannot value the required cover: ALT price stale, P-1 limit invalid',
    );
    expect(
      hkInsurance(
        plain([holding('c', 'cold', 'ALT', 100n), holding('h', 'hot', 'CEE', 0n)], {
          insurance: [policy('P-1', '50')],
        }),
        HK,
      ),
    ).toMatchObject({
      verdict: 'pass',
      inputs: {
        policies: [policy('P-1', '50')],
        coldShare: '0.50',
        hotShare: '1.00',
        staleAfterMs: 900_000,
      },
    });
  });

  it('HK-11j given a required cover with a fraction of a cent, then it and the shortfall are shown rounded up, never smaller', () => {
    const prices = new Map([['ALT', { asset: 'ALT', price: '0.001', observedAt: fresh }]]);
    // 5 ALT hot at 0.001 = 0.005 required, no cover: shortfall 0.005 shown as 0.01
    expect(hkInsurance(plain([holding('h', 'hot', 'ALT', 5n)], { prices }), HK)).toMatchObject({
      verdict: 'fail',
      figures: { hotValue: '0.00', required: '0.01', cover: '0.00', shortfall: '0.01' },
    });
  });
});

describe('jurisdiction gating: each licence gets its own rules and no other', () => {
  const books: LedgerBooks = {
    clientLiabilities: new Map([['ALT', 10n]]),
    custody: [
      { walletId: 'hot-1', ownerClass: 'client-segregated', asset: 'ALT', custodyMinor: 10n },
    ],
  };
  const held = plain(
    [holding('cold-1', 'cold', 'ALT', 90n), holding('hot-1', 'hot', 'ALT', 10n, 1n)],
    {
      books,
      exceptions: [
        {
          exceptionId: 'X',
          walletId: 'hot-1',
          asset: 'ALT',
          amountMinor: 1n,
          purpose: 'network-fee',
        },
      ],
    },
  );

  it('given a TW-only profile, then TW-12, TW-3 and TW-4 and no HK rule', () => {
    expect(evaluateCompliance(held, TW).map((result) => result.ruleId)).toEqual([
      'TW-12',
      'TW-3',
      'TW-4',
    ]);
  });

  it('given an HK-only profile, then HK-6, HK-11g and HK-11j and no TW rule', () => {
    expect(evaluateCompliance(held, HK).map((result) => result.ruleId)).toEqual([
      'HK-6',
      'HK-11g',
      'HK-11j',
    ]);
  });

  it('given both, then every rule, segregation under the HK id', () => {
    expect(evaluateCompliance(held, BOTH).map((result) => result.ruleId)).toEqual([
      'HK-6',
      'HK-11g',
      'HK-11j',
      'TW-3',
      'TW-4',
    ]);
  });
});

describe('HK-6 / TW-12 evidence, ordering and the cases between pass and fail', () => {
  const line = (
    walletId: string,
    asset: string,
    custodyMinor: bigint,
    ownerClass: CustodyBalance['ownerClass'] = 'client-segregated',
  ): CustodyBalance => ({ walletId, ownerClass, asset, custodyMinor });
  const read = (liabilities: Record<string, bigint>, custody: CustodyBalance[]) =>
    facts([], { books: { clientLiabilities: new Map(Object.entries(liabilities)), custody } });

  it('HK-6 given assets owed and held, then one result per asset in asset order, with its inputs leaving out empty custody accounts', () => {
    const results = segregation(
      read({ USDT: 5n, ETH: 3n }, [
        line('hot-1', 'USDT', 5n),
        line('hot-1', 'ETH', 3n),
        line('cold-1', 'ETH', 0n),
        line('hot-2', 'BTC', 2n),
      ]),
      HK,
    );
    expect(results.map((result) => [result.subject, result.verdict])).toEqual([
      ['BTC', 'pass'],
      ['ETH', 'pass'],
      ['USDT', 'pass'],
    ]);
    expect(results[1]).toEqual({
      ruleId: 'HK-6',
      subject: 'ETH',
      verdict: 'pass',
      policyVersion: 'HK-default-1',
      asOf,
      reason:
        'client ETH owed, 0.000000000000000003 ETH (3 minor units), is held in client-segregated wallets, which hold 0.000000000000000003 ETH (3 minor units)',
      inputs: {
        asset: 'ETH',
        clientLiabilityMinor: '3',
        custody: [
          { walletId: 'hot-1', ownerClass: 'client-segregated', asset: 'ETH', custodyMinor: '3' },
        ],
      },
      figures: {
        clientLiabilityMinor: '3',
        clientLiability: '0.000000000000000003',
        segregatedCustodyMinor: '3',
        segregatedCustody: '0.000000000000000003',
        shortfallMinor: '0',
        shortfall: '0.000000000000000000',
        houseShareInClientWalletsMinor: '0',
        houseShareInClientWallets: '0.000000000000000000',
      },
    });
    expect(results[0]?.figures).toEqual({
      clientLiabilityMinor: '0',
      clientLiability: '0.00000000',
      segregatedCustodyMinor: '2',
      segregatedCustody: '0.00000002',
      shortfallMinor: '0',
      shortfall: '0.00000000',
      houseShareInClientWalletsMinor: '2',
      houseShareInClientWallets: '0.00000002',
    });
  });

  it('HK-6 given a shortfall and nothing held elsewhere, then fail saying so without a list', () => {
    const [result] = segregation(read({ ETH: 10n }, [line('hot-1', 'ETH', 4n)]), HK);
    expect(result).toMatchObject({
      verdict: 'fail',
      reason:
        "client ETH owed 0.000000000000000010 ETH (10 minor units) but client-segregated wallets hold 0.000000000000000004 ETH (4 minor units) by the ledger's custody accounts: 0.000000000000000006 ETH (6 minor units) short",
      figures: { shortfallMinor: '6', houseShareInClientWalletsMinor: '0' },
    });
    const [elsewhere] = segregation(
      read({ ETH: 10n }, [
        line('hot-1', 'ETH', 4n),
        line('house-1', 'ETH', 3n, 'house'),
        line('house-2', 'ETH', 2n, 'house'),
      ]),
      HK,
    );
    expect(elsewhere?.reason).toBe(
      "client ETH owed 0.000000000000000010 ETH (10 minor units) but client-segregated wallets hold 0.000000000000000004 ETH (4 minor units) by the ledger's custody accounts: 0.000000000000000006 ETH (6 minor units) short; held elsewhere: house-1 (house) 0.000000000000000003 ETH (3 minor units), house-2 (house) 0.000000000000000002 ETH (2 minor units)",
    );
  });

  it('HK-6 given a shortfall held in house and unregistered wallets, then indeterminate naming only the unregistered ones', () => {
    const [result] = segregation(
      read({ ETH: 10n }, [
        line('hot-1', 'ETH', 4n),
        line('house-1', 'ETH', 3n, 'house'),
        line('new-1', 'ETH', 2n, 'unregistered'),
        line('new-2', 'ETH', 1n, 'unregistered'),
      ]),
      HK,
    );
    expect(result).toMatchObject({
      verdict: 'indeterminate',
      reason:
        'custody in wallets not registered here: new-1 0.000000000000000002 ETH (2 minor units), new-2 0.000000000000000001 ETH (1 minor units) (their registration not yet arrived)',
      figures: { shortfallMinor: '6', segregatedCustodyMinor: '4' },
    });
  });

  it('HK-6 given custody in an unregistered wallet but no shortfall, then pass: nothing owed is missing', () => {
    expect(
      segregation(
        read({ ETH: 4n }, [line('hot-1', 'ETH', 4n), line('new-1', 'ETH', 3n, 'unregistered')]),
        HK,
      )[0]?.verdict,
    ).toBe('pass');
  });

  it('HK-6 given a custody account below zero and no shortfall, then indeterminate naming every account below zero', () => {
    const [result] = segregation(
      read({ ETH: 4n }, [
        line('hot-1', 'ETH', 6n),
        line('hot-2', 'ETH', -1n),
        line('house-1', 'ETH', -2n, 'house'),
      ]),
      HK,
    );
    expect(result).toMatchObject({
      verdict: 'indeterminate',
      reason:
        'custody accounts below zero: hot-2 -0.000000000000000001 ETH (-1 minor units), house-1 -0.000000000000000002 ETH (-2 minor units) (journals not yet all arrived, or the books are wrong)',
    });
  });

  it('HK-6 given nothing owed but client wallets holding some, then pass showing the house share', () => {
    expect(segregation(read({}, [line('hot-1', 'ETH', 5n)]), HK)[0]).toMatchObject({
      verdict: 'pass',
      figures: { clientLiabilityMinor: '0', houseShareInClientWalletsMinor: '5' },
    });
  });
});

describe('evidence that shows what it proves: exact amounts in units, nothing rounded toward compliance (TW-4, HK-6)', () => {
  const USDT = 1_000_000n; // minor units per USDT (6 decimals)
  const covered = (walletId: string, asset: string, amountMinor: bigint) => ({
    exceptionId: `X-${walletId}-${asset}`,
    walletId,
    asset,
    amountMinor,
    purpose: 'trading-fees-held' as const,
  });

  it('TW-4 given house USDT at exactly 20% of 1,000,000 client USDT, then pass showing exactly 20.0000%, the amounts in USDT with all their decimals and nothing over the cap', () => {
    const [result] = twCommingling(
      facts([holding('hot-1', 'hot', 'USDT', 1_000_000n * USDT, 200_000n * USDT)], {
        exceptions: [covered('hot-1', 'USDT', 200_000n * USDT)],
      }),
      TW,
    );
    expect(result).toMatchObject({
      verdict: 'pass',
      reason: 'house assets in hot-1 are within TW-4',
    });
    expect(result?.figures).toEqual({
      houseShare: '20.0000%',
      clientValue: '1000000.00',
      houseValue: '200000.00',
      houseValueAllowed: '200000',
      houseValueOver: '0',
      'client.USDT': '1000000.000000',
      'house.USDT': '200000.000000',
    });
  });

  it('TW-4 given 200,000.000001 house USDT against 1,000,000 client USDT (one minor unit over 20%), then fail showing 20.0001% (rounded up, never the cap itself) and the excess of 0.000001 USDT', () => {
    const [result] = twCommingling(
      facts([holding('hot-1', 'hot', 'USDT', 1_000_000n * USDT, 200_000n * USDT + 1n)], {
        exceptions: [covered('hot-1', 'USDT', 200_000n * USDT + 1n)],
      }),
      TW,
    );
    expect(result).toMatchObject({
      verdict: 'fail',
      reason:
        'house assets are 20.0001% of the client assets in it by value (at most 20.0000%): 200000.000001 USD where the cap allows 200000, 0.000001 USD over (0.000001 USDT)',
    });
    expect(result?.figures).toEqual({
      houseShare: '20.0001%',
      clientValue: '1000000.00',
      houseValue: '200000.01', // rounded up: 200000.00 would hide the breach
      houseValueAllowed: '200000',
      houseValueOver: '0.000001',
      'client.USDT': '1000000.000000',
      'house.USDT': '200000.000001',
      'houseOver.USDT': '0.000001',
    });
  });

  it('TW-4 given a wallet over the cap by 2 USD, then the excess is named in each house asset in it, rounded up to its minor unit (2 ALT at 1, 1 BET at 3); an asset the house does not hold there is not named', () => {
    // client 50 ALT + 10 BET x 3 + 20 CET = 100; house 13 ALT + 3 BET x 3 = 22: 2 over the 20 allowed
    const [result] = twCommingling(
      plain(
        [
          holding('hot-1', 'hot', 'ALT', 50n, 13n),
          holding('hot-1', 'hot', 'BET', 10n, 3n),
          holding('hot-1', 'hot', 'CET', 20n),
        ],
        {
          prices: new Map([
            ['ALT', { asset: 'ALT', price: '1', observedAt: fresh }],
            ['BET', { asset: 'BET', price: '3', observedAt: fresh }],
            ['CET', { asset: 'CET', price: '1', observedAt: fresh }],
          ]),
          decimals: new Map([
            ['ALT', 0],
            ['BET', 0],
            ['CET', 0],
          ]),
          exceptions: [covered('hot-1', 'ALT', 13n), covered('hot-1', 'BET', 3n)],
        },
      ),
      TW,
    );
    expect(result?.reason).toBe(
      'house assets are 22.0000% of the client assets in it by value (at most 20.0000%): 22 USD where the cap allows 20, 2 USD over (2 ALT or 1 BET)',
    );
    expect(result?.figures).toEqual({
      houseShare: '22.0000%',
      clientValue: '100.00',
      houseValue: '22.00',
      houseValueAllowed: '20',
      houseValueOver: '2',
      'client.ALT': '50',
      'house.ALT': '13',
      'client.BET': '10',
      'house.BET': '3',
      'client.CET': '20',
      'house.CET': '0',
      'houseOver.ALT': '2',
      'houseOver.BET': '1',
    });
  });

  it('TW-4 given a house share a fraction of a basis point below the cap, then pass; the share shown rounded up may reach the cap, never pass it', () => {
    // house 1999999999999 / client 10000000000000 = 19.99999999999%: shown 20.0000%, and within
    const [result] = twCommingling(
      facts([holding('hot-1', 'hot', 'USDT', 10_000_000n * USDT, 2_000_000n * USDT - 1n)], {
        exceptions: [covered('hot-1', 'USDT', 2_000_000n * USDT - 1n)],
      }),
      TW,
    );
    expect(result).toMatchObject({
      verdict: 'pass',
      figures: { houseShare: '20.0000%', houseValue: '2000000.00', houseValueOver: '0' },
    });
  });

  it('HK-6 given 1,000,000 USDT owed and one minor unit of it in a house wallet, then fail showing every amount in USDT with all its decimals beside its minor units: 0.000001 USDT short', () => {
    const [result] = segregation(
      facts([], {
        books: {
          clientLiabilities: new Map([['USDT', 1_000_000n * USDT]]),
          custody: [
            {
              walletId: 'hot-1',
              ownerClass: 'client-segregated',
              asset: 'USDT',
              custodyMinor: 1_000_000n * USDT - 1n,
            },
            { walletId: 'house-1', ownerClass: 'house', asset: 'USDT', custodyMinor: 1n },
          ],
        },
      }),
      HK,
    );
    expect(result).toMatchObject({
      ruleId: 'HK-6',
      verdict: 'fail',
      reason:
        "client USDT owed 1000000.000000 USDT (1000000000000 minor units) but client-segregated wallets hold 999999.999999 USDT (999999999999 minor units) by the ledger's custody accounts: 0.000001 USDT (1 minor units) short; held elsewhere: house-1 (house) 0.000001 USDT (1 minor units)",
    });
    expect(result?.figures).toEqual({
      clientLiabilityMinor: '1000000000000',
      clientLiability: '1000000.000000',
      segregatedCustodyMinor: '999999999999',
      segregatedCustody: '999999.999999',
      shortfallMinor: '1',
      shortfall: '0.000001',
      houseShareInClientWalletsMinor: '0',
      houseShareInClientWallets: '0.000000',
    });
  });

  it('HK-6 given an asset the asset registry gives no decimals, then its amounts are in minor units only, saying so', () => {
    const [result] = segregation(
      facts([], {
        books: {
          clientLiabilities: new Map([['XYZ', 5n]]),
          custody: [
            { walletId: 'hot-1', ownerClass: 'client-segregated', asset: 'XYZ', custodyMinor: 5n },
          ],
        },
      }),
      HK,
    );
    expect(result).toMatchObject({
      verdict: 'pass',
      reason:
        'client XYZ owed, 5 minor units, is held in client-segregated wallets, which hold 5 minor units',
    });
    expect(result?.figures).toEqual({
      clientLiabilityMinor: '5',
      segregatedCustodyMinor: '5',
      shortfallMinor: '0',
      houseShareInClientWalletsMinor: '0',
    });
  });
});
