import { formatConfigProblems, parseServiceConfig } from './config';

const valid = {
  DATABASE_URL: 'postgres://custody:pw@db:5432/custody',
  AUTH_ISSUER: 'https://id.example',
  AUTH_AUDIENCE: 'custody',
  AUTH_JWT_SECRET: 'x'.repeat(32),
};

describe('service configuration', () => {
  it('given the required settings, then defaults fill the rest and the schema is the service name', () => {
    const result = parseServiceConfig('reconciliation', 3004, valid);
    expect(result).toMatchObject({
      ok: true,
      config: { serviceName: 'reconciliation', port: 3004, databasePoolMax: 10, databaseSchema: 'reconciliation', logLevel: 'info', otlpEndpoint: undefined, shutdownDrainMs: 0, migrateOnly: false },
    });
  });

  it('given nothing, then every required variable is reported at once', () => {
    const result = parseServiceConfig('ledger', 3001, {});
    expect(result.ok).toBe(false);
    const variables = result.ok ? [] : result.problems.map((problem) => problem.variable);
    expect(variables).toEqual(expect.arrayContaining(['DATABASE_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE']));
  });

  it.each([
    ['PORT', '0', /1 to 65535/],
    ['PORT', '80a', /integer/],
    ['DATABASE_POOL_MAX', '1000', /1 to 100/],
    ['DATABASE_URL', 'mysql://db/x', /postgres/],
    ['DATABASE_URL', 'postgres://db', /name a database/],
    ['LOG_LEVEL', 'loud', /one of/],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318', /http/],
    ['KAFKA_BROKERS', 'kafka:9092,kafka', /not valid: 'kafka'/],
    ['KAFKA_BROKERS', 'kafka:99999', /host:port/],
    ['KAFKA_BROKERS', Array.from({ length: 33 }, (_, index) => `k${index}:9092`).join(','), /at most 32/],
    ['KAFKA_PRODUCER_IDEMPOTENT', 'yes', /'true' or 'false'/],
    ['SHUTDOWN_DRAIN_MS', '15001', /0 to 15000/],
    ['MIGRATE_ONLY', 'yes', /'true' or 'false'/],
  ])('given %s=%s, then it is refused with a reason', (variable, value, reason) => {
    const result = parseServiceConfig('ledger', 3001, { ...valid, [variable]: value });
    expect(result.ok).toBe(false);
    const problem = result.ok ? undefined : result.problems.find((candidate) => candidate.variable === variable);
    expect(problem?.reason).toMatch(reason);
  });

  it('given MIGRATE_ONLY=true, then there is no Kafka whatever KAFKA_BROKERS says (a migration Job neither consumes nor publishes)', () => {
    expect(parseServiceConfig('ledger', 3001, { ...valid, KAFKA_BROKERS: 'kafka:9092', MIGRATE_ONLY: 'true' })).toMatchObject({ ok: true, config: { migrateOnly: true, kafka: undefined } });
    expect(parseServiceConfig('ledger', 3001, { ...valid, KAFKA_BROKERS: 'kafka:9092' })).toMatchObject({ ok: true, config: { migrateOnly: false, kafka: { brokers: ['kafka:9092'] } } });
  });

  it('given no KAFKA_BROKERS, then there is no Kafka (the service does not publish); given brokers, then producer idempotence is on unless turned off', () => {
    expect(parseServiceConfig('ledger', 3001, valid)).toMatchObject({ ok: true, config: { kafka: undefined } });
    expect(parseServiceConfig('ledger', 3001, { ...valid, KAFKA_BROKERS: 'kafka-0.kafka:9092, 10.0.0.7:9093' })).toMatchObject({
      ok: true,
      config: { kafka: { brokers: ['kafka-0.kafka:9092', '10.0.0.7:9093'], producerIdempotent: true } },
    });
    expect(parseServiceConfig('ledger', 3001, { ...valid, KAFKA_BROKERS: 'kafka:9092', KAFKA_PRODUCER_IDEMPOTENT: 'false' })).toMatchObject({
      ok: true,
      config: { kafka: { producerIdempotent: false } },
    });
  });

  it('given KAFKA_CONSUMER_MAX_WAIT_MS, then consumers wait that long for data; unset, kafkajs decides; out of range, a problem', () => {
    expect(parseServiceConfig('ledger', 3001, { ...valid, KAFKA_BROKERS: 'kafka:9092' })).toMatchObject({ ok: true, config: { kafka: { consumerMaxWaitMs: undefined } } });
    expect(parseServiceConfig('ledger', 3001, { ...valid, KAFKA_BROKERS: 'kafka:9092', KAFKA_CONSUMER_MAX_WAIT_MS: '20' })).toMatchObject({ ok: true, config: { kafka: { consumerMaxWaitMs: 20 } } });
    for (const bad of ['0', '30001', '2s']) {
      const result = parseServiceConfig('ledger', 3001, { ...valid, KAFKA_BROKERS: 'kafka:9092', KAFKA_CONSUMER_MAX_WAIT_MS: bad });
      expect(result.ok ? [] : result.problems.map((problem) => problem.variable)).toEqual(['KAFKA_CONSUMER_MAX_WAIT_MS']);
    }
  });

  it('never repeats a database password in a problem', () => {
    const result = parseServiceConfig('ledger', 3001, { ...valid, DATABASE_URL: 'mysql://root:hunter2@db/x' });
    const text = result.ok ? '' : formatConfigProblems('ledger', result.problems);
    expect(text).toContain('DATABASE_URL');
    expect(text).not.toContain('hunter2');
  });
});
