import { randomBytes, randomUUID } from 'node:crypto';
import { signTestToken } from '@custody/auth/testing';
import {
  DEAD_LETTER_TOPIC,
  EXCHANGE_FIAT_TOPIC,
  RECONCILIATION_EVENTS_TOPIC,
} from '@custody/contracts';
import { createKafka, createOutboxProducer } from '@custody/messaging';
import { addBusinessDays, localParts } from '@custody/reconciliation-domain';
import {
  createTestDatabase,
  eventually,
  signingProducer,
  startKafkaTestBroker,
  startService,
  testServiceEnvironment,
  type KafkaTestBroker,
  type ServiceProcess,
  type TestDatabase,
} from '@custody/testing';
import { logLevel, type Producer } from 'kafkajs';

const ISSUER = 'custody-e2e';
const AUDIENCE = 'custody';
const WAIT_MS = 40_000;

/**
 * Issue 22, attack 5 (TW-10 / TW-11): one operator tries to hide a fiat trust shortfall alone,
 * against the real reconciliation service (its own process, PostgreSQL, the Kafka test broker).
 * Clients are owed 2,500.00 TWD; the bank holds 2,400.00. Alone, the operator can neither name an
 * account nobody registered, nor approve their own account or statement, nor state an opening
 * balance that covers the gap: a statement nobody else approved never counts. With a second
 * person the true statement counts, and the shortfall shows.
 */
