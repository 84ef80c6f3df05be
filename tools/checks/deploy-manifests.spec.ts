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
import { parse, parseAllDocuments } from 'yaml';
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
const REQUIRED_VARIABLES = CONFIG_VARIABLES.filter((variable) => variable.required).map((variable) => variable.name);

/** Topics named in ARCHITECTURE.md (Messaging). */
const EVENT_TOPICS = SERVICE_NAMES.map((service) => `custody.${service}.events.v1`);
const EXPECTED_TOPICS = [...EVENT_TOPICS, 'exchange.trades.v1', 'exchange.withdrawal-requests.v1', 'exchange.prices.v1', 'exchange.fiat.v1', 'custody.deadletter.v1'];

type Yaml = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed YAML, checked field by field

function readText(...segments: string[]): string {
  return readFileSync(join(repoRoot, ...segments), 'utf8');
}

function parseDocuments(text: string, source: string): Yaml[] {
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [documents];
  for (const document of list) {
    if (document.errors.length > 0) throw new Error(`${source}: ${document.errors.map((error) => error.message).join('; ')}`);
  }
  return list.map((document) => document.toJS() as Yaml).filter((value) => value !== null && value !== undefined);
}

// ---- secret literal detection -------------------------------------------------------------

/** A compose `${NAME:?message}` interpolation: the value must come from the environment, or compose refuses to start. */
const REQUIRED_INTERPOLATION = /^\$\{([A-Z][A-Z0-9_]*):\?[^}]*\}$/;
const SECRET_LOOKING_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|CREDENTIAL|API_KEY|ACCESS_KEY)/;
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:(.+)@/i;

/** True for a value that looks like a credential: a long run of key-like characters mixing letters and digits. */
function looksLikeSecretLiteral(value: string): boolean {
  const withoutInterpolations = value.replace(/\$\{[^}]*\}/g, '');
  const runs = withoutInterpolations.match(/[A-Za-z0-9+/=_-]{20,}/g) ?? [];
  return runs.some((run) => /[A-Za-z]/.test(run) && /\d/.test(run));
}

/** Every way a value can carry a credential literal; empty when the value is clean. */
function secretLiteralProblems(name: string, value: string): string[] {
  const problems: string[] = [];
  const interpolationOnly = REQUIRED_INTERPOLATION.test(value);
  if ((SECRET_LOOKING_NAME.test(name) || SECRET_CONFIG_VARIABLE_NAMES.has(name)) && name !== 'DATABASE_URL' && !interpolationOnly) {
    problems.push(`${name}: a credential must be a required interpolation \${${name}:?...}`);
  }
  const password = URL_PASSWORD.exec(value)?.[1];
  if (password !== undefined && !REQUIRED_INTERPOLATION.test(password)) {
    problems.push(`${name}: the password in the URL must be a required interpolation \${VAR:?...}`);
  }
  if (!interpolationOnly && looksLikeSecretLiteral(value)) problems.push(`${name}: value looks like a secret literal`);
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
        return separator < 0 ? [entry, ''] : [entry.slice(0, separator), entry.slice(separator + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, String(value ?? '')]));
}

/** Container side of a compose port mapping: "127.0.0.1:3001:3001/tcp" -> 3001. */
function containerPort(mapping: string | number | Yaml): number {
  if (typeof mapping === 'object') return Number(mapping['target']);
  const last = String(mapping).split(':').pop() ?? '';
  return Number(last.split('/')[0]);
}

// ---- Kubernetes ---------------------------------------------------------------------------

/** The services that read an EVM node (wallet: signing and watching; policy: the on-chain check; reconciliation: TW-14). */
const CHAIN_READERS: ReadonlySet<string> = new Set(['wallet', 'policy', 'reconciliation']);

const k8sFiles = readdirSync(k8sDirectory).filter((file) => file.endsWith('.yaml') || file.endsWith('.yml'));
const k8sObjects: Array<Yaml & { file: string }> = k8sFiles.flatMap((file) =>
  parseDocuments(readFileSync(join(k8sDirectory, file), 'utf8'), `deploy/k8s/base/${file}`).map((object) => ({ ...object, file })),
);
const topicObjects = parseDocuments(readText('deploy', 'topics.yaml'), 'deploy/topics.yaml');
const collectorConfig: Yaml = parse(readText('deploy', 'otel-collector.yaml'));

function k8sObject(kind: string, name: string): Yaml {
  const found = k8sObjects.filter((object) => object['kind'] === kind && object['metadata']?.['name'] === name);
  expect(found.map((object) => `${object['kind']}/${object['metadata']['name']} in ${object.file}`)).toHaveLength(1);
  return found[0]!;
}

