import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { generateKeyPairSync } from 'node:crypto';
import { formatConfigProblems, parseServiceConfig, type ServiceConfigResult } from './config';

/** The exchange's public keys (required with KAFKA_BROKERS; its own spec: exchange-signatures-config.spec.ts). */
const exchangeKeysFile = join(mkdtempSync(join(tmpdir(), 'config-exchange-keys-')), 'keys.json');
writeFileSync(
  exchangeKeysFile,
  JSON.stringify({
    keys: [
      {
        keyId: 'exchange-1',
        publicKeyPem: generateKeyPairSync('ed25519').publicKey.export({
          type: 'spki',
          format: 'pem',
        }),
      },
    ],
  }),
);

const valid = {
  DATABASE_URL: 'postgres://custody:pw@db:5432/custody',
  AUTH_ISSUER: 'https://id.example',
  AUTH_AUDIENCE: 'custody',
  AUTH_JWT_SECRET: 'x'.repeat(32),
  EXCHANGE_PUBLIC_KEYS_FILE: exchangeKeysFile,
};

describe('service configuration', () => {
  it('given the required settings, then defaults fill the rest and the schema is the service name', () => {
    const result = parseServiceConfig('reconciliation', 3004, valid);
    expect(result).toMatchObject({
      ok: true,
      config: {
        serviceName: 'reconciliation',
        port: 3004,
        databasePoolMax: 10,
        databaseSchema: 'reconciliation',
        logLevel: 'info',
        otlpEndpoint: undefined,
        shutdownDrainMs: 0,
        migrateOnly: false,
      },
    });
  });

  it('given nothing, then every required variable is reported at once', () => {
    const result = parseServiceConfig('ledger', 3001, {});
    expect(result.ok).toBe(false);
    const variables = result.ok ? [] : result.problems.map((problem) => problem.variable);
    expect(variables).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE']),
    );
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
    [
      'KAFKA_BROKERS',
      Array.from({ length: 33 }, (_, index) => `k${index}:9092`).join(','),
      /at most 32/,
    ],
    ['KAFKA_PRODUCER_IDEMPOTENT', 'yes', /'true' or 'false'/],
    ['SHUTDOWN_DRAIN_MS', '15001', /0 to 15000/],
    ['MIGRATE_ONLY', 'yes', /'true' or 'false'/],
  ])('given %s=%s, then it is refused with a reason', (variable, value, reason) => {
    const result = parseServiceConfig('ledger', 3001, { ...valid, [variable]: value });
    expect(result.ok).toBe(false);
    const problem = result.ok
      ? undefined
      : result.problems.find((candidate) => candidate.variable === variable);
    expect(problem?.reason).toMatch(reason);
  });

  it('given MIGRATE_ONLY=true, then there is no Kafka whatever KAFKA_BROKERS says (a migration Job neither consumes nor publishes)', () => {
    expect(
      parseServiceConfig('ledger', 3001, {
        ...valid,
        KAFKA_BROKERS: 'kafka:9092',
        MIGRATE_ONLY: 'true',
      }),
    ).toMatchObject({ ok: true, config: { migrateOnly: true, kafka: undefined } });
    expect(
      parseServiceConfig('ledger', 3001, { ...valid, KAFKA_BROKERS: 'kafka:9092' }),
    ).toMatchObject({
      ok: true,
      config: { migrateOnly: false, kafka: { brokers: ['kafka:9092'] } },
    });
  });

  it('given no KAFKA_BROKERS, then there is no Kafka (the service does not publish); given brokers, then producer idempotence is on unless turned off', () => {
    expect(parseServiceConfig('ledger', 3001, valid)).toMatchObject({
      ok: true,
      config: { kafka: undefined },
    });
    expect(
      parseServiceConfig('ledger', 3001, {
        ...valid,
        KAFKA_BROKERS: 'kafka-0.kafka:9092, 10.0.0.7:9093',
      }),
    ).toMatchObject({
      ok: true,
      config: {
        kafka: { brokers: ['kafka-0.kafka:9092', '10.0.0.7:9093'], producerIdempotent: true },
      },
    });
    expect(
      parseServiceConfig('ledger', 3001, {
        ...valid,
        KAFKA_BROKERS: 'kafka:9092',
        KAFKA_PRODUCER_IDEMPOTENT: 'false',
      }),
    ).toMatchObject({
      ok: true,
      config: { kafka: { producerIdempotent: false } },
    });
  });

  it('given KAFKA_CONSUMER_MAX_WAIT_MS, then consumers wait that long for data; unset, kafkajs decides; out of range, a problem', () => {
    expect(
      parseServiceConfig('ledger', 3001, { ...valid, KAFKA_BROKERS: 'kafka:9092' }),
    ).toMatchObject({ ok: true, config: { kafka: { consumerMaxWaitMs: undefined } } });
    expect(
      parseServiceConfig('ledger', 3001, {
        ...valid,
        KAFKA_BROKERS: 'kafka:9092',
        KAFKA_CONSUMER_MAX_WAIT_MS: '20',
      }),
    ).toMatchObject({ ok: true, config: { kafka: { consumerMaxWaitMs: 20 } } });
    for (const bad of ['0', '30001', '2s']) {
      const result = parseServiceConfig('ledger', 3001, {
        ...valid,
        KAFKA_BROKERS: 'kafka:9092',
        KAFKA_CONSUMER_MAX_WAIT_MS: bad,
      });
      expect(result.ok ? [] : result.problems.map((problem) => problem.variable)).toEqual([
        'KAFKA_CONSUMER_MAX_WAIT_MS',
      ]);
    }
  });

  it('never repeats a database password in a problem', () => {
    const result = parseServiceConfig('ledger', 3001, {
      ...valid,
      DATABASE_URL: 'mysql://root:hunter2@db/x',
    });
    const text = result.ok ? '' : formatConfigProblems('ledger', result.problems);
    expect(text).toContain('DATABASE_URL');
    expect(text).not.toContain('hunter2');
  });

  describe('DATABASE_MIGRATION_URL (issue 22: least-privilege roles; the owner only in a migration run)', () => {
    const OWNER_URL = 'postgres://custody:owner-secret@db:5432/custody';
    const SERVICE_URL = 'postgres://custody_ledger:service-secret@db:5432/custody';
    const migration = {
      ...valid,
      DATABASE_URL: SERVICE_URL,
      DATABASE_MIGRATION_URL: OWNER_URL,
      MIGRATE_ONLY: 'true',
    };
    const problemsOf = (result: ServiceConfigResult) => (result.ok ? [] : result.problems);

    it("given a migration run, then it connects as the owner and grants the role named by DATABASE_URL's user", () => {
      expect(parseServiceConfig('ledger', 3001, migration)).toMatchObject({
        ok: true,
        config: {
          migrateOnly: true,
          databaseUrl: OWNER_URL,
          databaseServiceRole: 'custody_ledger',
        },
      });
    });

    it('given no DATABASE_MIGRATION_URL, then the service connects with DATABASE_URL and grants nothing (npm test, a migration run as before)', () => {
      const serving = parseServiceConfig('ledger', 3001, { ...valid, DATABASE_URL: SERVICE_URL });
      expect(serving).toMatchObject({ ok: true, config: { databaseUrl: SERVICE_URL } });
      expect(serving.ok && 'databaseServiceRole' in serving.config).toBe(false);
    });

    it("given DATABASE_MIGRATION_URL outside a migration run, then it is refused: a serving service never holds the owner's credentials", () => {
      for (const migrateOnly of [undefined, 'false']) {
        const result = parseServiceConfig('ledger', 3001, {
          ...migration,
          MIGRATE_ONLY: migrateOnly,
        });
        expect(problemsOf(result).map((problem) => problem.variable)).toEqual([
          'DATABASE_MIGRATION_URL',
        ]);
        expect(problemsOf(result)[0]?.reason).toMatch(/MIGRATE_ONLY=true/);
      }
    });

    it.each([
      ['another server', 'postgres://custody:owner-secret@other-db:5432/custody'],
      ['another port', 'postgres://custody:owner-secret@db:5433/custody'],
      ['another database', 'postgres://custody:owner-secret@db:5432/postgres'],
    ])(
      'given an owner URL on %s, then it is refused: the grants must land where the service connects',
      (_case, ownerUrl) => {
        const problems = problemsOf(
          parseServiceConfig('ledger', 3001, { ...migration, DATABASE_MIGRATION_URL: ownerUrl }),
        );
        expect(problems.map((problem) => `${problem.variable}: ${problem.reason}`)).toEqual([
          'DATABASE_MIGRATION_URL: must name the same server and database as DATABASE_URL',
        ]);
      },
    );

    it.each([
      ['a quoted identifier', 'postgres://%22Custody%20Ledger%22:service-secret@db:5432/custody'],
      ['an upper-case name', 'postgres://Custody_Ledger:service-secret@db:5432/custody'],
      [
        'an injection',
        'postgres://custody_ledger%3Bdrop%20table%20x:service-secret@db:5432/custody',
      ],
      ['an empty name', 'postgres://db:5432/custody'],
      [
        'a name past 63 characters',
        `postgres://custody_${'x'.repeat(60)}:service-secret@db:5432/custody`,
      ],
    ])(
      'given DATABASE_URL with %s as its user, then it is refused: the role granted to is a plain identifier',
      (_case, serviceUrl) => {
        const problems = problemsOf(
          parseServiceConfig('ledger', 3001, { ...migration, DATABASE_URL: serviceUrl }),
        );
        expect(problems.map((problem) => problem.variable)).toEqual(['DATABASE_URL']);
        expect(problems[0]?.reason).toMatch(/the service's role/);
      },
    );

    it.each([
      ['the same user', 'postgres://custody:service-secret@db:5432/custody'],
      ['the same user, percent-encoded', 'postgres://%63ustody:service-secret@db:5432/custody'],
    ])(
      "given DATABASE_URL with %s as DATABASE_MIGRATION_URL, then it is refused: the service would serve as the schemas' owner",
      (_case, serviceUrl) => {
        const problems = problemsOf(
          parseServiceConfig('ledger', 3001, { ...migration, DATABASE_URL: serviceUrl }),
        );
        expect(problems.map((problem) => problem.variable)).toEqual(['DATABASE_URL']);
        expect(problems[0]?.reason).toMatch(/owner/);
        expect(formatConfigProblems('ledger', problems)).not.toMatch(/owner-secret|service-secret/);
      },
    );

    it('given a DATABASE_MIGRATION_URL that is no postgres URL, then it is refused, and no problem repeats a password', () => {
      for (const bad of [
        'mysql://custody:owner-secret@db:5432/custody',
        'postgres://custody:owner-secret@db:5432',
        'not a url owner-secret',
      ]) {
        const result = parseServiceConfig('ledger', 3001, {
          ...migration,
          DATABASE_MIGRATION_URL: bad,
        });
        expect(problemsOf(result).map((problem) => problem.variable)).toEqual([
          'DATABASE_MIGRATION_URL',
        ]);
        expect(formatConfigProblems('ledger', problemsOf(result))).not.toMatch(
          /owner-secret|service-secret/,
        );
      }
    });
  });

  describe('Kafka transport security (issue 22: Kafka clients authenticate; secrets only from files)', () => {
    const PASSWORD = 'Sc4rrySecretPassw0rd-do-not-print';
    let directory: string;
    let passwordFile: string;
    beforeAll(() => {
      directory = mkdtempSync(join(tmpdir(), 'kafka-config-'));
      passwordFile = join(directory, 'password');
      writeFileSync(passwordFile, `${PASSWORD}\n`);
      writeFileSync(join(directory, 'empty'), '\n');
      writeFileSync(join(directory, 'not-pem'), PASSWORD);
    });
    afterAll(() => rmSync(directory, { recursive: true, force: true }));

    const scram = (): Record<string, string> => ({
      KAFKA_BROKERS: 'kafka:9093',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'ledger',
      KAFKA_SASL_PASSWORD_FILE: passwordFile,
    });
    const problemsOf = (result: ServiceConfigResult): Array<[string, string]> =>
      result.ok ? [] : result.problems.map((problem) => [problem.variable, problem.reason]);
    const variablesOf = (result: ServiceConfigResult): string[] =>
      problemsOf(result).map(([variable]) => variable);

    it('given nothing of it, then the client is plaintext and anonymous, as before (npm start, the test broker)', () => {
      expect(
        parseServiceConfig('ledger', 3001, { ...valid, KAFKA_BROKERS: 'kafka:9092' }),
      ).toMatchObject({
        ok: true,
        config: { kafka: { security: { tls: undefined, sasl: undefined } } },
      });
    });

    it('given SCRAM-SHA-512 over TLS, then the password is read from its file (one final newline dropped) and never prints', () => {
      const result = parseServiceConfig('ledger', 3001, {
        ...valid,
        ...scram(),
        KAFKA_SSL: 'true',
      });
      if (!result.ok) throw new Error(formatConfigProblems('ledger', result.problems));
      const security = result.config.kafka!.security;
      expect(security.tls).toEqual({ ca: undefined, cert: undefined, key: undefined });
      expect(security.sasl).toMatchObject({ mechanism: 'scram-sha-512', username: 'ledger' });
      expect(security.sasl!.password.reveal()).toBe(PASSWORD);
      for (const shown of [
        JSON.stringify(result.config),
        inspect(result.config, { depth: 10 }),
        `${security.sasl!.password}`,
      ])
        expect(shown).not.toContain(PASSWORD);
    });

    it('given KAFKA_SASL_PASSWORD in the environment, then it is refused whatever else is set, and the problem does not repeat it', () => {
      for (const environment of [
        { ...valid, KAFKA_SASL_PASSWORD: PASSWORD },
        { ...valid, ...scram(), KAFKA_SSL: 'true', KAFKA_SASL_PASSWORD: PASSWORD },
      ]) {
        const result = parseServiceConfig('ledger', 3001, environment);
        expect(variablesOf(result)).toEqual(['KAFKA_SASL_PASSWORD']);
        expect(problemsOf(result)[0]![1]).toMatch(/only from files.*KAFKA_SASL_PASSWORD_FILE/);
        expect(formatConfigProblems('ledger', result.ok ? [] : result.problems)).not.toContain(
          PASSWORD,
        );
      }
      expect(
        variablesOf(
          parseServiceConfig('ledger', 3001, { ...valid, KAFKA_SSL: 'true', KAFKA_SSL_KEY: 'pem' }),
        ),
      ).toEqual(['KAFKA_SSL_KEY']);
    });

    it('given PLAIN without TLS, then it is refused even with KAFKA_ALLOW_PLAINTEXT_SASL (it sends the password itself); over TLS it is accepted', () => {
      const plain = { ...valid, ...scram(), KAFKA_SASL_MECHANISM: 'plain' };
      expect(
        problemsOf(
          parseServiceConfig('ledger', 3001, { ...plain, KAFKA_ALLOW_PLAINTEXT_SASL: 'true' }),
        ),
      ).toEqual([
        ['KAFKA_SASL_MECHANISM', expect.stringMatching(/clear text: only with KAFKA_SSL=true/)],
      ]);
      expect(parseServiceConfig('ledger', 3001, { ...plain, KAFKA_SSL: 'true' })).toMatchObject({
        ok: true,
        config: { kafka: { security: { sasl: { mechanism: 'plain' } } } },
      });
    });

    it('given SCRAM without TLS, then it is refused unless KAFKA_ALLOW_PLAINTEXT_SASL=true names the choice (docker compose)', () => {
      expect(problemsOf(parseServiceConfig('ledger', 3001, { ...valid, ...scram() }))).toEqual([
        [
          'KAFKA_SASL_MECHANISM',
          expect.stringMatching(/without TLS.*KAFKA_ALLOW_PLAINTEXT_SASL=true/),
        ],
      ]);
      expect(
        parseServiceConfig('ledger', 3001, {
          ...valid,
          ...scram(),
          KAFKA_ALLOW_PLAINTEXT_SASL: 'true',
        }),
      ).toMatchObject({
        ok: true,
        config: { kafka: { security: { tls: undefined, sasl: { mechanism: 'scram-sha-512' } } } },
      });
    });

    it('given NODE_ENV=production and brokers, then an identity is required (the broker ACLs need one)', () => {
      // (the token keys are not what this case is about: HS256 in production is named as allowed)
      expect(
        variablesOf(
          parseServiceConfig('ledger', 3001, {
            ...valid,
            NODE_ENV: 'production',
            AUTH_ALLOW_HS256_IN_PRODUCTION: 'true',
            KAFKA_BROKERS: 'kafka:9093',
            KAFKA_SSL: 'true',
          }),
        ),
      ).toEqual(['KAFKA_SASL_MECHANISM']);
      expect(
        parseServiceConfig('ledger', 3001, {
          ...valid,
          NODE_ENV: 'production',
          AUTH_ALLOW_HS256_IN_PRODUCTION: 'true',
          ...scram(),
          KAFKA_SSL: 'true',
        }).ok,
      ).toBe(true);
      expect(
        parseServiceConfig('ledger', 3001, {
          ...valid,
          NODE_ENV: 'production',
          AUTH_ALLOW_HS256_IN_PRODUCTION: 'true',
        }).ok,
      ).toBe(true); // no Kafka at all: nothing to authenticate
    });

    it.each([
      [
        'a mechanism kafkajs has but we do not take',
        { KAFKA_SASL_MECHANISM: 'aws', KAFKA_SSL: 'true' },
        [['KAFKA_SASL_MECHANISM', /one of scram-sha-512, scram-sha-256, plain/]],
      ],
      [
        'a mechanism without username or password file',
        { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SSL: 'true' },
        [
          ['KAFKA_SASL_USERNAME', /required/],
          ['KAFKA_SASL_PASSWORD_FILE', /required/],
        ],
      ],
      [
        'a username and password file without mechanism',
        { KAFKA_SASL_USERNAME: 'ledger', KAFKA_SASL_PASSWORD_FILE: '/run/secrets/x' },
        [
          ['KAFKA_SASL_USERNAME', /only with KAFKA_SASL_MECHANISM/],
          ['KAFKA_SASL_PASSWORD_FILE', /only with KAFKA_SASL_MECHANISM/],
        ],
      ],
      [
        'a certificate without its key',
        { KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: '/run/secrets/cert' },
        [
          ['KAFKA_SSL_KEY_FILE', /go together/],
          ['KAFKA_SSL_CERT_FILE', /cannot be read \(ENOENT\)/],
        ],
      ],
      [
        'a key without its certificate',
        { KAFKA_SSL: 'true', KAFKA_SSL_KEY_FILE: '/run/secrets/key' },
        [
          ['KAFKA_SSL_CERT_FILE', /go together/],
          ['KAFKA_SSL_KEY_FILE', /cannot be read/],
        ],
      ],
      [
        'TLS files without KAFKA_SSL=true',
        { KAFKA_SSL_CA_FILE: '/run/secrets/ca' },
        [['KAFKA_SSL_CA_FILE', /only with KAFKA_SSL=true/]],
      ],
      [
        'KAFKA_SSL that is not a boolean',
        { KAFKA_SSL: 'yes' },
        [['KAFKA_SSL', /'true' or 'false'/]],
      ],
      [
        'a username with a space',
        {
          KAFKA_SASL_MECHANISM: 'scram-sha-512',
          KAFKA_SSL: 'true',
          KAFKA_SASL_USERNAME: 'led ger',
          KAFKA_SASL_PASSWORD_FILE: 'PASSWORD_FILE',
        },
        [['KAFKA_SASL_USERNAME', /printable/]],
      ],
    ])('given %s, then each problem is named', (_case, settings, expected) => {
      const environment = Object.fromEntries(
        Object.entries({ KAFKA_BROKERS: 'kafka:9093', ...settings }).map(([name, value]) => [
          name,
          value === 'PASSWORD_FILE' ? passwordFile : value,
        ]),
      );
      const problems = problemsOf(parseServiceConfig('ledger', 3001, { ...valid, ...environment }));
      expect(problems).toEqual(
        (expected as Array<[string, RegExp]>).map(([variable, reason]) => [
          variable,
          expect.stringMatching(reason),
        ]),
      );
    });

    it('given files that are missing, empty or not PEM, then the path and the cause are named, never the content', () => {
      const result = parseServiceConfig('ledger', 3001, {
        ...valid,
        ...scram(),
        KAFKA_SSL: 'true',
        KAFKA_SASL_PASSWORD_FILE: join(directory, 'empty'),
        KAFKA_SSL_CA_FILE: join(directory, 'not-pem'),
        KAFKA_SSL_CERT_FILE: join(directory, 'not-pem'),
        KAFKA_SSL_KEY_FILE: directory,
      });
      expect(problemsOf(result)).toEqual([
        [
          'KAFKA_SSL_CA_FILE',
          `${join(directory, 'not-pem')}: must hold PEM certificates (-----BEGIN CERTIFICATE-----), and each must parse`,
        ],
        [
          'KAFKA_SSL_CERT_FILE',
          `${join(directory, 'not-pem')}: must hold PEM certificates (-----BEGIN CERTIFICATE-----), and each must parse`,
        ],
        ['KAFKA_SSL_KEY_FILE', `${directory}: not a file`],
        ['KAFKA_SASL_PASSWORD_FILE', `${join(directory, 'empty')}: empty`],
      ]);
      expect(formatConfigProblems('ledger', result.ok ? [] : result.problems)).not.toContain(
        PASSWORD,
      );
    });
  });
});
