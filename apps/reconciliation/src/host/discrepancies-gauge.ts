import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger, ServiceMetrics } from '@custody/observability';
import { Discrepancies } from '@custody/reconciliation-application';
import { scrapedGauge, SERVICE_LOGGER, SERVICE_METRICS } from '@custody/service-host';
import { ReconciliationTables } from './reconciliation-tables';

/** custody_reconciliation_discrepancies: read from the discrepancy index on each scrape, once the tables exist. */
@Injectable()
export class DiscrepanciesGauge implements OnModuleInit {
  constructor(
    @Inject(SERVICE_METRICS) private readonly metrics: ServiceMetrics,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(ReconciliationTables) private readonly tables: ReconciliationTables,
    @Inject(Discrepancies) private readonly discrepancies: Discrepancies,
  ) {}

  onModuleInit(): void {
    scrapedGauge(this.metrics, this.logger, {
      name: 'custody_reconciliation_discrepancies',
      help: 'Discrepancies not closed (TW-14, TW-11): all of them (state open), those escalated to the board and internal audit, and shortfalls past their top-up due day (state overdue).',
      labelNames: ['state'] as const,
      read: async () => {
        if (!this.tables.isReady) return undefined;
        const counts = await this.discrepancies.counts();
        return [
          [{ state: 'open' }, counts.open],
          [{ state: 'escalated' }, counts.escalated],
          [{ state: 'overdue' }, counts.overdue],
        ];
      },
    });
  }
}
