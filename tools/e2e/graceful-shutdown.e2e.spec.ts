import { randomBytes, randomUUID } from 'node:crypto';
import { signTestToken } from '@custody/auth/testing';
import { DEAD_LETTER_TOPIC, EXCHANGE_TRADES_TOPIC, WALLET_EVENTS_TOPIC } from '@custody/contracts';
import { createKafka, createOutboxProducer } from '@custody/messaging';
import {
  createTestDatabase,
  startKafkaTestBroker,
  startService,
  testServiceEnvironment,
  waitFor,
  type KafkaTestBroker,
  type ServiceProcess,
  type TestDatabase,
  signingProducer,
} from '@custody/testing';
import { logLevel, type Kafka, type Producer } from 'kafkajs';

const ISSUER = 'custody-e2e';
const AUDIENCE = 'custody';
const WAIT_MS = 60_000;
/** The whole scenario: two process starts, the load, the drain. */
const TEST_TIMEOUT_MS = 240_000;
/** Trades sent while the service is stopped and started again, in sends of TRADES_PER_SEND. */
const TRADES = 1_500;
const TRADES_PER_SEND = 10;
/** Pause between sends: the load lasts several seconds, across the stop and the restart. */
const SEND_PAUSE_MS = 40;
/** What the service is told to drain for; the test must see it not-ready but still serving inside it. */
const DRAIN_MS = 1_500;
/** Kubernetes' terminationGracePeriodSeconds in deploy/k8s: the whole shutdown must fit in it. */
const TERMINATION_GRACE_MS = 30_000;
const QUANTITY_MINOR = 1_000n;
/** The ledger's consumer group (apps/ledger: LEDGER_CONSUMER_GROUP; operators see this name in Kafka). */
const LEDGER_CONSUMER_GROUP = 'ledger-books';
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

function trade(index: number) {
  return envelope('TradeExecuted', `trade-S-${index}`, {
    tradeId: `S-${index}`,
    occurredAt: at,
    instrument: { base: 'BTC', quote: 'USDT' },
    buyerClientId: 'alice',
    sellerClientId: 'bob',
    quantityMinor: QUANTITY_MINOR.toString(),
    price: '1',
    quoteAmountMinor: '10', // 0.00001 BTC at 1 USDT, in USDT's six decimals
    buyerFee: { asset: 'BTC', amountMinor: '0' },
    sellerFee: { asset: 'USDT', amountMinor: '0' },
  });
}

/**
 * Issue 10: SIGTERM during a load. The ledger books a stream of trades from Kafka; mid-stream it
 * gets SIGTERM: it reports not-ready while still serving for the drain, then stops consuming
 * with the batch in hand finished and committed, and exits 0 well inside the grace period. A new
 * process carries on: every trade is booked exactly once, none lost, none twice.
 */
