/**
 * The configuration table of the five services: every environment variable a service reads.
 * One list, used by tools/checks/deploy-manifests.spec.ts (every variable set in
 * docker-compose.yml or deploy/ must be listed here) and meant to generate the README table.
 *
 * The parsing itself lives in libs/platform/service-host/src/config.ts and
 * libs/platform/auth/src/auth-config.ts; keep the two in step.
 */

export const SERVICE_NAMES = ['ledger', 'wallet', 'policy', 'reconciliation', 'audit'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** HTTP port of each service: its default PORT, the compose port and the Kubernetes container port. */
export const SERVICE_PORTS: Readonly<Record<ServiceName, number>> = {
  ledger: 3001,
  wallet: 3002,
  policy: 3003,
  reconciliation: 3004,
  audit: 3005,
};

export interface ConfigVariable {
  readonly name: string;
  /** True when the service refuses to start without it. */
  readonly required: boolean;
  /** Value used when unset, as written in the README; undefined when there is none. */
  readonly default: string | undefined;
  readonly description: string;
  /** Carries a credential: never a literal in compose or manifests; a Secret reference in Kubernetes. */
  readonly secret: boolean;
}

export const CONFIG_VARIABLES: readonly ConfigVariable[] = [
  {
    name: 'DATABASE_URL',
    required: true,
    default: undefined,
    description:
      "PostgreSQL URL of the service's database, e.g. postgres://user:password@host:5432/custody. The service keeps its event store and read models in a schema named after itself.",
    secret: true,
  },
  {
    name: 'PORT',
    required: false,
    default: 'ledger 3001, wallet 3002, policy 3003, reconciliation 3004, audit 3005',
    description: 'HTTP port (API, /health/live, /health/ready, /metrics), 1 to 65535.',
    secret: false,
  },
  {
    name: 'DATABASE_POOL_MAX',
    required: false,
    default: '10',
    description: 'Most PostgreSQL connections in the pool, 1 to 100.',
    secret: false,
  },
  {
    name: 'AUTH_ISSUER',
    required: true,
    default: undefined,
    description: 'Expected `iss` claim of bearer tokens.',
    secret: false,
  },
  {
    name: 'AUTH_AUDIENCE',
    required: true,
    default: undefined,
    description: 'Expected `aud` claim of bearer tokens.',
    secret: false,
  },
  {
    name: 'AUTH_JWT_SECRET',
    required: false,
    default: undefined,
    description:
      'HS256 shared secret, at least 32 bytes. Development only. Exactly one of AUTH_JWT_SECRET and AUTH_JWKS_URL must be set.',
    secret: true,
  },
  {
    name: 'AUTH_JWKS_URL',
    required: false,
    default: undefined,
    description:
      'URL of the issuer JWKS (RS256/ES256), https except on localhost. Production. Exactly one of AUTH_JWT_SECRET and AUTH_JWKS_URL must be set.',
    secret: false,
  },
  {
    name: 'LOG_LEVEL',
    required: false,
    default: 'info',
    description: 'One of fatal, error, warn, info, debug, trace, silent.',
    secret: false,
  },
  {
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    required: false,
    default: undefined,
    description: 'OTLP/HTTP endpoint of the OpenTelemetry collector, e.g. http://otel-collector:4318. Unset: no trace export.',
    secret: false,
  },
  {
    name: 'KAFKA_BROKERS',
    required: false,
    default: undefined,
    description:
      'Comma-separated Kafka bootstrap brokers (host:port, at most 32). When set, the service relays every event of its store to custody.<service>.events.v1; when unset it publishes nothing (and says so at start).',
    secret: false,
  },
  {
    name: 'KAFKA_PRODUCER_IDEMPOTENT',
    required: false,
    default: 'true',
    description:
      "'true' or 'false'. Idempotent producer: the broker drops a retried batch it already has. Keep it on; 'false' only against a broker that cannot serve it (the Kafka test broker). Delivery is at-least-once either way and consumers deduplicate.",
    secret: false,
  },
];

export const CONFIG_VARIABLE_NAMES: ReadonlySet<string> = new Set(CONFIG_VARIABLES.map((variable) => variable.name));
export const SECRET_CONFIG_VARIABLE_NAMES: ReadonlySet<string> = new Set(
  CONFIG_VARIABLES.filter((variable) => variable.secret).map((variable) => variable.name),
);
