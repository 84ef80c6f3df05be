/**
 * Issue 22, authenticated transport: a Kafka client configured from KAFKA_SSL* files talks mutual
 * TLS for real, end to end (produce and consume through a broker front that requires a client
 * certificate); a client without a certificate, with a certificate of another CA, or trusting
 * another CA gets nowhere. The broker is the Kafka test broker behind a TLS front
 * (kafka-tls.test-support.ts); the certificates are made here with openssl.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTopic, startKafkaTestBroker, type KafkaTestBroker } from '@custody/testing';
import { logLevel } from 'kafkajs';
import {
  createKafka,
  createOutboxProducer,
  parseKafkaTransportSecurity,
  type KafkaTransportSecurity,
} from './kafka';
import {
  createTestPki,
  startMutualTlsFront,
  type MutualTlsFront,
  type TestPki,
} from './kafka-tls.test-support';

const CLIENT_NAME = 'ledger';
const TOPIC = 'tls.roundtrip.v1';
const PRODUCE_API_KEY = 0;
const FETCH_API_KEY = 1;

function securityOf(environment: Record<string, string>): KafkaTransportSecurity {
  const result = parseKafkaTransportSecurity(environment);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.security;
}

describe('Kafka over mutual TLS (issue 22: every Kafka client takes TLS from configuration)', () => {
  let directory: string;
  let pki: TestPki;
  let broker: KafkaTestBroker;
  let front: MutualTlsFront;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'kafka-tls-'));
    pki = createTestPki(directory, CLIENT_NAME);
    broker = await startKafkaTestBroker({ brokers: 1 });
    front = await startMutualTlsFront(broker.brokers[0]!, pki);
  });

  afterAll(async () => {
    await front?.close();
    await broker?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  /** Connects a producer with this security; resolves to the error kafkajs gave, or undefined when it connected. */
  async function connectError(security: KafkaTransportSecurity): Promise<Error | undefined> {
    const producer = createOutboxProducer(
      createKafka({
        clientId: 'tls-refused',
        brokers: [front.address],
        security,
        logLevel: logLevel.NOTHING,
      }),
      { idempotent: false },
    );
    try {
      await producer.connect();
      await producer.disconnect();
      return undefined;
    } catch (error) {
      return error as Error;
    }
  }

  it('a client configured by KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE produces and consumes through a broker that requires its certificate', async () => {
    const security = securityOf({
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: pki.files.caCert,
      KAFKA_SSL_CERT_FILE: pki.files.clientCert,
      KAFKA_SSL_KEY_FILE: pki.files.clientKey,
    });
    const kafka = createKafka({
      clientId: 'tls-roundtrip',
      brokers: [front.address],
      security,
      logLevel: logLevel.NOTHING,
    });
    const producer = createOutboxProducer(kafka, { idempotent: false }); // the test broker cannot serve idempotence
    await producer.connect();
    try {
      await producer.send({
        topic: TOPIC,
        acks: -1,
        messages: [{ key: 'k', value: 'over mutual TLS' }],
      });
    } finally {
      await producer.disconnect();
    }
    const read = await readTopic(kafka, TOPIC, { until: (messages) => messages.length > 0 });
    expect(read.map((message) => message.value?.toString())).toEqual(['over mutual TLS']);
    // every request went through the front (the advertised ports were its own), as the client the certificate names
    expect(front.forwardedRequests.get(PRODUCE_API_KEY)).toBeGreaterThan(0);
    expect(front.forwardedRequests.get(FETCH_API_KEY)).toBeGreaterThan(0);
    expect(new Set(front.acceptedClients)).toEqual(new Set([CLIENT_NAME]));
  });

  it('a client without a client certificate is refused by the broker, and sends nothing', async () => {
    const accepted = front.acceptedClients.length;
    const refused = front.refusedHandshakes.length;
    const error = await connectError(
      securityOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: pki.files.caCert }),
    );
    expect(error).toBeDefined();
    expect(front.acceptedClients.length).toBe(accepted);
    expect(front.refusedHandshakes.slice(refused).join('\n')).toMatch(
      /peer did not return a certificate/,
    );
  });

  it('a client certificate of another CA is refused by the broker', async () => {
    const accepted = front.acceptedClients.length;
    const refused = front.refusedHandshakes.length;
    const error = await connectError(
      securityOf({
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: pki.files.caCert,
        KAFKA_SSL_CERT_FILE: pki.files.rogueClientCert,
        KAFKA_SSL_KEY_FILE: pki.files.rogueClientKey,
      }),
    );
    expect(error).toBeDefined();
    expect(front.acceptedClients.length).toBe(accepted);
    expect(front.refusedHandshakes.length).toBeGreaterThan(refused); // TLS 1.3: the server's verdict reaches it as a hang-up
  });

  it('a client that trusts another CA refuses the broker (the broker is verified: rejectUnauthorized)', async () => {
    const accepted = front.acceptedClients.length;
    const error = await connectError(
      securityOf({
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: pki.files.rogueCaCert,
        KAFKA_SSL_CERT_FILE: pki.files.clientCert,
        KAFKA_SSL_KEY_FILE: pki.files.clientKey,
      }),
    );
    expect(error?.message).toMatch(/certificate/);
    expect(front.acceptedClients.length).toBe(accepted);
  });

  it('a key that does not belong to the certificate is refused at start, naming the file, not the key', () => {
    const result = parseKafkaTransportSecurity({
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: pki.files.caCert,
      KAFKA_SSL_CERT_FILE: pki.files.clientCert,
      KAFKA_SSL_KEY_FILE: pki.files.rogueClientKey,
    });
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          variable: 'KAFKA_SSL_KEY_FILE',
          reason: `${pki.files.rogueClientKey}: this key does not belong to the certificate of KAFKA_SSL_CERT_FILE`,
        },
      ],
    });
  });
});
