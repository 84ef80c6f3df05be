/** Settings of a benchmark from the environment (`BENCH_EVENTS=20_000`), checked: a typo fails loudly. */
export function nonNegativeIntegerFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got '${raw}'`);
  return value;
}

export function positiveIntegerFromEnv(name: string, fallback: number): number {
  const value = nonNegativeIntegerFromEnv(name, fallback);
  if (value < 1) throw new Error(`${name} must be a positive integer, got '${process.env[name]}'`);
  return value;
}
