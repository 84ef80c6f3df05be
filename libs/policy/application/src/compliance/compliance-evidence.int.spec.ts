import {
  DEFAULT_ASSET_REGISTRY,
  EXCHANGE_PRICES_TOPIC,
  LEDGER_EVENTS_TOPIC,
  POLICY_EVENTS_TOPIC,
  WALLET_EVENTS_TOPIC,
} from '@custody/contracts';
import { PostgresEventStore } from '@custody/event-store';
import { InboxConsumer, InProcessMessageBus, OutboxRelay } from '@custody/messaging';
import { createTestDatabase, eventually, type TestDatabase } from '@custody/testing';
import { POLICY_CONSUMED_TOPICS } from '../messages/policy-messages';
import { composePolicy, type ComposedPolicy } from '../testing/compose-policy';
import { envelope, TestClock } from './compliance-messages.fixture';

const WAIT_MS = 20_000;
const USDT = 1_000_000n; // minor units per USDT: the asset registry's 6 decimals
const decimals = new Map(
  Object.entries(DEFAULT_ASSET_REGISTRY as Record<string, { decimals: number }>).map(
    ([asset, { decimals: places }]) => [asset, places],
  ),
);

/**
 * Issue 25 (evidence that shows what it proves), through the policy service over real PostgreSQL
 * and the in-process bus: the evidence of a TW-4 breach by one minor unit shows the breach (the
 * share rounded up, the excess in USDT), and HK-6's evidence shows amounts in USDT beside the
 * minor units, as evaluated and as relayed on custody.policy.events.v1.
 */
describe('policy service: evidence in asset units, never rounded toward compliance (TW-4, HK-6; PostgreSQL)', () => {
  let db: TestDatabase;
  let policy: ComposedPolicy;
  let bus: InProcessMessageBus;
  const clock = new TestClock();
  const running: { stop(): Promise<void> }[] = [];
  const published: { type: string; data: Record<string, unknown> }[] = [];
  const at = () => clock.now().toISOString();
  const publish = async (topic: string, ...messages: ReturnType<typeof envelope>[]) => {
    await bus.publisher.publish(
      topic,
      messages.map((message) => ({ key: message.streamId, value: JSON.stringify(message) })),
    );
  };
  const wallet = (walletId: string, ownerClass: 'client-segregated' | 'house') =>
    envelope('WalletRegistered', `wallet-${walletId}`, at(), {
      walletId,
      tier: 'hot',
      ownerClass,
      chain: 'ethereum',
      assets: ['USDT'],
      address: `0x${'0'.repeat(38)}${walletId.length.toString(16).padStart(2, '0')}`,
      key: {
        keyId: `${walletId}.k1`,
        location: { site: 'HK-DC1', jurisdiction: 'HK' },
        backups: [{ site: 'HK-VAULT2', jurisdiction: 'HK' }],
        rotationDueAt: '2027-11-24T00:00:00.000Z',
      },
      quorum: { required: 2, spanDepartmentsOrSites: false, approvalTtlMs: 600_000 },
      confirmationsRequired: 2,
      registeredBy: 'admin-1',
      at: at(),
    });
  type Account =
    | { kind: 'client'; clientId: string; asset: string }
    | { kind: 'custody'; walletId: string; asset: string };
  const custody = (walletId: string): Account => ({ kind: 'custody', walletId, asset: 'USDT' });
  const journal = (
    journalId: string,
    kind: string,
    streamId: string,
    debit: Account,
    credit: Account,
    amountMinor: bigint,
  ) =>
    envelope('JournalPosted', streamId, at(), {
      journalId,
      kind,
      sourceReference: journalId.split(':')[1] ?? journalId,
      fingerprint: `fp-${journalId}`,
      entries: [
        { account: debit, side: 'debit', amountMinor: amountMinor.toString() },
        { account: credit, side: 'credit', amountMinor: amountMinor.toString() },
      ],
      at: at(),
    });
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
    const store = new PostgresEventStore({ pool: db.pool, schema: 'policy' });
    await store.migrate();
    policy = composePolicy({
      store,
      jurisdictions: ['HK', 'TW'],
      reportCurrency: 'USD',
      decimals,
      insurance: [],
      now: clock.now,
    });
    await policy.migrate();
    bus = new InProcessMessageBus();
    const consumer = new InboxConsumer({
      bus,
      groupId: 'policy',
      topics: [...POLICY_CONSUMED_TOPICS],
      pool: db.pool,
      schema: 'policy',
      apply: policy.applyMessages,
    });
    await consumer.migrate();
    await consumer.start();
    const relay = new OutboxRelay(store, {
      topic: POLICY_EVENTS_TOPIC,
      publisher: bus.publisher,
      pollIntervalMs: 20,
    });
    relay.start();
    const reader = bus.subscriber('policy-events-reader', [POLICY_EVENTS_TOPIC]);
    await reader.start(async (batch) => {
      for (const message of batch.messages)
        published.push(
          JSON.parse(message.value.toString()) as { type: string; data: Record<string, unknown> },
        );
    });
    running.push(reader, relay, consumer);
  });
  afterAll(async () => {
    for (const part of running) await part.stop();
    await db?.drop();
  });

  it('TW-4 given house USDT at exactly 20% of 1,000,000 client USDT in a hot wallet, then pass showing 20.0000%; one minor unit more, then a breach whose relayed evidence shows 20.0001% and the excess of 0.000001 USDT', async () => {
    await publish(
      WALLET_EVENTS_TOPIC,
      wallet('h1', 'client-segregated'),
      wallet('house1', 'house'),
    );
    await publish(
      EXCHANGE_PRICES_TOPIC,
      envelope('PriceObserved', 'price-USDT-USD', at(), {
        asset: 'USDT',
        quoteCurrency: 'USD',
        price: '1',
        observedAt: at(),
        source: 'exchange-mid',
      }),
    );
    await publish(
      WALLET_EVENTS_TOPIC,
      envelope('DepositConfirmed', 'wallet-deposit-D-1', at(), {
        depositId: 'D-1',
        clientId: 'alice',
        asset: 'USDT',
        amountMinor: (1_000_000n * USDT).toString(),
        walletId: 'h1',
        chain: 'ethereum',
        transactionHash: `0x${'ab'.repeat(32)}`,
        confirmations: 2,
        confirmedAt: at(),
      }),
    );
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
    const alice: Account = { kind: 'client', clientId: 'alice', asset: 'USDT' };
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
