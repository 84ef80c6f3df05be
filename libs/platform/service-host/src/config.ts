import { parseAuthConfig, type AuthConfig } from '@custody/auth';
import { parseKafkaTransportSecurity, type KafkaTransportSecurity } from '@custody/messaging';
import { isHttpUrl, LOG_LEVELS, type LogLevel } from '@custody/observability';
import type { ExchangeSignatureVerifier } from '@custody/messaging';
import { parseExchangeSignatures } from './exchange-signatures-config';

export const DATABASE_POOL_MAX_DEFAULT = 10;
export const DATABASE_POOL_MAX_LIMIT = 100;
const PORT_MAX = 65_535;

export interface ServiceConfig {
  readonly serviceName: string;
  readonly port: number;
  /** DATABASE_URL; in a migration run given DATABASE_MIGRATION_URL, that URL (the schemas' owner). */
  readonly databaseUrl: string;
  /**
   * A migration run's (MIGRATE_ONLY with DATABASE_MIGRATION_URL) role the service runs as: the
   * user of DATABASE_URL, granted what the service needs once every schema is prepared.
   */
  readonly databaseServiceRole?: string;
  readonly databasePoolMax: number;
  /** PostgreSQL schema of this service's event store and read models. */
  readonly databaseSchema: string;
  readonly logLevel: LogLevel;
  readonly otlpEndpoint: string | undefined;
  readonly auth: AuthConfig;
  /** Kafka, when KAFKA_BROKERS is set: the service then relays its events to its topic. */
  readonly kafka: KafkaConfig | undefined;
  /**
   * SHUTDOWN_DRAIN_MS: on SIGTERM the service first reports not-ready and keeps serving this
   * long, so the load balancer stops sending before the listener closes (Kubernetes removes a
   * terminating pod from its endpoints asynchronously). 0 (the default) for a developer's Ctrl-C.
   */
  readonly shutdownDrainMs: number;
  /**
   * MIGRATE_ONLY=true: prepare the service's schemas, then exit 0 (a migration Job run before a
   * rollout); no HTTP listener, no Kafka (neither relay nor consumers), whatever KAFKA_BROKERS says.
   */
  readonly migrateOnly: boolean;
  /**
   * The exchange's public keys (EXCHANGE_SIGNATURES, EXCHANGE_PUBLIC_KEYS_FILE): every consumed
   * exchange.* message must carry a valid Ed25519 signature by one of them. Undefined only when
   * EXCHANGE_SIGNATURES=off.
   */
  readonly exchangeSignatures: ExchangeSignatureVerifier | undefined;
}

/** Longest drain: it and the shutdown itself must fit in the pod's termination grace period. */
export const SHUTDOWN_DRAIN_MS_LIMIT = 15_000;

export interface KafkaConfig {
  readonly brokers: readonly string[];
  /** Producer idempotence: on in production; off only against a broker that cannot serve it (the test broker). */
  readonly producerIdempotent: boolean;
  /**
   * KAFKA_CONSUMER_MAX_WAIT_MS: longest a consumer's Fetch waits for data (kafkajs default when
   * unset, 5 s). A real broker answers as soon as data arrives; the test broker holds an empty
   * Fetch for the whole wait even when data arrives meanwhile, so tests and benchmarks set ~20 ms.
   */
  readonly consumerMaxWaitMs: number | undefined;
  /**
   * TLS (KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SSL_CERT_FILE + KAFKA_SSL_KEY_FILE) and SASL
   * (KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD_FILE), the files read at start
   * by @custody/messaging's parseKafkaTransportSecurity, the one parser every Kafka client uses.
   */
  readonly security: KafkaTransportSecurity;
}

export const KAFKA_BROKERS_MAX = 32;
export const KAFKA_CONSUMER_MAX_WAIT_MS_LIMIT = 30_000;
/** host:port, the host a DNS name or an IPv4 address. */
const BROKER_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})?:\d{1,5}$/;

export interface ConfigProblem {
  readonly variable: string;
  readonly reason: string;
}

export type ServiceConfigResult =
  { ok: true; config: ServiceConfig } | { ok: false; problems: ConfigProblem[] };

type Environment = Readonly<Record<string, string | undefined>>;

