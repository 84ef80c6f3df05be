/**
 * Issue 10: the Kubernetes overlays (and their migration Jobs) rendered and every object validated
 * against its Kubernetes (or Prometheus Operator) JSON schema, offline; the alerting rules checked
 * against what the services really export; the shutdown's timing against the pods' grace period.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as monitoringV1 from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import * as appsV1 from 'kubernetes-models/apps/v1';
import * as batchV1 from 'kubernetes-models/batch/v1';
import * as networkingV1 from 'kubernetes-models/networking.k8s.io/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as coreV1 from 'kubernetes-models/v1';
import { SHUTDOWN_DRAIN_MS_LIMIT, SHUTDOWN_TIMEOUT_MS } from '@custody/service-host';
import { parse, parseAllDocuments } from 'yaml';
import { SERVICE_NAMES } from './config-variables';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML, checked field by field below
type Yaml = Record<string, any>;

const repoRoot = join(__dirname, '..', '..');
const OVERLAYS = ['dev', 'prod'] as const;
const RENDER_TIMEOUT_MS = 30_000;
/** Metrics Prometheus makes itself, not the services. */
const PROMETHEUS_OWN_METRICS = new Set(['up']);

/** Each rendered kind, by apiVersion, with the model whose JSON schema validates it. */
const MODELS: Record<string, Record<string, new (data: never) => { validate(): void }>> = {
  v1: coreV1 as never,
  'apps/v1': appsV1 as never,
  'batch/v1': batchV1 as never,
  'policy/v1': policyV1 as never,
  'networking.k8s.io/v1': networkingV1 as never,
  'monitoring.coreos.com/v1': monitoringV1 as never,
};

function render(directory: string): Yaml[] {
  const text = execFileSync('kubectl', ['kustomize', directory], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: RENDER_TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parseAllDocuments(text).map((document) => document.toJS() as Yaml);
}

/** Problems of one object against its schema; a kind without a model is a problem too (nothing goes unvalidated). */
function schemaProblems(object: Yaml): string | undefined {
  const Model = MODELS[object['apiVersion']]?.[object['kind']];
  if (Model === undefined)
    return `${object['apiVersion']} ${object['kind']}: no schema to validate it against`;
  try {
    new Model(object as never).validate();
    return undefined;
  } catch (error) {
    return `${object['kind']}/${object['metadata']?.['name']}: ${(error as Error).message}`;
  }
}

/** Runs one replica (with Recreate): the audit, whose checkpoint volume is ReadWriteOnce (deploy/k8s/base/audit.yaml). */
const SINGLE_REPLICA_SERVICES: ReadonlySet<string> = new Set(['audit']);
/** The Secret of the schemas' owner (the migration role), which only the migration Jobs read (issue 22). */
const DATABASE_OWNER_SECRET = 'custody-database-owner';

/** A Job's env: its Deployment's without PORT, plus MIGRATE_ONLY and the owner's URL from its Secret (issue 22). */
const expectedJobEnv = (deployedContainer: Yaml): Yaml[] => [
  ...(deployedContainer['env'] as Yaml[]).filter((variable) => variable['name'] !== 'PORT'),
  { name: 'MIGRATE_ONLY', value: 'true' },
  {
    name: 'DATABASE_MIGRATION_URL',
    valueFrom: { secretKeyRef: { name: DATABASE_OWNER_SECRET, key: 'database-url' } },
  },
];

/**
 * A Job's volumes: its Deployment's, but a PersistentVolumeClaim is an emptyDir there (a migration
 * run writes no checkpoint, and a ReadWriteOnce claim held by the running pod would keep the Job Pending).
 */
const expectedJobVolumes = (deployedPod: Yaml): Yaml[] =>
  (deployedPod['volumes'] as Yaml[]).map((volume) =>
    volume['persistentVolumeClaim'] === undefined
      ? volume
      : { name: volume['name'], emptyDir: expect.any(Object) },
  );

const find = (objects: Yaml[], kind: string, name: string): Yaml => {
  const found = objects.find(
    (object) => object['kind'] === kind && object['metadata']['name'] === name,
  );
  if (found === undefined) throw new Error(`no ${kind}/${name}`);
  return found;
};

/** Every metric name a service registers (prom-client `name: '...'`), from the sources. */
function exportedMetricNames(): Set<string> {
  const names = new Set<string>();
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory)) {
      const path = join(directory, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.spec.ts'))
        for (const match of readFileSync(path, 'utf8').matchAll(
          /name: '(custody_[a-z_]+|http_[a-z_]+)'/g,
        ))
          names.add(match[1] as string);
    }
  };
  walk(join(repoRoot, 'apps'));
  walk(join(repoRoot, 'libs'));
  return names;
}

