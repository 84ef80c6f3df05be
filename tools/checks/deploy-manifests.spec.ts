/**
 * Static checks of docker-compose.yml, the Dockerfile and deploy/ (Kubernetes manifests, Kafka
 * topics, collector configuration): pure file parsing, no Docker, no cluster.
 *
 * - each of the five services has a compose service, a Deployment, a Service and a
 *   PodDisruptionBudget, with probes on /health/live and /health/ready and ports that match
 *   compose and tools/checks/config-variables.ts;
 * - no credential is written as a literal: AUTH_JWT_SECRET and DATABASE_URL come from a
 *   `${VAR:?...}` interpolation in compose and from a secretKeyRef in Kubernetes;
 * - every environment variable given to a service is in the configuration table
 *   (tools/checks/config-variables.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { DEAD_LETTER_TOPIC, SERVICE_EVENTS_TOPICS, UPSTREAM_TOPICS } from '@custody/contracts';
import { LEDGER_CONSUMED_TOPICS } from '@custody/ledger-application';
import { POLICY_CONSUMED_TOPICS } from '@custody/policy-application';
import { RECONCILIATION_CONSUMED_TOPICS } from '@custody/reconciliation-application';
import { WALLET_CONSUMED_TOPICS } from '@custody/wallet-application';
import { AUDIT_CONSUMER_GROUP, AUDITED_TOPICS } from '../../apps/audit/src/audit-messages';
import { LEDGER_CONSUMER_GROUP } from '../../apps/ledger/src/messaging/ledger-ingestion';
import { POLICY_CONSUMER_GROUP } from '../../apps/policy/src/messaging/policy-ingestion';
import { RECONCILIATION_CONSUMER_GROUP } from '../../apps/reconciliation/src/reconciliation-messages';
import { WALLET_CONSUMER_GROUP } from '../../apps/wallet/src/host/wallet-consumer';
import {
  CONFIG_VARIABLE_NAMES,
  CONFIG_VARIABLES,
  SECRET_CONFIG_VARIABLE_NAMES,
  SERVICE_NAMES,
  SERVICE_PORTS,
  type ServiceName,
} from './config-variables';

const repoRoot = join(__dirname, '..', '..');
const k8sDirectory = join(repoRoot, 'deploy', 'k8s', 'base');
const NAMESPACE = 'custody';
const CONFIG_MAP_NAME = 'custody-config';
const KEY_SOURCE_VARIABLES = ['AUTH_JWT_SECRET', 'AUTH_JWKS_URL'];
const REQUIRED_VARIABLES = CONFIG_VARIABLES.filter((variable) => variable.required).map(
  (variable) => variable.name,
);

/** Topics named in ARCHITECTURE.md (Messaging). */
const EVENT_TOPICS = SERVICE_NAMES.map((service) => `custody.${service}.events.v1`);
const EXPECTED_TOPICS = [
  ...EVENT_TOPICS,
  'exchange.trades.v1',
  'exchange.withdrawal-requests.v1',
  'exchange.prices.v1',
  'exchange.fiat.v1',
  'custody.deadletter.v1',
];

type Yaml = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed YAML, checked field by field

function readText(...segments: string[]): string {
  return readFileSync(join(repoRoot, ...segments), 'utf8');
}

function parseDocuments(text: string, source: string): Yaml[] {
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [documents];
  for (const document of list) {
    if (document.errors.length > 0)
      throw new Error(`${source}: ${document.errors.map((error) => error.message).join('; ')}`);
  }
  return list
    .map((document) => document.toJS() as Yaml)
    .filter((value) => value !== null && value !== undefined);
}

// ---- secret literal detection -------------------------------------------------------------

/** A compose `${NAME:?message}` interpolation: the value must come from the environment, or compose refuses to start. */
const REQUIRED_INTERPOLATION = /^\$\{([A-Z][A-Z0-9_]*):\?[^}]*\}$/;
const SECRET_LOOKING_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|CREDENTIAL|API_KEY|ACCESS_KEY)/;
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:(.+)@/i;
/** URLs whose password (not the whole value) must be a required interpolation. */
const DATABASE_URL_VARIABLES: ReadonlySet<string> = new Set([
  'DATABASE_URL',
  'DATABASE_MIGRATION_URL',
]);

/** True for a value that looks like a credential: a long run of key-like characters mixing letters and digits. */
function looksLikeSecretLiteral(value: string): boolean {
  const withoutInterpolations = value.replace(/\$\{[^}]*\}/g, '');
  const runs = withoutInterpolations.match(/[A-Za-z0-9+/=_-]{20,}/g) ?? [];
  return runs.some((run) => /[A-Za-z]/.test(run) && /\d/.test(run));
}

/** Every way a value can carry a credential literal; empty when the value is clean. */
function secretLiteralProblems(name: string, value: string): string[] {
  const problems: string[] = [];
  // a *_FILE variable names where a compose secret is mounted, never the secret itself
  if (name.endsWith('_FILE') && /^\/run\/secrets\/[a-z0-9-]+$/.test(value)) return problems;
  const interpolationOnly = REQUIRED_INTERPOLATION.test(value);
  if (
    (SECRET_LOOKING_NAME.test(name) || SECRET_CONFIG_VARIABLE_NAMES.has(name)) &&
    !DATABASE_URL_VARIABLES.has(name) &&
    !interpolationOnly
  ) {
    problems.push(`${name}: a credential must be a required interpolation \${${name}:?...}`);
  }
  const password = URL_PASSWORD.exec(value)?.[1];
  if (password !== undefined && !REQUIRED_INTERPOLATION.test(password)) {
    problems.push(`${name}: the password in the URL must be a required interpolation \${VAR:?...}`);
  }
  if (!interpolationOnly && looksLikeSecretLiteral(value))
    problems.push(`${name}: value looks like a secret literal`);
  return problems;
}

// ---- compose ------------------------------------------------------------------------------

const compose: Yaml = parse(readText('docker-compose.yml'), { merge: true });

function composeEnvironment(service: Yaml): Record<string, string> {
  const environment = service['environment'] ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry: string) => {
        const separator = entry.indexOf('=');
        return separator < 0
          ? [entry, '']
          : [entry.slice(0, separator), entry.slice(separator + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [name, String(value ?? '')]),
  );
}

/** Container side of a compose port mapping: "127.0.0.1:3001:3001/tcp" -> 3001. */
function containerPort(mapping: string | number | Yaml): number {
  if (typeof mapping === 'object') return Number(mapping['target']);
  const last = String(mapping).split(':').pop() ?? '';
  return Number(last.split('/')[0]);
}

// ---- database roles (issue 22) ------------------------------------------------------------

/** The migration role: owns the database and every schema; only a migration run connects as it. */
const DATABASE_OWNER_ROLE = 'custody';
/** Each service's own login role. */
const serviceDatabaseRole = (service: ServiceName): string => `custody_${service}`;
/** A service's compose migration run (its image with MIGRATE_ONLY=true). */
const migrationRunOf = (service: ServiceName): string => `migrate-${service}`;
const POSTGRES_INIT_SQL = 'deploy/postgres/init-roles.sql';
const POSTGRES_INIT_DIRECTORY = '/docker-entrypoint-initdb.d/';
/** What a service's role must not be able to do (PostgreSQL role attributes). */
const SERVICE_ROLE_ATTRIBUTES = [
  'login',
  'nosuperuser',
  'nocreatedb',
  'nocreaterole',
  'noreplication',
  'nobypassrls',
];
const OWNER_ROLE_ATTRIBUTES = [
  'login',
  'nosuperuser',
  'createrole',
  'nocreatedb',
  'noreplication',
  'nobypassrls',
];

/** A compose database URL's parts; the password is only ever a `${VAR:?...}` interpolation, whose VAR is returned. */
function composeDatabaseUrl(
  url: string | undefined,
): { user: string; passwordVariable: string | undefined; server: string } | undefined {
  const match = /^postgres(?:ql)?:\/\/([^:@/]+)(?::([^@]*))?@(.+)$/.exec(url ?? '');
  if (match === null) return undefined;
  return {
    user: match[1] as string,
    passwordVariable: REQUIRED_INTERPOLATION.exec(match[2] ?? '')?.[1],
    server: match[3] as string,
  };
}

/** Roles created by the init SQL: attributes (lower case) and the psql variable of the password, by \getenv's environment variable. */
function initSqlRoles(
  sql: string,
): Map<
  string,
  { attributes: string[]; passwordVariable: string | undefined; literalPassword: boolean }
> {
  const getenv = new Map(
    [...sql.matchAll(/^\\getenv\s+(\w+)\s+(\w+)\s*$/gm)].map((match) => [
      match[1] as string,
      match[2] as string,
    ]),
  );
  const roles = new Map<
    string,
    { attributes: string[]; passwordVariable: string | undefined; literalPassword: boolean }
  >();
  for (const match of sql
    .replace(/--[^\n]*/g, '')
    .matchAll(/\bcreate\s+role\s+(\w+)\s+([^;]*);/gi)) {
    const options = (match[2] as string).toLowerCase();
    const psqlVariable = /\bpassword\s+:'(\w+)'/.exec(options)?.[1];
    roles.set((match[1] as string).toLowerCase(), {
      attributes: options
        .replace(/\bpassword\s+\S+/, '')
        .split(/\s+/)
        .filter((word) => word !== ''),
      passwordVariable: psqlVariable === undefined ? undefined : getenv.get(psqlVariable),
      literalPassword: /\bpassword\s+'/.test(options),
    });
  }
  return roles;
}

/**
 * Every way compose breaks the least-privilege roles; empty when it holds: each service connects
 * as its own role (never the owner), never gets DATABASE_MIGRATION_URL, and waits for its
 * migration run, which carries the owner's URL as DATABASE_MIGRATION_URL (same server and
 * database) and the service's own DATABASE_URL; the init SQL, mounted into the postgres image's
 * init directory, creates each role with its attributes and the password of the variable its URL uses.
 */
