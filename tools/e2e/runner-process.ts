import { once } from 'node:events';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { signTestToken } from '@custody/auth/testing';
import { stopLeftOverNode } from '@custody/chain/local';
import { spawnService } from '@custody/testing';

/** The all-in-one runner (apps/custody) as a real process, as `npm start` runs it, for the e2e tests. */

/** The runner's whole shutdown (simulator, five services, a last checkpoint, the database) must fit in this. */
const STOP_MS = 30_000;
/** Ports tried for the runner's seven consecutive ones (the dashboard's, the five services' and the local chain's). */
/**
 * Below Linux's ephemeral range (32768..60999): a port the system hands out meanwhile (another
 * test's listen(0), the embedded PostgreSQL's, an outgoing connection's) cannot land in a run
 * checked free but not bound yet (the chain's port is bound seconds after the check).
 */
const PORT_SCAN_FROM = 20_000;
const PORT_SCAN_TO = 32_000;
const PORTS_NEEDED = 7;

async function portFree(port: number): Promise<boolean> {
  const server = createServer();
  // not events.once: its 'listening' promise rejects on 'error', which a port in use must not be
  const result = await new Promise<boolean>((resolve) => {
    server.once('listening', () => resolve(true));
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1');
  });
  if (result) await new Promise((resolve) => server.close(resolve));
  return result;
}

/** The first of PORTS_NEEDED consecutive free ports, from a random start. */
export async function freePortRun(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = PORT_SCAN_FROM + Math.floor(Math.random() * (PORT_SCAN_TO - PORT_SCAN_FROM));
    let free = true;
    for (let port = base; port < base + PORTS_NEEDED && free; port += 1)
      free = await portFree(port);
    if (free) return base;
  }
  throw new Error('no run of free ports');
}

export interface Runner {
  readonly exit: Promise<number | null>;
  readonly output: { stdout: string; stderr: string };
  signal(signal: NodeJS.Signals): void;
}

export function startRunner(environment: Record<string, string>): Runner {
  const { child, output } = spawnService('custody', environment);
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  return { exit, output, signal: (signal) => child.kill(signal) };
}

export async function stopRunner(runner: Runner | undefined): Promise<number | null> {
  if (runner === undefined) return null;
  runner.signal('SIGINT');
  const timer = setTimeout(() => runner.signal('SIGKILL'), STOP_MS);
  const code = await runner.exit;
  clearTimeout(timer);
  return code;
}

/**
 * After a test that killed a runner and failed before the next start cleaned up: its chain node
 * (named by the pid file in the data directory) is stopped, so no anvil outlives the test run.
 */
export async function stopLeftOverChain(dataDir: string): Promise<void> {
  await stopLeftOverNode(join(dataDir, 'chain', 'anvil.pid'), join(dataDir, 'chain', 'state.json'));
}

/** A call to a runner's service as `subject` with `roles`, signed with the runner's development secret (its data directory's auth-secret): GET, or POST with `body`. */
export async function callAs(
  secret: string,
  url: string,
  subject: string,
  roles: string[],
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const token = await signTestToken({
    secret,
    issuer: 'custody-dev',
    audience: 'custody',
    subject,
    roles,
  });
  const response = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
