import { randomBytes, randomUUID } from 'node:crypto';
import { signTestToken } from '@custody/auth/testing';
import { DEAD_LETTER_TOPIC, EXCHANGE_TRADES_TOPIC, WALLET_EVENTS_TOPIC } from '@custody/contracts';
import { createKafka, createOutboxProducer } from '@custody/messaging';
import { createTestDatabase, eventually, readTopic, startKafkaTestBroker, startService, type KafkaTestBroker, type ServiceProcess, type TestDatabase } from '@custody/testing';
import { logLevel, type Kafka, type Producer } from 'kafkajs';

const ISSUER = 'custody-e2e';
const AUDIENCE = 'custody';
const WAIT_MS = 40_000;
const at = '2026-11-24T09:00:00.000Z';

function envelope(type: string, streamId: string, data: Record<string, unknown>) {
  const eventId = randomUUID();
  return { eventId, type, schemaVersion: 1, streamId, streamVersion: '1', occurredAt: at, causationId: null, correlationId: eventId, data };
}

/**
 * The ledger service as a real process, fed by the test broker: clients onboarded over HTTP by
 * an operator, deposits from the wallet topic and trades from the exchange topic booked into
 * their books, a trade for an unknown client parked as a dead letter, balances read back by an
 * auditor.
 */
describe('the ledger service books trades and deposits from Kafka (test broker)', () => {
  const secret = randomBytes(32).toString('hex');
  let db: TestDatabase;
  let broker: KafkaTestBroker;
  let kafka: Kafka;
  let producer: Producer;
  let ledger: ServiceProcess;
  const token = (roles: string[], subject: string) => signTestToken({ secret, issuer: ISSUER, audience: AUDIENCE, subject, roles });
  const call = async (method: 'GET' | 'POST', path: string, roles: string[], body?: unknown) => {
    const response = await fetch(`${ledger.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${await token(roles, `${roles[0]}-1`)}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    [db, broker] = await Promise.all([createTestDatabase(), startKafkaTestBroker()]);
    for (const topic of [EXCHANGE_TRADES_TOPIC, WALLET_EVENTS_TOPIC, DEAD_LETTER_TOPIC]) await broker.command(`topic ${topic} 3 3`);
    kafka = createKafka({ clientId: 'ledger-e2e', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    producer = createOutboxProducer(kafka, { idempotent: false });
    await producer.connect();
    ledger = await startService('ledger', {
      DATABASE_URL: db.url,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_JWT_SECRET: secret,
      KAFKA_BROKERS: broker.brokers.join(','),
      KAFKA_PRODUCER_IDEMPOTENT: 'false', // the test broker cannot serve idempotent producers
      LOG_LEVEL: 'info',
    });
    expect(await eventually(async () => (await fetch(`${ledger.baseUrl}/health/ready`)).status === 200, WAIT_MS)).toBe(true);
  });
  afterAll(async () => {
    await ledger?.stop();
    await producer?.disconnect();
    await broker?.stop();
    await db?.drop();
  });

  it('onboards clients for an operator only, and answers a bad client id with 400 and its path', async () => {
    expect((await call('POST', '/v1/clients', ['auditor'], { clientId: 'alice' })).status).toBe(403);
    expect(await call('POST', '/v1/clients', ['operator'], { clientId: 'alice' })).toMatchObject({ status: 200, body: { clientId: 'alice', onboarded: 'now' } });
    expect(await call('POST', '/v1/clients', ['operator'], { clientId: 'alice' })).toMatchObject({ status: 200, body: { onboarded: 'already' } });
    expect(await call('POST', '/v1/clients', ['operator'], { clientId: 'bob' })).toMatchObject({ status: 200 });
    expect(await call('POST', '/v1/clients', ['operator'], { clientId: ' bad id' })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', errors: [{ path: 'body.clientId' }] } });
  });

  it('HK-21 books a deposit and a trade from Kafka into the clients\' balances, and parks a trade for an unknown client as a dead letter', async () => {
    const send = (topic: string, messages: ReturnType<typeof envelope>[]) =>
      producer.send({ topic, acks: -1, messages: messages.map((message) => ({ key: message.streamId, value: JSON.stringify(message) })) });
    await send(WALLET_EVENTS_TOPIC, [
      envelope('DepositConfirmed', 'deposit-D-1', { depositId: 'D-1', clientId: 'alice', asset: 'USDT', amountMinor: '10000000000', walletId: 'wallet-cold-1', chain: 'ethereum', transactionHash: `0x${'cd'.repeat(32)}`, confirmations: 12, confirmedAt: at }),
    ]);
    const tradeData = {
      occurredAt: at,
      instrument: { base: 'BTC', quote: 'USDT' },
      sellerClientId: 'bob',
      quantityMinor: '10000000',
      price: '60000',
      quoteAmountMinor: '6000000000',
      buyerFee: { asset: 'BTC', amountMinor: '10000' },
      sellerFee: { asset: 'USDT', amountMinor: '6000000' },
    };
    await send(EXCHANGE_TRADES_TOPIC, [
      envelope('TradeExecuted', 'trade-T-1', { tradeId: 'T-1', buyerClientId: 'alice', ...tradeData }),
      envelope('TradeExecuted', 'trade-T-2', { tradeId: 'T-2', buyerClientId: 'mallory', ...tradeData }),
    ]);

    const expected = [
      { asset: 'BTC', postedMinor: '9990000', pendingDebitsMinor: '0', availableMinor: '9990000' },
      { asset: 'USDT', postedMinor: '4000000000', pendingDebitsMinor: '0', availableMinor: '4000000000' },
    ];
    const balances = async () => (await call('GET', '/v1/clients/alice/balances', ['auditor'])).body['balances'];
    expect(await eventually(async () => JSON.stringify(await balances()) === JSON.stringify(expected), WAIT_MS)).toBe(true);
    const bob = await call('GET', '/v1/clients/bob/balances', ['operator']);
    expect(bob.body['balances']).toEqual([
      { asset: 'BTC', postedMinor: '-10000000', pendingDebitsMinor: '0', availableMinor: '-10000000' }, // TW-13.3: the exchange is authoritative
      { asset: 'USDT', postedMinor: '5994000000', pendingDebitsMinor: '0', availableMinor: '5994000000' },
    ]);

    const letters = await readTopic(kafka, DEAD_LETTER_TOPIC, { until: (read) => read.length >= 1, waitMs: WAIT_MS });
    expect(letters.map((letter) => (JSON.parse(letter.value?.toString() ?? '{}') as { data: { reasonCode: string; reasonPath: string } }).data)).toEqual([
      expect.objectContaining({ stage: 'handle', reasonCode: 'CLIENT_UNKNOWN', reasonPath: 'data.buyerClientId', consumerGroup: 'ledger-books' }),
    ]);
    expect((await call('GET', '/v1/clients/mallory/balances', ['auditor'])).body).toMatchObject({ code: 'CLIENT_UNKNOWN' });
  });

  it('given SIGTERM, then it stops consuming and exits 0', async () => {
    expect(await ledger.stop()).toBe(0);
  });
});