function composeDatabaseRoleProblems(file: Yaml, initSql: string): string[] {
  const problems: string[] = [];
  const services: Record<string, Yaml> = file['services'] ?? {};
  const roles = initSqlRoles(initSql);
  const postgres = services['postgres'] ?? {};
  const postgresEnvironment = composeEnvironment(postgres);
  const mounted = ((postgres['volumes'] ?? []) as string[]).some(
    (entry) =>
      entry.startsWith(`./${POSTGRES_INIT_SQL}:${POSTGRES_INIT_DIRECTORY}`) &&
      entry.endsWith(':ro'),
  );
  if (!mounted)
    problems.push(
      `postgres: ${POSTGRES_INIT_SQL} is not mounted read-only into ${POSTGRES_INIT_DIRECTORY}`,
    );
  if (/\bpassword\s+'/i.test(initSql)) problems.push(`${POSTGRES_INIT_SQL}: a password literal`);
  const roleProblems = (
    role: string,
    attributes: readonly string[],
    passwordVariable: string | undefined,
  ) => {
    const created = roles.get(role);
    if (created === undefined) return [`${POSTGRES_INIT_SQL}: role ${role} is not created`];
    const found: string[] = [];
    const missing = attributes.filter((attribute) => !created.attributes.includes(attribute));
    const extra = created.attributes.filter((attribute) => !attributes.includes(attribute));
    if (missing.length > 0 || extra.length > 0)
      found.push(
        `${POSTGRES_INIT_SQL}: role ${role} is ${created.attributes.join(' ')}, expected ${attributes.join(' ')}`,
      );
    if (passwordVariable === undefined || created.passwordVariable !== passwordVariable)
      found.push(
        `${POSTGRES_INIT_SQL}: role ${role}'s password is not \\getenv ${passwordVariable ?? '<the variable of its URL>'}`,
      );
    else if (!REQUIRED_INTERPOLATION.test(postgresEnvironment[passwordVariable] ?? ''))
      found.push(
        `postgres: ${passwordVariable} is not passed to the init SQL as \${${passwordVariable}:?...}`,
      );
    return found;
  };
  let ownerUrl: ReturnType<typeof composeDatabaseUrl>;
  for (const name of SERVICE_NAMES) {
    const environment = composeEnvironment(services[name] ?? {});
    const url = composeDatabaseUrl(environment['DATABASE_URL']);
    if (url?.user !== serviceDatabaseRole(name))
      problems.push(
        `${name}: DATABASE_URL connects as ${url?.user ?? '?'}, not its own role ${serviceDatabaseRole(name)}`,
      );
    if (environment['DATABASE_MIGRATION_URL'] !== undefined)
      problems.push(
        `${name}: a service never gets DATABASE_MIGRATION_URL (the owner's credentials)`,
      );
    if (
      services[name]?.['depends_on']?.[migrationRunOf(name)]?.['condition'] !==
      'service_completed_successfully'
    )
      problems.push(`${name}: does not wait for ${migrationRunOf(name)} to complete successfully`);
    const migration = services[migrationRunOf(name)];
    if (migration === undefined) {
      problems.push(`${migrationRunOf(name)}: missing`);
      continue;
    }
    const migrationEnvironment = composeEnvironment(migration);
    const owner = composeDatabaseUrl(migrationEnvironment['DATABASE_MIGRATION_URL']);
    if (migrationEnvironment['MIGRATE_ONLY'] !== 'true')
      problems.push(`${migrationRunOf(name)}: MIGRATE_ONLY is not 'true'`);
    if (owner?.user !== DATABASE_OWNER_ROLE)
      problems.push(
        `${migrationRunOf(name)}: DATABASE_MIGRATION_URL connects as ${owner?.user ?? '?'}, not the owner ${DATABASE_OWNER_ROLE}`,
      );
    if (owner !== undefined && owner.server !== url?.server)
      problems.push(
        `${migrationRunOf(name)}: DATABASE_MIGRATION_URL names another server or database than ${name}'s DATABASE_URL`,
      );
    if (migrationEnvironment['DATABASE_URL'] !== environment['DATABASE_URL'])
      problems.push(`${migrationRunOf(name)}: DATABASE_URL is not ${name}'s (the role it grants)`);
    if (
      migration['image'] !== services[name]?.['image'] ||
      JSON.stringify(migration['build']) !== JSON.stringify(services[name]?.['build'])
    )
      problems.push(`${migrationRunOf(name)}: not ${name}'s image and build`);
    if (migration['restart'] !== 'no')
      problems.push(`${migrationRunOf(name)}: restarts (a one-shot run must not)`);
    problems.push(
      ...roleProblems(serviceDatabaseRole(name), SERVICE_ROLE_ATTRIBUTES, url?.passwordVariable),
    );
    ownerUrl ??= owner;
  }
  problems.push(
    ...roleProblems(DATABASE_OWNER_ROLE, OWNER_ROLE_ATTRIBUTES, ownerUrl?.passwordVariable),
  );
  return problems;
}

// ---- Kubernetes ---------------------------------------------------------------------------

/** The services that read an EVM node (wallet: signing and watching; policy: the on-chain check; reconciliation: TW-14). */
const CHAIN_READERS: ReadonlySet<string> = new Set(['wallet', 'policy', 'reconciliation']);

const k8sFiles = readdirSync(k8sDirectory).filter(
  (file) => file.endsWith('.yaml') || file.endsWith('.yml'),
);
const k8sObjects: Array<Yaml & { file: string }> = k8sFiles.flatMap((file) =>
  parseDocuments(readFileSync(join(k8sDirectory, file), 'utf8'), `deploy/k8s/base/${file}`).map(
    (object) => ({ ...object, file }),
  ),
);
const topicObjects = parseDocuments(readText('deploy', 'topics.yaml'), 'deploy/topics.yaml');
const collectorConfig: Yaml = parse(readText('deploy', 'otel-collector.yaml'));

function k8sObject(kind: string, name: string): Yaml {
  const found = k8sObjects.filter(
    (object) => object['kind'] === kind && object['metadata']?.['name'] === name,
  );
  expect(
    found.map((object) => `${object['kind']}/${object['metadata']['name']} in ${object.file}`),
  ).toHaveLength(1);
  return found[0]!;
}

function serviceContainer(deployment: Yaml, service: ServiceName): Yaml {
  const containers: Yaml[] = deployment['spec']['template']['spec']['containers'];
  const container = containers.find((candidate) => candidate['name'] === service);
  if (container === undefined)
    throw new Error(`Deployment ${service} has no container named ${service}`);
  return container;
}

/** A probe or Service target port, by number or by the container port's name. */
function resolvePort(port: string | number, container: Yaml): number | undefined {
  if (typeof port === 'number') return port;
  const named = (container['ports'] as Yaml[]).find((candidate) => candidate['name'] === port);
  return named?.['containerPort'];
}

function matchesLabels(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return (
    Object.keys(selector).length > 0 &&
    Object.entries(selector).every(([key, value]) => labels[key] === value)
  );
}

// ---- Kubernetes: database roles and the audit's checkpoints (issue 22) -----------------------

/** The Secret holding the schemas' owner's URL (the migration role): read by the migration Jobs only. */
const DATABASE_OWNER_SECRET = 'custody-database-owner';
const migrationJobs: Yaml[] = parseDocuments(
  readText('deploy', 'k8s', 'migrations', 'jobs.yaml'),
  'deploy/k8s/migrations/jobs.yaml',
);
/** Where the audit service writes its signed checkpoints: a volume that outlives the pod. */
const CHECKPOINT_DIRECTORY_VARIABLE = 'AUDIT_CHECKPOINT_DIR';

const podSpecOf = (workload: Yaml): Yaml => workload['spec']?.['template']?.['spec'] ?? {};
const envEntry = (container: Yaml | undefined, name: string): Yaml | undefined =>
  ((container?.['env'] ?? []) as Yaml[]).find((entry) => entry['name'] === name);

/**
 * Every way the manifests hand the owner's credentials to the wrong workload; empty when they hold:
 * no Deployment names DATABASE_MIGRATION_URL or the owner's Secret; each migration Job takes
 * DATABASE_MIGRATION_URL from the owner's Secret (secretKeyRef, key database-url) and its
 * DATABASE_URL (the role it grants) from the same Secret as its Deployment.
 */
function k8sDatabaseRoleProblems(objects: readonly Yaml[], jobs: readonly Yaml[]): string[] {
  const problems: string[] = [];
  for (const service of SERVICE_NAMES) {
    const deployment = objects.find(
      (object) => object['kind'] === 'Deployment' && object['metadata']?.['name'] === service,
    );
    const job = jobs.find(
      (object) => object['kind'] === 'Job' && object['metadata']?.['name'] === `migrate-${service}`,
    );
    if (deployment === undefined || job === undefined) {
      problems.push(`${service}: Deployment or Job migrate-${service} missing`);
      continue;
    }
    const deployed = (podSpecOf(deployment)['containers'] as Yaml[] | undefined)?.find(
      (container) => container['name'] === service,
    );
    const migrating = (podSpecOf(job)['containers'] as Yaml[] | undefined)?.find(
      (container) => container['name'] === service,
    );
    if (envEntry(deployed, 'DATABASE_MIGRATION_URL') !== undefined)
      problems.push(
        `Deployment ${service}: carries DATABASE_MIGRATION_URL (the owner's credentials)`,
      );
    if (JSON.stringify(podSpecOf(deployment)).includes(`"${DATABASE_OWNER_SECRET}"`))
      problems.push(`Deployment ${service}: names the owner's Secret ${DATABASE_OWNER_SECRET}`);
    const owner = envEntry(migrating, 'DATABASE_MIGRATION_URL');
    if (owner === undefined) problems.push(`Job migrate-${service}: no DATABASE_MIGRATION_URL`);
    else if (
      owner['value'] !== undefined ||
      JSON.stringify(owner['valueFrom']) !==
        JSON.stringify({ secretKeyRef: { name: DATABASE_OWNER_SECRET, key: 'database-url' } })
    ) {
      problems.push(
        `Job migrate-${service}: DATABASE_MIGRATION_URL is not from Secret ${DATABASE_OWNER_SECRET} (key database-url)`,
      );
    }
    const serviceUrl = envEntry(migrating, 'DATABASE_URL')?.['valueFrom']?.['secretKeyRef'];
    if (
      serviceUrl === undefined ||
      JSON.stringify(serviceUrl) !==
        JSON.stringify(envEntry(deployed, 'DATABASE_URL')?.['valueFrom']?.['secretKeyRef'])
    ) {
      problems.push(
        `Job migrate-${service}: DATABASE_URL is not from its Deployment's Secret (the role it grants)`,
      );
    }
    if (serviceUrl?.['name'] === DATABASE_OWNER_SECRET)
      problems.push(`Job migrate-${service}: DATABASE_URL is the owner's`);
  }
  return problems;
}

/**
 * Every way the audit's checkpoints could be lost with a pod; empty when they hold: the directory
 * of AUDIT_CHECKPOINT_DIR is mounted from a PersistentVolumeClaim of the manifests (ReadWriteOnce,
 * a storage size), never an emptyDir; and since one node at a time can attach it, the Deployment
 * runs one replica and replaces it with Recreate (a surge pod elsewhere would hang on the volume).
 */
function checkpointVolumeProblems(objects: readonly Yaml[]): string[] {
  const problems: string[] = [];
  const deployment = objects.find(
    (object) => object['kind'] === 'Deployment' && object['metadata']?.['name'] === 'audit',
  );
  const pod = podSpecOf(deployment ?? {});
  const container = (pod['containers'] as Yaml[] | undefined)?.find(
    (candidate) => candidate['name'] === 'audit',
  );
  const directory = envEntry(container, CHECKPOINT_DIRECTORY_VARIABLE)?.['value'];
  if (typeof directory !== 'string')
    return [`Deployment audit: no ${CHECKPOINT_DIRECTORY_VARIABLE}`];
  const mount = ((container?.['volumeMounts'] ?? []) as Yaml[]).find(
    (candidate) =>
      directory === candidate['mountPath'] ||
      directory.startsWith(`${String(candidate['mountPath'])}/`),
  );
  const volume = ((pod['volumes'] ?? []) as Yaml[]).find(
    (candidate) => candidate['name'] === mount?.['name'],
  );
  if (mount === undefined || volume === undefined)
    return [
      `Deployment audit: ${directory} is on no volume (the container's filesystem is read-only)`,
    ];
  if (mount['readOnly'] === true)
    problems.push(`Deployment audit: ${directory} is mounted read-only`);
  const claimName = volume['persistentVolumeClaim']?.['claimName'];
  if (claimName === undefined) {
    problems.push(
      `Deployment audit: ${directory} is on volume ${String(volume['name'])} (${Object.keys(volume)
        .filter((key) => key !== 'name')
        .join(', ')}), not a PersistentVolumeClaim: the checkpoints would go with the pod`,
    );
  } else {
    const claim = objects.find(
      (object) =>
        object['kind'] === 'PersistentVolumeClaim' && object['metadata']?.['name'] === claimName,
    );
    if (claim === undefined)
      problems.push(`PersistentVolumeClaim ${claimName}: not in the manifests`);
    else {
      if (JSON.stringify(claim['spec']?.['accessModes']) !== JSON.stringify(['ReadWriteOnce']))
        problems.push(
          `PersistentVolumeClaim ${claimName}: access modes ${JSON.stringify(claim['spec']?.['accessModes'])}, expected ["ReadWriteOnce"]`,
        );
      if (!/^\d+(Mi|Gi|Ti)$/.test(String(claim['spec']?.['resources']?.['requests']?.['storage'])))
        problems.push(`PersistentVolumeClaim ${claimName}: no storage size (e.g. 1Gi)`);
    }
  }
  if (deployment?.['spec']?.['replicas'] !== 1)
    problems.push(
      `Deployment audit: ${String(deployment?.['spec']?.['replicas'])} replicas on a ReadWriteOnce volume, expected 1`,
    );
  if (deployment?.['spec']?.['strategy']?.['type'] !== 'Recreate')
    problems.push(
      `Deployment audit: strategy ${String(deployment?.['spec']?.['strategy']?.['type'])}, expected Recreate (a surge pod on another node cannot attach the volume)`,
    );
  return problems;
}

function configMapData(name: string): Record<string, string> {
  return k8sObject('ConfigMap', name)['data'] ?? {};
}

/** Names of every variable a container receives: its env entries and the keys of its envFrom ConfigMaps. */
function k8sEnvironmentNames(container: Yaml): string[] {
  const direct = ((container['env'] ?? []) as Yaml[]).map((entry) => entry['name'] as string);
  const fromConfigMaps = ((container['envFrom'] ?? []) as Yaml[]).flatMap((source) => {
    expect(source['secretRef']).toBeUndefined(); // secrets one key at a time, through secretKeyRef
    expect(source['prefix']).toBeUndefined();
    return Object.keys(configMapData(source['configMapRef']['name']));
  });
  return [...direct, ...fromConfigMaps];
}

describe('config-variables.ts (the configuration table)', () => {
  it('lists each variable once, with a description, and a default only for optional ones', () => {
    expect(CONFIG_VARIABLE_NAMES.size).toBe(CONFIG_VARIABLES.length);
    for (const variable of CONFIG_VARIABLES) {
      expect(variable.name).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(variable.description.length).toBeGreaterThan(10);
      if (variable.required) expect(variable.default).toBeUndefined();
    }
    expect([...CONFIG_VARIABLE_NAMES].sort()).toEqual(
      [
        'AUDIT_CHECKPOINT_DIR',
        'AUDIT_CHECKPOINT_INTERVAL_MS',
        'AUDIT_HSM_KEY_LABEL',
        'AUDIT_HSM_MODULE',
        'AUDIT_HSM_PIN_FILE',
        'AUDIT_HSM_TOKEN_LABEL',
        'AUDIT_SIGNING_KEY_FILE',
        'AUTH_ALLOW_HS256_IN_PRODUCTION',
        'AUTH_AUDIENCE',
        'AUTH_ISSUER',
        'AUTH_JWKS_URL',
        'AUTH_SERVICE_TOKEN_LIFETIME_MAX_SECONDS',
        'AUTH_STAFF_TOKEN_LIFETIME_MAX_SECONDS',
        'AUTH_JWT_SECRET',
        'DATABASE_MIGRATION_URL',
        'DATABASE_POOL_MAX',
        'DATABASE_URL',
        'EXCHANGE_PUBLIC_KEYS_FILE',
        'EXCHANGE_SIGNATURES',
        'KAFKA_ALLOW_PLAINTEXT_SASL',
        'KAFKA_BROKERS',
        'KAFKA_CONSUMER_MAX_WAIT_MS',
        'KAFKA_PRODUCER_IDEMPOTENT',
        'KAFKA_SASL_MECHANISM',
        'KAFKA_SASL_PASSWORD_FILE',
        'KAFKA_SASL_USERNAME',
        'KAFKA_SSL',
        'KAFKA_SSL_CA_FILE',
        'KAFKA_SSL_CERT_FILE',
        'KAFKA_SSL_KEY_FILE',
        'LEDGER_ROLES',
        'LOG_LEVEL',
        'MIGRATE_ONLY',
        'OTEL_EXPORTER_OTLP_ENDPOINT',
        'POLICY_DECISION_SUBJECTS',
        'POLICY_EVALUATION_INTERVAL_MS',
        'POLICY_EVM_CHAIN',
        'POLICY_EVM_CHAIN_ID',
        'POLICY_EVM_NATIVE_ASSET',
        'POLICY_EVM_RPC_URL',
        'POLICY_EVM_TOKENS',
        'POLICY_INSURANCE',
        'POLICY_JURISDICTIONS',
        'POLICY_ONCHAIN_CHECK_INTERVAL_MS',
        'POLICY_REPORT_CURRENCY',
        'POLICY_TIER1_CAPITAL',
        'POLICY_WITHDRAWAL_LIMITS',
        'PORT',
        'RECON_CUTOFF',
        'RECON_DEADLINE_CHECK_INTERVAL_MS',
        'RECON_EVM_CHAIN',
        'RECON_EVM_CHAIN_ID',
        'RECON_EVM_NATIVE_ASSET',
        'RECON_EVM_RPC_URL',
        'RECON_EVM_TOKENS',
        'RECON_EXPLAIN_WITHIN_MS',
        'RECON_HOLIDAYS',
        'RECON_JURISDICTION',
        'RECON_MINIMUM_UNITS',
        'RECON_NOTIFY_WEBHOOK_URL',
        'SHUTDOWN_DRAIN_MS',
        'SOFTHSM2_CONF',
        'WALLET_ADDRESS_COOLING_OFF_MS',
        'WALLET_ALERT_NOTIFY_ROLES',
        'WALLET_ALERT_THRESHOLDS',
        'WALLET_ALERT_WEBHOOK_URL',
        'WALLET_DEV_KEY_DIR',
        'WALLET_EVM_CHAIN',
        'WALLET_EVM_CHAIN_ID',
        'WALLET_EVM_NATIVE_ASSET',
        'WALLET_EVM_RPC_URL',
        'WALLET_EVM_TOKENS',
        'WALLET_EXCHANGE_SUBJECTS',
        'WALLET_HSM_MODULE',
        'WALLET_HSM_PIN',
        'WALLET_HSM_PIN_FILE',
        'WALLET_HSM_TOKEN_LABEL',
        'WALLET_KEY_JURISDICTIONS',
        'WALLET_POLICY_TOKEN_FILE',
        'WALLET_POLICY_URL',
        'WALLET_PROCESSOR_INTERVAL_MS',
        'WALLET_SCAN_START_BLOCK',
        'WALLET_STAFF_ADDRESSES_FILE',
      ].sort(),
    );
    expect([...SECRET_CONFIG_VARIABLE_NAMES].sort()).toEqual([
      'AUTH_JWT_SECRET',
      'DATABASE_MIGRATION_URL',
      'DATABASE_URL',
      'WALLET_HSM_PIN',
    ]);
  });

  it('the secret literal detector flags key-like values and lets ordinary values through', () => {
    expect(looksLikeSecretLiteral('dGhpcyBpcyBhIHZlcnkgc2VjcmV0IGtleSAxMjM0NTY=')).toBe(true);
    expect(looksLikeSecretLiteral('3f9a1c0b7e4d2a6f8b0c1d2e3f4a5b6c')).toBe(true);
    expect(looksLikeSecretLiteral('${AUTH_JWT_SECRET:?set AUTH_JWT_SECRET}')).toBe(false);
    expect(
      looksLikeSecretLiteral('http://otel-collector.observability.svc.cluster.local:4318'),
    ).toBe(false);
    expect(
      looksLikeSecretLiteral('custody-kafka-kafka-bootstrap.kafka.svc.cluster.local:9092'),
    ).toBe(false);
    expect(
      secretLiteralProblems('AUTH_JWT_SECRET', 'change-me-change-me-change-me-42'),
    ).not.toEqual([]);
    expect(
      secretLiteralProblems('DATABASE_URL', 'postgres://custody:hunter2@postgres:5432/custody'),
    ).not.toEqual([]);
    expect(
      secretLiteralProblems(
        'DATABASE_URL',
        'postgres://custody:${POSTGRES_PASSWORD:?set it}@postgres:5432/custody',
      ),
    ).toEqual([]);
  });
});

describe('docker-compose.yml', () => {
  const services: Record<string, Yaml> = compose['services'];
  const KAFKA_NODES = ['kafka-1', 'kafka-2', 'kafka-3'];
  const TOPIC_JOB = 'kafka-topics';
  /** One-shot containers: whoever depends on one waits for its exit code (service_completed_successfully). */
  const ONE_SHOT_JOBS: ReadonlySet<string> = new Set([
    TOPIC_JOB,
    ...SERVICE_NAMES.map(migrationRunOf),
  ]);
  /** Containers without a healthcheck, each with the reason; every other container must have one. */
  const HEALTHCHECK_EXEMPT: Readonly<Record<string, string>> = {
    [TOPIC_JOB]:
      'a one-shot job: it exits, and the services wait for its exit code (service_completed_successfully)',
    ...Object.fromEntries(
      SERVICE_NAMES.map((name) => [
        migrationRunOf(name),
        `${name}'s migration run: it exits, and ${name} waits for its exit code (service_completed_successfully)`,
      ]),
    ),
    'otel-collector':
      'its image is the collector binary alone: no shell, wget or curl to probe the health_check extension from inside',
  };

  const service = (name: string): Yaml => {
    const found = services[name];
    if (found === undefined) throw new Error(`docker-compose.yml has no service ${name}`);
    return found;
  };

  /** Short-syntax volume mounts of a service: "./source:/target:ro". */
  const mounts = (name: string): Array<{ source: string; target: string; readOnly: boolean }> =>
    ((service(name)['volumes'] ?? []) as string[]).map((entry) => {
      const [source = '', target = '', mode] = entry.split(':');
      return { source, target, readOnly: mode === 'ro' };
    });

  /** The init job's table (x-kafka-topics): "name partitions retention.ms [key=value...]" a line; `#` lines are comments. */
  const topicTable = (): Array<{
    name: string;
    partitions: number;
    retentionMs: string | undefined;
    configs: string[];
  }> =>
    String(compose['x-kafka-topics'])
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const [name = '', partitions, retentionMs, ...configs] = line.split(/\s+/);
        return { name, partitions: Number(partitions), retentionMs, configs };
      });

  it('is valid against the Compose Specification JSON schema (offline: the one the docker-compose npm package ships)', () => {
    const schema = JSON.parse(
      readFileSync(require.resolve('docker-compose/schema/compose-spec.json'), 'utf8'),
    ) as Yaml;
    expect(schema['title']).toBe('Compose Specification');
    delete schema['$schema']; // "https://json-schema.org/draft-07/schema": draft-07, the validator's default, under another URI
    // strict off: the published schema is not written for Ajv's strict mode (it would only warn)
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const valid = validate(compose);
    const problems = (validate.errors ?? []).map((error) => {
      const where = (error as Yaml)['instancePath'] ?? (error as Yaml)['dataPath'];
      return `${String(where)} ${String(error.message)} ${JSON.stringify(error.params)}`;
    });
    expect(problems).toEqual([]);
    expect(valid).toBe(true);
  });

  it('runs PostgreSQL 16, the OpenTelemetry collector with deploy/otel-collector.yaml, Jaeger and Prometheus', () => {
    expect(service('postgres')['image']).toMatch(/^postgres:16/);
    expect(service('otel-collector')['image']).toMatch(/^otel\/opentelemetry-collector-contrib:/);
    expect(service('otel-collector')['volumes']).toContain(
      './deploy/otel-collector.yaml:/etc/otelcol-contrib/config.yaml:ro',
    );
    expect(service('jaeger')['image']).toMatch(/^jaegertracing\/jaeger:2\./);
    expect(service('prometheus')['image']).toMatch(/^prom\/prometheus:v3\./);
  });

  it('starts KurrentDB only on request (profile kurrentdb): no service uses it yet', () => {
    expect(service('kurrentdb')['image']).toMatch(
      /^(docker\.kurrent\.io\/kurrent-latest\/kurrentdb|kurrentplatform\/kurrentdb):/,
    );
    expect(service('kurrentdb')['profiles']).toEqual(['kurrentdb']);
    const users = Object.entries(services).filter(
      ([name, definition]) =>
        name !== 'kurrentdb' &&
        ('kurrentdb' in (definition['depends_on'] ?? {}) ||
          JSON.stringify(definition['environment'] ?? {}).includes('kurrentdb')),
    );
    expect(users.map(([name]) => name)).toEqual([]);
  });

  it('gives every container a healthcheck, except the ones allow-listed with a reason', () => {
    const missing = Object.keys(services).filter(
      (name) =>
        service(name)['healthcheck']?.['test'] === undefined && !(name in HEALTHCHECK_EXEMPT),
    );
    expect(missing).toEqual([]);
    const disabled = Object.keys(services).filter(
      (name) =>
        service(name)['healthcheck']?.['disable'] === true ||
        service(name)['healthcheck']?.['test']?.[0] === 'NONE',
    );
    expect(disabled).toEqual([]);
    for (const [name, reason] of Object.entries(HEALTHCHECK_EXEMPT)) {
      expect(`${name}: ${service(name)['healthcheck'] === undefined}`).toBe(`${name}: true`); // the list names no container that has one
      expect(reason.length).toBeGreaterThan(20);
    }
  });

  it('waits on what each dependency can tell: healthy where it has a healthcheck, completed for the topic job and the migration runs', () => {
    const wrong = Object.entries(services).flatMap(([name, definition]) =>
      Object.entries((definition['depends_on'] ?? {}) as Record<string, Yaml>).flatMap(
        ([target, dependency]) => {
          const expected = ONE_SHOT_JOBS.has(target)
            ? 'service_completed_successfully'
            : service(target)['healthcheck'] === undefined
              ? 'service_started'
              : 'service_healthy';
          return dependency['condition'] === expected
            ? []
            : [`${name} -> ${target}: ${String(dependency['condition'])}, expected ${expected}`];
        },
      ),
    );
    expect(wrong).toEqual([]);
  });

  it('publishes every port on 127.0.0.1 only', () => {
    const published = Object.entries(services).flatMap(([name, definition]) =>
      ((definition['ports'] ?? []) as Array<string | Yaml>).map(
        (port) => `${name} ${JSON.stringify(port)}`,
      ),
    );
    expect(published.length).toBeGreaterThan(0);
    expect(published.filter((entry) => !/^[a-z0-9-]+ "127\.0\.0\.1:\d+:\d+"$/.test(entry))).toEqual(
      [],
    );
  });

  describe('Kafka', () => {
    const environment = (node: string): Record<string, string> => composeEnvironment(service(node));
    /** "PLAINTEXT://:9092,CONTROLLER://:9093" -> { PLAINTEXT: 'host:9092' ... } (host may be empty). */
    const listeners = (value: string | undefined): Record<string, string> =>
      Object.fromEntries(
        (value ?? '')
          .split(',')
          .map((listener) => [listener.split('://')[0], listener.split('://')[1] ?? '']),
      );

    it('runs three apache/kafka nodes in KRaft mode, each broker and controller, with distinct node ids and one cluster id', () => {
      const nodes = Object.keys(services).filter(
        (name) => environment(name)['KAFKA_PROCESS_ROLES'] !== undefined,
      );
      expect(nodes).toEqual(KAFKA_NODES);
      for (const node of KAFKA_NODES) {
        expect(service(node)['image']).toMatch(/^apache\/kafka:4\./);
        expect(environment(node)['KAFKA_PROCESS_ROLES']!.split(',').sort()).toEqual([
          'broker',
          'controller',
        ]);
        expect(environment(node)['KAFKA_NODE_ID']).toMatch(/^[1-9]\d*$/);
      }
      expect(new Set(KAFKA_NODES.map((node) => environment(node)['KAFKA_NODE_ID'])).size).toBe(3);
      const clusterIds = new Set(KAFKA_NODES.map((node) => environment(node)['CLUSTER_ID']));
      expect([...clusterIds]).toEqual([expect.stringMatching(/^[A-Za-z0-9_-]{21}[AQgw]$/)]);
      expect(new Set(KAFKA_NODES.map((node) => service(node)['volumes'][0])).size).toBe(3); // a log directory each
    });

    it('has a controller quorum of three voters: the three nodes, by node id, name and controller listener', () => {
      const voters = new Set(
        KAFKA_NODES.map((node) => environment(node)['KAFKA_CONTROLLER_QUORUM_VOTERS']),
      );
      expect(voters.size).toBe(1);
      const expected = KAFKA_NODES.map((node) => {
        const controllerPort = listeners(environment(node)['KAFKA_LISTENERS'])
          [environment(node)['KAFKA_CONTROLLER_LISTENER_NAMES']!]?.split(':')
          .pop();
        return `${environment(node)['KAFKA_NODE_ID']}@${node}:${controllerPort}`;
      });
      expect([...voters][0]!.split(',').sort()).toEqual(expected.sort());
    });

    it('advertises each node to the other containers by its own name, and the services get all three', () => {
      const advertised = KAFKA_NODES.map((node) => {
        const inter = environment(node)['KAFKA_INTER_BROKER_LISTENER_NAME']!;
        expect(listeners(environment(node)['KAFKA_LISTENERS'])[inter]).toBe(':9092');
        return listeners(environment(node)['KAFKA_ADVERTISED_LISTENERS'])[inter];
      });
      expect(advertised).toEqual(KAFKA_NODES.map((node) => `${node}:9092`));
      expect(composeEnvironment(service(TOPIC_JOB))['BOOTSTRAP']).toBe(advertised.join(','));
      // the services: the SCRAM listener of each node (issue 22), never the unauthenticated one
      const sasl = KAFKA_NODES.map(
        (node) => listeners(environment(node)['KAFKA_ADVERTISED_LISTENERS'])['SASL'],
      );
      expect(sasl).toEqual(KAFKA_NODES.map((node) => `${node}:9094`));
      for (const name of SERVICE_NAMES)
        expect(composeEnvironment(service(name))['KAFKA_BROKERS']).toBe(sasl.join(','));
    });

    it('has a SASL_PLAINTEXT listener with SCRAM-SHA-512 only; each service logs in as kafka-<service> with the password of its own compose secret, a file from outside the repository', () => {
      for (const node of KAFKA_NODES) {
        expect(
          String(environment(node)['KAFKA_LISTENER_SECURITY_PROTOCOL_MAP']).split(','),
        ).toContain('SASL:SASL_PLAINTEXT');
        expect(listeners(environment(node)['KAFKA_LISTENERS'])['SASL']).toBe(':9094');
        expect(environment(node)['KAFKA_SASL_ENABLED_MECHANISMS']).toBe('SCRAM-SHA-512');
      }
      const secrets: Record<string, Yaml> = compose['secrets'];
      for (const name of SERVICE_NAMES) {
        const environment = composeEnvironment(service(name));
        expect({
          name,
          mechanism: environment['KAFKA_SASL_MECHANISM'],
          user: environment['KAFKA_SASL_USERNAME'],
          file: environment['KAFKA_SASL_PASSWORD_FILE'],
          inline: environment['KAFKA_SASL_PASSWORD'],
        }).toEqual({
          name,
          mechanism: 'scram-sha-512',
          user: `kafka-${name}`,
          file: `/run/secrets/kafka-${name}`,
          inline: undefined,
        });
        expect(service(name)['secrets']).toEqual([`kafka-${name}`]);
        expect(secrets[`kafka-${name}`]).toEqual({
          file: expect.stringMatching(/^\$\{KAFKA_SECRETS_DIR:\?[^}]+\}\/kafka-[a-z]+$/),
        });
      }
      // the topic job creates exactly these users' SCRAM credentials from the same files
      expect(
        String(composeEnvironment(service(TOPIC_JOB))['CUSTODY_KAFKA_USERS']).split(' '),
      ).toEqual(SERVICE_NAMES.map((name) => `kafka-${name}`));
      expect(service(TOPIC_JOB)['secrets']).toEqual(SERVICE_NAMES.map((name) => `kafka-${name}`));
      expect((service(TOPIC_JOB)['command'] as string[]).join('\n')).toContain(
        '--entity-type users --entity-name "$$user"',
      );
    });

    it('replicates every topic 3 times, acknowledged by 2 in sync, internal topics too; creates no topic on first use', () => {
      for (const node of KAFKA_NODES) {
        expect({ node, ...environment(node) }).toMatchObject({
          node,
          KAFKA_DEFAULT_REPLICATION_FACTOR: '3',
          KAFKA_MIN_INSYNC_REPLICAS: '2', // also the consumer offsets topic's min ISR (it has no setting of its own)
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '3',
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '3',
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '2',
          KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
          KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE: 'false',
        });
      }
    });
  });

  describe('topic init job (kafka-topics)', () => {
    const job = (): Yaml => service(TOPIC_JOB);
    const script = (): string => (job()['command'] as string[]).join('\n');

    it('creates exactly the topics of deploy/topics.yaml, with their partitions and an explicit retention each (the same)', () => {
      const table = topicTable();
      expect(new Set(table.map((topic) => topic.name)).size).toBe(table.length);
      expect(Object.fromEntries(table.map((topic) => [topic.name, topic.partitions]))).toEqual(
        Object.fromEntries(
          topicObjects.map((topic) => [topic['spec']['topicName'], topic['spec']['partitions']]),
        ),
      );
      for (const topic of table) {
        expect(`${topic.name} ${topic.retentionMs}`).toMatch(/ (-1|[1-9]\d*)$/);
        const declared = topicObjects.find(
          (candidate) => candidate['spec']['topicName'] === topic.name,
        )!;
        expect(`${topic.name} ${topic.retentionMs}`).toBe(
          `${topic.name} ${String(declared['spec']['config']['retention.ms'])}`,
        );
        expect(topic.configs.filter((config) => !/^[a-z]+(\.[a-z]+)+=\S+$/.test(config))).toEqual(
          [],
        );
      }
      expect(composeEnvironment(job())['CUSTODY_TOPICS']).toBe(compose['x-kafka-topics']);
    });

    it('creates each with 3 replicas, min.insync.replicas 2 and its retention, and fails on a partition mismatch', () => {
      const text = script();
      expect(job()['entrypoint']).toEqual(['/bin/bash', '-c']);
      expect(text).toMatch(/^set -euo pipefail$/m);
      expect(text).toContain('while read -r topic partitions retention_ms extra <&3; do');
      expect(text).toContain('3<<< "$$CUSTODY_TOPICS"');
      expect(text).toContain('--partitions "$$partitions" --replication-factor 3');
      expect(text).toContain(
        'configs="min.insync.replicas=2,retention.ms=$$retention_ms,retention.bytes=-1,cleanup.policy=delete"',
      );
      expect(text).toContain('--add-config "$$configs"');
      expect(text).toContain(
        '[ "$$actual_partitions" != "$$partitions" ] || [ "$$actual_replicas" != 3 ]',
      );
    });

    it('runs once, after the three nodes are healthy, on their image; every service waits for it to complete', () => {
      expect(job()['restart']).toBe('no');
      expect(job()['image']).toBe(service(KAFKA_NODES[0]!)['image']);
      expect(job()['depends_on']).toEqual(
        Object.fromEntries(KAFKA_NODES.map((node) => [node, { condition: 'service_healthy' }])),
      );
      for (const name of SERVICE_NAMES)
        expect(service(name)['depends_on'][TOPIC_JOB]).toEqual({
          condition: 'service_completed_successfully',
        });
    });
  });

  describe.each(SERVICE_NAMES)('service %s', (name) => {
    const port = SERVICE_PORTS[name];
    const definition = (): Yaml => service(name);

    it('is built from the root Dockerfile for this service', () => {
      expect(definition()['build']).toEqual({
        context: '.',
        dockerfile: 'Dockerfile',
        args: { SERVICE: name },
      });
    });

    it(`listens on ${port}, published on the same port`, () => {
      expect(composeEnvironment(definition())['PORT']).toBe(String(port));
      expect((definition()['ports'] as Array<string | Yaml>).map(containerPort)).toEqual([port]);
      expect(String(definition()['ports'][0]).split(':').slice(-2, -1)).toEqual([String(port)]);
    });

    it('is healthy when /health/ready answers, and starts after PostgreSQL is healthy and the topics exist', () => {
      expect(JSON.stringify(definition()['healthcheck']['test'])).toContain(
        `http://127.0.0.1:${port}/health/ready`,
      );
      expect(definition()['depends_on']['postgres']).toEqual({ condition: 'service_healthy' });
      expect(definition()['depends_on'][TOPIC_JOB]).toEqual({
        condition: 'service_completed_successfully',
      });
    });

    it('runs on a read-only root filesystem with a tmpfs /tmp', () => {
      expect(definition()['read_only']).toBe(true);
      expect(definition()['tmpfs']).toEqual(['/tmp']);
    });

    it('gets only variables of the configuration table, every required one, and exactly one token key source', () => {
      const names = Object.keys(composeEnvironment(definition()));
      expect(names.filter((variable) => !CONFIG_VARIABLE_NAMES.has(variable))).toEqual([]);
      expect(REQUIRED_VARIABLES.filter((variable) => !names.includes(variable))).toEqual([]);
      expect(KEY_SOURCE_VARIABLES.filter((variable) => names.includes(variable))).toHaveLength(1);
    });

    it('takes AUTH_JWT_SECRET and the database password from required interpolations', () => {
      const environment = composeEnvironment(definition());
      expect(environment['AUTH_JWT_SECRET']).toMatch(/^\$\{AUTH_JWT_SECRET:\?[^}]+\}$/);
      expect(environment['DATABASE_URL']).toMatch(
        /^postgres(ql)?:\/\/[^:]+:\$\{[A-Z_]+:\?[^}]+\}@postgres:5432\/[a-z_]+$/,
      );
    });
  });

  it('has no credential literal in any environment value of any service', () => {
    const problems = Object.entries(services).flatMap(([serviceName, definition]) =>
      Object.entries(composeEnvironment(definition)).flatMap(([name, value]) =>
        secretLiteralProblems(name, value).map((problem) => `${serviceName}: ${problem}`),
      ),
    );
    expect(problems).toEqual([]);
  });

  describe('database roles (issue 22: least privilege)', () => {
    const initSql = readText(POSTGRES_INIT_SQL);

    it("each service connects as its own role custody_<service>, never the owner, after its migration run (the owner's URL as DATABASE_MIGRATION_URL) completed; the init SQL creates the roles", () => {
      expect(composeDatabaseRoleProblems(compose, initSql)).toEqual([]);
      expect(service('postgres')['environment']['POSTGRES_USER']).not.toBe(DATABASE_OWNER_ROLE); // the image's bootstrap user is a superuser
    });

    it("fails a service on the owner's URL or holding it, a migration run granting as another role, a run not waited for, and a role made too strong or with a literal password", () => {
      const mutated = (change: (file: Yaml) => void): Yaml => {
        const clone = JSON.parse(JSON.stringify(compose)) as Yaml;
        change(clone);
        return clone;
      };
      const ownerUrl = String(
        service(migrationRunOf('ledger'))['environment']['DATABASE_MIGRATION_URL'],
      );
      expect(
        composeDatabaseRoleProblems(
          mutated((file) => (file['services']['ledger']['environment']['DATABASE_URL'] = ownerUrl)),
          initSql,
        ),
      ).toEqual([
        'ledger: DATABASE_URL connects as custody, not its own role custody_ledger',
        "migrate-ledger: DATABASE_URL is not ledger's (the role it grants)",
        `${POSTGRES_INIT_SQL}: role custody_ledger's password is not \\getenv CUSTODY_DB_OWNER_PASSWORD`,
      ]);
      expect(
        composeDatabaseRoleProblems(
          mutated(
            (file) =>
              (file['services']['wallet']['environment']['DATABASE_MIGRATION_URL'] = ownerUrl),
          ),
          initSql,
        ),
      ).toEqual(["wallet: a service never gets DATABASE_MIGRATION_URL (the owner's credentials)"]);
      const policyUrl = String(service('policy')['environment']['DATABASE_URL']);
      expect(
        composeDatabaseRoleProblems(
          mutated(
            (file) =>
              (file['services'][migrationRunOf('policy')]['environment']['DATABASE_MIGRATION_URL'] =
                policyUrl),
          ),
          initSql,
        ),
      ).toEqual([
        'migrate-policy: DATABASE_MIGRATION_URL connects as custody_policy, not the owner custody',
      ]);
      expect(
        composeDatabaseRoleProblems(
          mutated(
            (file) =>
              (file['services'][migrationRunOf('audit')]['environment']['DATABASE_MIGRATION_URL'] =
                ownerUrl.replace('@postgres:5432/custody', '@postgres:5432/other')),
          ),
          initSql,
        ),
      ).toEqual([
        "migrate-audit: DATABASE_MIGRATION_URL names another server or database than audit's DATABASE_URL",
      ]);
      expect(
        composeDatabaseRoleProblems(
          mutated(
            (file) =>
              (file['services']['reconciliation']['depends_on'][migrationRunOf('reconciliation')][
                'condition'
              ] = 'service_started'),
          ),
          initSql,
        ),
      ).toEqual([
        'reconciliation: does not wait for migrate-reconciliation to complete successfully',
      ]);
      expect(
        composeDatabaseRoleProblems(
          mutated((file) => delete file['services'][migrationRunOf('wallet')]),
          initSql,
        ),
      ).toEqual(['migrate-wallet: missing']);
      expect(
        composeDatabaseRoleProblems(
          compose,
          initSql.replace(
            'create role custody_audit login nosuperuser',
            'create role custody_audit login superuser',
          ),
        ),
      ).toEqual([
        `${POSTGRES_INIT_SQL}: role custody_audit is login superuser nocreatedb nocreaterole noreplication nobypassrls, expected ${SERVICE_ROLE_ATTRIBUTES.join(' ')}`,
      ]);
      expect(
        composeDatabaseRoleProblems(compose, initSql.replace(":'ledger_password'", "'hunter2'")),
      ).toEqual([
        `${POSTGRES_INIT_SQL}: a password literal`,
        `${POSTGRES_INIT_SQL}: role custody_ledger's password is not \\getenv CUSTODY_DB_LEDGER_PASSWORD`,
      ]);
      expect(
        composeDatabaseRoleProblems(
          mutated(
            (file) =>
              (file['services']['postgres']['volumes'] = [
                'postgres-data:/var/lib/postgresql/data',
              ]),
          ),
          initSql,
        ),
      ).toEqual([
        `postgres: ${POSTGRES_INIT_SQL} is not mounted read-only into ${POSTGRES_INIT_DIRECTORY}`,
      ]);
    });
  });

  it('sends traces to the collector OTLP/HTTP port of deploy/otel-collector.yaml', () => {
    const collectorHttp = String(
      collectorConfig['receivers']['otlp']['protocols']['http']['endpoint'],
    );
    const port = collectorHttp.split(':').pop();
    for (const name of SERVICE_NAMES) {
      expect(composeEnvironment(service(name))['OTEL_EXPORTER_OTLP_ENDPOINT']).toBe(
        `http://otel-collector:${port}`,
      );
    }
  });

  it('has the collector send the traces on to Jaeger over OTLP/gRPC, Jaeger all-in-one receiving OTLP', () => {
    const exporters: string[] = collectorConfig['service']['pipelines']['traces']['exporters'];
    const toJaeger = exporters.filter(
      (exporter) =>
        /^otlp(\/|$)/.test(exporter) &&
        collectorConfig['exporters'][exporter]?.['endpoint'] === 'jaeger:4317',
    );
    expect(toJaeger).toHaveLength(1);
    expect(collectorConfig['exporters'][toJaeger[0]!]['tls']).toEqual({ insecure: true });
    // No command and no config file: the image's built-in all-in-one configuration, whose OTLP receiver is on 4317 and 4318.
    expect(service('jaeger')['command']).toBeUndefined();
    expect(service('jaeger')['volumes']).toBeUndefined();
    expect(JSON.stringify(service('jaeger')['healthcheck']['test'])).toContain(
      'http://127.0.0.1:13133/status',
    );
    expect(service('otel-collector')['depends_on']).toEqual({
      jaeger: { condition: 'service_healthy' },
    });
  });

  describe('Prometheus (deploy/prometheus/prometheus.yml)', () => {
    const config = (): Yaml => parse(readText('deploy', 'prometheus', 'prometheus.yml')) as Yaml;
    const mountOf = (source: string): { source: string; target: string; readOnly: boolean } => {
      const found = mounts('prometheus').find((mount) => mount.source === source);
      if (found === undefined) throw new Error(`prometheus does not mount ${source}`);
      return found;
    };

    it('reads its configuration and the rules directory from deploy/prometheus/, read-only', () => {
      expect(mountOf('./deploy/prometheus/prometheus.yml')).toEqual({
        source: './deploy/prometheus/prometheus.yml',
        target: '/etc/prometheus/prometheus.yml',
        readOnly: true,
      });
      expect(mountOf('./deploy/prometheus/rules').readOnly).toBe(true);
      expect(JSON.stringify(service('prometheus')['healthcheck']['test'])).toContain('/-/ready');
    });

    it('scrapes each of the five services at its compose name and port, path /metrics, in a job named after it', () => {
      const jobs: Yaml[] = config()['scrape_configs'];
      for (const name of SERVICE_NAMES) {
        const job = jobs.find((candidate) => candidate['job_name'] === name);
        expect(`${name}: ${job === undefined ? 'no job' : 'a job'}`).toBe(`${name}: a job`);
        expect(job!['metrics_path'] ?? '/metrics').toBe('/metrics');
        expect(job!['scheme'] ?? 'http').toBe('http');
        expect((job!['static_configs'] as Yaml[]).flatMap((group) => group['targets'])).toEqual([
          `${name}:${SERVICE_PORTS[name]}`,
        ]);
      }
      // and nothing it cannot reach: every target is a compose service
      const targets: string[] = jobs.flatMap((job) =>
        (job['static_configs'] as Yaml[]).flatMap((group) => group['targets'] as string[]),
      );
      expect(targets.filter((target) => services[target.split(':')[0]!] === undefined)).toEqual([]);
    });

    it('loads the alerting rules of deploy/prometheus/rules/*.yaml', () => {
      const rules = mountOf('./deploy/prometheus/rules');
      const ruleFiles: string[] = config()['rule_files'];
      const onHost = ruleFiles.map((file) =>
        file.startsWith(`${rules.target}/`)
          ? `./deploy/prometheus/rules/${file.slice(rules.target.length + 1)}`
          : file,
      );
      expect(onHost).toEqual(['./deploy/prometheus/rules/*.yaml']);
      expect(
        readdirSync(join(repoRoot, 'deploy', 'prometheus', 'rules')).filter((file) =>
          file.endsWith('.yaml'),
        ).length,
      ).toBeGreaterThan(0);
    });
  });
});