function serviceContainer(deployment: Yaml, service: ServiceName): Yaml {
  const containers: Yaml[] = deployment['spec']['template']['spec']['containers'];
  const container = containers.find((candidate) => candidate['name'] === service);
  if (container === undefined) throw new Error(`Deployment ${service} has no container named ${service}`);
  return container;
}

/** A probe or Service target port, by number or by the container port's name. */
function resolvePort(port: string | number, container: Yaml): number | undefined {
  if (typeof port === 'number') return port;
  const named = (container['ports'] as Yaml[]).find((candidate) => candidate['name'] === port);
  return named?.['containerPort'];
}

function matchesLabels(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);
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
        'AUTH_AUDIENCE',
        'AUTH_ISSUER',
        'AUTH_JWKS_URL',
        'AUTH_JWT_SECRET',
        'DATABASE_POOL_MAX',
        'DATABASE_URL',
        'KAFKA_BROKERS',
        'KAFKA_CONSUMER_MAX_WAIT_MS',
        'KAFKA_PRODUCER_IDEMPOTENT',
        'LEDGER_ROLES',
        'LOG_LEVEL',
        'OTEL_EXPORTER_OTLP_ENDPOINT',
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
        'WALLET_ALERT_NOTIFY_ROLES',
        'WALLET_ALERT_THRESHOLDS',
        'WALLET_ALERT_WEBHOOK_URL',
        'WALLET_EVM_CHAIN',
        'WALLET_EVM_CHAIN_ID',
        'WALLET_EVM_NATIVE_ASSET',
        'WALLET_EVM_RPC_URL',
        'WALLET_EVM_TOKENS',
        'WALLET_HSM_MODULE',
        'WALLET_HSM_PIN',
        'WALLET_HSM_TOKEN_LABEL',
        'WALLET_KEY_JURISDICTIONS',
        'WALLET_POLICY_TOKEN_FILE',
        'WALLET_POLICY_URL',
        'WALLET_PROCESSOR_INTERVAL_MS',
        'WALLET_SCAN_START_BLOCK',
      ].sort(),
    );
    expect([...SECRET_CONFIG_VARIABLE_NAMES].sort()).toEqual(['AUTH_JWT_SECRET', 'DATABASE_URL', 'WALLET_HSM_PIN']);
  });

  it('the secret literal detector flags key-like values and lets ordinary values through', () => {
    expect(looksLikeSecretLiteral('dGhpcyBpcyBhIHZlcnkgc2VjcmV0IGtleSAxMjM0NTY=')).toBe(true);
    expect(looksLikeSecretLiteral('3f9a1c0b7e4d2a6f8b0c1d2e3f4a5b6c')).toBe(true);
    expect(looksLikeSecretLiteral('${AUTH_JWT_SECRET:?set AUTH_JWT_SECRET}')).toBe(false);
    expect(looksLikeSecretLiteral('http://otel-collector.observability.svc.cluster.local:4318')).toBe(false);
    expect(looksLikeSecretLiteral('custody-kafka-kafka-bootstrap.kafka.svc.cluster.local:9092')).toBe(false);
    expect(secretLiteralProblems('AUTH_JWT_SECRET', 'change-me-change-me-change-me-42')).not.toEqual([]);
    expect(secretLiteralProblems('DATABASE_URL', 'postgres://custody:hunter2@postgres:5432/custody')).not.toEqual([]);
    expect(secretLiteralProblems('DATABASE_URL', 'postgres://custody:${POSTGRES_PASSWORD:?set it}@postgres:5432/custody')).toEqual([]);
  });
});

