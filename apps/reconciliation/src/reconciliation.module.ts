import { Module } from '@nestjs/common';
import { formatConfigProblems, SERVICE_ENVIRONMENT } from '@custody/service-host';
import { DailyRunsController } from './http/daily-runs.controller';
import { FiatTrustController } from './http/fiat-trust.controller';
import { ReconciliationsController } from './http/reconciliations.controller';
import { parseReconciliationConfig, RECONCILIATION_CONFIG } from './reconciliation-config';
import {
  RECONCILIATION_INBOX_TRANSPORT,
  ReconciliationMessagesController,
} from './reconciliation-messages';
import { ReconciliationRuntime } from './reconciliation-runtime';

/**
 * The reconciliation service: TW-13 daily balance runs from the ledger's journals, TW-14 runs
 * against the wallet's records and the chain, TW-10/11 client fiat in trust against the trust
 * accounts' statements, discrepancies to closure. The host gives it
 * authentication, probes, metrics, its event store (schema 'reconciliation') and the event log.
 */
@Module({
  controllers: [
    DailyRunsController,
    ReconciliationsController,
    FiatTrustController,
    ReconciliationMessagesController,
  ],
  providers: [
    {
      provide: RECONCILIATION_CONFIG,
      useFactory: (environment: Readonly<Record<string, string | undefined>>) => {
        const parsed = parseReconciliationConfig(environment);
        if (!parsed.ok) throw new Error(formatConfigProblems('reconciliation', parsed.problems)); // checked before start-up (ownConfigProblems)
        return parsed.config;
      },
      inject: [SERVICE_ENVIRONMENT],
    },
    ReconciliationRuntime,
    RECONCILIATION_INBOX_TRANSPORT,
  ],
})
export class ReconciliationModule {}