describe('Dockerfile', () => {
  const dockerfile = readText('Dockerfile');
  /** Instructions (continuation lines joined, comments dropped), grouped by stage. */
  const stages = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .reduce<Array<{ from: string; name: string | undefined; lines: string[] }>>((found, line) => {
      const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?$/i.exec(line);
      if (from !== null) found.push({ from: from[1] as string, name: from[2], lines: [] });
      else found.at(-1)?.lines.push(line);
      return found;
    }, []);
  const runtime = stages.at(-1)!;
  const stage = (name: string) => stages.find((candidate) => candidate.name === name);
  const runs = (lines: string[]) => lines.filter((line) => line.startsWith('RUN '));
  const productionInstall = (lines: string[]) =>
    runs(lines).some((line) => /\bnpm ci\b[^&;|]*--omit=dev\b/.test(line));
  const copiedFrom = (lines: string[]) =>
    lines.flatMap((line) => {
      const copy = /^COPY\s+(?:--chown=\S+\s+)?--from=(\S+)\s+(.+)$/.exec(line);
      return copy === null
        ? []
        : [{ stage: copy[1] as string, paths: (copy[2] as string).split(/\s+/) }];
    });

  it('has two or more stages, all on node:20-bookworm-slim, the last being the runtime', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages.map((candidate) => candidate.from)).toEqual(
      stages.map(() => 'node:20-bookworm-slim'),
    );
    expect(runtime.name).toBe('runtime');
  });

  it('requires the SERVICE build arg and checks it in the stage that compiles and in the runtime', () => {
    const building = stages.filter((candidate) =>
      candidate.lines.some((line) => line.includes('npm run build:service')),
    );
    expect(building.length).toBe(1);
    for (const checked of [building[0]!, runtime]) {
      expect(checked.lines).toContain('ARG SERVICE');
      expect(
        runs(checked.lines).some((line) => /test -n "\$SERVICE" \|\|.*exit 1/.test(line)),
      ).toBe(true);
    }
    expect(building[0]!.lines).toContain('RUN npm run build:service -- "$SERVICE"');
    // The compiling stage installs dev dependencies (TypeScript); the script it runs exists.
    expect(
      runs(building[0]!.lines).some(
        (line) => /\bnpm ci\b/.test(line) && !line.includes('--omit=dev'),
      ),
    ).toBe(true);
    const manifest = JSON.parse(readText('package.json')) as { scripts: Record<string, string> };
    expect(manifest.scripts['build:service']).toBe('node tools/scripts/build-service.mjs');
    expect(readdirSync(join(repoRoot, 'tools', 'scripts'))).toContain('build-service.mjs');
  });

  it('the runtime gets production dependencies only (npm ci --omit=dev, there or in the stage it copies node_modules from)', () => {
    const copies = copiedFrom(runtime.lines);
    const moduleSources = copies.filter((copy) =>
      copy.paths.some((entry) => /node_modules/.test(entry)),
    );
    const installers =
      moduleSources.length === 0 ? [runtime] : moduleSources.map((copy) => stage(copy.stage));
    expect(
      installers.every(
        (installer) => installer !== undefined && productionInstall(installer.lines),
      ),
    ).toBe(true);
    expect(
      runs(runtime.lines).filter(
        (line) => /\bnpm (ci|install|i)\b/.test(line) && !line.includes('--omit=dev'),
      ),
    ).toEqual([]);
    // Nothing of the sources: the compiled dist/ only, from the stage that compiled it.
    expect(
      runtime.lines.filter(
        (line) => /^(COPY|ADD)\s/.test(line) && /\b(apps|libs|tools|tsconfig[\w.]*)\b/.test(line),
      ),
    ).toEqual([]);
    const built = copies.filter((copy) => !moduleSources.includes(copy));
    expect(built.flatMap((copy) => copy.paths.slice(0, -1))).toEqual(['/app/dist']);
  });

  it('runs as a non-root user', () => {
    const users = runtime.lines.filter((line) => line.startsWith('USER '));
    expect(users.at(-1)).toBe('USER node');
    expect(users.filter((line) => /^USER (root|0)(:|$)/.test(line))).toEqual([]);
  });

  it('runs the compiled JavaScript of the chosen service with node as PID 1 (no @swc-node/register, no .ts)', () => {
    const commands = runtime.lines.filter(
      (line) => line.startsWith('CMD ') || line.startsWith('ENTRYPOINT '),
    );
    expect(commands).toHaveLength(1);
    const command = commands[0]!;
    expect(command).toMatch(/^CMD \[.*\]$/); // exec form: no shell of Docker's own in between
    expect(command).toMatch(
      /exec node (--[a-z-]+=\S+ )*\\"dist\/apps\/\$\{SERVICE\}\/src\/main\.js\\"/,
    );
    expect(command).not.toContain('@swc-node/register');
    expect(command).not.toMatch(/\.ts\b/);
  });

  it('.dockerignore keeps local installs and builds out of the build context', () => {
    const ignored = readText('.dockerignore')
      .split('\n')
      .map((line) => line.trim().replace(/\/$/, ''));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist']));
  });
});