describe('graceful shutdown under load (ledger, test broker)', () => {
  const secret = randomBytes(32).toString('hex');
  let db: TestDatabase;
  let broker: KafkaTestBroker;
  let kafka: Kafka;
  let producer: Producer;
  let ledger: ServiceProcess | undefined;
  const environment = () => ({
    ...testServiceEnvironment({
      databaseUrl: db.url,
      brokers: broker.brokers,
      jwtSecret: secret,
      issuer: ISSUER,
      audience: AUDIENCE,
    }),
    SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
  });
  const get = async (service: ServiceProcess, path: string) => {
    const token = await signTestToken({
      secret,
      issuer: ISSUER,
      audience: AUDIENCE,
      subject: 'auditor-1',
      roles: ['auditor'],
    });
    const response = await fetch(`${service.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const aliceBtc = async (service: ServiceProcess): Promise<bigint> => {
    const { body } = await get(service, '/v1/clients/alice/balances');
    const btc = (body['balances'] as { asset: string; postedMinor: string }[] | undefined)?.find(
      (balance) => balance.asset === 'BTC',
    );
    return BigInt(btc?.postedMinor ?? '0');
  };

  beforeAll(async () => {
    [db, broker] = await Promise.all([createTestDatabase(), startKafkaTestBroker()]);
    for (const topic of [EXCHANGE_TRADES_TOPIC, WALLET_EVENTS_TOPIC, DEAD_LETTER_TOPIC])
      await broker.command(`topic ${topic} 3 3`);
    kafka = createKafka({
      clientId: 'shutdown-e2e',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
    });
    producer = signingProducer(createOutboxProducer(kafka, { idempotent: false })); // plays the exchange: its messages signed
    await producer.connect();
  });
  afterAll(async () => {
    await ledger?.stop();
    await producer?.disconnect();
    await broker?.stop();
    await db?.drop();
  });

  it(
    'given trades flowing, when SIGTERM arrives, then it drains (not ready, still serving), finishes and commits its batch, exits 0 in time, and a restart books every trade exactly once',
    async () => {
      const first = await startService('ledger', environment());
      ledger = first;
      await waitFor(
        async () => (await fetch(`${first.baseUrl}/health/ready`)).status === 200,
        'the ledger to be ready',
        WAIT_MS,
      );
      const operator = await signTestToken({
        secret,
        issuer: ISSUER,
        audience: AUDIENCE,
        subject: 'operator-1',
        roles: ['operator'],
      });
      for (const clientId of ['alice', 'bob']) {
        const response = await fetch(`${first.baseUrl}/v1/clients`, {
          method: 'POST',
          headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
          body: JSON.stringify({ clientId }),
        });
        expect(response.status).toBe(200);
      }

      // the load: trades sent in the background the whole time, across the stop and the restart
      let sent = 0;
      const sending = (async () => {
        for (let start = 0; start < TRADES; start += TRADES_PER_SEND) {
          const messages = Array.from(
            { length: Math.min(TRADES_PER_SEND, TRADES - start) },
            (_, offset) => trade(start + offset),
          );
          await producer.send({
            topic: EXCHANGE_TRADES_TOPIC,
            acks: -1,
            messages: messages.map((message) => ({
              key: message.streamId,
              value: JSON.stringify(message),
            })),
          });
          sent += messages.length;
          await new Promise((resolve) => setTimeout(resolve, SEND_PAUSE_MS));
        }
      })();

      // mid-stream: some trades booked, more coming
      await waitFor(
        async () => (await aliceBtc(first)) >= 100n * QUANTITY_MINOR,
        'a hundred trades booked',
        WAIT_MS,
      );
      expect(sent).toBeLessThan(TRADES); // still sending
      expect(await aliceBtc(first)).toBeLessThan(BigInt(TRADES) * QUANTITY_MINOR);
      const signalled = Date.now();
      const exit = first.stop(); // SIGTERM

      // draining: not ready, yet still answering requests
      await waitFor(
        async () =>
          (await fetch(`${first.baseUrl}/health/ready`).then(
            (response) => response.status,
            () => 0,
          )) === 503,
        'readiness to turn false',
        DRAIN_MS,
      );
      const ready = await fetch(`${first.baseUrl}/health/ready`);
      expect(await ready.json()).toMatchObject({
        status: 'not-ready',
        reason: expect.stringMatching(/draining/),
      });
      expect((await get(first, '/v1/clients/alice/balances')).status).toBe(200);

      expect(await exit).toBe(0);
      const tookMs = Date.now() - signalled;
      expect(tookMs).toBeGreaterThanOrEqual(DRAIN_MS);
      expect(tookMs).toBeLessThan(TERMINATION_GRACE_MS);
      const log = first.stdout();
      const order = [
        'shutting down: draining',
        'shutting down: stopping consumers and closing',
        'shut down',
      ].map((message) => log.indexOf(`"message":"${message}"`));
      if (!order.every((index) => index >= 0))
        process.stderr.write(log.split('\n').slice(-12).join('\n'));
      expect(
        order.every(
          (index, position) =>
            index >= 0 && (position === 0 || index > (order[position - 1] as number)),
        ),
      ).toBe(true);

      // committed: every message the stopped process applied (its inbox) is behind the group's committed offsets
      const admin = kafka.admin();
      await admin.connect();
      try {
        const [committed] = await admin.fetchOffsets({
          groupId: LEDGER_CONSUMER_GROUP,
          topics: [EXCHANGE_TRADES_TOPIC],
        });
        const { rows } = await db.pool.query<{ partition: number; next: string }>(
          `select partition, (max("offset") + 1)::text as next from ledger.inbox where consumer_group = $1 and topic = $2 group by partition`,
          [LEDGER_CONSUMER_GROUP, EXCHANGE_TRADES_TOPIC],
        );
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows)
          expect(
            committed?.partitions.find((partition) => partition.partition === row.partition)
              ?.offset,
          ).toBe(row.next);
      } finally {
        await admin.disconnect();
      }

      // a new process carries on: all trades, each once
      const second = await startService('ledger', environment());
      ledger = second;
      await sending;
      await waitFor(
        async () => (await aliceBtc(second)) === BigInt(TRADES) * QUANTITY_MINOR,
        `all ${TRADES} trades booked`,
        WAIT_MS,
      );
      const { rows: journals } = await db.pool.query<{ n: string }>(
        `select count(*)::text as n from ledger.rm_statement_lines where client_id = 'alice' and reason = 'trade' and asset = 'BTC'`,
      );
      expect(journals[0]?.n).toBe(String(TRADES));
    },
    TEST_TIMEOUT_MS,
  );
});
