import {
  EXCHANGE_PRICES_TOPIC,
  LEDGER_EVENTS_TOPIC,
  WALLET_EVENTS_TOPIC,
} from '@custody/contracts';
import { createTestDatabase, eventually, type TestDatabase } from '@custody/testing';
import type { ComposedPolicy } from '../testing/compose-policy';
import {
  complianceMessages,
  startPolicyService,
  TestClock,
  WAIT_MS,
  type PolicyService,
} from './compliance-messages.fixture';

const USDT = 1_000_000n; // minor units per USDT: the asset registry's 6 decimals

/**
 * Issue 25 (evidence that shows what it proves), through the policy service over real PostgreSQL
 * and the in-process bus: the evidence of a TW-4 breach by one minor unit shows the breach (the
 * share rounded up, the excess in USDT), and HK-6's evidence shows amounts in USDT beside the
 * minor units, as evaluated and as relayed on custody.policy.events.v1.
 */
describe('policy service: evidence in asset units, never rounded toward compliance (TW-4, HK-6; PostgreSQL)', () => {
  let db: TestDatabase;
  let policy: ComposedPolicy;
  let service: PolicyService;
  let publish: PolicyService['publish'];
  const clock = new TestClock();
  const published: { type: string; data: Record<string, unknown> }[] = [];
  const at = () => clock.now().toISOString();
  const { wallet, price, deposit, journal, custody, alice } = complianceMessages(at, 'USDT');
  const tw4 = async () =>
    (await policy.compliance.status()).results.find(
      (result) => result.ruleId === 'TW-4' && result.subject === 'h1',
    );
  const detected = (ruleId: string) =>
    published.find(
      (event) => event.type === 'ComplianceBreachDetected' && event.data['ruleId'] === ruleId,
    )?.data;

  beforeAll(async () => {
    db = await createTestDatabase();
    service = await startPolicyService({ db, now: clock.now, published, insurance: [] });
    ({ policy, publish } = service);
  });
  afterAll(async () => {
    await service?.stop();
    await db?.drop();
  });

  it('TW-4 given house USDT at exactly 20% of 1,000,000 client USDT in a hot wallet, then pass showing 20.0000%; one minor unit more, then a breach whose relayed evidence shows 20.0001% and the excess of 0.000001 USDT', async () => {
    await publish(
      WALLET_EVENTS_TOPIC,
      wallet('h1', 'hot', 'client-segregated'),
      wallet('house1', 'hot', 'house'),
    );
    await publish(EXCHANGE_PRICES_TOPIC, price('1'));
    await publish(WALLET_EVENTS_TOPIC, deposit('D-1', 'h1', 1_000_000n * USDT));
    const place = (exceptionId: string, amountMinor: bigint) =>
      policy.commingling.handle({
        exceptionId,
        walletId: 'h1',
        asset: 'USDT',
        amountMinor,
        purpose: 'settlement-prefunding',
        reason: "pre-fund today's withdrawals",
        by: 'treasury-1',
      });
    await eventually(
      async () =>
        (await policy.factsLoader.facts(at())).holdings.some(
          (holding) => holding.walletId === 'h1' && holding.clientMinor === 1_000_000n * USDT,
        ),
      WAIT_MS,
    );
    expect((await place('X-1', 200_000n * USDT)).ok).toBe(true);
    expect(await tw4()).toMatchObject({
      verdict: 'pass',
      figures: {
        houseShare: '20.0000%',
        houseValueAllowed: '200000',
        houseValueOver: '0',
        'client.USDT': '1000000.000000',
        'house.USDT': '200000.000000',
      },
    });

    clock.advance(60_000);
    expect((await place('X-2', 1n)).ok).toBe(true);
    await eventually(() => detected('TW-4') !== undefined, WAIT_MS);
    const evidence = {
      verdict: 'fail',
      reason:
        'house assets are 20.0001% of the client assets in it by value (at most 20.0000%): 200000.000001 USD where the cap allows 200000, 0.000001 USD over (0.000001 USDT)',
      figures: {
        houseShare: '20.0001%',
        clientValue: '1000000.00',
        houseValue: '200000.01',
        houseValueAllowed: '200000',
        houseValueOver: '0.000001',
        'client.USDT': '1000000.000000',
        'house.USDT': '200000.000001',
        'houseOver.USDT': '0.000001',
      },
    };
    expect(detected('TW-4')).toMatchObject({ subject: 'h1', evidence });
    expect(await tw4()).toMatchObject(evidence);
  });

  it("HK-6 given 1,000,000 USDT owed to alice by the ledger's journals and one minor unit of its custody moved to a house wallet, then the breach's evidence shows each amount in USDT beside its minor units: 0.000001 USDT short", async () => {
    clock.advance(60_000);
    await publish(
      LEDGER_EVENTS_TOPIC,
      journal(
        'deposit:D-1',
        'deposit',
        'ledger-client-alice',
        custody('h1'),
        alice,
        1_000_000n * USDT,
      ),
    );
    await eventually(
      async () =>
        (await policy.compliance.status()).results.some(
          (result) => result.ruleId === 'HK-6' && result.verdict === 'pass',
        ),
      WAIT_MS,
    );
    expect(
      (await policy.compliance.status()).results.find((result) => result.ruleId === 'HK-6'),
    ).toMatchObject({
      subject: 'USDT',
      reason:
        'client USDT owed, 1000000.000000 USDT (1000000000000 minor units), is held in client-segregated wallets, which hold 1000000.000000 USDT (1000000000000 minor units)',
    });
    clock.advance(60_000);
    await publish(
      LEDGER_EVENTS_TOPIC,
      journal(
        'custody-transfer:T-1',
        'custody-transfer',
        'ledger-house-books',
        custody('house1'),
        custody('h1'),
        1n,
      ),
    );
    await eventually(() => detected('HK-6') !== undefined, WAIT_MS);
    expect(detected('HK-6')).toMatchObject({
      subject: 'USDT',
      evidence: {
        verdict: 'fail',
        reason:
          "client USDT owed 1000000.000000 USDT (1000000000000 minor units) but client-segregated wallets hold 999999.999999 USDT (999999999999 minor units) by the ledger's custody accounts: 0.000001 USDT (1 minor units) short; held elsewhere: house1 (house) 0.000001 USDT (1 minor units)",
        figures: {
          clientLiabilityMinor: '1000000000000',
          clientLiability: '1000000.000000',
          segregatedCustodyMinor: '999999999999',
          segregatedCustody: '999999.999999',
          shortfallMinor: '1',
          shortfall: '0.000001',
          houseShareInClientWalletsMinor: '0',
          houseShareInClientWallets: '0.000000',
        },
      },
    });
  });
});
