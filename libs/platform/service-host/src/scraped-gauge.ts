import type { Logger, ServiceMetrics } from '@custody/observability';
import { Gauge } from 'prom-client';
import { withTimeout } from './resilience';

/** A /metrics scrape waits at most this long for a figure read from the database or Kafka. */
export const SCRAPE_COLLECT_TIMEOUT_MS = 2_000;

export interface ScrapedGaugeOptions<Label extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly Label[];
  /**
   * Reads the current values: one entry per label set (an empty list clears the gauge); undefined
   * when there is nothing to measure yet (e.g. the schema is not prepared), which keeps the last values.
   */
  readonly read: () => Promise<
    ReadonlyArray<readonly [Partial<Record<Label, string>>, number]> | undefined
  >;
}

/**
 * A gauge measured on each scrape (from the database, from Kafka) rather than kept up to date by
 * the code: it is right even when the thing it watches is stuck. A failed or slow read keeps the
 * last values rather than failing the whole /metrics answer, and is logged at debug.
 */
export function scrapedGauge<Label extends string>(
  metrics: ServiceMetrics,
  logger: Logger,
  options: ScrapedGaugeOptions<Label>,
): Gauge<Label> {
  const gauge: Gauge<Label> = new Gauge<Label>({
    name: options.name,
    help: options.help,
    labelNames: options.labelNames ?? [],
    registers: [metrics.registry],
    collect: async () => {
      try {
        const values = await withTimeout(options.read(), SCRAPE_COLLECT_TIMEOUT_MS);
        if (values === undefined) return;
        gauge.reset();
        for (const [labels, value] of values) gauge.set(labels, value);
      } catch (error) {
        logger.debug(
          { metric: options.name, error: (error as Error).message },
          'metric not measured on this scrape',
        );
      }
    },
  });
  return gauge;
}
