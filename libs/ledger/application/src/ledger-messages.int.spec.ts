import { randomUUID } from 'node:crypto';
import {
  DEAD_LETTER_TOPIC,
  DEFAULT_ASSET_REGISTRY,
  EXCHANGE_TRADES_TOPIC,
  WALLET_EVENTS_TOPIC,
} from '@custody/contracts';
import { PostgresEventStore } from '@custody/event-store';
import {
  availableBalance,
  balanceOf,
  clientAccount,
  postedBalance,
  type AssetDecimals,
} from '@custody/ledger-domain';
import {
  createKafka,
  createOutboxProducer,
  InboxConsumer,
  KafkaMessageBus,
} from '@custody/messaging';
import {
  aWalletRegistered,
  createTestDatabase,
  eventually,
  readTopic,
  startKafkaTestBroker,
  TEST_CONSUMER_TUNING,
  type KafkaTestBroker,
  type TestDatabase,
} from '@custody/testing';
import { logLevel, type Kafka, type Producer } from 'kafkajs';
import { clientStreamId } from './client-books/client-streams';
import { LedgerCommandHandler } from './ledger-command-handler';
import { CUSTODY_WALLETS_STREAM_ID } from './custody-wallets/custody-wallet-registry';
import { applyLedgerMessages, LEDGER_CONSUMED_TOPICS } from './ledger-messages';

const decimals: AssetDecimals = (asset) =>
  (DEFAULT_ASSET_REGISTRY as Record<string, { decimals: number }>)[asset]?.decimals;
const WAIT_MS = 40_000;
const at = '2026-11-24T09:00:00.000Z';

function envelope(type: string, streamId: string, data: Record<string, unknown>) {
  const eventId = randomUUID();
  return {
    eventId,
    type,
    schemaVersion: 1,
    streamId,
    streamVersion: '1',
    occurredAt: at,
    causationId: null,
    correlationId: eventId,
    data,
  };
}

const trade = (tradeId: string, overrides: Record<string, unknown> = {}) =>
  envelope('TradeExecuted', `trade-${tradeId}`, {
    tradeId,
    occurredAt: at,
    instrument: { base: 'BTC', quote: 'USDT' },
    buyerClientId: 'alice',
    sellerClientId: 'bob',
    quantityMinor: '10000000',
    price: '60000',
    quoteAmountMinor: '6000000000',
    buyerFee: { asset: 'BTC', amountMinor: '10000' },
    sellerFee: { asset: 'USDT', amountMinor: '6000000' },
    ...overrides,
  });

const deposit = (depositId: string, clientId: string, asset: string, amountMinor: string) =>
  envelope('DepositConfirmed', `deposit-${depositId}`, {
    depositId,
    clientId,
    asset,
    amountMinor,
    walletId: 'wallet-cold-1',
    chain: 'ethereum',
    transactionHash: `0x${'ab'.repeat(32)}`,
    confirmations: 12,
    confirmedAt: at,
  });

const approved = (withdrawalId: string, clientId: string, allowListedFor: string) =>
  envelope('WithdrawalApproved', `withdrawal-${withdrawalId}`, {
    withdrawalId,
    requestId: `R-${withdrawalId}`,
    clientId,
    asset: 'USDT',
    amountMinor: '1000000',
    walletId: 'wallet-hot-1',
    destinationAddress: '0x52908400098527886E0F7030069857D2E4169EE7',
    chain: 'ethereum',
    destinationAllowListedForClientId: allowListedFor,
    approvedAt: at,
  });

/**
 * The ledger fed by Kafka (issue 4): the exchange's trades and the wallet's movements go through
 * the inbox consumer into the one write path; refusals change nothing and are parked as dead
 * letters with the ledger's code and the field at fault.
 */