const rulesFile = parse(
  readFileSync(join(repoRoot, 'deploy', 'prometheus', 'rules', 'custody.yaml'), 'utf8'),
) as Yaml;
const alerts = (rulesFile['groups'] as Yaml[]).flatMap((group) => group['rules'] as Yaml[]);

describe('Kubernetes overlays (kubectl kustomize, offline JSON schemas)', () => {
  const rendered = Object.fromEntries(
    OVERLAYS.map((overlay) => [overlay, render(`deploy/k8s/overlays/${overlay}`)]),
  ) as Record<(typeof OVERLAYS)[number], Yaml[]>;

  it.each(OVERLAYS)(
    '%s renders, and every object is valid against its Kubernetes or Prometheus Operator schema',
    (overlay) => {
      const objects = rendered[overlay];
      expect(objects.length).toBeGreaterThan(20);
      expect(objects.map(schemaProblems).filter((problem) => problem !== undefined)).toEqual([]);
      expect(new Set(objects.map((object) => object['kind']))).toEqual(
        new Set([
          'Namespace',
          'ConfigMap',
          'Deployment',
          'Service',
          'PodDisruptionBudget',
          'NetworkPolicy',
          'ServiceMonitor',
          'PrometheusRule',
          'PersistentVolumeClaim',
        ]),
      );
    },
  );

  it('the validation itself catches a broken object (a container without an image, a probe port of the wrong type, a rule without expr)', () => {
    const deployment = structuredClone(find(rendered.prod, 'Deployment', 'ledger'));
    delete deployment['spec']['template']['spec']['containers'][0]['image'];
    deployment['spec']['template']['spec']['containers'][0]['readinessProbe']['httpGet']['port'] = {
      name: 'http',
    };
    expect(schemaProblems(deployment)).toMatch(/image|port/);
    const rule = structuredClone(find(rendered.prod, 'PrometheusRule', 'custody-alerts'));
    delete rule['spec']['groups'][0]['rules'][0]['expr'];
    expect(schemaProblems(rule)).toMatch(/expr/);
    expect(
      schemaProblems({ apiVersion: 'batch/v9', kind: 'Mystery', metadata: { name: 'x' } }),
    ).toMatch(/no schema/);
  });

  it('dev runs one replica of each service from dev images, with a budget that lets a node drain; prod pins release images and runs three ledgers', () => {
    for (const service of SERVICE_NAMES) {
      const dev = find(rendered.dev, 'Deployment', service);
      expect([
        service,
        dev['spec']['replicas'],
        dev['spec']['template']['spec']['containers'][0]['image'],
      ]).toEqual([service, 1, `custody/${service}:dev`]);
      expect(find(rendered.dev, 'PodDisruptionBudget', service)['spec']['minAvailable']).toBe(0);
      const prod = find(rendered.prod, 'Deployment', service);
      expect(prod['spec']['template']['spec']['containers'][0]['image']).toMatch(
        new RegExp(`^custody/${service}:\\d+\\.\\d+\\.\\d+$`),
      );
      expect(prod['spec']['replicas']).toBeGreaterThanOrEqual(
        SINGLE_REPLICA_SERVICES.has(service) ? 1 : 2,
      );
      expect(
        find(rendered.prod, 'PodDisruptionBudget', service)['spec']['minAvailable'],
      ).toBeLessThan(prod['spec']['replicas']);
    }
    expect(find(rendered.prod, 'Deployment', 'ledger')['spec']['replicas']).toBe(3);
  });

  it.each(OVERLAYS)(
    "%s: the drain and the shutdown fit in each pod's termination grace period",
    (overlay) => {
      const drainMs = Number(
        find(rendered[overlay], 'ConfigMap', 'custody-config')['data']['SHUTDOWN_DRAIN_MS'] ?? 0,
      );
      expect(drainMs).toBeLessThanOrEqual(SHUTDOWN_DRAIN_MS_LIMIT);
      for (const service of SERVICE_NAMES) {
        const graceMs =
          Number(
            find(rendered[overlay], 'Deployment', service)['spec']['template']['spec'][
              'terminationGracePeriodSeconds'
            ],
          ) * 1_000;
        expect({ service, fits: drainMs + SHUTDOWN_TIMEOUT_MS < graceMs }).toEqual({
          service,
          fits: true,
        });
      }
      // the readiness probe notices the drain before it ends: period x threshold within the drain (prod)
      if (overlay === 'prod') {
        const probe = find(rendered.prod, 'Deployment', 'ledger')['spec']['template']['spec'][
          'containers'
        ][0]['readinessProbe'];
        expect(drainMs).toBeGreaterThanOrEqual(probe['periodSeconds'] * 1_000);
      }
    },
  );

  it('a ServiceMonitor scrapes every custody Service on its http port at /metrics', () => {
    const monitor = find(rendered.prod, 'ServiceMonitor', 'custody');
    for (const service of SERVICE_NAMES) {
      const labels = find(rendered.prod, 'Service', service)['metadata']['labels'] as Record<
        string,
        string
      >;
      const selected = Object.entries(
        monitor['spec']['selector']['matchLabels'] as Record<string, string>,
      ).every(([key, value]) => labels[key] === value);
      expect({ service, selected }).toEqual({ service, selected: true });
      expect(
        (find(rendered.prod, 'Service', service)['spec']['ports'] as Yaml[]).map(
          (port) => port['name'],
        ),
      ).toContain('http');
    }
    expect(monitor['spec']['endpoints']).toEqual([
      expect.objectContaining({ port: 'http', path: '/metrics' }),
    ]);
  });
});

