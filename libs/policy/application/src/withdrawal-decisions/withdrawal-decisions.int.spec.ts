import { randomUUID } from 'node:crypto';
import {
  DEFAULT_ASSET_REGISTRY,
  LEDGER_EVENTS_TOPIC,
  WALLET_EVENTS_TOPIC,
} from '@custody/contracts';
import { PostgresEventStore } from '@custody/event-store';
import { InboxConsumer, InProcessMessageBus } from '@custody/messaging';
import { createTestDatabase, eventually, type TestDatabase } from '@custody/testing';
import { POLICY_CONSUMED_TOPICS } from '../messages/policy-messages';
import { composePolicy, type ComposedPolicy } from '../testing/compose-policy';

const WAIT_MS = 20_000;
const decimals = new Map(
  Object.entries(DEFAULT_ASSET_REGISTRY as Record<string, { decimals: number }>).map(
    ([asset, { decimals: places }]) => [asset, places],
  ),
);

function envelope(type: string, streamId: string, data: Record<string, unknown>) {
  const eventId = randomUUID();
  return {
    eventId,
    type,
    schemaVersion: 1,
    streamId,
    streamVersion: '1',
    occurredAt: '2026-11-24T09:00:00.000Z',
    causationId: null,
    correlationId: eventId,
    data,
  };
}

/**
 * The withdrawal decisions the wallet asks the policy service for, over real PostgreSQL: the
 * client's balance comes from the ledger's journals the service consumed, what it allowed is
 * spent until the ledger settles it or the wallet reports it failed, the daily limit counts the
 * day's allowed withdrawals, and each decision is recorded once with its policy version.
 */