describe('docker-compose.yml', () => {
  const services: Record<string, Yaml> = compose['services'];

  it('runs Kafka in KRaft mode, PostgreSQL 16, KurrentDB and the OpenTelemetry collector with deploy/otel-collector.yaml', () => {
    expect(services['kafka']?.['image']).toMatch(/^apache\/kafka:/);
    expect(composeEnvironment(services['kafka']!)['KAFKA_PROCESS_ROLES']).toContain('controller');
    expect(services['postgres']?.['image']).toMatch(/^postgres:16/);
    expect(services['postgres']?.['healthcheck']?.['test']).toBeDefined();
    expect(services['kurrentdb']?.['image']).toMatch(/^(docker\.kurrent\.io\/kurrent-latest\/kurrentdb|kurrentplatform\/kurrentdb):/);
    expect(services['otel-collector']?.['image']).toMatch(/^otel\/opentelemetry-collector-contrib:/);
    expect(services['otel-collector']?.['volumes']).toContain('./deploy/otel-collector.yaml:/etc/otelcol-contrib/config.yaml:ro');
  });

  describe.each(SERVICE_NAMES)('service %s', (service) => {
    const port = SERVICE_PORTS[service];
    const definition = (): Yaml => {
      const found = services[service];
      if (found === undefined) throw new Error(`docker-compose.yml has no service ${service}`);
      return found;
    };

    it('is built from the root Dockerfile for this service', () => {
      expect(definition()['build']).toEqual({ context: '.', dockerfile: 'Dockerfile', args: { SERVICE: service } });
    });

    it(`listens on ${port}, published on the same port`, () => {
      expect(composeEnvironment(definition())['PORT']).toBe(String(port));
      expect((definition()['ports'] as Array<string | Yaml>).map(containerPort)).toEqual([port]);
      expect(String(definition()['ports'][0]).split(':').slice(-2, -1)).toEqual([String(port)]);
    });

    it('is healthy when /health/ready answers, and starts after PostgreSQL is healthy', () => {
      expect(JSON.stringify(definition()['healthcheck']['test'])).toContain(`http://127.0.0.1:${port}/health/ready`);
      expect(definition()['depends_on']['postgres']).toEqual({ condition: 'service_healthy' });
    });

    it('gets only variables of the configuration table, every required one, and exactly one token key source', () => {
      const names = Object.keys(composeEnvironment(definition()));
      expect(names.filter((name) => !CONFIG_VARIABLE_NAMES.has(name))).toEqual([]);
      expect(REQUIRED_VARIABLES.filter((name) => !names.includes(name))).toEqual([]);
      expect(KEY_SOURCE_VARIABLES.filter((name) => names.includes(name))).toHaveLength(1);
    });

    it('takes AUTH_JWT_SECRET and the database password from required interpolations', () => {
      const environment = composeEnvironment(definition());
      expect(environment['AUTH_JWT_SECRET']).toMatch(/^\$\{AUTH_JWT_SECRET:\?[^}]+\}$/);
      expect(environment['DATABASE_URL']).toMatch(/^postgres(ql)?:\/\/[^:]+:\$\{[A-Z_]+:\?[^}]+\}@postgres:5432\/[a-z_]+$/);
    });
  });

  it('has no credential literal in any environment value of any service', () => {
    const problems = Object.entries(services).flatMap(([serviceName, service]) =>
      Object.entries(composeEnvironment(service)).flatMap(([name, value]) =>
        secretLiteralProblems(name, value).map((problem) => `${serviceName}: ${problem}`),
      ),
    );
    expect(problems).toEqual([]);
  });

  it('creates the same topics, with the same partitions, as deploy/topics.yaml', () => {
    const entries = String(compose['x-kafka-topics']).trim().split(/\s+/);
    const fromCompose = Object.fromEntries(entries.map((entry) => [entry.split(':')[0], Number(entry.split(':')[1])]));
    const fromTopics = Object.fromEntries(topicObjects.map((topic) => [topic['spec']['topicName'], topic['spec']['partitions']]));
    expect(fromCompose).toEqual(fromTopics);
    expect(composeEnvironment(services['kafka-topics']!)['CUSTODY_TOPICS']).toBe(compose['x-kafka-topics']);
  });

  it('sends traces to the collector OTLP/HTTP port of deploy/otel-collector.yaml', () => {
    const collectorHttp = String(collectorConfig['receivers']['otlp']['protocols']['http']['endpoint']);
    const port = collectorHttp.split(':').pop();
    for (const service of SERVICE_NAMES) {
      expect(composeEnvironment(services[service]!)['OTEL_EXPORTER_OTLP_ENDPOINT']).toBe(`http://otel-collector:${port}`);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readText('Dockerfile');

  it('installs with npm ci on node:20-bookworm-slim and runs the service chosen by the SERVICE build arg, as a non-root user', () => {
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim$/m);
    expect(dockerfile).toMatch(/^ARG SERVICE$/m);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/exec node (--[a-z-]+=\S+ )*-r @swc-node\/register \\"apps\/\$\{SERVICE\}\/src\/main.ts\\"/);
  });
});

