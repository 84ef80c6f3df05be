import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { signTestToken } from '@custody/auth/testing';
import {
  DEAD_LETTER_TOPIC,
  EXCHANGE_TRADES_TOPIC,
  WALLET_EVENTS_TOPIC,
  type DeadLetterV2,
} from '@custody/contracts';
import {
  createKafka,
  createOutboxProducer,
  EXCHANGE_SIGNATURE_HEADER,
  EXCHANGE_SIGNATURE_KEY_ID_HEADER,
  redriveDeadLetters,
  signExchangeMessage,
} from '@custody/messaging';
import {
  createTestDatabase,
  ensureDebianPackage,
  eventually,
  readTopic,
  startKafkaTestBroker,
  startService,
  testExchangeSigner,
  testServiceEnvironment,
  type KafkaTestBroker,
  type ServiceProcess,
  type TestDatabase,
} from '@custody/testing';
import { logLevel, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';

const run = promisify(execFile);
const ISSUER = 'custody-e2e';
const AUDIENCE = 'custody';
const WAIT_MS = 40_000;
const KCAT = '/usr/bin/kcat';
const KCAT_TIMEOUT_MS = 30_000;
const at = '2026-12-07T09:00:00.000Z';

function trade(
  tradeId: string,
  buyerClientId: string,
  quantityMinor: string,
  eventId = randomUUID(),
) {
  return {
    eventId,
    type: 'TradeExecuted',
    schemaVersion: 1,
    streamId: `trade-${tradeId}`,
    streamVersion: '1',
    occurredAt: at,
    causationId: null,
    correlationId: eventId,
    data: {
      tradeId,
      occurredAt: at,
      instrument: { base: 'BTC', quote: 'USDT' },
      buyerClientId,
      sellerClientId: 'bob',
      quantityMinor,
      price: '60000',
      quoteAmountMinor: (BigInt(quantityMinor) * 600n).toString(),
      buyerFee: { asset: 'BTC', amountMinor: '0' },
      sellerFee: { asset: 'USDT', amountMinor: '0' },
    },
  };
}

/**
 * Issue 22, played against the real ledger process on the Kafka test broker, with a Kafka client
 * no one here wrote (Debian's kcat) as the attacker: whoever reaches the broker must not be able
 * to book a trade, and must not be able to claim a message id. Each attack checks that the books
 * did not move and that the message is parked with its stable code, nothing silently dropped.
 */
describe('trust boundaries on Kafka: the ledger books only what the exchange signed (issue 22)', () => {
  const secret = randomBytes(32).toString('hex');
  let db: TestDatabase;
  let broker: KafkaTestBroker;
  let kafka: Kafka;
  let producer: Producer;
  let ledger: ServiceProcess;
  const exchange = testExchangeSigner();

  const call = async (method: 'GET' | 'POST', path: string, roles: string[], body?: unknown) => {
    const token = await signTestToken({
      secret,
      issuer: ISSUER,
      audience: AUDIENCE,
      subject: `${roles[0]}-1`,
      roles,
    });
    const response = await fetch(`${ledger.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const statementReferences = async (clientId: string) =>
    (
      (await call('GET', `/v1/clients/${clientId}/statement`, ['auditor'])).body['lines'] as Array<{
        sourceReference: string;
        amountMinor: string;
        asset: string;
      }>
    ).filter((line) => line.asset === 'BTC');
  /** kcat -P: one message from stdin, with the key and headers given; the broker acknowledges it before kcat exits. */
  const kcatProduce = async (
    topic: string,
    key: string,
    value: string,
    headers: Record<string, string> = {},
  ) => {
    const args = [
      '-P',
      '-b',
      broker.brokers.join(','),
      '-t',
      topic,
      '-k',
      key,
      ...Object.entries(headers).flatMap(([name, text]) => ['-H', `${name}=${text}`]),
    ];
    const child = run(KCAT, args, { timeout: KCAT_TIMEOUT_MS });
    child.child.stdin?.end(`${value}\n`);
    await child;
  };
  const letters = async (
    count: number,
  ): Promise<Array<{ letter: DeadLetterV2; message: KafkaMessage }>> => {
    const read = await readTopic(kafka, DEAD_LETTER_TOPIC, {
      until: (messages) => new Set(messages.map((message) => message.offset)).size >= count,
      waitMs: WAIT_MS,
    });
    return read.map((message) => ({
      letter: JSON.parse(message.value?.toString() ?? '{}') as DeadLetterV2,
      message,
    }));
  };
  const letterOf = async (eventId: string, count: number) =>
    (await letters(count)).find(
      ({ letter }) =>
        (
          JSON.parse(Buffer.from(letter.data.originalValueBase64, 'base64').toString()) as {
            eventId?: string;
          }
        ).eventId === eventId,
    );
  const metric = async (name: string, labels: string) => {
    const text = await (await fetch(`${ledger.baseUrl}/metrics`)).text();
    const line = text
      .split('\n')
      .find(
        (entry) =>
          entry.startsWith(`${name}{`) && labels.split(',').every((label) => entry.includes(label)),
      );
    return line === undefined ? undefined : Number(line.split(' ').at(-1));
  };

  beforeAll(async () => {
    await ensureDebianPackage(
      'kcat',
      KCAT,
      'the trust-boundary e2e: a Kafka client no one here wrote',
    );
    [db, broker] = await Promise.all([createTestDatabase(), startKafkaTestBroker()]);
    for (const topic of [EXCHANGE_TRADES_TOPIC, WALLET_EVENTS_TOPIC, DEAD_LETTER_TOPIC])
      await broker.command(`topic ${topic} 1 3`);
    kafka = createKafka({
      clientId: 'trust-e2e',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
    });
    producer = createOutboxProducer(kafka, { idempotent: false });
    await producer.connect();
    ledger = await startService(
      'ledger',
      testServiceEnvironment({
        databaseUrl: db.url,
        brokers: broker.brokers,
        jwtSecret: secret,
        issuer: ISSUER,
        audience: AUDIENCE,
      }),
    );
    expect(
      await eventually(
        async () => (await fetch(`${ledger.baseUrl}/health/ready`)).status === 200,
        WAIT_MS,
      ),
    ).toBe(true);
    for (const clientId of ['alice', 'bob'])
      expect((await call('POST', '/v1/clients', ['operator'], { clientId })).status).toBe(200);
  });

  afterAll(async () => {
    await ledger?.stop();
    await producer?.disconnect();
    await broker?.stop();
    await db?.drop();
  });

  it('an unsigned trade produced with kcat is dead-lettered with EXCHANGE_SIGNATURE_MISSING and books nothing', async () => {
    const forged = trade('T-KCAT-1', 'alice', '100000000');
    await kcatProduce(EXCHANGE_TRADES_TOPIC, forged.streamId, JSON.stringify(forged));
    const parked = await letterOf(forged.eventId, 1);
    expect(parked?.letter.data).toMatchObject({
      stage: 'validate',
      reasonCode: 'EXCHANGE_SIGNATURE_MISSING',
      originalTopic: EXCHANGE_TRADES_TOPIC,
      consumerGroup: 'ledger-books',
    });
    expect(Buffer.from(parked?.letter.data.originalValueBase64 ?? '', 'base64').toString()).toBe(
      JSON.stringify(forged),
    );
    expect(await statementReferences('alice')).toEqual([]);
    expect(
      await metric(
        'custody_exchange_signature_refusals_total',
        `topic="${EXCHANGE_TRADES_TOPIC}",code="EXCHANGE_SIGNATURE_MISSING"`,
      ),
    ).toBe(1);
  });

  it("a trade signed by a key the ledger does not trust, under the exchange's own key id (kcat with headers), is EXCHANGE_SIGNATURE_INVALID and books nothing", async () => {
    const forged = trade('T-KCAT-2', 'alice', '200000000');
    const attacker = {
      keyId: exchange.signingKey.keyId,
      key: generateKeyPairSync('ed25519').privateKey,
    };
    const signed = signExchangeMessage(attacker, EXCHANGE_TRADES_TOPIC, {
      key: forged.streamId,
      value: JSON.stringify(forged),
    });
    await kcatProduce(
      EXCHANGE_TRADES_TOPIC,
      forged.streamId,
      JSON.stringify(forged),
      signed.headers,
    );
    expect((await letterOf(forged.eventId, 2))?.letter.data).toMatchObject({
      stage: 'validate',
      reasonCode: 'EXCHANGE_SIGNATURE_INVALID',
      reasonPath: `headers.${EXCHANGE_SIGNATURE_HEADER}`,
    });
    expect(await statementReferences('alice')).toEqual([]);
  });

  it("the exchange's signature made as the README says, carried by kcat, is booked: the scheme is implementable by a client no one here wrote", async () => {
    const genuine = trade('T-KCAT-3', 'alice', '300000000');
    const signed = signExchangeMessage(exchange.signingKey, EXCHANGE_TRADES_TOPIC, {
      key: genuine.streamId,
      value: JSON.stringify(genuine),
    });
    expect(Object.keys(signed.headers ?? {}).sort()).toEqual([
      EXCHANGE_SIGNATURE_HEADER,
      EXCHANGE_SIGNATURE_KEY_ID_HEADER,
    ]);
    await kcatProduce(
      EXCHANGE_TRADES_TOPIC,
      genuine.streamId,
      JSON.stringify(genuine),
      signed.headers,
    );
    expect(
      await eventually(
        async () =>
          (await statementReferences('alice')).some((line) => line.sourceReference === 'T-KCAT-3'),
        WAIT_MS,
      ),
    ).toBe(true);
  });

  it('a signed message reusing a booked message id with another amount is parked as MESSAGE_ID_CONFLICT, counted, and changes nothing', async () => {
    const original = trade('T-ID-1', 'alice', '400000000');
    const sign = (message: ReturnType<typeof trade>) =>
      signExchangeMessage(exchange.signingKey, EXCHANGE_TRADES_TOPIC, {
        key: message.streamId,
        value: JSON.stringify(message),
      });
    await kcatProduce(
      EXCHANGE_TRADES_TOPIC,
      original.streamId,
      JSON.stringify(original),
      sign(original).headers,
    );
    expect(
      await eventually(
        async () =>
          (await statementReferences('alice')).some((line) => line.sourceReference === 'T-ID-1'),
        WAIT_MS,
      ),
    ).toBe(true);
    const before = await statementReferences('alice');
    // the same eventId, another trade: a producer claiming an id (even one holding the exchange's key) is not a redelivery
    const claim = { ...trade('T-ID-2', 'alice', '999900000000', original.eventId) };
    await kcatProduce(
      EXCHANGE_TRADES_TOPIC,
      claim.streamId,
      JSON.stringify(claim),
      sign(claim).headers,
    );
    const parked = (await letters(3)).find(
      ({ letter }) => letter.data.reasonCode === 'MESSAGE_ID_CONFLICT',
    );
    expect(parked?.letter.data).toMatchObject({
      stage: 'handle',
      reasonPath: 'eventId',
      consumerGroup: 'ledger-books',
    });
    expect(parked?.letter.data.reasonText).toContain(original.eventId);
    expect(await statementReferences('alice')).toEqual(before);
    expect(
      await metric('custody_inbox_id_conflicts_total', `topic="${EXCHANGE_TRADES_TOPIC}"`),
    ).toBe(1);
    // and the exact same message again is a redelivery: neither booked twice nor parked
    await kcatProduce(
      EXCHANGE_TRADES_TOPIC,
      original.streamId,
      JSON.stringify(original),
      sign(original).headers,
    );
    const marker = trade('T-ID-3', 'alice', '1');
    await kcatProduce(
      EXCHANGE_TRADES_TOPIC,
      marker.streamId,
      JSON.stringify(marker),
      sign(marker).headers,
    );
    expect(
      await eventually(
        async () =>
          (await statementReferences('alice')).some((line) => line.sourceReference === 'T-ID-3'),
        WAIT_MS,
      ),
    ).toBe(true);
    expect(
      (await statementReferences('alice')).filter((line) => line.sourceReference === 'T-ID-1'),
    ).toHaveLength(1);
    expect(
      await metric('custody_inbox_id_conflicts_total', `topic="${EXCHANGE_TRADES_TOPIC}"`),
    ).toBe(1);
  });

  it("a deposit produced with kcat onto the wallet's topic (the broker here cannot enforce ACLs) naming a wallet never registered is WALLET_UNKNOWN and credits nothing", async () => {
    const eventId = randomUUID();
    const forged = {
      eventId,
      type: 'DepositConfirmed',
      schemaVersion: 1,
      streamId: 'deposit-D-FORGED',
      streamVersion: '1',
      occurredAt: at,
      causationId: null,
      correlationId: eventId,
      data: {
        depositId: 'D-FORGED',
        clientId: 'alice',
        asset: 'USDT',
        amountMinor: '990000000000',
        walletId: 'mallory-wallet',
        chain: 'ethereum',
        transactionHash: `0x${'ef'.repeat(32)}`,
        confirmations: 12,
        confirmedAt: at,
      },
    };
    await kcatProduce(WALLET_EVENTS_TOPIC, forged.streamId, JSON.stringify(forged));
    const parked = await eventually(
      async () =>
        (await letters(4)).some(({ letter }) => letter.data.reasonCode === 'WALLET_UNKNOWN'),
      WAIT_MS,
    );
    expect(parked).toBe(true);
    expect(
      (await letters(4)).find(({ letter }) => letter.data.reasonCode === 'WALLET_UNKNOWN')?.letter
        .data,
    ).toMatchObject({
      stage: 'handle',
      reasonPath: 'data.walletId',
      originalTopic: WALLET_EVENTS_TOPIC,
    });
    const usdt = (
      (await call('GET', '/v1/clients/alice/statement', ['auditor'])).body['lines'] as Array<{
        asset: string;
        sourceReference: string;
      }>
    ).filter((line) => line.asset === 'USDT');
    expect(usdt.some((line) => line.sourceReference === 'D-FORGED')).toBe(false);
  });

  it('a signed trade parked for a business reason keeps its signature on its letter, and is booked once re-driven after the cause is fixed', async () => {
    const early = trade('T-REDRIVE-1', 'carol', '500000000');
    await producer.send({
      topic: EXCHANGE_TRADES_TOPIC,
      acks: -1,
      messages: [
        signExchangeMessage(exchange.signingKey, EXCHANGE_TRADES_TOPIC, {
          key: early.streamId,
          value: JSON.stringify(early),
        }) as { key: string; value: string; headers: Record<string, string> },
      ],
    });
    const parked = await eventually(
      async () =>
        (await letters(5)).some(({ letter }) => letter.data.reasonCode === 'CLIENT_UNKNOWN'),
      WAIT_MS,
    );
    expect(parked).toBe(true);
    const letter = (await letters(5)).find(
      ({ letter: entry }) => entry.data.reasonCode === 'CLIENT_UNKNOWN',
    );
    expect(Object.keys(letter?.message.headers ?? {})).toEqual(
      expect.arrayContaining([
        `x-original-${EXCHANGE_SIGNATURE_HEADER}`,
        `x-original-${EXCHANGE_SIGNATURE_KEY_ID_HEADER}`,
      ]),
    );
    expect((await call('POST', '/v1/clients', ['operator'], { clientId: 'carol' })).status).toBe(
      200,
    );
    const redriveProducer = createOutboxProducer(kafka, { idempotent: false });
    await redriveProducer.connect();
    try {
      expect(
        (
          await redriveDeadLetters({
            kafka,
            producer: redriveProducer,
            originalTopic: EXCHANGE_TRADES_TOPIC,
            idleMs: 2_000,
          })
        ).redriven,
      ).toBeGreaterThanOrEqual(1);
    } finally {
      await redriveProducer.disconnect();
    }
    expect(
      await eventually(
        async () =>
          (await statementReferences('carol')).some(
            (line) => line.sourceReference === 'T-REDRIVE-1',
          ),
        WAIT_MS,
      ),
    ).toBe(true);
    // the forged ones were re-driven too, and are refused again: still not booked
    expect(
      (await statementReferences('alice')).some(
        (line) => line.sourceReference === 'T-KCAT-1' || line.sourceReference === 'T-KCAT-2',
      ),
    ).toBe(false);
  });
});