describe('migration Jobs (deploy/k8s/migrations, run before a rollout)', () => {
  const jobs = Object.fromEntries(
    OVERLAYS.map((overlay) => [overlay, render(`deploy/k8s/overlays/${overlay}/migrations`)]),
  ) as Record<(typeof OVERLAYS)[number], Yaml[]>;
  const services = Object.fromEntries(
    OVERLAYS.map((overlay) => [overlay, render(`deploy/k8s/overlays/${overlay}`)]),
  ) as Record<(typeof OVERLAYS)[number], Yaml[]>;

  it.each(OVERLAYS)(
    '%s: one Job per service plus their NetworkPolicy, each valid against its schema',
    (overlay) => {
      expect(jobs[overlay].map(schemaProblems).filter((problem) => problem !== undefined)).toEqual(
        [],
      );
      expect(
        jobs[overlay]
          .filter((object) => object['kind'] === 'Job')
          .map((job) => job['metadata']['name'])
          .sort(),
      ).toEqual(SERVICE_NAMES.map((service) => `migrate-${service}`).sort());
      const policy = find(jobs[overlay], 'NetworkPolicy', 'migrations');
      expect(policy['spec']['ingress']).toBeUndefined(); // nothing in
      expect(
        (policy['spec']['egress'] as Yaml[])
          .flatMap((rule) => (rule['ports'] as Yaml[]).map((port) => port['port']))
          .sort((a, b) => a - b),
      ).toEqual([53, 53, 4318, 5432]);
    },
  );

  it.each(OVERLAYS)(
    "%s: each Job runs its Deployment's image and configuration with MIGRATE_ONLY=true (no drift), never restarts in place, and is bounded",
    (overlay) => {
      for (const service of SERVICE_NAMES) {
        const job = find(jobs[overlay], 'Job', `migrate-${service}`);
        const pod = job['spec']['template']['spec'];
        const deployed = find(services[overlay], 'Deployment', service)['spec']['template']['spec'];
        const [container, deployedContainer] = [pod['containers'][0], deployed['containers'][0]];
        expect({
          service,
          image: container['image'],
          envFrom: container['envFrom'],
          volumeMounts: container['volumeMounts'],
          securityContext: container['securityContext'],
        }).toEqual({
          service,
          image: deployedContainer['image'],
          envFrom: deployedContainer['envFrom'],
          volumeMounts: deployedContainer['volumeMounts'],
          securityContext: deployedContainer['securityContext'],
        });
        expect(container['env']).toEqual(expectedJobEnv(deployedContainer));
        expect([pod['volumes'], pod['securityContext'], pod['serviceAccountName']]).toEqual([
          expectedJobVolumes(deployed),
          deployed['securityContext'],
          deployed['serviceAccountName'],
        ]);
        expect(pod['restartPolicy']).toBe('Never');
        expect(job['spec']['backoffLimit']).toBeGreaterThan(0);
        expect(job['spec']['activeDeadlineSeconds']).toBeGreaterThan(0);
        expect(pod['containers'][0]['ports']).toBeUndefined();
      }
    },
  );

  it("the comparison fails a Job without the owner's URL, with it as a literal or from another Secret, and one mounting the Deployment's claim (issue 22)", () => {
    const job = find(jobs.prod, 'Job', 'migrate-audit')['spec']['template']['spec'];
    const deployed = find(services.prod, 'Deployment', 'audit')['spec']['template']['spec'];
    expect(job['containers'][0]['env']).toEqual(expectedJobEnv(deployed['containers'][0]));
    const withOwner = (entry: Yaml | undefined): Yaml[] => [
      ...(job['containers'][0]['env'] as Yaml[]).filter(
        (variable) => variable['name'] !== 'DATABASE_MIGRATION_URL',
      ),
      ...(entry === undefined ? [] : [entry]),
    ];
    for (const entry of [
      undefined,
      { name: 'DATABASE_MIGRATION_URL', value: 'postgres://custody@db:5432/custody' },
      {
        name: 'DATABASE_MIGRATION_URL',
        valueFrom: { secretKeyRef: { name: 'custody-audit', key: 'database-url' } },
      },
    ]) {
      expect(withOwner(entry)).not.toEqual(expectedJobEnv(deployed['containers'][0]));
    }
    expect(job['volumes']).toEqual(expectedJobVolumes(deployed));
    const claimed = (job['volumes'] as Yaml[]).map((volume) =>
      volume['name'] === 'checkpoints'
        ? { name: 'checkpoints', persistentVolumeClaim: { claimName: 'audit-checkpoints' } }
        : volume,
    );
    expect(claimed).not.toEqual(expectedJobVolumes(deployed));
    // and the Deployment does hold a claim there (else the emptyDir rule above would be vacuous)
    expect(
      (deployed['volumes'] as Yaml[]).find((volume) => volume['name'] === 'checkpoints'),
    ).toEqual({ name: 'checkpoints', persistentVolumeClaim: { claimName: 'audit-checkpoints' } });
  });
});