describe('deploy/k8s/base', () => {
  it('parses, every manifest is in kustomization.yaml, and nothing but topics lives outside the custody namespace', () => {
    const kustomizations = k8sObjects.filter((object) => object['kind'] === 'Kustomization');
    expect(kustomizations.map((object) => object.file)).toEqual(['kustomization.yaml']);
    const kustomization = kustomizations[0]!;
    expect([...kustomization['resources']].sort()).toEqual(k8sFiles.filter((file) => file !== 'kustomization.yaml').sort());
    for (const object of k8sObjects.filter((candidate) => !['Kustomization', 'Namespace'].includes(candidate['kind']))) {
      expect(`${object['kind']}/${object['metadata']['name']}: ${object['metadata']['namespace']}`).toBe(
        `${object['kind']}/${object['metadata']['name']}: ${NAMESPACE}`,
      );
    }
    expect(k8sObject('Namespace', NAMESPACE)['metadata']['labels']['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('denies every way in and out of the namespace by default (the services\' NetworkPolicies open what each needs)', () => {
    expect(k8sObject('NetworkPolicy', 'default-deny')['spec']).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it('contains no Secret objects (secrets are referenced, never stored here)', () => {
    expect(k8sObjects.filter((object) => object['kind'] === 'Secret').map((object) => object.file)).toEqual([]);
  });

  it('the shared ConfigMap holds only non-secret variables of the configuration table, with no secret-looking value', () => {
    const data = configMapData(CONFIG_MAP_NAME);
    expect(Object.keys(data).filter((name) => !CONFIG_VARIABLE_NAMES.has(name))).toEqual([]);
    expect(Object.keys(data).filter((name) => SECRET_CONFIG_VARIABLE_NAMES.has(name) || SECRET_LOOKING_NAME.test(name))).toEqual([]);
    expect(Object.entries(data).filter(([, value]) => looksLikeSecretLiteral(String(value)) || URL_PASSWORD.test(String(value)))).toEqual([]);
  });

  describe.each(SERVICE_NAMES)('service %s', (service) => {
    const port = SERVICE_PORTS[service];
    const deployment = (): Yaml => k8sObject('Deployment', service);
    const container = (): Yaml => serviceContainer(deployment(), service);
    const podLabels = (): Record<string, string> => deployment()['spec']['template']['metadata']['labels'];

    it(`has a Deployment whose container listens on ${port} (the compose port) and gets PORT=${port}`, () => {
      expect(deployment()['spec']['replicas']).toBeGreaterThanOrEqual(2);
      expect(matchesLabels(deployment()['spec']['selector']['matchLabels'], podLabels())).toBe(true);
      expect((container()['ports'] as Yaml[]).map((entry) => entry['containerPort'])).toEqual([port]);
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
      expect(annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/path': '/metrics', 'prometheus.io/port': String(port) });
    });

    it('runs as non-root with a read-only root filesystem, no privilege escalation and no capabilities', () => {
      const podSecurity = deployment()['spec']['template']['spec']['securityContext'];
      const containerSecurity = container()['securityContext'];
      expect(podSecurity['runAsNonRoot'] === true || containerSecurity['runAsNonRoot'] === true).toBe(true);
      expect(podSecurity['seccompProfile']).toEqual({ type: 'RuntimeDefault' });
      expect(containerSecurity).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
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
      const mounts: string[] = (container()['volumeMounts'] ?? []).map((mount: Yaml) => String(mount['mountPath']));
      for (const entry of env) {
        // a *_FILE variable names where a secret is mounted (a Secret or a projected token), never the secret itself
        if (String(entry['name']).endsWith('_FILE')) {
          expect([entry['name'], mounts.some((mount) => String(entry['value']).startsWith(`${mount}/`))]).toEqual([entry['name'], true]);
          continue;
        }
        const secret = SECRET_CONFIG_VARIABLE_NAMES.has(entry['name']) || SECRET_LOOKING_NAME.test(entry['name']);
        if (secret) {
          expect(entry['value']).toBeUndefined();
          expect(entry['valueFrom']?.['secretKeyRef']).toMatchObject({ name: expect.any(String), key: expect.any(String) });
        }
        if (entry['value'] !== undefined) {
          expect([entry['name'], looksLikeSecretLiteral(String(entry['value'])) || URL_PASSWORD.test(String(entry['value']))]).toEqual([entry['name'], false]);
        }
      }
      const databaseUrl = env.find((entry) => entry['name'] === 'DATABASE_URL');
      expect(databaseUrl?.['valueFrom']?.['secretKeyRef']?.['name']).toBe(`custody-${service}`);
    });

    it('has a NetworkPolicy of its own: its API from the ingress controller and Prometheus only, egress only to DNS, PostgreSQL, Kafka, the collector and what it needs', () => {
      const policy = k8sObject('NetworkPolicy', service);
      expect(matchesLabels(policy['spec']['podSelector']['matchLabels'], podLabels())).toBe(true);
      expect(policy['spec']['policyTypes']).toEqual(['Ingress', 'Egress']);
      const egressPorts = (policy['spec']['egress'] as Yaml[]).flatMap((rule) => (rule['ports'] as Yaml[]).map((entry) => Number(entry['port'])));
      const reads = CHAIN_READERS.has(service) ? [443, 8545] : [];
      const asks = service === 'wallet' ? [3003] : [];
      expect([...new Set(egressPorts)].sort((a, b) => a - b)).toEqual([53, 4318, 5432, 9092, ...reads, ...asks].sort((a, b) => a - b));
      for (const rule of policy['spec']['ingress'] as Yaml[]) {
        // every way in reaches the service's own port, and only from the named namespaces or, for the policy service, the wallet
        expect((rule['ports'] as Yaml[]).map((entry) => Number(entry['port']))).toEqual([port]);
        for (const peer of rule['from'] as Yaml[]) expect(peer['namespaceSelector'] !== undefined || (service === 'policy' && peer['podSelector']?.['matchLabels']?.['app.kubernetes.io/name'] === 'wallet')).toBe(true);
      }
    });

    it(`has a Service on port ${port} selecting its pods, and a PodDisruptionBudget keeping one available`, () => {
      const serviceObject = k8sObject('Service', service);
      expect(matchesLabels(serviceObject['spec']['selector'], podLabels())).toBe(true);
      const ports: Yaml[] = serviceObject['spec']['ports'];
      expect(ports.map((entry) => [entry['port'], resolvePort(entry['targetPort'], container())])).toEqual([[port, port]]);
      const budget = k8sObject('PodDisruptionBudget', service);
      expect(budget['apiVersion']).toBe('policy/v1');
      expect(matchesLabels(budget['spec']['selector']['matchLabels'], podLabels())).toBe(true);
      expect(budget['spec']['minAvailable']).toBeLessThan(deployment()['spec']['replicas']);
    });
  });
});

describe('deploy/topics.yaml', () => {
  it('defines exactly the topics of ARCHITECTURE.md as Strimzi KafkaTopic resources', () => {
    expect(topicObjects.map((topic) => `${topic['apiVersion']} ${topic['kind']}`)).toEqual(
      topicObjects.map(() => 'kafka.strimzi.io/v1beta2 KafkaTopic'),
    );
    expect(topicObjects.map((topic) => topic['spec']['topicName']).sort()).toEqual([...EXPECTED_TOPICS].sort());
    for (const topic of topicObjects) {
      expect(topic['metadata']['name']).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(topic['metadata']['labels']['strimzi.io/cluster']).toEqual(expect.any(String));
    }
  });

  it.each(EXPECTED_TOPICS)('%s has partitions, 3 replicas and min.insync.replicas 2', (topicName) => {
    const topic = topicObjects.find((candidate) => candidate['spec']['topicName'] === topicName)!;
    expect(Number.isInteger(topic['spec']['partitions']) && topic['spec']['partitions'] > 0).toBe(true);
    expect(topic['spec']['replicas']).toBe(3);
    expect(topic['spec']['config']['min.insync.replicas']).toBe(2);
  });

  it.each(EVENT_TOPICS)('%s keeps its events forever', (topicName) => {
    const topic = topicObjects.find((candidate) => candidate['spec']['topicName'] === topicName)!;
    expect(topic['spec']['config']['retention.ms']).toBe(-1);
    expect(topic['spec']['config']['cleanup.policy']).toBe('delete');
  });
});

describe('deploy/otel-collector.yaml', () => {
  it('receives OTLP on 4317/4318 and every pipeline uses only defined components', () => {
    expect(collectorConfig['receivers']['otlp']['protocols']['grpc']['endpoint']).toBe('0.0.0.0:4317');
    expect(collectorConfig['receivers']['otlp']['protocols']['http']['endpoint']).toBe('0.0.0.0:4318');
    const pipelines: Record<string, Yaml> = collectorConfig['service']['pipelines'];
    expect(Object.keys(pipelines)).toContain('traces');
    for (const [name, pipeline] of Object.entries(pipelines)) {
      for (const section of ['receivers', 'processors', 'exporters']) {
        for (const component of pipeline[section] ?? []) {
          expect(`${name}.${section}.${component}: ${component in (collectorConfig[section] ?? {})}`).toBe(`${name}.${section}.${component}: true`);
        }
      }
      expect(pipeline['processors'][0]).toBe('memory_limiter');
    }
  });
});