describe('deploy/k8s/base', () => {
  it('parses, every manifest is in kustomization.yaml, and nothing but topics lives outside the custody namespace', () => {
    const kustomizations = k8sObjects.filter((object) => object['kind'] === 'Kustomization');
    expect(kustomizations.map((object) => object.file)).toEqual(['kustomization.yaml']);
    const kustomization = kustomizations[0]!;
    expect([...kustomization['resources']].sort()).toEqual(
      k8sFiles.filter((file) => file !== 'kustomization.yaml').sort(),
    );
    for (const object of k8sObjects.filter(
      (candidate) => !['Kustomization', 'Namespace'].includes(candidate['kind']),
    )) {
      expect(
        `${object['kind']}/${object['metadata']['name']}: ${object['metadata']['namespace']}`,
      ).toBe(`${object['kind']}/${object['metadata']['name']}: ${NAMESPACE}`);
    }
    expect(
      k8sObject('Namespace', NAMESPACE)['metadata']['labels']['pod-security.kubernetes.io/enforce'],
    ).toBe('restricted');
  });

  describe("database roles and the audit's checkpoints (issue 22)", () => {
    const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
    const find = (list: Yaml[], kind: string, name: string): Yaml =>
      list.find((object) => object['kind'] === kind && object['metadata']['name'] === name)!;
    const containerOf = (workload: Yaml): Yaml => podSpecOf(workload)['containers'][0];

    it("no Deployment carries DATABASE_MIGRATION_URL or the owner's Secret; each migration Job takes it from that Secret, and its DATABASE_URL (the role it grants) from its Deployment's", () => {
      expect(k8sDatabaseRoleProblems(k8sObjects, migrationJobs)).toEqual([]);
    });

    it("fails a Deployment given the owner's URL, a Job without it, with it as a literal or from another Secret, and a Job granting the owner", () => {
      const objects = clone(k8sObjects);
      containerOf(find(objects, 'Deployment', 'ledger'))['env'].push({
        name: 'DATABASE_MIGRATION_URL',
        valueFrom: { secretKeyRef: { name: DATABASE_OWNER_SECRET, key: 'database-url' } },
      });
      expect(k8sDatabaseRoleProblems(objects, migrationJobs)).toEqual([
        "Deployment ledger: carries DATABASE_MIGRATION_URL (the owner's credentials)",
        `Deployment ledger: names the owner's Secret ${DATABASE_OWNER_SECRET}`,
      ]);
      const jobs = clone(migrationJobs);
      const env = (service: string): Yaml[] =>
        containerOf(find(jobs, 'Job', `migrate-${service}`))['env'];
      env('wallet').splice(
        env('wallet').findIndex((entry) => entry['name'] === 'DATABASE_MIGRATION_URL'),
        1,
      );
      env('policy')[
        env('policy').findIndex((entry) => entry['name'] === 'DATABASE_MIGRATION_URL')
      ] = { name: 'DATABASE_MIGRATION_URL', value: 'postgres://custody@db:5432/custody' };
      env('audit').find((entry) => entry['name'] === 'DATABASE_MIGRATION_URL')!['valueFrom'][
        'secretKeyRef'
      ]['name'] = 'custody-audit';
      env('reconciliation').find((entry) => entry['name'] === 'DATABASE_URL')!['valueFrom'][
        'secretKeyRef'
      ]['name'] = DATABASE_OWNER_SECRET;
      expect(k8sDatabaseRoleProblems(k8sObjects, jobs)).toEqual([
        'Job migrate-wallet: no DATABASE_MIGRATION_URL',
        `Job migrate-policy: DATABASE_MIGRATION_URL is not from Secret ${DATABASE_OWNER_SECRET} (key database-url)`,
        "Job migrate-reconciliation: DATABASE_URL is not from its Deployment's Secret (the role it grants)",
        "Job migrate-reconciliation: DATABASE_URL is the owner's",
        `Job migrate-audit: DATABASE_MIGRATION_URL is not from Secret ${DATABASE_OWNER_SECRET} (key database-url)`,
      ]);
    });

    it(`the audit's ${CHECKPOINT_DIRECTORY_VARIABLE} is on a ReadWriteOnce PersistentVolumeClaim with a size, not an emptyDir; one replica, replaced with Recreate`, () => {
      expect(checkpointVolumeProblems(k8sObjects)).toEqual([]);
    });

    it('fails the checkpoints on an emptyDir, a claim that is missing or shared, two replicas, and a rolling update', () => {
      const onEmptyDir = clone(k8sObjects);
      const volumes: Yaml[] = podSpecOf(find(onEmptyDir, 'Deployment', 'audit'))['volumes'];
      volumes[volumes.findIndex((volume) => volume['name'] === 'checkpoints')] = {
        name: 'checkpoints',
        emptyDir: { sizeLimit: '256Mi' },
      };
      expect(checkpointVolumeProblems(onEmptyDir)).toEqual([
        'Deployment audit: /var/lib/custody/checkpoints is on volume checkpoints (emptyDir), not a PersistentVolumeClaim: the checkpoints would go with the pod',
      ]);
      const claimless = clone(k8sObjects).filter(
        (object) => object['kind'] !== 'PersistentVolumeClaim',
      );
      expect(checkpointVolumeProblems(claimless)).toEqual([
        'PersistentVolumeClaim audit-checkpoints: not in the manifests',
      ]);
      const shared = clone(k8sObjects);
      find(shared, 'PersistentVolumeClaim', 'audit-checkpoints')['spec']['accessModes'] = [
        'ReadWriteMany',
      ];
      delete find(shared, 'PersistentVolumeClaim', 'audit-checkpoints')['spec']['resources'];
      expect(checkpointVolumeProblems(shared)).toEqual([
        'PersistentVolumeClaim audit-checkpoints: access modes ["ReadWriteMany"], expected ["ReadWriteOnce"]',
        'PersistentVolumeClaim audit-checkpoints: no storage size (e.g. 1Gi)',
      ]);
      const rolling = clone(k8sObjects);
      find(rolling, 'Deployment', 'audit')['spec']['replicas'] = 2;
      find(rolling, 'Deployment', 'audit')['spec']['strategy'] = {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
      };
      expect(checkpointVolumeProblems(rolling)).toEqual([
        'Deployment audit: 2 replicas on a ReadWriteOnce volume, expected 1',
        'Deployment audit: strategy RollingUpdate, expected Recreate (a surge pod on another node cannot attach the volume)',
      ]);
    });
  });

  it("denies every way in and out of the namespace by default (the services' NetworkPolicies open what each needs)", () => {
    expect(k8sObject('NetworkPolicy', 'default-deny')['spec']).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
  });

  it('contains no Secret objects (secrets are referenced, never stored here)', () => {
    expect(
      k8sObjects.filter((object) => object['kind'] === 'Secret').map((object) => object.file),
    ).toEqual([]);
  });

  it('the shared ConfigMap holds only non-secret variables of the configuration table, with no secret-looking value', () => {
    const data = configMapData(CONFIG_MAP_NAME);
    expect(Object.keys(data).filter((name) => !CONFIG_VARIABLE_NAMES.has(name))).toEqual([]);
    expect(
      Object.keys(data).filter(
        (name) => SECRET_CONFIG_VARIABLE_NAMES.has(name) || SECRET_LOOKING_NAME.test(name),
      ),
    ).toEqual([]);
    expect(
      Object.entries(data).filter(
        ([, value]) => looksLikeSecretLiteral(String(value)) || URL_PASSWORD.test(String(value)),
      ),
    ).toEqual([]);
  });

  describe.each(SERVICE_NAMES)('service %s', (service) => {
    const port = SERVICE_PORTS[service];
    const deployment = (): Yaml => k8sObject('Deployment', service);
    const container = (): Yaml => serviceContainer(deployment(), service);
    const podLabels = (): Record<string, string> =>
      deployment()['spec']['template']['metadata']['labels'];

    it(`has a Deployment whose container listens on ${port} (the compose port) and gets PORT=${port}`, () => {
      // the audit runs one replica: its checkpoint volume is ReadWriteOnce (checked with the volume, above)
      expect(deployment()['spec']['replicas']).toBeGreaterThanOrEqual(service === 'audit' ? 1 : 2);
      expect(matchesLabels(deployment()['spec']['selector']['matchLabels'], podLabels())).toBe(
        true,
      );
      expect((container()['ports'] as Yaml[]).map((entry) => entry['containerPort'])).toEqual([
        port,
      ]);
      const portEntry = (container()['env'] as Yaml[]).find((entry) => entry['name'] === 'PORT');
      expect(portEntry).toEqual({ name: 'PORT', value: String(port) });
    });

    it('is live on /health/live and ready on /health/ready, on the service port', () => {
      const liveness = container()['livenessProbe']['httpGet'];
      const readiness = container()['readinessProbe']['httpGet'];
      expect(liveness['path']).toBe('/health/live');
      expect(readiness['path']).toBe('/health/ready');
      expect(resolvePort(liveness['port'], container())).toBe(port);
      expect(resolvePort(readiness['port'], container())).toBe(port);
      const startup = container()['startupProbe']?.['httpGet'];
      if (startup !== undefined) expect(resolvePort(startup['port'], container())).toBe(port);
    });

    it('is scraped by Prometheus on /metrics at the service port', () => {
      const annotations = deployment()['spec']['template']['metadata']['annotations'];
      expect(annotations).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/path': '/metrics',
        'prometheus.io/port': String(port),
      });
    });

    it('runs as non-root with a read-only root filesystem, no privilege escalation and no capabilities', () => {
      const podSecurity = deployment()['spec']['template']['spec']['securityContext'];
      const containerSecurity = container()['securityContext'];
      expect(
        podSecurity['runAsNonRoot'] === true || containerSecurity['runAsNonRoot'] === true,
      ).toBe(true);
      expect(podSecurity['seccompProfile']).toEqual({ type: 'RuntimeDefault' });
      expect(containerSecurity).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
    });

    it('declares CPU and memory requests and limits', () => {
      const resources = container()['resources'];
      for (const bound of ['requests', 'limits']) {
        expect(resources[bound]?.['cpu']).toBeDefined();
        expect(resources[bound]?.['memory']).toBeDefined();
      }
    });

    it('gets only variables of the configuration table, every required one, exactly one token key source, and the shared ConfigMap', () => {
      const names = k8sEnvironmentNames(container());
      expect(names.filter((name) => !CONFIG_VARIABLE_NAMES.has(name))).toEqual([]);
      expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
      expect(REQUIRED_VARIABLES.filter((name) => !names.includes(name))).toEqual([]);
      expect(KEY_SOURCE_VARIABLES.filter((name) => names.includes(name))).toHaveLength(1);
      expect(container()['envFrom']).toContainEqual({ configMapRef: { name: CONFIG_MAP_NAME } });
    });

    it('takes every secret variable from a secretKeyRef, and no env value looks like a secret; a *_FILE variable is the path of a mounted volume', () => {
      const env: Yaml[] = container()['env'] ?? [];
      const mounts: string[] = (container()['volumeMounts'] ?? []).map((mount: Yaml) =>
        String(mount['mountPath']),
      );
      for (const entry of env) {
        // a *_FILE variable names where a secret is mounted (a Secret or a projected token), never the secret itself
        if (String(entry['name']).endsWith('_FILE')) {
          expect([
            entry['name'],
            mounts.some((mount) => String(entry['value']).startsWith(`${mount}/`)),
          ]).toEqual([entry['name'], true]);
          continue;
        }
        const secret =
          SECRET_CONFIG_VARIABLE_NAMES.has(entry['name']) ||
          SECRET_LOOKING_NAME.test(entry['name']);
        if (secret) {
          expect(entry['value']).toBeUndefined();
          expect(entry['valueFrom']?.['secretKeyRef']).toMatchObject({
            name: expect.any(String),
            key: expect.any(String),
          });
        }
        if (entry['value'] !== undefined) {
          expect([
            entry['name'],
            looksLikeSecretLiteral(String(entry['value'])) ||
              URL_PASSWORD.test(String(entry['value'])),
          ]).toEqual([entry['name'], false]);
        }
      }
      const databaseUrl = env.find((entry) => entry['name'] === 'DATABASE_URL');
      expect(databaseUrl?.['valueFrom']?.['secretKeyRef']?.['name']).toBe(`custody-${service}`);
    });

    it('has a NetworkPolicy of its own: its API from the ingress controller and Prometheus only, egress only to DNS, PostgreSQL, Kafka, the collector and what it needs', () => {
      const policy = k8sObject('NetworkPolicy', service);
      expect(matchesLabels(policy['spec']['podSelector']['matchLabels'], podLabels())).toBe(true);
      expect(policy['spec']['policyTypes']).toEqual(['Ingress', 'Egress']);
      const egressPorts = (policy['spec']['egress'] as Yaml[]).flatMap((rule) =>
        (rule['ports'] as Yaml[]).map((entry) => Number(entry['port'])),
      );
      const reads = CHAIN_READERS.has(service) ? [443, 8545] : [];
      const asks = service === 'wallet' ? [3003] : [];
      expect([...new Set(egressPorts)].sort((a, b) => a - b)).toEqual(
        [53, 4318, 5432, KAFKA_TLS_PORT, ...reads, ...asks].sort((a, b) => a - b),
      );
      for (const rule of policy['spec']['ingress'] as Yaml[]) {
        // every way in reaches the service's own port, and only from the named namespaces or, for the policy service, the wallet
        expect((rule['ports'] as Yaml[]).map((entry) => Number(entry['port']))).toEqual([port]);
        for (const peer of rule['from'] as Yaml[])
          expect(
            peer['namespaceSelector'] !== undefined ||
              (service === 'policy' &&
                peer['podSelector']?.['matchLabels']?.['app.kubernetes.io/name'] === 'wallet'),
          ).toBe(true);
      }
    });

    it(`has a Service on port ${port} selecting its pods, and a PodDisruptionBudget keeping one available`, () => {
      const serviceObject = k8sObject('Service', service);
      expect(matchesLabels(serviceObject['spec']['selector'], podLabels())).toBe(true);
      const ports: Yaml[] = serviceObject['spec']['ports'];
      expect(
        ports.map((entry) => [entry['port'], resolvePort(entry['targetPort'], container())]),
      ).toEqual([[port, port]]);
      const budget = k8sObject('PodDisruptionBudget', service);
      expect(budget['apiVersion']).toBe('policy/v1');
      expect(matchesLabels(budget['spec']['selector']['matchLabels'], podLabels())).toBe(true);
      expect(budget['spec']['minAvailable']).toBeLessThan(deployment()['spec']['replicas']);
    });
  });
});