describe('alerting rules (deploy/prometheus/rules/custody.yaml)', () => {
  it('are the PrometheusRule of deploy/k8s/base/monitoring.yaml, rule for rule', () => {
    const manifests = parseAllDocuments(
      readFileSync(join(repoRoot, 'deploy', 'k8s', 'base', 'monitoring.yaml'), 'utf8'),
    ).map((document) => document.toJS() as Yaml);
    expect(find(manifests, 'PrometheusRule', 'custody-alerts')['spec']).toEqual(rulesFile);
  });

  it('cover what issue 10 asks: consumer and relay lag, dead letters, breaches, overdue shortfalls, chain verification failure', () => {
    const byMetric = (metric: string) =>
      alerts
        .filter((alert) => String(alert['expr']).includes(metric))
        .map((alert) => alert['alert']);
    for (const metric of [
      'custody_consumer_lag_messages',
      'custody_outbox_relay_lag_events',
      'custody_dead_letters_total',
      'custody_policy_open_breaches',
      'custody_reconciliation_discrepancies{state="overdue"}',
      'custody_audit_record_verified',
    ]) {
      expect({ metric, alerts: byMetric(metric).length > 0 }).toEqual({ metric, alerts: true });
    }
  });

  it('name only metrics the services export (or Prometheus makes), and each has a severity, a summary, a description and an existing runbook when it names one', () => {
    const exported = exportedMetricNames();
    for (const alert of alerts) {
      const metrics = [
        ...String(alert['expr']).matchAll(/\b([a-z_][a-z0-9_]*)\s*(?:\{|\[|\)|\s*(?:>|<|=|$))/g),
      ]
        .map((match) => match[1] as string)
        .filter((name) => name.startsWith('custody_') || PROMETHEUS_OWN_METRICS.has(name));
      expect(metrics.length).toBeGreaterThan(0);
      for (const metric of metrics)
        expect({
          alert: alert['alert'],
          metric,
          exported: exported.has(metric) || PROMETHEUS_OWN_METRICS.has(metric),
        }).toEqual({ alert: alert['alert'], metric, exported: true });
      expect(['warning', 'critical']).toContain(alert['labels']['severity']);
      expect(alert['annotations']['summary']).toEqual(expect.any(String));
      expect(alert['annotations']['description']).toEqual(expect.any(String));
      const runbook = alert['annotations']['runbook_url'] as string | undefined;
      if (runbook !== undefined)
        expect({
          runbook,
          exists: statSync(join(repoRoot, runbook), { throwIfNoEntry: false })?.isFile() === true,
        }).toEqual({ runbook, exists: true });
    }
  });

  it('are valid PromQL and valid rule files, and the compose Prometheus configuration is valid (promtool)', () => {
    const promtool = (...args: string[]) =>
      execFileSync('promtool', args, {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: RENDER_TIMEOUT_MS,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    expect(promtool('check', 'rules', 'deploy/prometheus/rules/custody.yaml')).toMatch(
      new RegExp(`SUCCESS: ${alerts.length} rules found`),
    );
    expect(
      promtool('check', 'config', '--syntax-only', 'deploy/prometheus/prometheus.yml'),
    ).toMatch(/SUCCESS/);
  });

  it('the metric check itself fails for a metric nobody exports', () => {
    expect(exportedMetricNames().has('custody_consumer_lag_messages')).toBe(true);
    expect(exportedMetricNames().has('custody_no_such_metric')).toBe(false);
  });
});
