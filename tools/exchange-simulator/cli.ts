/**
 * The exchange simulator against Kafka (issue 9): publishes an upstream exchange's trades, price
 * ticks and withdrawal requests, tick by tick, to a real Kafka (or the test broker).
 *
 *   npm run -s simulate -- --brokers 127.0.0.1:29092 [--scenario normal] [--clients 20] [--seed 1]
 *       [--fee-bps 10] [--trades-per-tick 5] [--tick-ms 1000] [--ticks 60]
 *
 * One progress line per tick on stderr; the last stdout line is a JSON summary. Ctrl-C (SIGINT)
 * or SIGTERM stops after the tick being sent. KAFKA_PRODUCER_IDEMPOTENT=false only against a
 * broker that cannot serve an idempotent producer (the test broker). The custodian onboards the
 * clients (`sim-0001` ..) before their trades can be booked; the ledger parks the others.
 * Every message is signed as the exchange signs (Ed25519 over topic, key and value) with the key
 * in EXCHANGE_SIGNING_KEY_FILE (PKCS#8 PEM) named EXCHANGE_SIGNING_KEY_ID: the custody services
 * park what they cannot verify.
 */
import { parseArgs } from 'node:util';
import {
  createKafka,
  createOutboxProducer,
  ExchangeKeyFileError,
  kafkaTransportSecurityOrThrow,
  readExchangeSigningKey,
  signExchangeMessage,
  type ExchangeSigningKey,
} from '@custody/messaging';
import {
  CLIENTS_MAX,
  DEFAULT_SIMULATOR_OPTIONS,
  ExchangeSimulator,
  FEE_BPS_MAX,
  messagesByTopic,
  RUNNER_ONLY_SCENARIOS,
  SCENARIOS,
  type Scenario,
} from './simulator';

/** Limits of the command line. */
const TRADES_PER_TICK_MAX = 1_000;
const TICK_MS_MIN = 10;
const TICK_MS_MAX = 60_000;
/** 0 ticks means "until stopped"; otherwise at most this many. */
const TICKS_MAX = 1_000_000;
const EXIT_USAGE = 2;

export const SIMULATOR_OPTIONS = {
  brokers: { type: 'string' },
  scenario: { type: 'string', default: 'normal' },
  clients: { type: 'string', default: String(DEFAULT_SIMULATOR_OPTIONS.clients) },
  seed: { type: 'string', default: String(DEFAULT_SIMULATOR_OPTIONS.seed) },
  'fee-bps': { type: 'string', default: String(DEFAULT_SIMULATOR_OPTIONS.feeBps) },
  'trades-per-tick': { type: 'string', default: '5' },
  'tick-ms': { type: 'string', default: '1000' },
  ticks: { type: 'string', default: '0' },
} as const;

class UsageError extends Error {}

/** The exchange's signing key from EXCHANGE_SIGNING_KEY_FILE and EXCHANGE_SIGNING_KEY_ID. */
function signingKey(environment: NodeJS.ProcessEnv): ExchangeSigningKey {
  const file = environment['EXCHANGE_SIGNING_KEY_FILE'];
  const keyId = environment['EXCHANGE_SIGNING_KEY_ID'];
  if (!file || !keyId)
    throw new UsageError(
      'EXCHANGE_SIGNING_KEY_FILE (PKCS#8 PEM, Ed25519) and EXCHANGE_SIGNING_KEY_ID are required: the custody services book only signed exchange messages',
    );
  try {
    return readExchangeSigningKey(keyId, file);
  } catch (error) {
    if (error instanceof ExchangeKeyFileError)
      throw new UsageError(`EXCHANGE_SIGNING_KEY_FILE ${error.message}`);
    throw error;
  }
}

function integer(name: string, text: string, min: number, max: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got '${text}'`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: SIMULATOR_OPTIONS,
    strict: true,
    allowPositionals: false,
  });
  const brokers = (values.brokers ?? process.env['KAFKA_BROKERS'] ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
  if (brokers.length === 0)
    throw new UsageError('--brokers host:port[,host:port...] (or KAFKA_BROKERS) is required');
  const scenario = values.scenario;
  if ((RUNNER_ONLY_SCENARIOS as readonly string[]).includes(scenario))
    throw new UsageError(
      `--scenario ${scenario} acts on the chain, the wallets and the audit database: run it with npm start (CUSTODY_SIMULATOR_SCENARIO=${scenario}); over Kafka: ${SCENARIOS.join(', ')}`,
    );
  if (!(SCENARIOS as readonly string[]).includes(scenario))
    throw new UsageError(`--scenario must be one of ${SCENARIOS.join(', ')}, got '${scenario}'`);
  const simulator = new ExchangeSimulator({
    ...DEFAULT_SIMULATOR_OPTIONS,
    seed: integer('seed', values.seed, 0, 2 ** 32 - 1),
    clients: integer('clients', values.clients, 2, CLIENTS_MAX),
    feeBps: integer('fee-bps', values['fee-bps'], 0, FEE_BPS_MAX),
  });
  const tradesPerTick = integer(
    'trades-per-tick',
    values['trades-per-tick'],
    0,
    TRADES_PER_TICK_MAX,
  );
  const tickMs = integer('tick-ms', values['tick-ms'], TICK_MS_MIN, TICK_MS_MAX);
  const ticks = integer('ticks', values.ticks, 0, TICKS_MAX);
  const signer = signingKey(process.env);

  const producer = createOutboxProducer(
    createKafka({
      clientId: 'exchange-simulator',
      brokers,
      security: kafkaTransportSecurityOrThrow(process.env),
    }),
    { idempotent: process.env['KAFKA_PRODUCER_IDEMPOTENT'] !== 'false' },
  );
  await producer.connect();
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => (stopping = true));
  const totals = { trades: 0, marketTicks: 0, withdrawals: 0 };
  process.stderr.write(
    `[simulator] scenario ${scenario as Scenario}: ${simulator.clientIds().length} clients (${simulator.clientIds()[0]} ..), ${tradesPerTick} trades every ${tickMs} ms, ${ticks === 0 ? 'until stopped' : `${ticks} ticks`}, to ${brokers.join(',')}\n`,
  );
  try {
    for (let tick = 0; !stopping && (ticks === 0 || tick < ticks); tick += 1) {
      const started = Date.now();
      const { messages, counts } = simulator.step(new Date(started), tradesPerTick);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...messagesByTopic(messages)].map(([topic, batch]) => ({
          topic,
          messages: batch.map((message) => signExchangeMessage(signer, topic, message)),
        })),
      });
      totals.trades += counts.trades;
      totals.marketTicks += counts.marketTicks;
      totals.withdrawals += counts.withdrawals;
      process.stderr.write(
        `[simulator] tick ${tick + 1}: ${totals.trades} trades, ${totals.marketTicks} price ticks, ${totals.withdrawals} withdrawal requests sent\n`,
      );
      const wait = tickMs - (Date.now() - started);
      if (wait > 0 && !stopping && (ticks === 0 || tick + 1 < ticks))
        await new Promise((resolve) => setTimeout(resolve, wait));
    }
  } finally {
    await producer.disconnect();
  }
  process.stdout.write(`${JSON.stringify({ simulator: scenario, ...totals })}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`[simulator] ${(error as Error).message}\n`);
    process.exit(error instanceof UsageError ? EXIT_USAGE : 1);
  });
}
