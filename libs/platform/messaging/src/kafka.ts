import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { inspect } from 'node:util';
import {
  Kafka,
  logLevel,
  Partitioners,
  type KafkaConfig as KafkaClientConfig,
  type Producer,
  type SASLOptions,
} from 'kafkajs';

export const PRODUCER_RETRIES = 5;
export const PRODUCER_INITIAL_RETRY_MS = 100;
export const PRODUCER_MAX_RETRY_MS = 2_000;
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * SASL mechanisms a Kafka client may use. SCRAM never sends the password (a salted challenge-
 * response), PLAIN sends it as it is: PLAIN is accepted only inside TLS.
 */
export const KAFKA_SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];
/** Largest CA bundle, certificate or key file read (a full public CA bundle is about 220 KiB). */
export const KAFKA_PEM_FILE_BYTES_MAX = 1_048_576;
/** Largest SASL password file read (Strimzi's generated passwords are 32 characters). */
export const KAFKA_PASSWORD_FILE_BYTES_MAX = 1_024;
export const KAFKA_SASL_USERNAME_LENGTH_MAX = 256;
/** Variables that would put a Kafka secret in the environment: refused, the secret comes from a file. */
export const KAFKA_INLINE_SECRET_VARIABLES = {
  KAFKA_SASL_PASSWORD: 'KAFKA_SASL_PASSWORD_FILE',
  KAFKA_SSL_KEY: 'KAFKA_SSL_KEY_FILE',
} as const;

const REDACTED = '[redacted]';

/** A password or private key read from a file: console.log, JSON.stringify and template strings show '[redacted]'. */
export class KafkaSecret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself, for kafkajs only. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `KafkaSecret(${REDACTED})`;
  }
}

/** TLS to the brokers: the CA that signed them (system CAs when undefined) and, for mTLS, the client's certificate and key. */
export interface KafkaTls {
  readonly ca: string | undefined;
  readonly cert: string | undefined;
  readonly key: KafkaSecret | undefined;
}

export interface KafkaSasl {
  readonly mechanism: KafkaSaslMechanism;
  readonly username: string;
  readonly password: KafkaSecret;
}

/** How a Kafka client proves who it is and protects the connection; both undefined: plaintext, anonymous. */
export interface KafkaTransportSecurity {
  readonly tls: KafkaTls | undefined;
  readonly sasl: KafkaSasl | undefined;
}

export const KAFKA_PLAINTEXT: KafkaTransportSecurity = { tls: undefined, sasl: undefined };

export interface KafkaSecurityProblem {
  readonly variable: string;
  readonly reason: string;
}

export type KafkaSecurityResult =
  { ok: true; security: KafkaTransportSecurity } | { ok: false; problems: KafkaSecurityProblem[] };

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The one place every Kafka client (the services' relay and consumers, the dead-letter re-drive,
 * the exchange simulator) reads its transport security from, at start:
 * KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SSL_CERT_FILE + KAFKA_SSL_KEY_FILE (mTLS), KAFKA_SASL_MECHANISM,
 * KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD_FILE, KAFKA_ALLOW_PLAINTEXT_SASL. Secrets come from files
 * only (KAFKA_SASL_PASSWORD and KAFKA_SSL_KEY are refused); the files are read and checked here
 * (PEM parses, the key belongs to the certificate), so a bad mount stops the start, not the first
 * send. A problem names the variable and the file's path, never a secret.
 *
 * Combinations refused, and why:
 * - PLAIN without TLS: it sends the password itself over the wire.
 * - SCRAM without TLS unless KAFKA_ALLOW_PLAINTEXT_SASL=true: SCRAM keeps the password off the wire,
 *   but the session after the handshake is neither encrypted nor integrity-protected (Kafka's SCRAM
 *   has no channel binding), so a host on the path can read and inject. Allowed, by name, only for
 *   a single-host network such as docker compose.
 * - NODE_ENV=production with brokers but no identity (neither SASL nor a client certificate): the
 *   broker's ACLs need to know who is producing (issue 22: anyone who reached Kafka could book).
 * - a certificate without its key or the other way round; a KAFKA_SSL_* file without KAFKA_SSL=true;
 *   SASL settings without a mechanism.
 */
