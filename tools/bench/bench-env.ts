import type { Pool } from 'pg';

/** Settings of a benchmark from the environment (`BENCH_EVENTS=20_000`), checked: a typo fails loudly. */
export function nonNegativeIntegerFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer, got '${raw}'`);
  return value;
}

export function positiveIntegerFromEnv(name: string, fallback: number): number {
  const value = nonNegativeIntegerFromEnv(name, fallback);
  if (value < 1) throw new Error(`${name} must be a positive integer, got '${process.env[name]}'`);
  return value;
}

/** Monotonic milliseconds (CLOCK_MONOTONIC through libuv): comparable across processes. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function round(value: number, digits = 0): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export function percentiles(values: Float64Array): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const at = (fraction: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ??
    Number.NaN;
  return {
    p50: round(at(0.5), 1),
    p90: round(at(0.9), 1),
    p99: round(at(0.99), 1),
    max: round(at(1), 1),
  };
}

/** Throws unless the pool's sessions commit durably. Returns the synchronous_commit setting. */
export async function assertDurable(pool: Pool, name: string): Promise<string> {
  const result = await pool.query<{ synchronous_commit: string; fsync: string }>(
    `select current_setting('synchronous_commit') as synchronous_commit, current_setting('fsync') as fsync`,
  );
  const { synchronous_commit: synchronousCommit, fsync } = result.rows[0] ?? {
    synchronous_commit: '?',
    fsync: '?',
  };
  if (synchronousCommit !== 'on')
    throw new Error(
      `benchmark must run durable: ${name} has synchronous_commit '${synchronousCommit}', expected 'on'`,
    );
  if (fsync !== 'on') throw new Error(`benchmark must run durable: ${name} has fsync '${fsync}'`);
  return synchronousCommit;
}