// ---- Kafka identities (deploy/kafka-users.yaml) -------------------------------------------

/** The cluster's TLS listener with SCRAM-SHA-512: the services' only way to Kafka. */
const KAFKA_TLS_PORT = 9093;
const EXCHANGE_TOPIC_PREFIX = 'exchange.';
const KAFKA_PASSWORD_MOUNT = '/var/run/secrets/kafka-user';

/** What each service consumes and as which group: the code's own constants, so an ACL cannot drift from what runs. */
const CONSUMES: Readonly<Record<ServiceName, { topics: readonly string[]; group: string }>> = {
  ledger: { topics: LEDGER_CONSUMED_TOPICS, group: LEDGER_CONSUMER_GROUP },
  wallet: { topics: WALLET_CONSUMED_TOPICS, group: WALLET_CONSUMER_GROUP },
  policy: { topics: POLICY_CONSUMED_TOPICS, group: POLICY_CONSUMER_GROUP },
  reconciliation: { topics: RECONCILIATION_CONSUMED_TOPICS, group: RECONCILIATION_CONSUMER_GROUP },
  audit: { topics: AUDITED_TOPICS, group: AUDIT_CONSUMER_GROUP },
};

/** One ACL as a comparable line: "topic literal custody.ledger.events.v1 Write". */
type AclLine = string;

