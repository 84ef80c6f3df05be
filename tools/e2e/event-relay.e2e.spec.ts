import { randomBytes, randomUUID } from 'node:crypto';
import { LEDGER_EVENTS_TOPIC, validateMessage } from '@custody/contracts';
import { PostgresEventStore } from '@custody/event-store';
import { createKafka } from '@custody/messaging';
import {
  createTestDatabase,
  eventually,
  readTopic,
  startKafkaTestBroker,
  startService,
  testExchangeSigner,
  type KafkaTestBroker,
  type ServiceProcess,
  type TestDatabase,
} from '@custody/testing';
import { logLevel } from 'kafkajs';

const STREAMS = 10;
const EVENTS_PER_STREAM = 5;
const EVENTS = STREAMS * EVENTS_PER_STREAM;
const WAIT_MS = 30_000;
const BROKER_IDS = [1, 2, 3];

/**
 * A service as a real process with KAFKA_BROKERS set, started while Kafka is unreachable: the
 * events it stores meanwhile show as relay lag; once Kafka is back every one reaches its topic
 * custody.<service>.events.v1 as a valid envelope keyed by stream id, in stream order, and the
 * lag returns to 0. SIGTERM stops it cleanly.
 */
describe('the ledger service relays its event store to custody.ledger.events.v1 (Kafka test broker)', () => {
  let db: TestDatabase;
  let broker: KafkaTestBroker;
  let ledger: ServiceProcess;

  beforeAll(async () => {
    [db, broker] = await Promise.all([createTestDatabase(), startKafkaTestBroker()]);
    await broker.command(`topic ${LEDGER_EVENTS_TOPIC} 3 3`);
    for (const id of BROKER_IDS) await broker.command(`down ${id}`);
    ledger = await startService('ledger', {
      DATABASE_URL: db.url,
      AUTH_ISSUER: 'custody-e2e',
      AUTH_AUDIENCE: 'custody',
      AUTH_JWT_SECRET: randomBytes(32).toString('hex'),
      KAFKA_BROKERS: broker.brokers.join(','),
      KAFKA_PRODUCER_IDEMPOTENT: 'false', // the test broker cannot serve idempotent producers
      LOG_LEVEL: 'info',
      EXCHANGE_PUBLIC_KEYS_FILE: testExchangeSigner().publicKeysFile,
    });
  });
  afterAll(async () => {
    await ledger?.stop();
    await broker?.stop();
    await db?.drop();
  });

  it('given Kafka unreachable at start, then stored events show as relay lag; once Kafka is back, each is published as a valid envelope keyed by its stream, in stream order, and the lag returns to 0', async () => {
    expect(
      await eventually(
        async () => (await fetch(`${ledger.baseUrl}/health/ready`)).status === 200,
        WAIT_MS,
      ),
    ).toBe(true);
    const store = new PostgresEventStore({ pool: db.pool, schema: 'ledger' });
    const streamIds = Array.from({ length: STREAMS }, () => `client-account-${randomUUID()}`);
    for (let version = 1; version <= EVENTS_PER_STREAM; version += 1) {
      await store.append(
        streamIds.map((streamId) => ({
          streamId,
          expectedVersion: version === 1 ? 'no-stream' : BigInt(version - 1),
          events: [
            { eventId: randomUUID(), type: 'ProbeRecorded', schemaVersion: 1, data: { version } },
          ],
        })),
      );
    }

    const metric = async (name: string) => {
      const line = (await (await fetch(`${ledger.baseUrl}/metrics`)).text())
        .split('\n')
        .find((candidate) => candidate.startsWith(`${name}{`));
      return line === undefined ? undefined : Number(line.split(' ').at(-1));
    };
    expect(
      await eventually(
        async () => (await metric('custody_outbox_relay_lag_events')) === EVENTS,
        WAIT_MS,
      ),
    ).toBe(true);
    expect(ledger.stdout()).not.toContain('outbox relay started');
    // Kafka comes back only after a connection attempt has failed (kafkajs never retries that one itself).
    expect(
      await eventually(async () => ledger.stdout().includes('Kafka not reachable'), WAIT_MS),
    ).toBe(true);
    for (const id of BROKER_IDS) await broker.command(`up ${id}`);

    const kafka = createKafka({
      clientId: 'relay-e2e',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
    });
    const messages = await readTopic(kafka, LEDGER_EVENTS_TOPIC, {
      until: (read) => read.length >= EVENTS,
      waitMs: WAIT_MS,
    });
    expect(messages).toHaveLength(EVENTS);
    const versionsByStream = new Map<string, string[]>();
    for (const message of messages) {
      const validation = validateMessage(
        LEDGER_EVENTS_TOPIC,
        JSON.parse(message.value?.toString() ?? ''),
      );
      expect(validation.ok).toBe(true);
      const envelope = JSON.parse(message.value?.toString() ?? '') as {
        streamId: string;
        streamVersion: string;
      };
      expect(message.key?.toString()).toBe(envelope.streamId);
      versionsByStream.set(envelope.streamId, [
        ...(versionsByStream.get(envelope.streamId) ?? []),
        envelope.streamVersion,
      ]);
    }
    expect(new Set(versionsByStream.keys())).toEqual(new Set(streamIds));
    for (const versions of versionsByStream.values())
      expect(versions).toEqual(['1', '2', '3', '4', '5']);

    expect(
      await eventually(
        async () => (await metric('custody_outbox_relay_lag_events')) === 0,
        WAIT_MS,
      ),
    ).toBe(true);
    expect(await metric('custody_outbox_relay_published_events_total')).toBe(EVENTS);
    expect(ledger.stdout()).toContain('outbox relay started');
  });

  it('given SIGTERM, then it stops the relay and exits 0', async () => {
    expect(await ledger.stop()).toBe(0);
  });
});