export function parseKafkaTransportSecurity(environment: Environment): KafkaSecurityResult {
  const problems: KafkaSecurityProblem[] = [];
  for (const [variable, fileVariable] of Object.entries(KAFKA_INLINE_SECRET_VARIABLES)) {
    if (environment[variable] !== undefined)
      problems.push({
        variable,
        reason: `refused: secrets are read only from files; put it in a file (a mounted secret) and set ${fileVariable}`,
      });
  }
  const ssl = parseBoolean(environment, 'KAFKA_SSL', problems);
  const allowPlaintextSasl = parseBoolean(environment, 'KAFKA_ALLOW_PLAINTEXT_SASL', problems);
  const tls = parseTls(environment, ssl, problems);
  const sasl = parseSasl(environment, problems);
  if (sasl !== undefined && !ssl) {
    if (sasl.mechanism === 'plain')
      problems.push({
        variable: 'KAFKA_SASL_MECHANISM',
        reason:
          'plain sends the password in clear text: only with KAFKA_SSL=true (or use scram-sha-512)',
      });
    else if (!allowPlaintextSasl)
      problems.push({
        variable: 'KAFKA_SASL_MECHANISM',
        reason: `${sasl.mechanism} without TLS leaves the session unencrypted: set KAFKA_SSL=true, or KAFKA_ALLOW_PLAINTEXT_SASL=true on a single-host network (docker compose)`,
      });
  }
  const brokersSet = emptyToUndefined(environment['KAFKA_BROKERS']) !== undefined;
  if (
    brokersSet &&
    environment['NODE_ENV'] === 'production' &&
    sasl === undefined &&
    tls?.cert === undefined &&
    !hasProblemFor(problems, ['KAFKA_SASL_MECHANISM', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'])
  ) {
    problems.push({
      variable: 'KAFKA_SASL_MECHANISM',
      reason:
        'required with NODE_ENV=production: Kafka needs an identity for its ACLs (KAFKA_SASL_MECHANISM with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD_FILE, or a client certificate: KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE)',
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, security: { tls, sasl } };
}

function parseTls(
  environment: Environment,
  ssl: boolean,
  problems: KafkaSecurityProblem[],
): KafkaTls | undefined {
  const files = {
    ca: emptyToUndefined(environment['KAFKA_SSL_CA_FILE']),
    cert: emptyToUndefined(environment['KAFKA_SSL_CERT_FILE']),
    key: emptyToUndefined(environment['KAFKA_SSL_KEY_FILE']),
  };
  if (!ssl) {
    for (const [variable, path] of [
      ['KAFKA_SSL_CA_FILE', files.ca],
      ['KAFKA_SSL_CERT_FILE', files.cert],
      ['KAFKA_SSL_KEY_FILE', files.key],
    ] as const) {
      if (path !== undefined) problems.push({ variable, reason: 'only with KAFKA_SSL=true' });
    }
    return undefined;
  }
  if ((files.cert === undefined) !== (files.key === undefined)) {
    const missing = files.cert === undefined ? 'KAFKA_SSL_CERT_FILE' : 'KAFKA_SSL_KEY_FILE';
    problems.push({
      variable: missing,
      reason: `required with ${missing === 'KAFKA_SSL_CERT_FILE' ? 'KAFKA_SSL_KEY_FILE' : 'KAFKA_SSL_CERT_FILE'}: a client certificate and its key go together`,
    });
  }
  const ca =
    files.ca === undefined ? undefined : readCertificates('KAFKA_SSL_CA_FILE', files.ca, problems);
  const cert =
    files.cert === undefined
      ? undefined
      : readCertificates('KAFKA_SSL_CERT_FILE', files.cert, problems);
  const key =
    files.key === undefined ? undefined : readPrivateKey('KAFKA_SSL_KEY_FILE', files.key, problems);
  if (
    cert !== undefined &&
    key !== undefined &&
    !cert.certificates[0]!.checkPrivateKey(key.keyObject)
  ) {
    problems.push({
      variable: 'KAFKA_SSL_KEY_FILE',
      reason: `${files.key}: this key does not belong to the certificate of KAFKA_SSL_CERT_FILE`,
    });
  }
  return {
    ca: ca?.pem,
    cert: cert?.pem,
    key: key === undefined ? undefined : new KafkaSecret(key.pem),
  };
}

function parseSasl(
  environment: Environment,
  problems: KafkaSecurityProblem[],
): KafkaSasl | undefined {
  const mechanism = emptyToUndefined(environment['KAFKA_SASL_MECHANISM']);
  const username = emptyToUndefined(environment['KAFKA_SASL_USERNAME']);
  const passwordFile = emptyToUndefined(environment['KAFKA_SASL_PASSWORD_FILE']);
  if (mechanism === undefined) {
    if (username !== undefined)
      problems.push({ variable: 'KAFKA_SASL_USERNAME', reason: 'only with KAFKA_SASL_MECHANISM' });
    if (passwordFile !== undefined)
      problems.push({
        variable: 'KAFKA_SASL_PASSWORD_FILE',
        reason: 'only with KAFKA_SASL_MECHANISM',
      });
    return undefined;
  }
  if (!(KAFKA_SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
    problems.push({
      variable: 'KAFKA_SASL_MECHANISM',
      reason: `must be one of ${KAFKA_SASL_MECHANISMS.join(', ')}, got '${mechanism}'`,
    });
    return undefined;
  }
  if (username === undefined)
    problems.push({
      variable: 'KAFKA_SASL_USERNAME',
      reason: 'required with KAFKA_SASL_MECHANISM',
    });
  else if (username.length > KAFKA_SASL_USERNAME_LENGTH_MAX || !/^[\x21-\x7e]+$/.test(username))
    problems.push({
      variable: 'KAFKA_SASL_USERNAME',
      reason: `must be 1 to ${KAFKA_SASL_USERNAME_LENGTH_MAX} printable ASCII characters without spaces`,
    });
  if (passwordFile === undefined) {
    problems.push({
      variable: 'KAFKA_SASL_PASSWORD_FILE',
      reason:
        'required with KAFKA_SASL_MECHANISM: the file (a mounted secret) holding the password',
    });
    return undefined;
  }
  const text = readBoundedFile(
    'KAFKA_SASL_PASSWORD_FILE',
    passwordFile,
    KAFKA_PASSWORD_FILE_BYTES_MAX,
    problems,
  );
  if (text === undefined || username === undefined) return undefined;
  const password = text.replace(/\r?\n$/, ''); // one final newline (echo > file) is not part of the password
  if (password === '' || /[\r\n]/.test(password)) {
    problems.push({
      variable: 'KAFKA_SASL_PASSWORD_FILE',
      reason: `${passwordFile}: must hold the password on one line, not empty`,
    });
    return undefined;
  }
  return {
    mechanism: mechanism as KafkaSaslMechanism,
    username,
    password: new KafkaSecret(password),
  };
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function readCertificates(
  variable: string,
  path: string,
  problems: KafkaSecurityProblem[],
): { pem: string; certificates: X509Certificate[] } | undefined {
  const pem = readBoundedFile(variable, path, KAFKA_PEM_FILE_BYTES_MAX, problems);
  if (pem === undefined) return undefined;
  const blocks = pem.match(CERTIFICATE_BLOCK) ?? [];
  try {
    if (blocks.length === 0) throw new Error('no certificate');
    return { pem, certificates: blocks.map((block) => new X509Certificate(block)) };
  } catch {
    problems.push({
      variable,
      reason: `${path}: must hold PEM certificates (-----BEGIN CERTIFICATE-----), and each must parse`,
    });
    return undefined;
  }
}

function readPrivateKey(
  variable: string,
  path: string,
  problems: KafkaSecurityProblem[],
): { pem: string; keyObject: KeyObject } | undefined {
  const pem = readBoundedFile(variable, path, KAFKA_PEM_FILE_BYTES_MAX, problems);
  if (pem === undefined) return undefined;
  try {
    return { pem, keyObject: createPrivateKey(pem) };
  } catch {
    // never the library's message: it could quote the file
    problems.push({ variable, reason: `${path}: must hold an unencrypted PEM private key` });
    return undefined;
  }
}

/** A file's text, or a problem naming the variable, the path and the cause (never the content). */
function readBoundedFile(
  variable: string,
  path: string,
  bytesMax: number,
  problems: KafkaSecurityProblem[],
): string | undefined {
  try {
    const stats = statSync(path);
    if (!stats.isFile()) {
      problems.push({ variable, reason: `${path}: not a file` });
      return undefined;
    }
    if (stats.size > bytesMax) {
      problems.push({ variable, reason: `${path}: larger than ${bytesMax} bytes` });
      return undefined;
    }
    const text = readFileSync(path, 'utf8');
    if (text.trim() === '') {
      problems.push({ variable, reason: `${path}: empty` });
      return undefined;
    }
    return text;
  } catch (error) {
    problems.push({
      variable,
      reason: `${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    });
    return undefined;
  }
}

function parseBoolean(
  environment: Environment,
  variable: string,
  problems: KafkaSecurityProblem[],
): boolean {
  const raw = emptyToUndefined(environment[variable]) ?? 'false';
  if (raw !== 'true' && raw !== 'false')
    problems.push({ variable, reason: `must be 'true' or 'false'` });
  return raw === 'true';
}

function hasProblemFor(
  problems: readonly KafkaSecurityProblem[],
  variables: readonly string[],
): boolean {
  return problems.some((problem) => variables.includes(problem.variable));
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** For the command-line tools: the transport security of the environment, or an Error listing every problem. */
export function kafkaTransportSecurityOrThrow(environment: Environment): KafkaTransportSecurity {
  const result = parseKafkaTransportSecurity(environment);
  if (result.ok) return result.security;
  throw new Error(
    `Kafka transport security is misconfigured:\n${result.problems.map((problem) => `  - ${problem.variable}: ${problem.reason}`).join('\n')}`,
  );
}

export interface KafkaOptions {
  readonly clientId: string;
  readonly brokers: readonly string[];
  /** kafkajs's own logging; WARN by default. Tests that take brokers down on purpose use NOTHING. */
  readonly logLevel?: logLevel;
  /** TLS and SASL (parseKafkaTransportSecurity); plaintext and anonymous when absent (tests, benchmarks). */
  readonly security?: KafkaTransportSecurity;
}

/** kafkajs's configuration for these options: TLS always verifies the brokers (rejectUnauthorized). */
export function kafkaClientConfig(options: KafkaOptions): KafkaClientConfig {
  const { tls, sasl } = options.security ?? KAFKA_PLAINTEXT;
  return {
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: options.logLevel ?? logLevel.WARN,
    requestTimeout: REQUEST_TIMEOUT_MS,
    retry: {
      retries: PRODUCER_RETRIES,
      initialRetryTime: PRODUCER_INITIAL_RETRY_MS,
      maxRetryTime: PRODUCER_MAX_RETRY_MS,
    },
    ...(tls === undefined
      ? {}
      : {
          ssl: {
            rejectUnauthorized: true,
            ...(tls.ca === undefined ? {} : { ca: [tls.ca] }),
            ...(tls.cert === undefined || tls.key === undefined
              ? {}
              : { cert: tls.cert, key: tls.key.reveal() }),
          },
        }),
    ...(sasl === undefined
      ? {}
      : {
          sasl: {
            mechanism: sasl.mechanism,
            username: sasl.username,
            password: sasl.password.reveal(),
          } as SASLOptions,
        }),
  };
}

export function createKafka(options: KafkaOptions): Kafka {
  return new Kafka(kafkaClientConfig(options));
}

/**
 * A producer for the outbox relay. Idempotence is ON by default (production): the broker then
 * drops a retried batch it already has. The test broker (librdkafka's mock) cannot serve
 * idempotent producers (its metadata names controller id 0), so tests turn it off; delivery is
 * at-least-once either way and consumers are idempotent (inbox). Without idempotence, one
 * request in flight keeps a retried batch from overtaking the next: per-stream order holds.
 */
export function createOutboxProducer(
  kafka: Kafka,
  options: { idempotent?: boolean } = {},
): Producer {
  const idempotent = options.idempotent ?? true;
  return kafka.producer({
    idempotent,
    // Bounded even when idempotent (kafkajs would retry an idempotent send forever, so a Kafka
    // outage would hold the relay's transaction open and its stop() hostage, with no error
    // reported). kafkajs warns that this "may invalidate EoS": we rely on at-least-once plus
    // idempotent consumers, not on exactly-once producing; a failed send is retried by the relay.
    retry: {
      retries: PRODUCER_RETRIES,
      initialRetryTime: PRODUCER_INITIAL_RETRY_MS,
      maxRetryTime: PRODUCER_MAX_RETRY_MS,
    },
    maxInFlightRequests: idempotent ? 5 : 1,
    allowAutoTopicCreation: true,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}