describe('ledger consuming exchange.trades.v1 and custody.wallet.events.v1 (Kafka test broker + PostgreSQL)', () => {
  let db: TestDatabase;
  let broker: KafkaTestBroker;
  let kafka: Kafka;
  let producer: Producer;
  let store: PostgresEventStore;
  let handler: LedgerCommandHandler;

  beforeAll(async () => {
    [db, broker] = await Promise.all([createTestDatabase(), startKafkaTestBroker()]);
    for (const topic of [...LEDGER_CONSUMED_TOPICS, DEAD_LETTER_TOPIC])
      await broker.command(`topic ${topic} 3 3`);
    kafka = createKafka({
      clientId: 'ledger-ingest-test',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
    });
    producer = createOutboxProducer(kafka, { idempotent: false });
    await producer.connect();
    store = new PostgresEventStore({ pool: db.pool, schema: 'ledger' });
    await store.migrate();
    handler = new LedgerCommandHandler(store, decimals, { snapshotEveryEvents: 3 });
    await handler.migrate();
    for (const clientId of ['alice', 'bob'])
      await handler.handle({ type: 'OnboardClient', clientId, metadata: { at } });
  });
  afterAll(async () => {
    await producer?.disconnect();
    await broker?.stop();
    await db?.drop();
  });

  it("HK-7 / HK-8 books valid trades and deposits once, and parks an unknown client, a conflicting trade id, a withdrawal to another client's address and a deposit from a wallet never registered as dead letters", async () => {
    const bus = new KafkaMessageBus({ kafka, producer, consumerTuning: TEST_CONSUMER_TUNING });
    const send = (topic: string, messages: readonly ReturnType<typeof envelope>[]) =>
      bus.publisher.publish(
        topic,
        messages.map((message) => ({ key: message.streamId, value: JSON.stringify(message) })),
      );
    const first = trade('T-1');
    // the ledger books movements only for wallets the wallet service registered (issue 22): registered
    // first, as the wallet service does long before any deposit (the topic's partitions have no order between them)
    await bus.publisher.publish(
      WALLET_EVENTS_TOPIC,
      [aWalletRegistered('wallet-cold-1'), aWalletRegistered('wallet-hot-1')].map((message) => ({
        key: message.streamId,
        value: JSON.stringify(message),
      })),
    );
    const registrar = new InboxConsumer({
      bus,
      groupId: 'ledger',
      topics: [...LEDGER_CONSUMED_TOPICS],
      pool: db.pool,
      schema: 'ledger',
      apply: applyLedgerMessages(handler),
    });
    await registrar.migrate();
    await registrar.start();
    await eventually(
      async () => (await store.readStream(CUSTODY_WALLETS_STREAM_ID)).length === 2,
      WAIT_MS,
    );
    await registrar.stop();
    await send(WALLET_EVENTS_TOPIC, [
      deposit('D-1', 'alice', 'USDT', '10000000000'),
      deposit('D-2', 'bob', 'BTC', '100000000'),
    ]);
    await send(EXCHANGE_TRADES_TOPIC, [
      first,
      first, // redelivered: the inbox drops it
      trade('T-1'), // re-published by the exchange under a new envelope id: the trade id drops it
      trade('T-2', { buyerClientId: 'mallory' }), // unknown client
      trade('T-1', { quantityMinor: '20000000', quoteAmountMinor: '12000000000' }), // same trade id, other content
    ]);
    await send(WALLET_EVENTS_TOPIC, [approved('W-1', 'alice', 'bob')]); // HK-7: not alice's own address
    // issue 22: whoever can produce to the wallet's topic credits alice "from" a wallet of their own
    await send(WALLET_EVENTS_TOPIC, [
      envelope('DepositConfirmed', 'deposit-D-X', {
        depositId: 'D-X',
        clientId: 'alice',
        asset: 'USDT',
        amountMinor: '990000000000',
        walletId: 'mallory-wallet',
        chain: 'ethereum',
        transactionHash: `0x${'ef'.repeat(32)}`,
        confirmations: 12,
        confirmedAt: at,
      }),
    ]);

    const consumer = new InboxConsumer({
      bus,
      groupId: 'ledger',
      topics: [...LEDGER_CONSUMED_TOPICS],
      pool: db.pool,
      schema: 'ledger',
      apply: applyLedgerMessages(handler),
    });
    await consumer.migrate();
    try {
      await consumer.start();
      type Parked = {
        eventId: string;
        data: { stage: string; reasonCode: string; reasonPath: string };
      };
      const distinct = (read: readonly { value: Buffer | null }[]) => [
        ...new Map(
          read
            .map((letter) => JSON.parse(letter.value?.toString() ?? '{}') as Parked)
            .map((letter) => [letter.eventId, letter]),
        ).values(),
      ];
      // a batch handled twice parks its letters again under the same ids: count distinct letters
      const parked = distinct(
        await readTopic(kafka, DEAD_LETTER_TOPIC, {
          until: (read) => distinct(read).length >= 4,
          waitMs: WAIT_MS,
        }),
      );
      expect(
        parked
          .map((letter) => [letter.data.stage, letter.data.reasonCode, letter.data.reasonPath])
          .sort(),
      ).toEqual(
        [
          ['handle', 'CLIENT_UNKNOWN', 'data.buyerClientId'],
          [
            'handle',
            'HK7_WITHDRAWAL_ADDRESS_NOT_CLIENTS',
            'data.destinationAllowListedForClientId',
          ],
          ['handle', 'TRADE_ID_CONFLICT', 'data.tradeId'],
          ['handle', 'WALLET_UNKNOWN', 'data.walletId'],
        ].sort(),
      );

      // the letters are parked just before their batch commits: wait for the books to show it
      const journalsOf = async (clientId: string) =>
        (await store.readStream(clientStreamId(clientId))).filter(
          (event) => event.type === 'JournalPosted',
        ).length;
      await eventually(async () => (await journalsOf('alice')) >= 2, WAIT_MS);
      const { state } = await handler.load(['alice', 'bob']);
      const balance = (clientId: string, asset: string) => {
        const account = clientAccount(clientId, asset);
        return {
          posted: postedBalance(account, balanceOf(state, account)),
          available: availableBalance(account, balanceOf(state, account)),
        };
      };
      expect(balance('alice', 'USDT')).toEqual({
        posted: 4_000_000_000n,
        available: 4_000_000_000n,
      }); // no hold placed
      expect(balance('alice', 'BTC').posted).toBe(10_000_000n - 10_000n);
      expect(balance('bob', 'BTC').posted).toBe(90_000_000n);
      const aliceJournals = (await store.readStream(clientStreamId('alice')))
        .filter((event) => event.type === 'JournalPosted')
        .map((event) => event.data['journalId']);
      expect(aliceJournals.sort()).toEqual(['deposit:D-1', 'trade:T-1']); // the two topics are consumed in either order
    } finally {
      await consumer.stop();
    }
  }, 90_000);
});
