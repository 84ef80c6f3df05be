import { randomBytes, randomUUID } from 'node:crypto';
import { signTestToken } from '@custody/auth/testing';
import { DEAD_LETTER_TOPIC, LEDGER_EVENTS_TOPIC } from '@custody/contracts';
import { createKafka, createOutboxProducer } from '@custody/messaging';
import { createTestDatabase, eventually, startKafkaTestBroker, startService, type KafkaTestBroker, type ServiceProcess, type TestDatabase } from '@custody/testing';
import { logLevel, type Producer } from 'kafkajs';

const ISSUER = 'custody-e2e';
const AUDIENCE = 'custody';
const WAIT_MS = 40_000;

function journal(journalId: string, clientStream: string, at: string, entries: { account: Record<string, string>; side: 'debit' | 'credit'; amountMinor: string }[]) {
  const eventId = randomUUID();
  return { eventId, type: 'JournalPosted', schemaVersion: 1, streamId: `ledger-client-${clientStream}`, streamVersion: '1', occurredAt: at, causationId: null, correlationId: eventId, data: { journalId, kind: 'deposit', sourceReference: journalId, fingerprint: journalId, entries, at } };
}

/** The reconciliation service as a real process on the Kafka test broker: the ledger's journals in, TW-13 runs over HTTP (JSON and CSV). */
describe('the reconciliation service runs TW-13 daily balances from the ledger\'s journals (test broker)', () => {
  const secret = randomBytes(32).toString('hex');
  let db: TestDatabase;
  let broker: KafkaTestBroker;
  let producer: Producer;
  let service: ServiceProcess;
  const call = async (method: 'GET' | 'POST', path: string, roles: string[], body?: unknown) => {
    const token = await signTestToken({ secret, issuer: ISSUER, audience: AUDIENCE, subject: `${roles[0]}-1`, roles });
    const response = await fetch(`${service.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type') ?? '', text, body: (text.startsWith('{') ? JSON.parse(text) : {}) as Record<string, unknown> };
  };

  beforeAll(async () => {
    [db, broker] = await Promise.all([createTestDatabase(), startKafkaTestBroker()]);
    for (const topic of [LEDGER_EVENTS_TOPIC, DEAD_LETTER_TOPIC]) await broker.command(`topic ${topic} 3 3`);
    producer = createOutboxProducer(createKafka({ clientId: 'recon-e2e', brokers: broker.brokers, logLevel: logLevel.NOTHING }), { idempotent: false });
    await producer.connect();
    service = await startService('reconciliation', {
      DATABASE_URL: db.url,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_JWT_SECRET: secret,
      KAFKA_BROKERS: broker.brokers.join(','),
      KAFKA_PRODUCER_IDEMPOTENT: 'false',
      KAFKA_CONSUMER_MAX_WAIT_MS: '20',
      RECON_JURISDICTION: 'TW',
      RECON_CUTOFF: '15:30',
      RECON_MINIMUM_UNITS: 'USDT=10000',
      LOG_LEVEL: 'info',
    });
    expect(await eventually(async () => (await fetch(`${service.baseUrl}/health/ready`)).status === 200, WAIT_MS)).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await service?.stop();
    await producer?.disconnect();
    await broker?.stop();
    await db?.drop();
  });

  it('TW-13 runs a business day for an operator from the journals received, with totals rounded up and the receipt after the cut-off on the next day; auditors read it as JSON and CSV', async () => {
    const deposit = (id: string, clientId: string, amount: string, at: string) => journal(id, clientId, at, [{ account: { kind: 'custody', walletId: 'hot-1', asset: 'USDT' }, side: 'debit', amountMinor: amount }, { account: { kind: 'client', clientId, asset: 'USDT' }, side: 'credit', amountMinor: amount }]);
    await producer.send({
      topic: LEDGER_EVENTS_TOPIC,
      messages: [deposit('deposit:D-1', 'alice', '1234567', '2026-11-24T01:00:00.000Z'), deposit('deposit:D-2', 'bob', '70000', '2026-11-24T08:00:00.000Z')].map((message) => ({ key: message.streamId, value: JSON.stringify(message) })),
    });
    expect((await call('POST', '/v1/daily-runs', ['auditor'], { businessDay: '2026-11-24' })).status).toBe(403);
    expect((await call('POST', '/v1/daily-runs', ['operator'], { businessDay: '24/11/2026' })).status).toBe(400);
    let run = await call('POST', '/v1/daily-runs', ['operator'], { businessDay: '2026-11-24' });
    await eventually(async () => {
      run = await call('POST', '/v1/daily-runs', ['operator'], { businessDay: '2026-11-24' });
      return run.body['movementsCounted'] === 1 && run.body['movementsDeferred'] === 1;
    }, WAIT_MS);
    expect(run).toMatchObject({ status: 201, body: { businessDay: '2026-11-24', jurisdiction: 'TW', totals: { USDT: '1240000' }, lineCount: 2 } });
    const runId = run.body['runId'] as string;
    const listed = await call('GET', '/v1/daily-runs?businessDay=2026-11-24', ['auditor']);
    expect((listed.body['runs'] as { runId: string }[]).map((entry) => entry.runId)).toContain(runId);
    const lines = await call('GET', `/v1/daily-runs/${encodeURIComponent(runId)}/lines?limit=1`, ['auditor']);
    expect(lines.body).toMatchObject({ lines: [{ clientId: 'alice', asset: 'USDT', balanceMinor: '1234567', countedMinor: '1240000' }], next: { afterClient: 'alice', afterAsset: 'USDT' } });
    const csv = await call('GET', `/v1/daily-runs/${encodeURIComponent(runId)}/report.csv`, ['auditor']);
    expect(csv.type).toMatch(/text\/csv/);
    expect(csv.text).toBe('client_id,asset,balance_minor,counted_minor\nalice,USDT,1234567,1240000\nbob,USDT,0,0\n');
  });
});