describe("policy service: withdrawal decisions from the ledger's books (PostgreSQL)", () => {
  let db: TestDatabase;
  let policy: ComposedPolicy;
  let bus: InProcessMessageBus;
  let consumer: InboxConsumer;
  let instant = Date.parse('2026-11-24T09:00:00.000Z');
  const publish = (topic: string, message: ReturnType<typeof envelope>) =>
    bus.publisher.publish(topic, [{ key: message.streamId, value: JSON.stringify(message) }]);
  const journal = (journalId: string, kind: 'deposit' | 'withdrawal', amountMinor: bigint) =>
    envelope('JournalPosted', 'ledger-client-alice', {
      journalId,
      kind,
      sourceReference: journalId.split(':')[1],
      fingerprint: `fp-${journalId}`,
      entries: [
        {
          account: {
            kind: kind === 'deposit' ? 'custody' : 'client',
            ...(kind === 'deposit' ? { walletId: 'hot-1' } : { clientId: 'alice' }),
            asset: 'ETH',
          },
          side: 'debit',
          amountMinor: amountMinor.toString(),
        },
        {
          account: {
            kind: kind === 'deposit' ? 'client' : 'custody',
            ...(kind === 'deposit' ? { clientId: 'alice' } : { walletId: 'hot-1' }),
            asset: 'ETH',
          },
          side: 'credit',
          amountMinor: amountMinor.toString(),
        },
      ],
      at: new Date(instant).toISOString(),
    });
  const ask = (
    withdrawalId: string,
    amountMinor: bigint,
    destinationAllowListed = true,
    requestedBy = 'wallet-service',
  ) =>
    policy.decideWithdrawal.handle(
      { withdrawalId, clientId: 'alice', asset: 'ETH', amountMinor, destinationAllowListed },
      requestedBy,
    );
  const verdictOf = async (
    withdrawalId: string,
    amountMinor: bigint,
    destinationAllowListed = true,
  ) => {
    const decided = await ask(withdrawalId, amountMinor, destinationAllowListed);
    if (!decided.ok || decided.state === undefined)
      throw new Error(`no decision for ${withdrawalId}`);
    return decided.state;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const store = new PostgresEventStore({ pool: db.pool, schema: 'policy' });
    await store.migrate();
    policy = composePolicy({
      store,
      jurisdictions: ['HK'],
      reportCurrency: 'USD',
      decimals,
      insurance: [],
      withdrawalLimits: {
        dailyPerClientMinor: new Map([['ETH', 1_000n]]),
        quorumTiers: [{ asset: 'ETH', aboveMinor: 500n, quorum: 3 }],
        baseQuorum: 2,
      },
      now: () => new Date(instant),
    });
    await policy.migrate();
    bus = new InProcessMessageBus();
    consumer = new InboxConsumer({
      bus,
      groupId: 'policy',
      topics: [...POLICY_CONSUMED_TOPICS],
      pool: db.pool,
      schema: 'policy',
      apply: policy.applyMessages,
    });
    await consumer.migrate();
    await consumer.start();
  });
  afterAll(async () => {
    await consumer?.stop();
    await db?.drop();
  });

  it("HK-7 given no balance in the ledger's books, then refused; given a deposit journal of 800, then 600 is allowed with the quorum of its tier and the policy version named", async () => {
    expect(await verdictOf('W-0', 1n)).toMatchObject({
      allowed: false,
      reason: 'HK-7 available balance: 0 available, 1 asked',
      availableMinor: 0n,
    });
    await publish(LEDGER_EVENTS_TOPIC, journal('deposit:D-1', 'deposit', 800n));
    await eventually(
      async () =>
        (
          await policy.factsLoader.facts(new Date(instant).toISOString())
        ).books?.clientLiabilities.get('ETH') === 800n,
      WAIT_MS,
    );
    expect(await verdictOf('W-1', 600n)).toMatchObject({
      allowed: true,
      quorumRequired: 3,
      policyVersion: 'HK-default-1',
      availableMinor: 800n,
      withdrawnTodayMinor: 0n,
    });
  });

  it('HK-7 what was allowed and not yet settled is spent: 201 more is refused, 200 is allowed; asked again, the decision stands and nothing new is recorded', async () => {
    expect(await verdictOf('W-2', 201n)).toMatchObject({ allowed: false, availableMinor: 200n });
    expect(await verdictOf('W-3', 200n)).toMatchObject({
      allowed: true,
      quorumRequired: 2,
      availableMinor: 200n,
      withdrawnTodayMinor: 600n,
    });
    const before = (await policy.store.readStream('policy-withdrawal-W-3')).length;
    expect(await ask('W-3', 200n)).toMatchObject({ ok: true, events: [] });
    expect(await ask('W-3', 199n)).toMatchObject({
      ok: false,
      error: { code: 'WITHDRAWAL_DECISION_CONFLICT', path: 'withdrawalId' },
    });
    expect((await policy.store.readStream('policy-withdrawal-W-3')).length).toBe(before);
  });

  it('issue 22: the decision is recorded with the authenticated caller who asked for it (data.requestedBy and the actor), not as the policy service; asked again by another, the first stands', async () => {
    await ask('W-caller', 1n, true, 'wallet-service-replica-2');
    const [recorded, ...rest] = await policy.store.readStream('policy-withdrawal-W-caller');
    expect(rest).toEqual([]);
    expect(recorded?.data).toMatchObject({
      withdrawalId: 'W-caller',
      requestedBy: 'wallet-service-replica-2',
    });
    expect(recorded?.metadata).toMatchObject({ actor: 'wallet-service-replica-2' });
    expect(await ask('W-caller', 1n, true, 'someone-else')).toMatchObject({
      ok: true,
      events: [],
      state: { requestedBy: 'wallet-service-replica-2' },
    });
  });

  it("HK-11h a destination the wallet found off the client's allow-list is refused whatever the balance", async () => {
    expect(await verdictOf('W-4', 1n, false)).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/^HK-11h allow-listed destination/),
    });
  });

  it("given W-1 settled by the ledger and W-3 failed in the wallet, then the balance is the books' and the day's total is W-1 alone; the daily limit then refuses 401 and allows 400", async () => {
    await publish(LEDGER_EVENTS_TOPIC, journal('withdrawal:W-1', 'withdrawal', 600n));
    await publish(
      WALLET_EVENTS_TOPIC,
      envelope('WithdrawalFailed', 'wallet-withdrawal-W-3', {
        withdrawalId: 'W-3',
        clientId: 'alice',
        reason: 'broadcast-failed',
        failedAt: new Date(instant).toISOString(),
      }),
    );
    await publish(LEDGER_EVENTS_TOPIC, journal('deposit:D-2', 'deposit', 10_000n));
    await eventually(
      async () =>
        (
          await policy.factsLoader.facts(new Date(instant).toISOString())
        ).books?.clientLiabilities.get('ETH') === 10_200n,
      WAIT_MS,
    );
    await eventually(
      async () =>
        (
          await db.pool.query(
            `select state from policy.policy_withdrawal_decisions where withdrawal_id = 'W-3'`,
          )
        ).rows[0]?.state === 'released',
      WAIT_MS,
    );
    expect(await verdictOf('W-5', 401n)).toMatchObject({
      allowed: false,
      availableMinor: 10_200n,
      withdrawnTodayMinor: 600n,
      reason: 'daily limit: 600 already today + 401 against 1000',
    });
    expect(await verdictOf('W-6', 400n)).toMatchObject({ allowed: true });
  });

  it('the next UTC day starts a new daily total; concurrent decisions for one client cannot both spend the same balance', async () => {
    instant = Date.parse('2026-11-25T00:00:00.000Z');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) => verdictOf(`W-day2-${index}`, 1_000n)),
    );
    // 9,800 available (10,200 less W-6's 400 not yet settled), a limit of 1,000 a day: one of the eight
    expect(results.filter((result) => result.allowed)).toHaveLength(1);
    expect(
      results
        .filter((result) => !result.allowed)
        .every((result) => result.reason === 'daily limit: 1000 already today + 1000 against 1000'),
    ).toBe(true);
  });

  it('an allowed decision the ledger never held stops reserving after 24 h; one the ledger held keeps reserving until settled', async () => {
    instant = Date.parse('2026-11-27T00:00:00.000Z'); // W-6 and the second day's decision were never held: their reservations lapsed
    expect(await verdictOf('W-r1', 500n)).toMatchObject({ allowed: true, availableMinor: 10_200n });
    await publish(
      LEDGER_EVENTS_TOPIC,
      envelope('WithdrawalHoldPlaced', 'ledger-client-alice', {
        withdrawalId: 'W-r1',
        clientId: 'alice',
        asset: 'ETH',
        amountMinor: '500',
        walletId: 'hot-1',
        fingerprint: 'fp-W-r1',
        at: new Date(instant).toISOString(),
      }),
    );
    await eventually(
      async () =>
        (
          await db.pool.query(
            `select held from policy.policy_withdrawal_decisions where withdrawal_id = 'W-r1'`,
          )
        ).rows[0]?.held === true,
      WAIT_MS,
    );
    instant += 3 * 24 * 60 * 60 * 1000;
    expect(await verdictOf('W-r2', 1n)).toMatchObject({ allowed: true, availableMinor: 9_700n });
  });
});
