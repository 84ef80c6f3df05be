/**
 * Issue 22 (4), least privilege in `npm start`: the embedded server's superuser is the migration
 * role (it owns every schema and prepares it); each service then runs as its own login role,
 * `custody_<service>`, never a superuser, granted by the migration run what it needs: it can
 * insert and read history, never change it.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import {
  createServiceApp,
  DatabaseReadiness,
  formatConfigProblems,
  type ConfigProblem,
  type ServiceDefinition,
} from '@custody/service-host';
import type { RunnerService } from './runner-config';

/** Longest one service's migration run may take in the runner. */
export const RUNNER_MIGRATE_TIMEOUT_MS = 120_000;
const ROLE_PASSWORD_BYTES = 24;

type Environment = Readonly<Record<string, string | undefined>>;

/** The database role a service runs as in `npm start`. */
export function serviceRoleOf(service: RunnerService): string {
  return `custody_${service}`;
}

/**
 * Creates each service's login role (or resets it) with a fresh password of this start, as the
 * superuser of `ownerUrl`: no superuser, no CREATEDB, no CREATEROLE, no replication, no BYPASSRLS.
 * Returns the URL each service connects with (the database of `ownerUrl`, its own role).
 */
export async function ensureServiceRoles(
  ownerUrl: string,
  services: readonly RunnerService[],
): Promise<Record<RunnerService, string>> {
  const client = new Client({ connectionString: ownerUrl });
  // a connection lost meanwhile fails the query in flight or the next one: the caller sees that error
  client.on('error', () => undefined);
  await client.connect();
  const urls: Partial<Record<RunnerService, string>> = {};
  try {
    for (const service of services) {
      const role = serviceRoleOf(service);
      const password = randomBytes(ROLE_PASSWORD_BYTES).toString('hex'); // hex: safe inside the literal
      const attributes = `login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password '${password}'`;
      // roles are cluster-wide: another database of this server may be creating it at this very moment
      await client.query(`do $$ begin
          if not exists (select from pg_roles where rolname = '${role}') then create role ${role} ${attributes}; end if;
        exception when duplicate_object or unique_violation then null;
        end $$`);
      await client.query(`alter role ${role} ${attributes}`);
      const url = new URL(ownerUrl);
      url.username = role;
      url.password = password;
      urls[service] = url.toString();
    }
  } finally {
    await client.end();
  }
  return urls as Record<RunnerService, string>;
}

/**
 * A service's migration run in this process (what its Kubernetes migration Job does): its
 * preparations as the schemas' owner (DATABASE_MIGRATION_URL), then its role (the user of
 * DATABASE_URL) granted its privileges; the application is closed again.
 */
export async function migrateServiceAsOwner(
  definition: ServiceDefinition,
  environment: Environment,
  ownerUrl: string,
): Promise<void> {
  const created = await createServiceApp({
    ...definition,
    environment: { ...environment, MIGRATE_ONLY: 'true', DATABASE_MIGRATION_URL: ownerUrl },
  });
  if (!created.ok)
    throw new Error(
      formatConfigProblems(definition.serviceName, created.problems as ConfigProblem[]),
    );
  const { app } = created.service;
  try {
    await app.init();
    const report = await app.get(DatabaseReadiness).whenMigrated(RUNNER_MIGRATE_TIMEOUT_MS);
    if (!report.ready)
      throw new Error(
        `${definition.serviceName}: the migration run did not finish: ${report.reason}`,
      );
  } finally {
    await app.close();
  }
}