describe('trust boundaries: a fiat trust statement needs two people (TW-10 / TW-11, issue 22)', () => {
  const secret = randomBytes(32).toString('hex');
  let db: TestDatabase;
  let broker: KafkaTestBroker;
  let producer: Producer;
  let service: ServiceProcess;
  /** A call as a named person holding the given roles. */
  const call = async (
    method: 'GET' | 'POST',
    path: string,
    person: string,
    roles: string[],
    body?: unknown,
  ) => {
    const token = await signTestToken({
      secret,
      issuer: ISSUER,
      audience: AUDIENCE,
      subject: person,
      roles,
    });
    const response = await fetch(`${service.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text.startsWith('{') ? JSON.parse(text) : {}) as Record<string, unknown>,
    };
  };
  /** The insider: an operator who also holds the approver role. */
  const mallory = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    call(method, path, 'mallory', ['operator', 'approver'], body);
  const carol = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    call(method, path, 'carol', ['approver'], body);
  const run = () =>
    mallory('POST', '/v1/fiat-runs', { businessDay: '2026-11-24', currency: 'TWD' });
  const statementPath = (statementId: string, verb: string) =>
    `/v1/trust-statements/${encodeURIComponent(statementId)}/${verb}`;
  const period = {
    currency: 'TWD',
    from: '2026-11-24T00:00:00+08:00',
    to: '2026-11-25T00:00:00+08:00',
  };
  /** What the bank says: 2,400.00 received, opening at 0. */
  const trueStatement = {
    accountId: 'TRUST-TWD-9',
    ...period,
    openingBalanceMinor: '0',
    csv: 'booked_at,reference,amount,balance\n2026-11-24T09:00:00+08:00,FX-1,2400.00,2400.00\n',
  };
  /** What would hide the gap: the same line from an opening balance of 100.00 nobody else vouched for. */
  const coveringStatement = {
    ...trueStatement,
    openingBalanceMinor: '10000',
    csv: 'booked_at,reference,amount,balance\n2026-11-24T09:00:00+08:00,FX-1,2400.00,2500.00\n',
  };

  beforeAll(async () => {
    [db, broker] = await Promise.all([createTestDatabase(), startKafkaTestBroker()]);
    for (const topic of [EXCHANGE_FIAT_TOPIC, DEAD_LETTER_TOPIC, RECONCILIATION_EVENTS_TOPIC])
      await broker.command(`topic ${topic} 3 3`);
    producer = signingProducer(
      createOutboxProducer(
        createKafka({
          clientId: 'fiat-trust-e2e',
          brokers: broker.brokers,
          logLevel: logLevel.NOTHING,
        }),
        { idempotent: false },
      ),
    );
    await producer.connect();
    service = await startService('reconciliation', {
      ...testServiceEnvironment({
        databaseUrl: db.url,
        brokers: broker.brokers,
        jwtSecret: secret,
        issuer: ISSUER,
        audience: AUDIENCE,
      }),
      RECON_JURISDICTION: 'TW',
      RECON_CUTOFF: '15:30',
    });
    expect(
      await eventually(
        async () => (await fetch(`${service.baseUrl}/health/ready`)).status === 200,
        WAIT_MS,
      ),
    ).toBe(true);
    const eventId = randomUUID();
    const owed = {
      eventId,
      type: 'FiatMovementRecorded',
      schemaVersion: 1,
      streamId: 'fiat-FX-1',
      streamVersion: '1',
      occurredAt: '2026-11-24T01:00:00.000Z',
      causationId: null,
      correlationId: eventId,
      data: {
        kind: 'received',
        movementId: 'FX-1',
        clientId: 'dan',
        currency: 'TWD',
        amountMinor: '250000',
        channel: 'trust-account',
        collectorId: null,
        occurredAt: '2026-11-24T01:00:00.000Z',
      },
    };
    await producer.send({
      topic: EXCHANGE_FIAT_TOPIC,
      messages: [{ key: owed.streamId, value: JSON.stringify(owed) }],
    });
    expect(
      await eventually(async () => (await run()).body['owedMinor'] === '250000', WAIT_MS),
    ).toBe(true);
  }, 90_000);
  afterAll(async () => {
    await service?.stop();
    await producer?.disconnect();
    await broker?.stop();
    await db?.drop();
  });

  it('alone, the operator cannot import a statement of an account nobody registered', async () => {
    expect(await mallory('POST', '/v1/trust-statements', coveringStatement)).toMatchObject({
      status: 404,
      body: { statusCode: 404, code: 'TRUST_ACCOUNT_UNKNOWN', path: 'body.accountId' },
    });
  });

  it('alone, the operator can request the account but not approve it (MAKER_CHECKER_SAME_PERSON), so no statement of it is taken', async () => {
    const account = {
      accountId: 'TRUST-TWD-9',
      currency: 'TWD',
      bank: 'Bank of Taiwan',
      accountName: 'client money 9',
      openingBalanceMinor: '10000',
      openingBalanceAt: '2026-11-24T00:00:00+08:00',
    };
    expect(await mallory('POST', '/v1/trust-accounts', account)).toMatchObject({
      status: 201,
      body: { registration: { status: 'pending', requestedBy: 'mallory' } },
    });
    expect(await mallory('POST', '/v1/trust-accounts/TRUST-TWD-9/approve')).toMatchObject({
      status: 422,
      body: { code: 'MAKER_CHECKER_SAME_PERSON' },
    });
    expect(await mallory('POST', '/v1/trust-statements', coveringStatement)).toMatchObject({
      status: 422,
      body: { code: 'TRUST_ACCOUNT_NOT_APPROVED' },
    });
    // a second person checks it against the bank's letter: the account opened at 0, not 100.00
    expect(
      await carol('POST', '/v1/trust-accounts/TRUST-TWD-9/reject', {
        reason: 'the bank letter says the account opened at 0.00',
      }),
    ).toMatchObject({
      status: 200,
      body: { registration: { status: 'rejected', decidedBy: 'carol' } },
    });
    expect(
      await mallory('POST', '/v1/trust-accounts', { ...account, openingBalanceMinor: '0' }),
    ).toMatchObject({ status: 201 });
    expect(
      (await call('POST', '/v1/trust-accounts/TRUST-TWD-9/approve', 'olga', ['operator'])).status,
    ).toBe(403); // an operator is no approver
    expect(await carol('POST', '/v1/trust-accounts/TRUST-TWD-9/approve')).toMatchObject({
      status: 200,
      body: { registration: { status: 'approved', decidedBy: 'carol', openingBalanceMinor: '0' } },
    });
  });

  it('alone, the operator cannot open a statement at a balance that covers the shortfall (OPENING_BALANCE_MISMATCH, both figures named)', async () => {
    expect(await mallory('POST', '/v1/trust-statements', coveringStatement)).toMatchObject({
      status: 422,
      body: {
        code: 'OPENING_BALANCE_MISMATCH',
        path: 'body.openingBalanceMinor',
        reason: expect.stringMatching(/opens at 10000 .*registration is 0/),
      },
    });
  });

  it("alone, the operator's imported statement stays pending and never counts: the run has no verdict, however often it runs", async () => {
    const imported = await mallory('POST', '/v1/trust-statements', trueStatement);
    expect(imported).toMatchObject({
      status: 201,
      body: { status: 'pending', submittedBy: 'mallory', closingBalanceMinor: '240000' },
    });
    const statementId = imported.body['statementId'] as string;
    expect(await mallory('POST', statementPath(statementId, 'approve'))).toMatchObject({
      status: 422,
      body: { code: 'MAKER_CHECKER_SAME_PERSON', path: 'body.decidedBy' },
    });
    expect(await run()).toMatchObject({
      status: 201,
      body: { trustBalanceMinor: null, statements: [], differences: [] },
    });
  });

  it('with a second person the statement counts, and the shortfall of 100.00 shows, due in 2 business days', async () => {
    const account = await carol('GET', '/v1/trust-accounts/TRUST-TWD-9');
    const pending = (
      account.body['statements'] as { statementId: string; status: string }[]
    ).filter((statement) => statement.status === 'pending');
    expect(pending).toHaveLength(1);
    const statementId = pending[0]?.statementId ?? '';
    expect(await carol('POST', statementPath(statementId, 'approve'))).toMatchObject({
      status: 200,
      body: { status: 'approved', decidedBy: 'carol' },
    });
    expect(await carol('POST', statementPath(statementId, 'approve'))).toMatchObject({
      status: 200,
      body: { status: 'approved' },
    }); // a replay changes nothing
    const runsFrom = localParts(new Date().toISOString(), 'Asia/Taipei').day;
    const counted = await run();
    expect(counted).toMatchObject({
      status: 201,
      body: {
        trustBalanceMinor: '240000',
        statements: [statementId],
        differences: [{ kind: 'shortfall', amountMinor: '10000' }],
      },
    });
    const discrepancyId =
      (counted.body['differences'] as { discrepancyId: string }[])[0]?.discrepancyId ?? '';
    expect(await carol('GET', `/v1/discrepancies/${discrepancyId}`)).toMatchObject({ status: 403 }); // approvers decide, they do not work discrepancies
    // the run about 24 November is made today, late: due 2 business days from the day after it found the shortfall (TW-14.3)
    const found = await call('GET', `/v1/discrepancies/${discrepancyId}`, 'ann', ['auditor']);
    expect(found).toMatchObject({
      status: 200,
      body: { businessDay: '2026-11-24', difference: { source: 'trust-account', asset: 'TWD' } },
    });
    const discoveredOn = found.body['discoveredOn'] as string;
    expect(discoveredOn >= runsFrom).toBe(true);
    expect(found.body['topUpDueOn']).toBe(
      addBusinessDays(discoveredOn, 2, {
        jurisdiction: 'TW',
        timeZone: 'Asia/Taipei',
        cutOff: '15:30',
        weekendDays: [0, 6],
        holidays: new Set(),
      }),
    );
  });

  it('a rejected statement is recorded with its reason and never counts', async () => {
    const next = {
      accountId: 'TRUST-TWD-9',
      currency: 'TWD',
      from: '2026-11-25T00:00:00+08:00',
      to: '2026-11-26T00:00:00+08:00',
      openingBalanceMinor: '240000',
      csv: 'booked_at,reference,amount,balance\n2026-11-25T09:00:00+08:00,TOPUP?,100.00,2500.00\n',
    };
    const imported = await mallory('POST', '/v1/trust-statements', next);
    expect(imported).toMatchObject({ status: 201, body: { status: 'pending' } });
    const statementId = imported.body['statementId'] as string;
    expect(
      await carol('POST', statementPath(statementId, 'reject'), {
        reason: 'no such credit on the bank portal',
      }),
    ).toMatchObject({
      status: 200,
      body: { status: 'rejected', rejectionReason: 'no such credit on the bank portal' },
    });
    expect(await carol('POST', statementPath(statementId, 'approve'))).toMatchObject({
      status: 409,
      body: { statusCode: 409, code: 'STATEMENT_NOT_PENDING' },
    });
    expect(
      await mallory('POST', '/v1/fiat-runs', { businessDay: '2026-11-25', currency: 'TWD' }),
    ).toMatchObject({ status: 201, body: { trustBalanceMinor: null } });
  });
});
