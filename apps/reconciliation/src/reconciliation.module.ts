import { Module } from '@nestjs/common';
import { formatConfigProblems } from '@custody/service-host';
import { DailyRunsController } from './http/daily-runs.controller';
import { FiatTrustController } from './http/fiat-trust.controller';
import { ReconciliationsController } from './http/reconciliations.controller';
import { parseReconciliationConfig, RECONCILIATION_CONFIG } from './reconciliation-config';
import { ReconciliationRuntime } from './reconciliation-runtime';

/**
 * The reconciliation service: TW-13 daily balance runs from the ledger's journals, TW-14 runs
 * against the wallet's records and the chain, TW-10/11 client fiat in trust against the trust
 * accounts' statements, discrepancies to closure. The host gives it
 * authentication, probes, metrics, its event store (schema 'reconciliation') and the event log.
 */
@Module({
  controllers: [DailyRunsController, ReconciliationsController, FiatTrustController],
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
