// Re-drives dead letters of one topic back to it after a fix:
//   npm run -s dead-letters:redrive -- --brokers host:9092[,host:9092] --topic exchange.trades.v1
// Idempotent consumers (the inbox) make a re-driven message that was already applied a no-op.
// TLS and SASL come from the services' variables (KAFKA_SSL, KAFKA_SSL_*_FILE, KAFKA_SASL_*).
import { isTopic } from '@custody/contracts';
import {
  createKafka,
  createOutboxProducer,
  kafkaTransportSecurityOrThrow,
  redriveDeadLetters,
} from '@custody/messaging';

/** The options this script reads, each given as `--name value` (tools/checks/runbooks.spec.ts checks the runbooks against them). */
export const REDRIVE_DEAD_LETTERS_OPTIONS = ['brokers', 'topic'] as const;

function argument(name: (typeof REDRIVE_DEAD_LETTERS_OPTIONS)[number]): string {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? undefined : process.argv[index + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`missing --${name}`);
  return value;
}

async function main(): Promise<void> {
  const brokers = argument('brokers')
    .split(',')
    .filter((broker) => /^[^:\s]+:\d+$/.test(broker));
  const topic = argument('topic');
  if (brokers.length === 0) throw new Error('--brokers must be host:port[,host:port...]');
  if (!isTopic(topic)) throw new Error(`--topic '${topic}' is not a known topic`);
  const kafka = createKafka({
    clientId: 'custody-dead-letter-redrive',
    brokers,
    security: kafkaTransportSecurityOrThrow(process.env),
  });
  // KAFKA_PRODUCER_IDEMPOTENT: the services' variable (off only against a broker that cannot serve it)
  const producer = createOutboxProducer(kafka, {
    idempotent: process.env['KAFKA_PRODUCER_IDEMPOTENT'] !== 'false',
  });
  await producer.connect();
  try {
    const result = await redriveDeadLetters({ kafka, producer, originalTopic: topic });
    process.stdout.write(`${JSON.stringify({ topic, ...result })}\n`);
  } finally {
    await producer.disconnect();
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`dead-letters:redrive: ${error.message}\n`);
    process.exit(1);
  });
}