/** The ACL lines of a KafkaUser, one per operation, sorted. */
function aclLines(user: Yaml): AclLine[] {
  const acls: Yaml[] = user['spec']?.['authorization']?.['acls'] ?? [];
  return acls
    .flatMap((acl) => {
      const resource = acl['resource'];
      const operations: string[] =
        acl['operations'] ?? (acl['operation'] === undefined ? [] : [acl['operation']]);
      const host = acl['host'] ?? '*';
      const type = acl['type'] ?? 'allow';
      return operations.map(
        (operation) =>
          `${type} ${resource['type']} ${resource['patternType'] ?? 'literal'} ${resource['name']} ${operation}${host === '*' ? '' : ` host=${host}`}`,
      );
    })
    .sort();
}

/** Exactly what a service may do: write its topic and the dead letters, read what it consumes, with its group. */
function expectedServiceAcls(service: ServiceName): AclLine[] {
  const produces = [SERVICE_EVENTS_TOPICS[service], DEAD_LETTER_TOPIC];
  return [
    ...produces.flatMap((topic) => [
      `allow topic literal ${topic} Write`,
      `allow topic literal ${topic} Describe`,
    ]),
    ...CONSUMES[service].topics.flatMap((topic) => [
      `allow topic literal ${topic} Read`,
      `allow topic literal ${topic} Describe`,
    ]),
    `allow group literal ${CONSUMES[service].group} Read`,
  ].sort();
}