/** Reads and checks every setting; reports all problems at once, never the value of a secret. */
export function parseServiceConfig(
  serviceName: string,
  defaultPort: number,
  environment: Environment,
): ServiceConfigResult {
  const problems: ConfigProblem[] = [];
  const port = parseInteger(environment, 'PORT', defaultPort, 1, PORT_MAX, problems);
  const databasePoolMax = parseInteger(
    environment,
    'DATABASE_POOL_MAX',
    DATABASE_POOL_MAX_DEFAULT,
    1,
    DATABASE_POOL_MAX_LIMIT,
    problems,
  );
  const databaseUrl = parseDatabaseUrl(environment['DATABASE_URL'], problems);
  const logLevel = environment['LOG_LEVEL'] ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problems.push({ variable: 'LOG_LEVEL', reason: `must be one of ${LOG_LEVELS.join(', ')}` });
  }
  const otlpEndpoint = emptyToUndefined(environment['OTEL_EXPORTER_OTLP_ENDPOINT']);
  if (otlpEndpoint !== undefined && !isHttpUrl(otlpEndpoint)) {
    problems.push({
      variable: 'OTEL_EXPORTER_OTLP_ENDPOINT',
      reason: 'must be an http(s) URL such as http://otel-collector:4318',
    });
  }
  const auth = parseAuthConfig(environment);
  if (!auth.ok) problems.push(...auth.problems);
  const kafka = parseKafkaConfig(environment, problems);
  const shutdownDrainMs = parseInteger(
    environment,
    'SHUTDOWN_DRAIN_MS',
    0,
    0,
    SHUTDOWN_DRAIN_MS_LIMIT,
    problems,
  );
  const migrateOnlyRaw = emptyToUndefined(environment['MIGRATE_ONLY']) ?? 'false';
  if (migrateOnlyRaw !== 'true' && migrateOnlyRaw !== 'false')
    problems.push({ variable: 'MIGRATE_ONLY', reason: `must be 'true' or 'false'` });
  const migrateOnly = migrateOnlyRaw === 'true';
  const migration = parseDatabaseMigration(environment, databaseUrl, migrateOnly, problems);
  // a migration Job prepares schemas and consumes nothing: the exchange's keys are not its business
  const exchangeSignatures = migrateOnly
    ? undefined
    : parseExchangeSignatures(environment, kafka !== undefined, problems);

  if (problems.length > 0 || !auth.ok) return { ok: false, problems };
  return {
    ok: true,
    config: {
      serviceName,
      port,
      databaseUrl: migration?.url ?? databaseUrl,
      ...(migration === undefined ? {} : { databaseServiceRole: migration.serviceRole }),
      databasePoolMax,
      databaseSchema: serviceName.replace(/-/g, '_'),
      logLevel: logLevel as LogLevel,
      otlpEndpoint,
      auth: auth.config,
      kafka: migrateOnly ? undefined : kafka,
      shutdownDrainMs,
      migrateOnly,
      exchangeSignatures,
    },
  };
}

function parseKafkaConfig(
  environment: Environment,
  problems: ConfigProblem[],
): KafkaConfig | undefined {
  const idempotentRaw = emptyToUndefined(environment['KAFKA_PRODUCER_IDEMPOTENT']) ?? 'true';
  if (idempotentRaw !== 'true' && idempotentRaw !== 'false')
    problems.push({ variable: 'KAFKA_PRODUCER_IDEMPOTENT', reason: `must be 'true' or 'false'` });
  const security = parseKafkaTransportSecurity(environment); // also without brokers: a refused KAFKA_SASL_PASSWORD is said either way
  if (!security.ok) problems.push(...security.problems);
  const raw = emptyToUndefined(environment['KAFKA_BROKERS']);
  if (raw === undefined) return undefined;
  const brokers = raw.split(',').map((broker) => broker.trim());
  const bad = brokers.filter(
    (broker) =>
      !BROKER_PATTERN.test(broker) ||
      Number(broker.split(':').at(-1)) > PORT_MAX ||
      Number(broker.split(':').at(-1)) < 1,
  );
  if (bad.length > 0)
    problems.push({
      variable: 'KAFKA_BROKERS',
      reason: `must be comma-separated host:port entries; not valid: ${bad.map((broker) => `'${broker}'`).join(', ')}`,
    });
  if (brokers.length > KAFKA_BROKERS_MAX)
    problems.push({ variable: 'KAFKA_BROKERS', reason: `at most ${KAFKA_BROKERS_MAX} brokers` });
  const consumerMaxWaitMs =
    emptyToUndefined(environment['KAFKA_CONSUMER_MAX_WAIT_MS']) === undefined
      ? undefined
      : parseInteger(
          environment,
          'KAFKA_CONSUMER_MAX_WAIT_MS',
          0,
          1,
          KAFKA_CONSUMER_MAX_WAIT_MS_LIMIT,
          problems,
        );
  return {
    brokers,
    producerIdempotent: idempotentRaw !== 'false',
    consumerMaxWaitMs,
    security: security.ok ? security.security : { tls: undefined, sasl: undefined },
  };
}

