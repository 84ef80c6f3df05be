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
    name: 'DATABASE_MIGRATION_URL',
    required: false,
    default: undefined,
    description:
      "A migration run's (MIGRATE_ONLY=true) PostgreSQL URL of the schemas' owner, the migration role: the run prepares the schemas as that role, then grants the service's role (the user of DATABASE_URL, a plain identifier) what it needs. Same server and database as DATABASE_URL; refused outside a migration run (a serving service never holds the owner's credentials).",
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
    name: 'AUTH_STAFF_TOKEN_LIFETIME_MAX_SECONDS',
    required: false,
    default: '43200',
    description:
      'Longest lifetime (exp - iat) of a token with any staff role, 60 to 604800 seconds; a longer token, or one without iat or exp, is refused 401 AUTH_TOKEN_INVALID.',
    secret: false,
  },
  {
    name: 'AUTH_SERVICE_TOKEN_LIFETIME_MAX_SECONDS',
    required: false,
    default: '86400',
    description:
      'Longest lifetime (exp - iat) of a token whose only role is custody-service, 60 to 604800 seconds.',
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
    name: 'MIGRATE_ONLY',
    required: false,
    default: 'false',
    description:
      "'true': prepare the service's schemas and exit 0 (the migration Job before a rollout); no HTTP listener, no Kafka.",
    secret: false,
  },
  {
    name: 'SHUTDOWN_DRAIN_MS',
    required: false,
    default: '0',
    description:
      'On SIGTERM, how long the service reports not-ready while still serving before it stops consuming and closes (0 to 15000; Kubernetes: about 5000).',
    secret: false,
  },
  {
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    required: false,
    default: undefined,
    description:
      'OTLP/HTTP endpoint of the OpenTelemetry collector, e.g. http://otel-collector:4318. Unset: no trace export.',
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
  {
    name: 'KAFKA_CONSUMER_MAX_WAIT_MS',
    required: false,
    default: 'kafkajs default (5000)',
    description:
      'Longest a consumer Fetch waits for data, 1 to 30000. A real broker answers as soon as data arrives; set ~20 only against the Kafka test broker, which holds empty fetches for the whole wait.',
    secret: false,
  },
  {
    name: 'KAFKA_SSL',
    required: false,
    default: 'false',
    description:
      "'true': TLS to the brokers, which are verified (KAFKA_SSL_CA_FILE, else the system CAs). Required for SASL PLAIN; SCRAM without it only with KAFKA_ALLOW_PLAINTEXT_SASL.",
    secret: false,
  },
  {
    name: 'KAFKA_SSL_CA_FILE',
    required: false,
    default: undefined,
    description:
      "With KAFKA_SSL=true: PEM file of the CA(s) that signed the brokers' certificates (Strimzi: the cluster CA). Unset: the system CAs.",
    secret: false,
  },
  {
    name: 'KAFKA_SSL_CERT_FILE',
    required: false,
    default: undefined,
    description:
      'With KAFKA_SSL=true: PEM client certificate (mTLS identity, the alternative to SASL); with KAFKA_SSL_KEY_FILE, and the key must belong to it.',
    secret: false,
  },
  {
    name: 'KAFKA_SSL_KEY_FILE',
    required: false,
    default: undefined,
    description:
      'With KAFKA_SSL_CERT_FILE: file (a mounted secret) holding the unencrypted PEM private key of the client certificate. The key is never an environment variable (KAFKA_SSL_KEY is refused).',
    secret: false,
  },
  {
    name: 'KAFKA_SASL_MECHANISM',
    required: false,
    default: undefined,
    description:
      'scram-sha-512 (production), scram-sha-256 or plain (only with KAFKA_SSL=true). With KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD_FILE. With NODE_ENV=production and KAFKA_BROKERS an identity (this or a client certificate) is required.',
    secret: false,
  },
  {
    name: 'KAFKA_SASL_USERNAME',
    required: false,
    default: undefined,
    description:
      'With KAFKA_SASL_MECHANISM: the Kafka user (Kubernetes: the KafkaUser kafka-<service> of deploy/kafka-users.yaml).',
    secret: false,
  },
  {
    name: 'KAFKA_SASL_PASSWORD_FILE',
    required: false,
    default: undefined,
    description:
      'With KAFKA_SASL_MECHANISM: file (a mounted secret) holding the password on one line; read at start, never logged. A KAFKA_SASL_PASSWORD variable is refused: secrets come from files only.',
    secret: false,
  },
  {
    name: 'WALLET_STAFF_ADDRESSES_FILE',
    required: false,
    default: undefined,
    description:
      'Wallet, HK-11h: JSON file of the staff-address register, {"addresses": [{"staffId", "chain", "address"}]} (addresses staff declared as their own); an allow-list addition of one waits for an approver who is not that staff member (ADDRESS_OF_STAFF_MEMBER).',
    secret: false,
  },
  {
    name: 'AUTH_ALLOW_HS256_IN_PRODUCTION',
    required: false,
    default: 'false',
    description:
      "'true' lets AUTH_JWT_SECRET (HS256) be used with NODE_ENV=production: whoever holds the secret can mint any person's token, so maker-checker rests on keeping it. For a single-host demonstration (docker compose); production uses AUTH_JWKS_URL.",
    secret: false,
  },
  {
    name: 'EXCHANGE_SIGNATURES',
    required: false,
    default: 'required',
    description:
      "'required': every message of an exchange.* topic must carry the exchange's Ed25519 signature (headers custody-signature-key-id, custody-signature) by a key of EXCHANGE_PUBLIC_KEYS_FILE, or it is parked (EXCHANGE_SIGNATURE_*) and books nothing. 'off' is refused with NODE_ENV=production.",
    secret: false,
  },
  {
    name: 'EXCHANGE_PUBLIC_KEYS_FILE',
    required: false,
    default: undefined,
    description:
      'JSON file of the exchange\'s Ed25519 public keys, {"keys": [{"keyId": ..., "publicKeyPem": ...}]} (several during a rotation); required with KAFKA_BROKERS while signatures are required. npm start makes a development key of its own.',
    secret: false,
  },
  {
    name: 'KAFKA_ALLOW_PLAINTEXT_SASL',
    required: false,
    default: 'false',
    description:
      "'true' lets SCRAM run without TLS (the password stays off the wire, the session does not): only on a single-host network such as docker compose. PLAIN without TLS is refused whatever this says.",
    secret: false,
  },
  {
    name: 'LEDGER_ROLES',
    required: false,
    default: 'ingest,read-models',
    description:
      'Ledger only. What this ledger process runs: ingest (consume trades and wallet movements into the books), read-models (projections and the HK-6 check), or both.',
    secret: false,
  },
  {
    name: 'WALLET_HSM_TOKEN_LABEL',
    required: false,
    default: undefined,
    description:
      'Wallet only. Label of the PKCS#11 token holding the wallet keys (HK-11a). Unset: wallet commands answer 503 WALLET_NOT_CONFIGURED and nothing is signed.',
    secret: false,
  },
  {
    name: 'WALLET_HSM_PIN_FILE',
    required: false,
    default: undefined,
    description:
      'Wallet only. File (a mounted secret) holding the user PIN of the HSM token; required with WALLET_HSM_TOKEN_LABEL. Never logged or stored.',
    secret: false,
  },
  {
    name: 'WALLET_HSM_PIN',
    required: false,
    default: undefined,
    description:
      'Wallet only, development only (NODE_ENV development or test): the HSM user PIN itself instead of WALLET_HSM_PIN_FILE; refused otherwise.',
    secret: true,
  },
  {
    name: 'WALLET_DEV_KEY_DIR',
    required: false,
    default: undefined,
    description:
      'Wallet only, development only (npm start sets it): keys in files under this directory instead of an HSM; refused with WALLET_HSM_TOKEN_LABEL, with NODE_ENV=production and for any chain but a local one (31337, 1337).',
    secret: false,
  },
  {
    name: 'WALLET_HSM_MODULE',
    required: false,
    default: '/usr/lib/softhsm/libsofthsm2.so',
    description:
      "Wallet only. Path of the HSM's PKCS#11 library (SoftHSM2 in development; the network HSM's client library in production).",
    secret: false,
  },
  {
    name: 'SOFTHSM2_CONF',
    required: false,
    default: '/etc/softhsm/softhsm2.conf',
    description:
      'Wallet only, with SoftHSM2: its configuration file (where its token store is). Read by SoftHSM2 itself.',
    secret: false,
  },
  {
    name: 'WALLET_EVM_RPC_URL',
    required: false,
    default: undefined,
    description:
      'Wallet only. JSON-RPC URL of the EVM node (anvil in development). Unset: no chain: no wallet can be registered, nothing is watched.',
    secret: false,
  },
  {
    name: 'WALLET_EVM_CHAIN_ID',
    required: false,
    default: undefined,
    description:
      'Wallet only. Chain id signed into every transaction (1 mainnet, 31337 anvil); required with WALLET_EVM_RPC_URL.',
    secret: false,
  },
  {
    name: 'WALLET_EVM_CHAIN',
    required: false,
    default: 'ethereum',
    description: 'Wallet only. Name of the chain in events and on the wire (lower-case slug).',
    secret: false,
  },
  {
    name: 'WALLET_EVM_NATIVE_ASSET',
    required: false,
    default: 'ETH',
    description: "Wallet only. Asset code of the chain's native coin (fees are paid in it).",
    secret: false,
  },
  {
    name: 'WALLET_EVM_TOKENS',
    required: false,
    default: undefined,
    description:
      'Wallet only. ERC-20 assets as ASSET=0xcontract pairs, comma-separated (USDT=0xdAC1...).',
    secret: false,
  },
  {
    name: 'WALLET_KEY_JURISDICTIONS',
    required: false,
    default: 'HK',
    description:
      'Wallet only. HK-11b: ISO 3166-1 alpha-2 codes where keys and backups may be kept, comma-separated; a wallet with a key or backup elsewhere is refused.',
    secret: false,
  },
  {
    name: 'WALLET_PROCESSOR_INTERVAL_MS',
    required: false,
    default: '2000',
    description:
      'Wallet only. Pause between processor rounds (chain scan, deposit confirmations, withdrawal steps), 100 to 600000.',
    secret: false,
  },
  {
    name: 'WALLET_SCAN_START_BLOCK',
    required: false,
    default: '0',
    description:
      'Wallet only. First block the chain watcher scans when it has no cursor yet (the height the deployment went live).',
    secret: false,
  },
  {
    name: 'WALLET_ALERT_THRESHOLDS',
    required: false,
    default: undefined,
    description:
      'Wallet only. TW-15.3: ASSET=amount-in-minor-units pairs; a deposit or withdrawal above one emits LargeTransferAlerted.',
    secret: false,
  },
  {
    name: 'WALLET_ALERT_NOTIFY_ROLES',
    required: false,
    default: 'compliance-officer',
    description: 'Wallet only. Roles named in each large-transfer alert, comma-separated.',
    secret: false,
  },
  {
    name: 'WALLET_ALERT_WEBHOOK_URL',
    required: false,
    default: undefined,
    description:
      'Wallet only. Where large-transfer alerts are POSTed as JSON; unset: they are logged (they are events either way).',
    secret: false,
  },
  {
    name: 'WALLET_POLICY_URL',
    required: false,
    default: undefined,
    description:
      'Wallet only. The policy service asked to decide each client withdrawal (limits, balance, quorum tier); unset: the conservative default (the wallet quorum, no limits).',
    secret: false,
  },
  {
    name: 'WALLET_POLICY_TOKEN_FILE',
    required: false,
    default: undefined,
    description:
      "Wallet only, with WALLET_POLICY_URL. File holding the wallet's bearer token (role custody-service), read on every call so a rotated token (a projected service-account token) is picked up.",
    secret: false,
  },
  {
    name: 'WALLET_EXCHANGE_SUBJECTS',
    required: false,
    default: 'exchange',
    description:
      "Wallet only. Comma-separated token subjects of the exchange's service identity (role custody-service): the client's own channel for adding its addresses (HK-11h), listed without an approver. Any other custody-service caller is refused there; an operator's addition waits for an approver.",
    secret: false,
  },
  {
    name: 'WALLET_ADDRESS_COOLING_OFF_MS',
    required: false,
    default: '86400000',
    description:
      'Wallet only. HK-11h: milliseconds a newly listed client address waits before the first withdrawal to it (refused meanwhile with WITHDRAWAL_DESTINATION_COOLING_OFF); 0 to 30 days. npm start sets 0 for development.',
    secret: false,
  },
  {
    name: 'AUDIT_SIGNING_KEY_FILE',
    required: false,
    default: undefined,
    description:
      'Audit only. File (a mounted secret) holding the Ed25519 private key checkpoints are signed with, PKCS#8 PEM; the key never enters the database or the logs. Unset: the record is kept but no checkpoint is signed.',
    secret: false,
  },
  {
    name: 'AUDIT_HSM_MODULE',
    required: false,
    default: undefined,
    description:
      'Audit only. PKCS#11 module of the HSM holding the Ed25519 checkpoint key (instead of AUDIT_SIGNING_KEY_FILE; the signature is made inside the HSM). With AUDIT_HSM_TOKEN_LABEL, AUDIT_HSM_PIN_FILE and AUDIT_HSM_KEY_LABEL: all four or none.',
    secret: false,
  },
  {
    name: 'AUDIT_HSM_TOKEN_LABEL',
    required: false,
    default: undefined,
    description: 'Audit only. Label of the HSM token holding the checkpoint key.',
    secret: false,
  },
  {
    name: 'AUDIT_HSM_PIN_FILE',
    required: false,
    default: undefined,
    description: 'Audit only. File (a mounted secret) holding the token user PIN; never logged.',
    secret: false,
  },
  {
    name: 'AUDIT_HSM_KEY_LABEL',
    required: false,
    default: undefined,
    description:
      'Audit only. CKA_LABEL of the Ed25519 key pair (generated in the HSM, e.g. pkcs11-tool --keypairgen --key-type EC:edwards25519).',
    secret: false,
  },
  {
    name: 'AUDIT_CHECKPOINT_INTERVAL_MS',
    required: false,
    default: '3600000',
    description:
      'Audit only. How often a checkpoint is signed when the record grew (1000 to 86400000).',
    secret: false,
  },
  {
    name: 'AUDIT_CHECKPOINT_DIR',
    required: false,
    default: undefined,
    description:
      'Audit only. Directory each checkpoint is also written to as a JSON file (to be copied elsewhere); unset: recorded and published only.',
    secret: false,
  },
  {
    name: 'POLICY_JURISDICTIONS',
    required: false,
    default: 'HK',
    description:
      'Policy only. HK, TW or HK,TW: whose rules apply (with both, the stricter result wins) until a policy version is approved.',
    secret: false,
  },
  {
    name: 'POLICY_REPORT_CURRENCY',
    required: false,
    default: 'USD',
    description:
      'Policy only. ISO 4217 currency of values (prices in it are used; others are ignored).',
    secret: false,
  },
  {
    name: 'POLICY_TIER1_CAPITAL',
    required: false,
    default: undefined,
    description:
      'Policy only. BC-3: Tier 1 capital in the report currency (decimal); unset: the capital report answers 503.',
    secret: false,
  },
  {
    name: 'POLICY_INSURANCE',
    required: false,
    default: undefined,
    description:
      'Policy only. HK-11j: JSON array of {"policyId","insurer","limit","expiresAt"} in force.',
    secret: false,
  },
  {
    name: 'POLICY_EVALUATION_INTERVAL_MS',
    required: false,
    default: '60000',
    description:
      'Policy only. Re-evaluation on a schedule besides after each batch (prices go stale with time alone), 1000 to 3600000.',
    secret: false,
  },
  {
    name: 'POLICY_DECISION_SUBJECTS',
    required: false,
    default: 'wallet-service',
    description:
      "Policy only. Comma-separated token subjects (role custody-service) that may ask for a client withdrawal decision (POST /v1/withdrawal-decisions): the wallet's identity. Any other custody-service caller, the exchange's included, is refused 403 WITHDRAWAL_DECISION_SUBJECT_UNKNOWN.",
    secret: false,
  },
  {
    name: 'POLICY_EVM_RPC_URL',
    required: false,
    default: undefined,
    description:
      'Policy only. EVM JSON-RPC node read by the TW-14 on-chain check; unset: the check names every wallet unread.',
    secret: false,
  },
  {
    name: 'POLICY_EVM_CHAIN_ID',
    required: false,
    default: undefined,
    description: 'Policy only, with POLICY_EVM_RPC_URL. The chain id the node must serve.',
    secret: false,
  },
  {
    name: 'POLICY_EVM_CHAIN',
    required: false,
    default: 'ethereum',
    description: "Policy only. The chain's name as the wallet service registers wallets on it.",
    secret: false,
  },
  {
    name: 'POLICY_EVM_NATIVE_ASSET',
    required: false,
    default: 'ETH',
    description: "Policy only. The chain's native coin.",
    secret: false,
  },
  {
    name: 'POLICY_EVM_TOKENS',
    required: false,
    default: undefined,
    description: 'Policy only. ERC-20 assets read on chain, ASSET=0x... pairs.',
    secret: false,
  },
  {
    name: 'POLICY_ONCHAIN_CHECK_INTERVAL_MS',
    required: false,
    default: '2592000000',
    description:
      'Policy only. TW-14: the on-chain check of the ratios and the 20% cap runs when the last is older than this (60000 to 2678400000).',
    secret: false,
  },
  {
    name: 'POLICY_WITHDRAWAL_LIMITS',
    required: false,
    default: undefined,
    description:
      'Policy only. Client withdrawals: JSON {"baseQuorum","dailyPerClientMinor":{"ETH":"<minor units>"},"quorumTiers":[{"asset","aboveMinor","quorum"}]}; unset: no daily limit, a quorum of two.',
    secret: false,
  },

  {
    name: 'RECON_JURISDICTION',
    required: false,
    default: 'TW',
    description:
      'Reconciliation only. HK or TW: the business calendar (Asia/Hong_Kong or Asia/Taipei) the daily runs use.',
    secret: false,
  },
  {
    name: 'RECON_CUTOFF',
    required: false,
    default: '16:00',
    description:
      'Reconciliation only. Local daily cut-off, HH:MM: what is confirmed at or after it counts on the next business day (TW-13).',
    secret: false,
  },
  {
    name: 'RECON_HOLIDAYS',
    required: false,
    default: undefined,
    description:
      'Reconciliation only. Comma-separated YYYY-MM-DD days that are not business days (besides weekends).',
    secret: false,
  },
  {
    name: 'RECON_MINIMUM_UNITS',
    required: false,
    default: 'each asset: 1 minor unit',
    description:
      "Reconciliation only. TW-13 (2): the institution's minimum unit per asset in minor units, ASSET=units pairs; totals round up to it.",
    secret: false,
  },
  {
    name: 'RECON_EVM_RPC_URL',
    required: false,
    default: undefined,
    description:
      'Reconciliation only. EVM JSON-RPC node read for TW-14 balances at the block before the cut-off; unset: client wallets are reported unread.',
    secret: false,
  },
  {
    name: 'RECON_EVM_CHAIN_ID',
    required: false,
    default: undefined,
    description: 'Reconciliation only, with RECON_EVM_RPC_URL. The chain id the node must serve.',
    secret: false,
  },
  {
    name: 'RECON_EVM_CHAIN',
    required: false,
    default: 'ethereum',
    description:
      "Reconciliation only. The chain's name as the wallet service registers wallets on it.",
    secret: false,
  },
  {
    name: 'RECON_EVM_NATIVE_ASSET',
    required: false,
    default: 'ETH',
    description: "Reconciliation only. The chain's native coin.",
    secret: false,
  },
  {
    name: 'RECON_EVM_TOKENS',
    required: false,
    default: undefined,
    description: 'Reconciliation only. ERC-20 assets read on chain, ASSET=0x... pairs.',
    secret: false,
  },
  {
    name: 'RECON_EXPLAIN_WITHIN_MS',
    required: false,
    default: '86400000',
    description:
      'Reconciliation only. A discrepancy not explained within this is escalated to the board and internal audit (60000 to 2592000000).',
    secret: false,
  },
  {
    name: 'RECON_DEADLINE_CHECK_INTERVAL_MS',
    required: false,
    default: '60000',
    description:
      'Reconciliation only. How often escalation and overdue top-up deadlines are checked (1000 to 3600000).',
    secret: false,
  },
  {
    name: 'RECON_NOTIFY_WEBHOOK_URL',
    required: false,
    default: undefined,
    description:
      'Reconciliation only. Discrepancy notifications (detected, escalated, overdue) are POSTed here as JSON; unset: logged (they are events either way).',
    secret: false,
  },
];

export const CONFIG_VARIABLE_NAMES: ReadonlySet<string> = new Set(
  CONFIG_VARIABLES.map((variable) => variable.name),
);
export const SECRET_CONFIG_VARIABLE_NAMES: ReadonlySet<string> = new Set(
  CONFIG_VARIABLES.filter((variable) => variable.secret).map((variable) => variable.name),
);