const EXPECTED_EXCHANGE_ACLS: AclLine[] = [
  `allow topic prefix ${EXCHANGE_TOPIC_PREFIX} Write`,
  `allow topic prefix ${EXCHANGE_TOPIC_PREFIX} Describe`,
].sort();

/** Every way a set of KafkaUsers differs from the expected identities; empty when it holds exactly. */
function kafkaUserProblems(users: readonly Yaml[]): string[] {
  const problems: string[] = [];
  const expected = new Map<string, AclLine[]>([
    ...SERVICE_NAMES.map((service) => [`kafka-${service}`, expectedServiceAcls(service)] as const),
    ['kafka-exchange', EXPECTED_EXCHANGE_ACLS],
  ]);
  const names = users.map((user) => String(user['metadata']?.['name']));
  if ([...names].sort().join(',') !== [...expected.keys()].sort().join(','))
    problems.push(
      `users: ${[...names].sort().join(',')}, expected ${[...expected.keys()].sort().join(',')}`,
    );
  for (const user of users) {
    const name = String(user['metadata']?.['name']);
    if (`${user['apiVersion']} ${user['kind']}` !== 'kafka.strimzi.io/v1beta2 KafkaUser')
      problems.push(`${name}: not a kafka.strimzi.io/v1beta2 KafkaUser`);
    if (user['metadata']?.['namespace'] !== NAMESPACE)
      problems.push(
        `${name}: not in namespace ${NAMESPACE} (its Secret must land beside the Deployments)`,
      );
    if (user['metadata']?.['labels']?.['strimzi.io/cluster'] !== 'custody-kafka')
      problems.push(`${name}: not labelled for the custody-kafka cluster`);
    if (!['scram-sha-512', 'tls'].includes(user['spec']?.['authentication']?.['type']))
      problems.push(`${name}: authentication must be scram-sha-512 or tls`);
    if (user['spec']?.['authorization']?.['type'] !== 'simple')
      problems.push(`${name}: authorization must be simple ACLs`);
    const lines = aclLines(user);
    const wanted = expected.get(name) ?? [];
    const extra = lines.filter((line) => !wanted.includes(line));
    const missing = wanted.filter((line) => !lines.includes(line));
    if (extra.length > 0) problems.push(`${name}: ACLs beyond its code: ${extra.join('; ')}`);
    if (missing.length > 0)
      problems.push(`${name}: ACLs its code needs are missing: ${missing.join('; ')}`);
  }
  return problems;
}