export function formatConfigProblems(
  serviceName: string,
  problems: readonly ConfigProblem[],
): string {
  const lines = problems.map((problem) => `  - ${problem.variable}: ${problem.reason}`);
  return [
    `${serviceName}: configuration is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):`,
    ...lines,
  ].join('\n');
}

/** An integer setting from `min` to `max`, `fallback` when unset; a problem named by its variable otherwise. */
export function parseInteger(
  environment: Environment,
  variable: string,
  fallback: number,
  min: number,
  max: number,
  problems: ConfigProblem[],
): number {
  const raw = emptyToUndefined(environment[variable]);
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    problems.push({ variable, reason: `must be an integer from ${min} to ${max}, got '${raw}'` });
    return fallback;
  }
  return value;
}

function parseDatabaseUrl(raw: string | undefined, problems: ConfigProblem[]): string {
  const value = emptyToUndefined(raw);
  if (value === undefined) {
    problems.push({
      variable: 'DATABASE_URL',
      reason: 'required: PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/custody',
    });
    return '';
  }
  try {
    const url = new URL(value);
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new Error('protocol');
    if (url.pathname.length <= 1) {
      problems.push({
        variable: 'DATABASE_URL',
        reason: 'must name a database, e.g. postgres://host:5432/custody',
      });
    }
  } catch {
    // Never echo the value: it may carry a password.
    problems.push({
      variable: 'DATABASE_URL',
      reason: 'must be a postgres:// or postgresql:// URL',
    });
  }
  return value;
}

/** A role name we grant to: a plain identifier, so it needs no quoting. */
const DATABASE_ROLE_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * DATABASE_MIGRATION_URL: the schemas' owner (the migration role), for a migration run only. The
 * run prepares every schema as that role, then grants the service's role (the user of
 * DATABASE_URL) what it needs: a serving service never holds the owner's credentials.
 */
function parseDatabaseMigration(
  environment: Environment,
  databaseUrl: string,
  migrateOnly: boolean,
  problems: ConfigProblem[],
): { url: string; serviceRole: string } | undefined {
  const value = emptyToUndefined(environment['DATABASE_MIGRATION_URL']);
  if (value === undefined) return undefined;
  if (!migrateOnly) {
    problems.push({
      variable: 'DATABASE_MIGRATION_URL',
      reason:
        "only for a migration run (MIGRATE_ONLY=true): a serving service connects as its own role (DATABASE_URL), never as the schemas' owner",
    });
    return undefined;
  }
  const migration = parsedPostgresUrl(value);
  const service = parsedPostgresUrl(databaseUrl);
  if (migration === undefined)
    problems.push({
      variable: 'DATABASE_MIGRATION_URL',
      reason: 'must be a postgres:// or postgresql:// URL naming a database',
    });
  if (migration === undefined || service === undefined) return undefined;
  const serviceRole = decodeURIComponent(service.username);
  if (!DATABASE_ROLE_PATTERN.test(serviceRole))
    problems.push({
      variable: 'DATABASE_URL',
      reason: `with DATABASE_MIGRATION_URL its user is the service's role and must match ${DATABASE_ROLE_PATTERN}`,
    });
  if (migration.pathname !== service.pathname || migration.host !== service.host)
    problems.push({
      variable: 'DATABASE_MIGRATION_URL',
      reason: 'must name the same server and database as DATABASE_URL',
    });
  if (serviceRole === decodedUser(migration))
    problems.push({
      variable: 'DATABASE_URL',
      reason:
        "its user is the schemas' owner (the user of DATABASE_MIGRATION_URL): the service must run as its own role, which cannot change history",
    });
  return { url: value, serviceRole };
}

/** A URL's user as PostgreSQL sees it; undefined when it is not validly percent-encoded. */
function decodedUser(url: URL): string | undefined {
  try {
    return decodeURIComponent(url.username);
  } catch {
    return undefined;
  }
}

function parsedPostgresUrl(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') &&
      url.pathname.length > 1
      ? url
      : undefined;
  } catch {
    return undefined;
  }
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
