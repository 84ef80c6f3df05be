import {
  CONTAINERS_REQUIRED_VARIABLE,
  CONTAINERS_RUNTIME_VARIABLE,
  CONTAINERS_SKIP_REASON_VARIABLE,
  KAFKA_CONTAINER_IMAGE,
  POSTGRES_CONTAINER_IMAGE,
  probeContainerRuntime,
} from './containers';

/**
 * Jest's global setup for the `containers` tier (npm run test:containers). It looks for a Docker
 * engine once, in Jest's own process before any test file loads, and leaves the answer in the
 * environment the test files inherit (describeWithContainers reads it): a suite cannot ask
 * Docker itself while Jest collects its tests, since `describe` must be chosen synchronously.
 *
 * No engine: one line says so and why, and the suites are reported as skipped (exit code 0),
 * unless CUSTODY_CONTAINERS_REQUIRED=true, where a missing engine fails the run.
 *
 * testcontainers options, deliberately:
 * - Reaper (Ryuk) left ON, testcontainers' default: a sidecar container that removes this run's
 *   containers when the Jest process goes away, even killed mid-run. TESTCONTAINERS_RYUK_DISABLED=true
 *   is for runtimes that refuse it the Docker socket (rootless Podman, some CI Docker-in-Docker);
 *   there only the suites' afterAll removes the containers, and a killed run leaves them behind.
 * - Reuse not enabled: every run gets fresh containers (no state between runs).
 * - Telemetry: testcontainers for Node sends none (it talks to the Docker engine and pulls images
 *   from Docker Hub, or the mirror in TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX); Confluent's support
 *   metrics are turned off in the Kafka container (containers.ts).
 */
export default async function containersGlobalSetup(): Promise<void> {
  delete process.env[CONTAINERS_RUNTIME_VARIABLE];
  delete process.env[CONTAINERS_SKIP_REASON_VARIABLE];
  const probe = await probeContainerRuntime();
  if (probe.reachable) {
    process.env[CONTAINERS_RUNTIME_VARIABLE] = probe.description;
    const reaper =
      process.env['TESTCONTAINERS_RYUK_DISABLED'] === 'true'
        ? 'reaper disabled (TESTCONTAINERS_RYUK_DISABLED): a killed run leaves its containers behind'
        : 'reaper on';
    console.log(
      `containers suite: ${probe.description}; images ${KAFKA_CONTAINER_IMAGE}, ${POSTGRES_CONTAINER_IMAGE}; ${reaper}`,
    );
    return;
  }
  if (process.env[CONTAINERS_REQUIRED_VARIABLE] === 'true') {
    throw new Error(
      `containers suite: no Docker engine reachable (${probe.reason}) and ${CONTAINERS_REQUIRED_VARIABLE}=true`,
    );
  }
  process.env[CONTAINERS_SKIP_REASON_VARIABLE] = probe.reason;
  console.log(
    `containers suite skipped: no Docker engine reachable (${probe.reason}) — the messaging contract against Apache Kafka ` +
      `(idempotent producer) and PostgreSQL in containers did not run; start Docker or set DOCKER_HOST to run it`,
  );
}