describe('deploy/kafka-users.yaml (issue 22: Kafka identities and ACLs)', () => {
  const users = parseDocuments(readText('deploy', 'kafka-users.yaml'), 'deploy/kafka-users.yaml');

  it('gives each service and the exchange its own KafkaUser, holding EXACTLY the ACLs its code needs (own topic and dead letters written, consumed topics read, its group)', () => {
    expect(kafkaUserProblems(users)).toEqual([]);
    // the expected sets come from the code: every service's consumed topics are real topics, and only the exchange writes exchange.*
    for (const service of SERVICE_NAMES)
      expect(CONSUMES[service].topics.filter((topic) => !EXPECTED_TOPICS.includes(topic))).toEqual(
        [],
      );
    expect(UPSTREAM_TOPICS.filter((topic) => !topic.startsWith(EXCHANGE_TOPIC_PREFIX))).toEqual([]);
    expect(
      SERVICE_NAMES.flatMap((service) => expectedServiceAcls(service)).filter(
        (line) => line.includes(` ${EXCHANGE_TOPIC_PREFIX}`) && line.endsWith(' Write'),
      ),
    ).toEqual([]);
  });

  it('fails when a service gets one write more, loses a read, a user is added, or the exchange writes a custody topic', () => {
    const clone = (): Yaml[] => JSON.parse(JSON.stringify(users)) as Yaml[];
    const user = (list: Yaml[], name: string): Yaml =>
      list.find((candidate) => candidate['metadata']['name'] === name)!;
    const extraWrite = clone();
    user(extraWrite, 'kafka-wallet')['spec']['authorization']['acls'].push({
      resource: { type: 'topic', name: 'custody.ledger.events.v1', patternType: 'literal' },
      operations: ['Write'],
    });
    expect(kafkaUserProblems(extraWrite)).toEqual([
      'kafka-wallet: ACLs beyond its code: allow topic literal custody.ledger.events.v1 Write',
    ]);
    const forgedTrades = clone();
    user(forgedTrades, 'kafka-ledger')['spec']['authorization']['acls'].push({
      resource: { type: 'topic', name: 'exchange.', patternType: 'prefix' },
      operations: ['Write'],
    });
    expect(kafkaUserProblems(forgedTrades)).toEqual([
      'kafka-ledger: ACLs beyond its code: allow topic prefix exchange. Write',
    ]);
    const lostRead = clone();
    user(lostRead, 'kafka-policy')['spec']['authorization']['acls'].shift();
    expect(kafkaUserProblems(lostRead)).toHaveLength(1);
    const exchangeWritesCustody = clone();
    user(exchangeWritesCustody, 'kafka-exchange')['spec']['authorization']['acls'][0]['resource'][
      'name'
    ] = 'custody.';
    expect(kafkaUserProblems(exchangeWritesCustody).join('\n')).toMatch(
      /kafka-exchange: ACLs beyond its code: .*custody\. /,
    );
    expect(
      kafkaUserProblems([
        ...clone(),
        { ...clone()[0]!, metadata: { ...clone()[0]!['metadata'], name: 'kafka-anyone' } },
      ])[0],
    ).toMatch(/^users: /);
  });

  describe.each(SERVICE_NAMES)('service %s', (service) => {
    const container = (): Yaml => serviceContainer(k8sObject('Deployment', service), service);
    const env = (name: string): Yaml | undefined =>
      ((container()['env'] ?? []) as Yaml[]).find((entry) => entry['name'] === name);

    it(`connects as kafka-${service}: SCRAM-SHA-512 over TLS to port ${KAFKA_TLS_PORT}, the password a file of the Secret its KafkaUser makes`, () => {
      const shared = configMapData(CONFIG_MAP_NAME);
      expect(shared).toMatchObject({
        KAFKA_SSL: 'true',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SSL_CA_FILE: expect.stringMatching(/^\/var\/run\/secrets\/kafka-ca\//),
      });
      expect(
        String(shared['KAFKA_BROKERS'])
          .split(',')
          .every((broker) => broker.endsWith(`:${KAFKA_TLS_PORT}`)),
      ).toBe(true);
      expect(env('KAFKA_SASL_USERNAME')).toEqual({
        name: 'KAFKA_SASL_USERNAME',
        value: `kafka-${service}`,
      });
      expect(env('KAFKA_SASL_PASSWORD_FILE')).toEqual({
        name: 'KAFKA_SASL_PASSWORD_FILE',
        value: `${KAFKA_PASSWORD_MOUNT}/password`,
      });
      expect(env('KAFKA_SASL_PASSWORD')).toBeUndefined();
      const volumes: Yaml[] = k8sObject('Deployment', service)['spec']['template']['spec'][
        'volumes'
      ];
      const mount = (container()['volumeMounts'] as Yaml[]).find(
        (candidate) => candidate['mountPath'] === KAFKA_PASSWORD_MOUNT,
      );
      expect(mount?.['readOnly']).toBe(true);
      expect(
        volumes.find((volume) => volume['name'] === mount?.['name'])?.['secret']?.['secretName'],
      ).toBe(`kafka-${service}`);
      const caMount = (container()['volumeMounts'] as Yaml[]).find((candidate) =>
        String(shared['KAFKA_SSL_CA_FILE']).startsWith(`${candidate['mountPath']}/`),
      );
      expect(
        volumes.find((volume) => volume['name'] === caMount?.['name'])?.['secret']?.['secretName'],
      ).toBe('custody-kafka-cluster-ca-cert');
    });
  });
});

describe('deploy/topics.yaml', () => {
  it('defines exactly the topics of ARCHITECTURE.md as Strimzi KafkaTopic resources', () => {
    expect(topicObjects.map((topic) => `${topic['apiVersion']} ${topic['kind']}`)).toEqual(
      topicObjects.map(() => 'kafka.strimzi.io/v1beta2 KafkaTopic'),
    );
    expect(topicObjects.map((topic) => topic['spec']['topicName']).sort()).toEqual(
      [...EXPECTED_TOPICS].sort(),
    );
    for (const topic of topicObjects) {
      expect(topic['metadata']['name']).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(topic['metadata']['labels']['strimzi.io/cluster']).toEqual(expect.any(String));
    }
  });

  it.each(EXPECTED_TOPICS)(
    '%s has partitions, 3 replicas and min.insync.replicas 2',
    (topicName) => {
      const topic = topicObjects.find((candidate) => candidate['spec']['topicName'] === topicName)!;
      expect(Number.isInteger(topic['spec']['partitions']) && topic['spec']['partitions'] > 0).toBe(
        true,
      );
      expect(topic['spec']['replicas']).toBe(3);
      expect(topic['spec']['config']['min.insync.replicas']).toBe(2);
    },
  );

  it.each(EVENT_TOPICS)('%s keeps its events forever', (topicName) => {
    const topic = topicObjects.find((candidate) => candidate['spec']['topicName'] === topicName)!;
    expect(topic['spec']['config']['retention.ms']).toBe(-1);
    expect(topic['spec']['config']['cleanup.policy']).toBe('delete');
  });
});

describe('deploy/otel-collector.yaml', () => {
  it('receives OTLP on 4317/4318 and every pipeline uses only defined components', () => {
    expect(collectorConfig['receivers']['otlp']['protocols']['grpc']['endpoint']).toBe(
      '0.0.0.0:4317',
    );
    expect(collectorConfig['receivers']['otlp']['protocols']['http']['endpoint']).toBe(
      '0.0.0.0:4318',
    );
    const pipelines: Record<string, Yaml> = collectorConfig['service']['pipelines'];
    expect(Object.keys(pipelines)).toContain('traces');
    for (const [name, pipeline] of Object.entries(pipelines)) {
      for (const section of ['receivers', 'processors', 'exporters']) {
        for (const component of pipeline[section] ?? []) {
          expect(
            `${name}.${section}.${component}: ${component in (collectorConfig[section] ?? {})}`,
          ).toBe(`${name}.${section}.${component}: true`);
        }
      }
      expect(pipeline['processors'][0]).toBe('memory_limiter');
    }
  });
});
