import { testExchangeSigner } from './exchange-signing';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const SERVICE_START_TIMEOUT_MS = 30_000;
export const SERVICE_STOP_TIMEOUT_MS = 10_000;
const POLL_INTERVAL_MS = 100;
const OUTPUT_BYTES_MAX = 1_000_000;
const WORKSPACE_ROOT = path.resolve(__dirname, '../../../..');

export interface ServiceProcess {
  readonly baseUrl: string;
  readonly port: number;
  /** Everything the process wrote to stdout, one JSON log object per line. */
  stdout(): string;
  stderr(): string;
  /** Sends SIGTERM and waits for the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `apps/<service>/src/main.ts` as a real process, as `npm start` does. */
export function spawnService(
  service: string,
  environment: Record<string, string>,
): { child: ChildProcess; output: { stdout: string; stderr: string } } {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', `apps/${service}/src/main.ts`],
    {
      cwd: WORKSPACE_ROOT,
      env: { PATH: process.env['PATH'] ?? '', ...environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = { stdout: '', stderr: '' };
  child.stdout?.on(
    'data',
    (chunk: Buffer) =>
      (output.stdout = (output.stdout + chunk.toString()).slice(-OUTPUT_BYTES_MAX)),
  );
  child.stderr?.on(
    'data',
    (chunk: Buffer) =>
      (output.stderr = (output.stderr + chunk.toString()).slice(-OUTPUT_BYTES_MAX)),
  );
  return { child, output };
}

/**
 * What every service process of an e2e test shares: its database, the test token issuer, the
 * Kafka test broker (which cannot serve idempotent producers) polled briskly, info logs.
 */
export function testServiceEnvironment(options: {
  readonly databaseUrl: string;
  readonly brokers: readonly string[];
  readonly jwtSecret: string;
  readonly issuer: string;
  readonly audience: string;
}): Record<string, string> {
  return {
    DATABASE_URL: options.databaseUrl,
    AUTH_ISSUER: options.issuer,
    AUTH_AUDIENCE: options.audience,
    AUTH_JWT_SECRET: options.jwtSecret,
    KAFKA_BROKERS: options.brokers.join(','),
    KAFKA_PRODUCER_IDEMPOTENT: 'false',
    KAFKA_CONSUMER_MAX_WAIT_MS: '20',
    LOG_LEVEL: 'info',
    // the services trust this process's test exchange key only (signingProducer signs with it)
    EXCHANGE_PUBLIC_KEYS_FILE: testExchangeSigner().publicKeysFile,
  };
}

/** Starts a service on a free port and waits until /health/live answers. */
export async function startService(
  service: string,
  environment: Record<string, string>,
): Promise<ServiceProcess> {
  const port = await freePort();
  const { child, output } = spawnService(service, { ...environment, PORT: String(port) });
  const baseUrl = `http://127.0.0.1:${port}`;
  const exited = once(child, 'exit');
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${service} exited with ${child.exitCode}: ${output.stderr}${output.stdout}`);
    if (Date.now() - started > SERVICE_START_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new Error(
        `${service} did not answer /health/live within ${SERVICE_START_TIMEOUT_MS} ms: ${output.stderr}`,
      );
    }
    const live = await fetch(`${baseUrl}/health/live`).then(
      (response) => response.ok,
      () => false,
    );
    if (live) break;
    await sleep(POLL_INTERVAL_MS);
  }
  return {
    baseUrl,
    port,
    stdout: () => output.stdout,
    stderr: () => output.stderr,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), SERVICE_STOP_TIMEOUT_MS);
      const [code] = (await exited) as [number | null];
      clearTimeout(timer);
      return code;
    },
  };
}

/** Polls `probe` until it returns true or the time is up; returns the last answer. */
export async function eventually(
  probe: () => boolean | Promise<boolean>,
  timeoutMs: number,
  pollMs = POLL_INTERVAL_MS,
): Promise<boolean> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return true;
    if (Date.now() - started > timeoutMs) return false;
    await sleep(pollMs);
  }
}

/** Like `eventually`, but a timeout is an error that says what was awaited. */
export async function waitFor(
  probe: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
  pollMs = POLL_INTERVAL_MS,
): Promise<void> {
  if (!(await eventually(probe, timeoutMs, pollMs)))
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string')
    throw new Error('assertion: no port assigned');
  return address.port;
}
