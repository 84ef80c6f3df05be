import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Pool } from 'pg';
import type { TestDatabase } from './postgres';

/**
 * Fixtures for the `containers` tier (`*.containers.spec.ts`, `npm run test:containers`): real
 * Apache Kafka and PostgreSQL in Docker containers through testcontainers. This machine kind
 * has no Docker engine, so the tier probes for one once (containers-global-setup.ts) and its
 * suites skip, saying why, when none answers.
 *
 * testcontainers is imported lazily (type imports only at the top): everything else that
 * imports @custody/testing never loads it (nor dockerode and ssh2 behind it).
 */

/**
 * Confluent's community build of Apache Kafka 4.1 (cp-kafka 8.1 = AK 4.1), the broker version
 * docker-compose.yml runs (apache/kafka:4.1.0). @testcontainers/kafka 11 drives the cp-kafka
 * images only (it starts them through Confluent's /etc/confluent/docker/run); from 8.0 they run
 * in KRaft mode, as compose does. kafkajs 2.2 picks protocol versions Kafka 4 still serves
 * (its newest of each API are above the ones KIP-896 removed).
 */
export const KAFKA_CONTAINER_IMAGE = 'confluentinc/cp-kafka:8.1.0';
/** The image docker-compose.yml runs. */
export const POSTGRES_CONTAINER_IMAGE = 'postgres:16-bookworm';
/** Port the Kafka container's PLAINTEXT listener advertises to the host (@testcontainers/kafka's). */
const KAFKA_HOST_LISTENER_PORT = 9093;
/** A probe of the Docker engine that takes longer than this counts as no engine. */
export const CONTAINER_RUNTIME_PROBE_TIMEOUT_MS = 20_000;
const DOCKER_SOCKET = '/var/run/docker.sock';

/** Set by the tier's global setup, in Jest's own process before the test files load. */
export const CONTAINERS_SKIP_REASON_VARIABLE = 'CUSTODY_CONTAINERS_SKIP_REASON';
export const CONTAINERS_RUNTIME_VARIABLE = 'CUSTODY_CONTAINERS_RUNTIME';
/** `true`: no reachable engine fails the run instead of skipping it (a CI runner that has Docker). */
export const CONTAINERS_REQUIRED_VARIABLE = 'CUSTODY_CONTAINERS_REQUIRED';

export type ContainerRuntimeProbe =
  | { readonly reachable: true; readonly description: string }
  | { readonly reachable: false; readonly reason: string };

/**
 * Asks testcontainers for a container runtime the way it will look for one when a suite starts
 * a container (TESTCONTAINERS_HOST_OVERRIDE, DOCKER_HOST or ~/.testcontainers.properties, the
 * Unix socket, the rootless sockets), and pings it (`docker info`).
 */
export async function probeContainerRuntime(
  timeoutMs = CONTAINER_RUNTIME_PROBE_TIMEOUT_MS,
): Promise<ContainerRuntimeProbe> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
  });
  try {
    const client = await Promise.race([getContainerRuntimeClient(), timeout]);
    const runtime = client.info.containerRuntime;
    return {
      reachable: true,
      description: `Docker ${runtime.serverVersion} on ${runtime.operatingSystem} (${runtime.host})`,
    };
  } catch (error) {
    return {
      reachable: false,
      reason: `${whereWeLooked()}; testcontainers: ${(error as Error).message}`,
    };
  } finally {
    clearTimeout(timer);
  }
}

function whereWeLooked(): string {
  const dockerHost = process.env['DOCKER_HOST'];
  const host =
    dockerHost === undefined || dockerHost === ''
      ? 'DOCKER_HOST unset'
      : `DOCKER_HOST=${dockerHost} not answering`;
  const socket = existsSync(DOCKER_SOCKET)
    ? `${DOCKER_SOCKET} not answering`
    : `${DOCKER_SOCKET} missing`;
  return `${host}, ${socket}`;
}

/**
 * `describe` for a suite that needs containers, chosen when the file loads: the real one when
 * the global setup found an engine, else `describe.skip` with the reason in the suite's name,
 * so Jest reports every test of it as skipped (never as passed).
 */
export function describeWithContainers(name: string, body: () => void): void {
  const runtime = process.env[CONTAINERS_RUNTIME_VARIABLE];
  const skipReason = process.env[CONTAINERS_SKIP_REASON_VARIABLE];
  if (skipReason !== undefined) {
    describe.skip(`${name} [skipped: no Docker engine reachable (${skipReason})]`, body);
  } else if (runtime !== undefined) {
    describe(`${name} [${runtime}]`, body);
  } else {
    throw new Error(
      'a containers suite runs in the `containers` Jest project, whose global setup looks for a Docker engine: npm run test:containers',
    );
  }
}

export interface KafkaContainerHandle {
  /** host:port of the broker, for kafkajs `brokers`. */
  readonly brokers: readonly string[];
  readonly image: string;
  stop(): Promise<void>;
}

/**
 * One Apache Kafka broker (KRaft, broker and controller in one process) with the setting of
 * docker-compose.yml's brokers that matters to clients: no automatic topic creation (every topic
 * is created explicitly, as the compose init job does). Unlike compose's three nodes, one node:
 * internal topics with one replica.
 */
export async function startKafkaContainer(
  image = KAFKA_CONTAINER_IMAGE,
): Promise<KafkaContainerHandle> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const container = await new KafkaContainer(image)
    .withEnvironment({
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      // Confluent's support-metrics reporting (older cp images sent it home): off, whatever the image.
      KAFKA_CONFLUENT_SUPPORT_METRICS_ENABLE: 'false',
    })
    .start();
  return {
    brokers: [`${container.getHost()}:${container.getMappedPort(KAFKA_HOST_LISTENER_PORT)}`],
    image,
    stop: async () => void (await container.stop()),
  };
}

export interface ContainerDatabase extends TestDatabase {
  readonly image: string;
  /** Closes the pool and removes the container (drop() only closes the pool). */
  stop(): Promise<void>;
}

/** A PostgreSQL server of its own, its data on a tmpfs (nothing outlives the container). */
export async function startPostgresContainer(
  image = POSTGRES_CONTAINER_IMAGE,
): Promise<ContainerDatabase> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer(image)
    .withDatabase('custody_containers')
    .withUsername('custody')
    .withPassword(randomBytes(12).toString('hex')) // a throwaway server; still no fixed password
    .withTmpFs({ '/var/lib/postgresql/data': 'rw' })
    .start();
  const url = container.getConnectionUri();
  const pool = new Pool({ connectionString: url, max: 20 });
  let poolClosed = false;
  const closePool = async () => {
    if (poolClosed) return;
    poolClosed = true;
    await pool.end();
  };
  return {
    name: container.getDatabase(),
    url,
    pool,
    image,
    drop: closePool,
    async stop() {
      await closePool();
      await container.stop();
    },
  };
}
