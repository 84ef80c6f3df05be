import { Module } from '@nestjs/common';
import { formatConfigProblems } from '@custody/service-host';
import { DailyRunsController } from './http/daily-runs.controller';
import { parseReconciliationConfig, RECONCILIATION_CONFIG } from './reconciliation-config';
import { ReconciliationRuntime } from './reconciliation-runtime';

/**
 * The reconciliation service: TW-13 daily balance runs from the ledger's journals (issue 7 in
 * progress: TW-14 runs, discrepancies, fiat in trust and reports follow). The host gives it
 * authentication, probes, metrics, its event store (schema 'reconciliation') and the event log.
 */
@Module({
  controllers: [DailyRunsController],
  providers: [
    {
      provide: RECONCILIATION_CONFIG,
      useFactory: () => {
        const parsed = parseReconciliationConfig(process.env);
        if (!parsed.ok) throw new Error(formatConfigProblems('reconciliation', parsed.problems)); // main.ts checked it before start-up
        return parsed.config;
      },
    },
    ReconciliationRuntime,
  ],
})
export class ReconciliationModule {}
