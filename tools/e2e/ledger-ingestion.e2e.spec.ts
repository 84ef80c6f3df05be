import { randomBytes, randomUUID } from 'node:crypto';
import { signTestToken } from '@custody/auth/testing';
import { DEAD_LETTER_TOPIC, EXCHANGE_TRADES_TOPIC, WALLET_EVENTS_TOPIC } from '@custody/contracts';
import { createKafka, createOutboxProducer } from '@custody/messaging';
import {
  createTestDatabase,
  eventually,
  readTopic,
  startKafkaTestBroker,
  startService,
  type KafkaTestBroker,
  type ServiceProcess,
  type TestDatabase,
  signingProducer,
  testExchangeSigner,
  aWalletRegistered,
  waitForLedgerWallets,
} from '@custody/testing';
import { logLevel, type Kafka, type Producer } from 'kafkajs';

const ISSUER = 'custody-e2e';
const AUDIENCE = 'custody';
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
  const token = (roles: string[], subject: string) =>
    signTestToken({ secret, issuer: ISSUER, audience: AUDIENCE, subject, roles });
  const call = async (
    method: 'GET' | 'POST',
    path: string,
    roles: string[],
    body?: unknown,
    subject = `${roles[0]}-1`,
  ) => {
    const response = await fetch(`${ledger.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await token(roles, subject)}`,
        'content-type': 'application/json',
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    [db, broker] = await Promise.all([createTestDatabase(), startKafkaTestBroker()]);
    for (const topic of [EXCHANGE_TRADES_TOPIC, WALLET_EVENTS_TOPIC, DEAD_LETTER_TOPIC])
      await broker.command(`topic ${topic} 3 3`);
    kafka = createKafka({
      clientId: 'ledger-e2e',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
    });
    producer = signingProducer(createOutboxProducer(kafka, { idempotent: false })); // plays the exchange: its messages signed
    await producer.connect();
    ledger = await startService('ledger', {
      DATABASE_URL: db.url,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_JWT_SECRET: secret,
      KAFKA_BROKERS: broker.brokers.join(','),
      KAFKA_PRODUCER_IDEMPOTENT: 'false', // the test broker cannot serve idempotent producers
      LOG_LEVEL: 'info',
      EXCHANGE_PUBLIC_KEYS_FILE: testExchangeSigner().publicKeysFile,
    });
    expect(
      await eventually(
        async () => (await fetch(`${ledger.baseUrl}/health/ready`)).status === 200,
        WAIT_MS,
      ),
    ).toBe(true);
  });
  afterAll(async () => {
    await ledger?.stop();
    await producer?.disconnect();
    await broker?.stop();
    await db?.drop();
  });

  it('onboards clients for an operator only, and answers a bad client id with 400 and its path', async () => {
    expect((await call('POST', '/v1/clients', ['auditor'], { clientId: 'alice' })).status).toBe(
      403,
    );
    expect(await call('POST', '/v1/clients', ['operator'], { clientId: 'alice' })).toMatchObject({
      status: 200,
      body: { clientId: 'alice', onboarded: 'now' },
    });
    expect(await call('POST', '/v1/clients', ['operator'], { clientId: 'alice' })).toMatchObject({
      status: 200,
      body: { onboarded: 'already' },
    });
    expect(await call('POST', '/v1/clients', ['operator'], { clientId: 'bob' })).toMatchObject({
      status: 200,
    });
    expect(await call('POST', '/v1/clients', ['operator'], { clientId: ' bad id' })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED', errors: [{ path: 'body.clientId' }] },
    });
  });

  it("HK-21 books a deposit and a trade from Kafka into the clients' balances, and parks a trade for an unknown client as a dead letter", async () => {
    const send = (topic: string, messages: ReturnType<typeof envelope>[]) =>
      producer.send({
        topic,
        acks: -1,
        messages: messages.map((message) => ({
          key: message.streamId,
          value: JSON.stringify(message),
        })),
      });
    // the wallet service registered the wallet long before: the ledger books movements only for wallets it knows (issue 22)
    await producer.send({
      topic: WALLET_EVENTS_TOPIC,
      acks: -1,
      messages: [aWalletRegistered('wallet-cold-1')].map((message) => ({
        key: message.streamId,
        value: JSON.stringify(message),
      })),
    });
    await waitForLedgerWallets(db.pool, ['wallet-cold-1'], WAIT_MS);
    await send(WALLET_EVENTS_TOPIC, [
      envelope('DepositConfirmed', 'deposit-D-1', {
        depositId: 'D-1',
        clientId: 'alice',
        asset: 'USDT',
        amountMinor: '10000000000',
        walletId: 'wallet-cold-1',
        chain: 'ethereum',
        transactionHash: `0x${'cd'.repeat(32)}`,
        confirmations: 12,
        confirmedAt: at,
      }),
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
      envelope('TradeExecuted', 'trade-T-1', {
        tradeId: 'T-1',
        buyerClientId: 'alice',
        ...tradeData,
      }),
      envelope('TradeExecuted', 'trade-T-2', {
        tradeId: 'T-2',
        buyerClientId: 'mallory',
        ...tradeData,
      }),
    ]);

    const expected = [
      { asset: 'BTC', postedMinor: '9990000', pendingDebitsMinor: '0', availableMinor: '9990000' },
      {
        asset: 'USDT',
        postedMinor: '4000000000',
        pendingDebitsMinor: '0',
        availableMinor: '4000000000',
      },
    ];
    const balances = async () =>
      (await call('GET', '/v1/clients/alice/balances', ['auditor'])).body['balances'];
    expect(
      await eventually(
        async () => JSON.stringify(await balances()) === JSON.stringify(expected),
        WAIT_MS,
      ),
    ).toBe(true);
    const bob = await call('GET', '/v1/clients/bob/balances', ['operator']);
    expect(bob.body['balances']).toEqual([
      {
        asset: 'BTC',
        postedMinor: '-10000000',
        pendingDebitsMinor: '0',
        availableMinor: '-10000000',
      }, // TW-13.3: the exchange is authoritative
      {
        asset: 'USDT',
        postedMinor: '5994000000',
        pendingDebitsMinor: '0',
        availableMinor: '5994000000',
      },
    ]);

    const letters = await readTopic(kafka, DEAD_LETTER_TOPIC, {
      until: (read) => read.length >= 1,
      waitMs: WAIT_MS,
    });
    expect(
      letters.map(
        (letter) =>
          (
            JSON.parse(letter.value?.toString() ?? '{}') as {
              data: { reasonCode: string; reasonPath: string };
            }
          ).data,
      ),
    ).toEqual([
      expect.objectContaining({
        stage: 'handle',
        reasonCode: 'CLIENT_UNKNOWN',
        reasonPath: 'data.buyerClientId',
        consumerGroup: 'ledger-books',
      }),
    ]);
    // an unknown id is a 404, with the body of every refusal
    expect(await call('GET', '/v1/clients/mallory/balances', ['auditor'])).toMatchObject({
      status: 404,
      body: {
        statusCode: 404,
        code: 'CLIENT_UNKNOWN',
        path: 'path.clientId',
        reason: 'client mallory is not onboarded',
      },
    });
  });

  it("HK-21 answers the statement with reasons and sources, balances as they were at a past position or instant, and the books' invariant", async () => {
    const statement = await call('GET', '/v1/clients/alice/statement', ['auditor']);
    expect(statement.status).toBe(200);
    const lines = statement.body['lines'] as {
      reason: string;
      sourceReference: string;
      asset: string;
      amountMinor: string;
      globalPosition: string;
    }[];
    // the two topics are consumed in either order: the lines are compared as a set, the positions say which came first
    expect(
      lines
        .map(({ reason, sourceReference, asset, amountMinor }) => ({
          reason,
          sourceReference,
          asset,
          amountMinor,
        }))
        .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
    ).toEqual([
      { reason: 'deposit', sourceReference: 'D-1', asset: 'USDT', amountMinor: '10000000000' },
      { reason: 'trade', sourceReference: 'T-1', asset: 'BTC', amountMinor: '10000000' },
      { reason: 'trade', sourceReference: 'T-1', asset: 'USDT', amountMinor: '-6000000000' },
      { reason: 'trade-fee', sourceReference: 'T-1', asset: 'BTC', amountMinor: '-10000' },
    ]);
    // point-in-time: at each line's position and just before it, the balances are the statement's sums up to there
    for (const position of [...new Set(lines.map((line) => BigInt(line.globalPosition)))].flatMap(
      (at) => [at - 1n, at],
    )) {
      const sums = new Map<string, bigint>();
      for (const line of lines)
        if (BigInt(line.globalPosition) <= position)
          sums.set(line.asset, (sums.get(line.asset) ?? 0n) + BigInt(line.amountMinor));
      const asOf = await call('GET', `/v1/clients/alice/balances?at=${position}`, ['auditor']);
      expect(asOf.body).toMatchObject({ asOfPosition: position.toString() });
      expect(
        (asOf.body['balances'] as { asset: string; postedMinor: string }[]).map(
          ({ asset, postedMinor }) => [asset, postedMinor],
        ),
      ).toEqual([...sums].sort().map(([asset, sum]) => [asset, sum.toString()]));
    }
    const now = await call(
      'GET',
      `/v1/clients/alice/balances?at=${encodeURIComponent(new Date().toISOString())}`,
      ['auditor'],
    );
    expect((now.body['balances'] as unknown[]).length).toBe(2);
    expect(await call('GET', '/v1/clients/alice/balances?at=yesterday', ['auditor'])).toMatchObject(
      { status: 400, body: { code: 'VALIDATION_FAILED', errors: [{ path: 'query.at' }] } },
    );
    const invariants = await call('GET', '/v1/books/invariants', ['auditor']);
    expect(invariants.body).toMatchObject({ ok: true });
    expect(
      (invariants.body['assets'] as { asset: string; differenceMinor: string }[]).map(
        ({ asset, differenceMinor }) => [asset, differenceMinor],
      ),
    ).toEqual([
      ['BTC', '0'],
      ['USDT', '0'],
    ]);
    // the gauge is 0 before any check too: it counts only once a check has covered the last line booked
    const metrics = async () => (await fetch(`${ledger.baseUrl}/metrics`)).text();
    const lastLine = Math.max(...lines.map((line) => Number(line.globalPosition)));
    const checkedPosition = async () =>
      Number(
        /custody_ledger_invariant_checked_position\{[^}]*\} (\d+)/.exec(await metrics())?.[1] ?? 0,
      );
    expect(await eventually(async () => (await checkedPosition()) >= lastLine, WAIT_MS)).toBe(true);
    expect(await metrics()).toMatch(/custody_ledger_books_out_of_balance_assets\{[^}]*\} 0\n/);
  });

  it('HK-7 / maker-checker: an operator requests an adjustment, the same person cannot approve or reject it, another approver can (not an admin); a rejected one books nothing; a debit needs consent', async () => {
    const credit = {
      adjustmentId: 'ADJ-1',
      asset: 'USDT',
      direction: 'credit',
      amountMinor: '500',
      note: 'goodwill for a delayed withdrawal',
    };
    expect((await call('POST', '/v1/clients/alice/adjustments', ['auditor'], credit)).status).toBe(
      403,
    );
    expect(
      await call('POST', '/v1/clients/alice/adjustments', ['operator', 'approver'], credit, 'pat'),
    ).toMatchObject({ status: 200, body: { status: 'pending-approval', requestedBy: 'pat' } });
    expect(
      (await call('POST', '/v1/clients/alice/adjustments/ADJ-1/approve', ['operator'], {}, 'sam'))
        .status,
    ).toBe(403);
    expect(
      (await call('POST', '/v1/clients/alice/adjustments/ADJ-1/approve', ['admin'], {}, 'sam'))
        .status,
    ).toBe(403);
    expect(
      await call('POST', '/v1/clients/alice/adjustments/ADJ-1/approve', ['approver'], {}, 'pat'),
    ).toMatchObject({ status: 422, body: { code: 'MAKER_CHECKER_SAME_PERSON' } });
    expect(
      await call(
        'POST',
        '/v1/clients/alice/adjustments/ADJ-1/reject',
        ['approver'],
        { reason: 'mine' },
        'pat',
      ),
    ).toMatchObject({ status: 422, body: { code: 'MAKER_CHECKER_SAME_PERSON' } });
    expect(
      await call('POST', '/v1/clients/alice/adjustments/ADJ-1/expire', ['operator'], {}, 'sam'),
    ).toMatchObject({ status: 422, body: { code: 'ADJUSTMENT_NOT_EXPIRED' } });
    expect(
      await call('POST', '/v1/clients/alice/adjustments/ADJ-1/approve', ['approver'], {}, 'sam'),
    ).toMatchObject({ status: 200, body: { approvedBy: 'sam' } });
    expect(
      await call(
        'POST',
        '/v1/clients/alice/adjustments',
        ['operator'],
        { ...credit, adjustmentId: 'ADJ-4', amountMinor: '9999' },
        'pat',
      ),
    ).toMatchObject({ status: 200 });
    expect(
      await call(
        'POST',
        '/v1/clients/alice/adjustments/ADJ-4/reject',
        ['approver'],
        { reason: 'no delay on record' },
        'sam',
      ),
    ).toMatchObject({ status: 200, body: { status: 'rejected', rejectedBy: 'sam' } });
    expect(
      await call('POST', '/v1/clients/alice/adjustments/ADJ-4/approve', ['approver'], {}, 'kim'),
    ).toMatchObject({ status: 409, body: { statusCode: 409, code: 'ADJUSTMENT_NOT_PENDING' } });
    // the same adjustment id again with other content conflicts with the one recorded
    expect(
      await call(
        'POST',
        '/v1/clients/alice/adjustments',
        ['operator'],
        { ...credit, adjustmentId: 'ADJ-4', amountMinor: '1' },
        'pat',
      ),
    ).toMatchObject({
      status: 409,
      body: {
        statusCode: 409,
        code: 'ADJUSTMENT_ID_CONFLICT',
        path: 'body.adjustmentId',
        reason: 'adjustment ADJ-4 was requested with other content',
      },
    });
    expect(
      await call('POST', '/v1/clients/alice/adjustments', ['operator'], {
        adjustmentId: 'ADJ-2',
        asset: 'USDT',
        direction: 'debit',
        amountMinor: '1',
        note: 'lend to a market maker',
        debitReason: { kind: 'lending' },
      }),
    ).toMatchObject({ status: 400, body: { errors: [{ path: 'body.debitReason.kind' }] } });
    expect(
      await call('POST', '/v1/clients/alice/adjustments', ['operator'], {
        adjustmentId: 'ADJ-3',
        asset: 'USDT',
        direction: 'credit',
        amountMinor: '-5',
        note: '',
      }),
    ).toMatchObject({
      status: 400,
      body: { errors: [{ path: 'body.amountMinor' }, { path: 'body.note' }] },
    });
    const usdt = async () =>
      (
        (await call('GET', '/v1/clients/alice/balances', ['auditor'])).body['balances'] as {
          asset: string;
          postedMinor: string;
        }[]
      ).find((row) => row.asset === 'USDT')?.postedMinor;
    expect(await eventually(async () => (await usdt()) === '4000000500', WAIT_MS)).toBe(true);
    expect((await call('GET', '/v1/books/invariants', ['operator'])).body).toMatchObject({
      ok: true,
    });
  });

  it('exports its dead letters and its consumer lag, read from Kafka, per partition (issue 10 alerts)', async () => {
    const metrics = async () => (await fetch(`${ledger.baseUrl}/metrics`)).text();
    expect(await metrics()).toMatch(
      /custody_dead_letters_total\{stage="handle",topic="exchange.trades.v1",service="ledger"\} 1\n/,
    );
    // every partition of both consumed topics, each at 0 once everything sent is applied and committed
    const lagLines = async () =>
      (await metrics())
        .split('\n')
        .filter((line) => line.startsWith('custody_consumer_lag_messages{'));
    expect(
      await eventually(async () => {
        const lines = await lagLines();
        return lines.length === 6 && lines.every((line) => line.endsWith(' 0'));
      }, WAIT_MS),
    ).toBe(true);
    expect(await lagLines()).toContain(
      'custody_consumer_lag_messages{group="ledger-books",topic="exchange.trades.v1",partition="0",service="ledger"} 0',
    );
    // a trade the ledger cannot apply yet (its inbox locked by this test) is lag on its partition until it is applied and committed
    const lagOf = async () =>
      Number(
        /custody_consumer_lag_messages\{group="ledger-books",topic="exchange.trades.v1",partition="1",service="ledger"\} (\d+)/.exec(
          await metrics(),
        )?.[1],
      );
    const locker = await db.pool.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table ledger.inbox in exclusive mode');
      const stuck = envelope('TradeExecuted', 'trade-T-9', {
        tradeId: 'T-9',
        occurredAt: at,
        instrument: { base: 'BTC', quote: 'USDT' },
        buyerClientId: 'alice',
        sellerClientId: 'bob',
        quantityMinor: '1000',
        price: '1',
        quoteAmountMinor: '10',
        buyerFee: { asset: 'BTC', amountMinor: '0' },
        sellerFee: { asset: 'USDT', amountMinor: '0' },
      });
      await producer.send({
        topic: EXCHANGE_TRADES_TOPIC,
        acks: -1,
        messages: [{ key: stuck.streamId, value: JSON.stringify(stuck), partition: 1 }],
      });
      expect(await eventually(async () => (await lagOf()) === 1, WAIT_MS)).toBe(true);
      expect(await lagOf()).toBe(1); // still: it cannot be applied while the inbox is locked
    } finally {
      await locker.query('rollback');
      locker.release();
    }
    expect(await eventually(async () => (await lagOf()) === 0, WAIT_MS)).toBe(true);
    // an undecodable message is parked and counted at its stage; its series existed at 0 before (increase() sees the first letter)
    expect(await metrics()).toMatch(
      /custody_dead_letters_total\{stage="decode",topic="exchange.trades.v1",service="ledger"\} 0\n/,
    );
    await producer.send({
      topic: EXCHANGE_TRADES_TOPIC,
      acks: -1,
      messages: [{ key: 'x', value: 'not json', partition: 2 }],
    });
    expect(
      await eventually(
        async () =>
          /custody_dead_letters_total\{stage="decode",topic="exchange.trades.v1",service="ledger"\} 1\n/.test(
            await metrics(),
          ),
        WAIT_MS,
      ),
    ).toBe(true);
  });

  it('given SIGTERM, then it stops consuming and exits 0', async () => {
    expect(await ledger.stop()).toBe(0);
  });
});
