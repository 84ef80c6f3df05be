import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { ensureDebianPackage } from './debian-packages';

const run = promisify(execFile);
const WORKSPACE_ROOT = path.resolve(__dirname, '../../../..');
export const KAFKA_TEST_BROKER_SOURCE = path.join(
  WORKSPACE_ROOT,
  'tools/kafka-test-broker/kafka-test-broker.c',
);
export const KAFKA_TEST_BROKER_BINARY = path.join(
  WORKSPACE_ROOT,
  'tools/kafka-test-broker/build/kafka-test-broker',
);
const MOCK_HEADER = '/usr/include/librdkafka/rdkafka_mock.h';
export const KAFKA_BROKERS_DEFAULT = 3;
const BROKER_START_TIMEOUT_MS = 10_000;
const BROKER_COMMAND_TIMEOUT_MS = 5_000;
const BROKER_STOP_TIMEOUT_MS = 5_000;

export interface KafkaTestBroker {
  /** host:port of each mock broker, for kafkajs `brokers`. */
  readonly brokers: readonly string[];
  /** Sends one fault command (`down 2`, `up 2`, `errors Produce 3 NOT_LEADER_FOR_PARTITION`, `topic t 3 3`). */
  command(line: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Builds the launcher when missing or older than its source. Installs Debian's librdkafka-dev
 * first when its mock header is absent and we run as root; otherwise says what to install.
 */
export async function ensureKafkaTestBrokerBuilt(): Promise<string> {
  if (
    existsSync(KAFKA_TEST_BROKER_BINARY) &&
    statSync(KAFKA_TEST_BROKER_BINARY).mtimeMs >= statSync(KAFKA_TEST_BROKER_SOURCE).mtimeMs
  ) {
    return KAFKA_TEST_BROKER_BINARY;
  }
  await ensureDebianPackage(
    'librdkafka-dev',
    MOCK_HEADER,
    'the Kafka tests (its mock cluster is the test broker)',
  );
  // Build to a private name, then rename: parallel test workers never run a half-written binary.
  const temporary = `${KAFKA_TEST_BROKER_BINARY}.${process.pid}`;
  await run('mkdir', ['-p', path.dirname(KAFKA_TEST_BROKER_BINARY)]);
  try {
    await run('cc', [
      '-std=c11',
      '-D_POSIX_C_SOURCE=200809L',
      '-Wall',
      '-Wextra',
      '-Werror',
      '-O2',
      '-o',
      temporary,
      KAFKA_TEST_BROKER_SOURCE,
      '-lrdkafka',
    ]);
  } catch (error) {
    throw new Error(
      `could not compile the Kafka test broker: ${(error as { stderr?: string }).stderr ?? (error as Error).message}`,
    );
  }
  renameSync(temporary, KAFKA_TEST_BROKER_BINARY);
  return KAFKA_TEST_BROKER_BINARY;
}

/** Starts a mock Kafka cluster (3 brokers by default) on 127.0.0.1 for one test file. */
export async function startKafkaTestBroker(
  options: { brokers?: number } = {},
): Promise<KafkaTestBroker> {
  const binary = await ensureKafkaTestBrokerBuilt();
  const child = spawn(binary, ['--brokers', String(options.brokers ?? KAFKA_BROKERS_DEFAULT)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const nextLine = (timeoutMs: number) =>
    withTimeout(
      lines.next(),
      timeoutMs,
      () => `the Kafka test broker did not answer within ${timeoutMs} ms: ${stderr}`,
    );

  const bootstrap = await nextLine(BROKER_START_TIMEOUT_MS);
  const ready = await nextLine(BROKER_START_TIMEOUT_MS);
  if (
    bootstrap.done ||
    !bootstrap.value.startsWith('BOOTSTRAP ') ||
    ready.done ||
    ready.value !== 'READY'
  ) {
    child.kill('SIGKILL');
    throw new Error(`the Kafka test broker did not start: ${stderr}`);
  }
  const brokers = bootstrap.value.slice('BOOTSTRAP '.length).split(',');
  let queue: Promise<unknown> = Promise.resolve();

  return {
    brokers,
    command(line: string) {
      const answer = queue.then(async () => {
        child.stdin?.write(`${line}\n`);
        const response = await nextLine(BROKER_COMMAND_TIMEOUT_MS);
        if (response.done) throw new Error(`the Kafka test broker exited: ${stderr}`);
        if (!response.value.startsWith('OK'))
          throw new Error(`the Kafka test broker refused '${line}': ${response.value}`);
        return response.value;
      });
      queue = answer.catch(() => undefined);
      return answer;
    },
    stop: () => stopBroker(child),
  };
}

async function stopBroker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), BROKER_STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

async function withTimeout<T>(
  work: Promise<T>,
  timeoutMs: number,
  message: () => string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(message())), timeoutMs)),
  );
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
