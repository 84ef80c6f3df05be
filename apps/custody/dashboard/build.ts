import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Builds the dashboard (Vite) into ./dist when it is missing or stale: the runner calls this as it
 * starts (npm start, the e2e tests' runners), test.sh before the e2e tier, `npm run
 * dashboard:build` by hand. Stale means the digest of the inputs (this directory's sources and
 * the installed versions of the build's packages) differs from the one written beside the last
 * build. Processes starting together build once: a lock directory, the others wait for it.
 */
export const DASHBOARD_ROOT = __dirname;
export const DASHBOARD_DIST = join(__dirname, 'dist');
/** A Vite build takes seconds; past this it is stuck. */
export const DASHBOARD_BUILD_TIMEOUT_MS = 120_000;
/** A lock older than this was left by a process that died while building. */
const LOCK_STALE_MS = DASHBOARD_BUILD_TIMEOUT_MS + 10_000;
const LOCK_POLL_MS = 200;
/** The dashboard's own sources are a few dozen files; more means something else was put here. */
const INPUT_FILES_MAX = 500;
const STAMP_FILE = 'build-inputs.sha256';
const LOCK = join(__dirname, '.build-lock');
const WORKSPACE_ROOT = join(__dirname, '..', '..', '..');
const VITE_BIN = join(WORKSPACE_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
const NOT_INPUTS = new Set(['dist', '.build-lock', 'node_modules']);
/** Packages whose installed version changes the output. */
const BUILD_PACKAGES = ['vite', 'rolldown', '@vitejs/plugin-react', 'react', 'react-dom'];

function inputFiles(directory: string, found: string[] = []): string[] {
  for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  )) {
    if (NOT_INPUTS.has(entry.name)) continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) inputFiles(path, found);
    else if (entry.isFile()) found.push(path);
    if (found.length > INPUT_FILES_MAX)
      throw new Error(
        `dashboard build: more than ${INPUT_FILES_MAX} files under ${DASHBOARD_ROOT}`,
      );
  }
  return found;
}

/** SHA-256 over every input file (path and content) and the build packages' installed versions. */
export function dashboardInputsDigest(): string {
  const hash = createHash('sha256');
  for (const file of inputFiles(DASHBOARD_ROOT))
    hash
      .update(`${relative(DASHBOARD_ROOT, file)}\0`)
      .update(readFileSync(file))
      .update('\0');
  for (const name of BUILD_PACKAGES) {
    const manifest = join(WORKSPACE_ROOT, 'node_modules', name, 'package.json');
    hash.update(
      `${name}@${existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version : 'missing'}\0`,
    );
  }
  return hash.digest('hex');
}

export function dashboardBuildFresh(digest = dashboardInputsDigest()): boolean {
  const stamp = join(DASHBOARD_DIST, STAMP_FILE);
  return (
    existsSync(join(DASHBOARD_DIST, 'index.html')) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8').trim() === digest
  );
}

function runVite(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [VITE_BIN, 'build', '--config', join(DASHBOARD_ROOT, 'vite.config.ts'), '--logLevel', 'warn'],
      {
        cwd: WORKSPACE_ROOT,
        env: { ...process.env, NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on(
      'data',
      (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)),
    );
    child.stderr.on(
      'data',
      (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)),
    );
    const timer = setTimeout(() => child.kill('SIGKILL'), DASHBOARD_BUILD_TIMEOUT_MS);
    child.on('error', (error) => reject(error));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`vite build failed (${signal ?? `exit ${code}`}):\n${output.trim()}`));
    });
  });
}

function tryLock(): boolean {
  try {
    mkdirSync(LOCK);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const lock = statSync(LOCK, { throwIfNoEntry: false });
    if (lock !== undefined && Date.now() - lock.mtimeMs > LOCK_STALE_MS)
      rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
}

/** Builds when missing or stale (or `force`); 'fresh' when nothing had to be done. */
export async function ensureDashboardBuilt(
  options: { readonly force?: boolean; readonly log?: (line: string) => void } = {},
): Promise<'fresh' | 'built'> {
  if (!options.force && dashboardBuildFresh()) return 'fresh';
  const waitUntil = Date.now() + LOCK_STALE_MS;
  while (!tryLock()) {
    if (Date.now() > waitUntil) throw new Error(`dashboard build: ${LOCK} is held for too long`);
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
  try {
    const digest = dashboardInputsDigest();
    if (!options.force && dashboardBuildFresh(digest)) return 'fresh'; // another process built it while this one waited
    const startedAt = Date.now();
    options.log?.('building the page (vite)');
    await runVite();
    writeFileSync(join(DASHBOARD_DIST, STAMP_FILE), `${digest}\n`);
    options.log?.(
      `page built in ${Date.now() - startedAt} ms (${relative(WORKSPACE_ROOT, DASHBOARD_DIST)})`,
    );
    return 'built';
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

// `node -r @swc-node/register apps/custody/dashboard/build.ts [--force]`
if (require.main === module) {
  ensureDashboardBuilt({
    force: process.argv.includes('--force'),
    log: (line) => console.error(`[custody] dashboard: ${line}`),
  }).then(
    (outcome) =>
      outcome === 'fresh' && console.error('[custody] dashboard: the build is up to date'),
    (error: unknown) => {
      console.error(`[custody] dashboard: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
