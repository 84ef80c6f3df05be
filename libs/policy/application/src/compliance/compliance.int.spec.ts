import { randomUUID } from 'node:crypto';
import {
  EXCHANGE_PRICES_TOPIC,
  LEDGER_EVENTS_TOPIC,
  WALLET_EVENTS_TOPIC,
} from '@custody/contracts';
import { createTestDatabase, eventually, type TestDatabase } from '@custody/testing';
import type { ComposedPolicy } from '../testing/compose-policy';
import {
  complianceMessages,
  envelope,
  startPolicyService,
  TestClock,
  WAIT_MS,
  type PolicyService,
} from './compliance-messages.fixture';
import type { ComplianceStatus } from './compliance-status';

const ETH = 10n ** 18n;

/**
 * The policy service over real PostgreSQL and the in-process bus (the same ports as Kafka): wallet
 * movements and prices arrive as published messages, the rules run after each batch, and each
 * breach is detected once, relayed to custody.policy.events.v1, and resolved when the facts mend.
 */
describe('policy service: continuous compliance from wallet movements and prices (PostgreSQL)', () => {
  let db: TestDatabase;
  let policy: ComposedPolicy;
  let service: PolicyService;
  let publish: PolicyService['publish'];
  const clock = new TestClock();
  const published: { type: string; data: Record<string, unknown> }[] = [];
  const at = () => clock.now().toISOString();
  const { wallet, deposit, transfer, price, journal, custody, alice } = complianceMessages(at);
  /** The live status at moments of this run, each rebuilt from history at the end. */
  const snapshots: ComplianceStatus[] = [];
  const capture = async () => {
    snapshots.push(await policy.compliance.status());
    clock.advance(1_000); // the world moves on after each look
  };
  const breaches = () =>
    published
      .filter((event) => event.type.startsWith('ComplianceBreach'))
      .map((event) => [event.type, event.data['ruleId'], event.data['subject']]);

  beforeAll(async () => {
    db = await createTestDatabase();
    service = await startPolicyService({
      db,
      now: clock.now,
      published,
      insurance: [
        {
          policyId: 'P-1',
          insurer: 'Custody Mutual',
          limit: '200000',
          expiresAt: '2027-06-30T00:00:00.000Z',
        },
      ],
      tier1Capital: '5000000',
    });
    ({ policy, publish } = service);
  });
  afterAll(async () => {
    await service?.stop();
    await db?.drop();
  });

  it('HK-11g given client ETH all in a hot wallet, then one breach is detected and relayed with its evidence, however many events re-run the rule', async () => {
    await publish(
      WALLET_EVENTS_TOPIC,
      wallet('c1', 'cold', 'client-segregated'),
      wallet('h1', 'hot', 'client-segregated'),
      wallet('house1', 'hot', 'house'),
    );
    await publish(EXCHANGE_PRICES_TOPIC, price('3000'));
    await publish(WALLET_EVENTS_TOPIC, deposit('D-1', 'h1', 60n * ETH));
    clock.advance(60_000);
    await publish(WALLET_EVENTS_TOPIC, deposit('D-2', 'h1', 40n * ETH));
    // HK-11j: 100 ETH hot at 3,000 needs 300,000 of cover, 200,000 is in force (60 ETH needed 180,000: it passed then)
    await eventually(() => breaches().length >= 3, WAIT_MS);
    const detected = published.find(
      (event) => event.type === 'ComplianceBreachDetected' && event.data['ruleId'] === 'HK-11g',
    );
    // detected at the first deposit, with the move that would have mended it then (98% of 60 ETH)
    expect(detected?.data).toMatchObject({
      subject: 'ETH',
      evidence: {
        verdict: 'fail',
        policyVersion: 'HK+TW-default-1',
        figures: { coldShare: '0.0000%' },
        rebalancing: [
          { direction: 'hot-to-cold', amountMinor: ((60n * ETH * 98n) / 100n).toString() },
        ],
      },
    });
    expect(
      breaches()
        .map(([type, ruleId]) => `${String(type)} ${String(ruleId)}`)
        .sort(),
    ).toEqual([
      'ComplianceBreachDetected HK-11g',
      'ComplianceBreachDetected HK-11j',
      'ComplianceBreachDetected TW-3',
    ]); // two deposits: each breach once
    await capture();
  });

  it('HK-11g / TW-3 given 99 ETH moved hot-to-cold, then both breaches resolve; the status then and in the past tell them apart', async () => {
    const duringBreach = at();
    clock.advance(60_000);
    await publish(WALLET_EVENTS_TOPIC, transfer('T-1', 'h1', 'c1', 99n * ETH));
    await eventually(
      () => breaches().filter(([type]) => type === 'ComplianceBreachResolved').length === 3,
      WAIT_MS,
    );
    const status = await policy.compliance.status();
    expect(status.openBreaches).toEqual([]);
    expect(status.results.find((result) => result.ruleId === 'HK-11g')).toMatchObject({
      verdict: 'pass',
      figures: { coldShare: '99.0000%' },
    });
    expect(status.results.find((result) => result.ruleId === 'HK-11j')).toMatchObject({
      verdict: 'pass',
      figures: { required: '151500.00' },
    }); // 50% of 297,000 + 100% of 3,000
    expect(
      (await policy.evaluation.breachesAt(duringBreach)).map((breach) => breach.ruleId).sort(),
    ).toEqual(['HK-11g', 'HK-11j', 'TW-3']);
    await capture();
  });

  it('TW-4 given house ETH placed in the client hot wallet by a recorded exception above 20% of the client ETH there, then a breach; a house wallet cannot take an exception', async () => {
    clock.advance(60_000);
    const recorded = await policy.commingling.handle({
      exceptionId: 'X-1',
      walletId: 'h1',
      asset: 'ETH',
      amountMinor: ETH / 2n,
      purpose: 'settlement-prefunding',
      reason: "pre-fund today's withdrawals",
      by: 'treasury-1',
    });
    expect(recorded.ok).toBe(true);
    const refused = await policy.commingling.handle({
      exceptionId: 'X-2',
      walletId: 'house1',
      asset: 'ETH',
      amountMinor: 1n,
      purpose: 'network-fee',
      reason: 'gas',
      by: 'treasury-1',
    });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'COMMINGLING_WALLET_NOT_CLIENT', path: 'walletId' },
    });
    await eventually(() => breaches().some(([, ruleId]) => ruleId === 'TW-4'), WAIT_MS);
    expect(published.find((event) => event.data['ruleId'] === 'TW-4')?.data).toMatchObject({
      subject: 'h1',
      evidence: { figures: { houseShare: '50.0000%' } },
    });
    await capture();
  });

  it("BC-1..BC-4 the capital report values the house share as own holdings (unclassified: 2b), claims no status and gives no risk-weighted figure while a house wallet's balance is unobserved, and says segregation is in doubt while TW-4 is breached", async () => {
    const report = await policy.capital.report();
    if (report === undefined) throw new Error('Tier 1 is configured here');
    expect(report.exposures).toEqual([
      {
        asset: 'ETH',
        group: '2b',
        classified: false,
        amountMinor: (ETH / 2n).toString(),
        value: '1500.00',
      },
    ]);
    expect(report).toMatchObject({
      group2Status: 'indeterminate',
      riskWeightedAssets: null,
      riskWeightedAssetLines: null,
      clientCustody: { segregation: 'in doubt' },
    });
    expect(report.valuationGaps).toEqual([expect.stringMatching(/house wallet house1/)]);
    expect(report.clientCustody.statement).toMatch(/TW-4 h1 /);
  });

  it('given a policy version approved by a second person, then the next evaluation uses it and names it; its stricter threshold opens a breach', async () => {
    const thresholds = {
      ...(await policy.profiles.profile()).profile.thresholds,
      hkColdQuantityMin: '0.995',
    };
    const proposed = await policy.govern.handle({
      type: 'ProposePolicyVersion',
      profile: { version: 'HK+TW-2026.2', jurisdictions: ['HK', 'TW'], thresholds },
      reason: 'board: 99.5% cold',
      by: 'compliance-1',
      at: at(),
    });
    expect(proposed.ok).toBe(true);
    expect(
      await policy.govern.handle({
        type: 'DecidePolicyVersion',
        version: 'HK+TW-2026.2',
        decision: 'approve',
        reason: 'mine',
        by: 'compliance-1',
        at: at(),
      }),
    ).toMatchObject({ ok: false, error: { code: 'MAKER_CHECKER_SAME_PERSON' } });
    expect(
      (
        await policy.govern.handle({
          type: 'DecidePolicyVersion',
          version: 'HK+TW-2026.2',
          decision: 'approve',
          reason: 'matches the resolution',
          by: 'compliance-2',
          at: at(),
        })
      ).ok,
    ).toBe(true);
    clock.advance(60_000);
    await publish(EXCHANGE_PRICES_TOPIC, price('3010')); // any relevant event re-runs the rules
    await eventually(
      () =>
        published.some(
          (event) =>
            event.type === 'ComplianceBreachDetected' &&
            event.data['ruleId'] === 'HK-11g' &&
            (event.data['evidence'] as { policyVersion: string }).policyVersion === 'HK+TW-2026.2',
        ),
      WAIT_MS,
    );
    await capture();
  });

  it('a price older than the staleness limit makes the value rules indeterminate, and an indeterminate rule neither opens nor closes a breach', async () => {
    clock.advance(60 * 60_000); // the last ETH price is now an hour old
    const status = await policy.compliance.status();
    expect(status.results.find((result) => result.ruleId === 'HK-11j')?.verdict).toBe(
      'indeterminate',
    );
    const before = (await policy.store.readStream('policy-breaches')).length;
    const { results } = await policy.store.withTransaction((transaction) =>
      policy.evaluation.evaluateAndRecord(at(), transaction),
    );
    expect(
      results
        .filter((result) => result.verdict === 'indeterminate')
        .map((result) => result.ruleId)
        .sort(),
    ).toEqual(['HK-11j', 'TW-4']);
    expect((await policy.evaluation.openBreaches()).has('TW-4/h1')).toBe(true); // open before, indeterminate now: still open
    expect(results.find((result) => result.ruleId === 'TW-3')?.verdict).toBe('pass'); // by quantity: no price needed
    await policy.store.withTransaction((transaction) =>
      policy.evaluation.evaluateAndRecord(at(), transaction),
    );
    expect((await policy.store.readStream('policy-breaches')).length).toBe(before); // nothing new recorded
    await capture();
  });

  it("a price observed ahead of this service's clock is refused at the door (parked, not stored): it cannot shadow the correct prices after it", async () => {
    const before = (await policy.factsLoader.facts(at())).prices.get('ETH');
    const future = {
      ...price('1'),
      data: { ...price('1').data, observedAt: '2099-01-01T00:00:00.000Z' },
    };
    await publish(EXCHANGE_PRICES_TOPIC, future);
    await publish(EXCHANGE_PRICES_TOPIC, price('3050'));
    await eventually(
      async () => (await policy.factsLoader.facts(at())).prices.get('ETH')?.price === '3050',
      WAIT_MS,
    );
    expect(before?.price).toBe('3010');
  });

  it("HK-6 given the ledger's journals, a client deposit counted once however many copies arrive, then custody moved to a house wallet opens a segregation breach naming the shortfall; moved back, it resolves", async () => {
    clock.advance(60_000);
    const credited = journal(
      'deposit:D-9',
      'deposit',
      'ledger-client-alice',
      custody('c1'),
      alice,
      5n * ETH,
    );
    await publish(LEDGER_EVENTS_TOPIC, credited, {
      ...credited,
      eventId: randomUUID(),
      streamId: 'ledger-client-alice-copy',
    }); // a journal is published once per client it touches
    await eventually(
      async () =>
        (await policy.compliance.status()).results.some((result) => result.ruleId === 'HK-6'),
      WAIT_MS,
    );
    expect(
      (await policy.compliance.status()).results.find((result) => result.ruleId === 'HK-6'),
    ).toMatchObject({
      verdict: 'pass',
      figures: {
        clientLiabilityMinor: (5n * ETH).toString(),
        segregatedCustodyMinor: (5n * ETH).toString(),
      },
    });
    await capture();
    await publish(
      LEDGER_EVENTS_TOPIC,
      journal(
        'custody-transfer:T-9',
        'custody-transfer',
        'ledger-house-books',
        custody('house1'),
        custody('c1'),
        2n * ETH,
      ),
    );
    await eventually(
      () =>
        breaches().some(
          ([type, ruleId]) => type === 'ComplianceBreachDetected' && ruleId === 'HK-6',
        ),
      WAIT_MS,
    );
    expect(published.find((event) => event.data['ruleId'] === 'HK-6')?.data).toMatchObject({
      subject: 'ETH',
      evidence: {
        verdict: 'fail',
        figures: { shortfallMinor: (2n * ETH).toString() },
        reason: expect.stringMatching(/held elsewhere: house1 \(house\)/),
      },
    });
    expect((await policy.capital.report())?.clientCustody.statement).toMatch(/HK-6 ETH since/);
    await capture();
    clock.advance(60_000);
    await publish(
      LEDGER_EVENTS_TOPIC,
      journal(
        'custody-transfer:T-10',
        'custody-transfer',
        'ledger-house-books',
        custody('c1'),
        custody('house1'),
        2n * ETH,
      ),
    );
    await eventually(
      () =>
        breaches().some(
          ([type, ruleId]) => type === 'ComplianceBreachResolved' && ruleId === 'HK-6',
        ),
      WAIT_MS,
    );
    await capture();
  });

  it('the compliance status as of each moment captured live during this run is rebuilt from history, equal in every rule, figure, policy version and open breach', async () => {
    expect(snapshots.length).toBe(8);
    for (const live of snapshots) expect(await policy.compliance.statusAt(live.asOf)).toEqual(live);
    // and it is history, not now: the first moment had neither the approved version nor HK-6
    const first = await policy.compliance.statusAt(snapshots[0]?.asOf ?? '');
    expect(first.policyVersion).toBe('HK+TW-default-1');
    expect(first.results.some((result) => result.ruleId === 'HK-6')).toBe(false);
  });

  it("BC-1 given a deposit into the house wallet confirmed and published (HouseDepositConfirmed), then its balance is observed: the gap goes and the capital report holds the wallet's deposit as the house's own", async () => {
    await publish(
      WALLET_EVENTS_TOPIC,
      envelope('HouseDepositConfirmed', 'wallet-deposit-HD-1', at(), {
        depositId: 'HD-1',
        walletId: 'house1',
        asset: 'ETH',
        amountMinor: (10n * ETH).toString(),
        chain: 'ethereum',
        transactionHash: `0x${'ef'.repeat(32)}`,
        confirmations: 2,
        confirmedAt: at(),
      }),
    );
    await eventually(
      async () =>
        (await policy.capital.report())?.ownHoldings.some(
          (holding) => holding.walletId === 'house1',
        ) === true,
      WAIT_MS,
    );
    const report = await policy.capital.report();
    expect(report?.ownHoldings).toContainEqual({
      walletId: 'house1',
      ownerClass: 'house',
      asset: 'ETH',
      amountMinor: (10n * ETH).toString(),
    });
    expect(report?.valuationGaps.filter((gap) => gap.includes('house1'))).toEqual([]);
  });
});
