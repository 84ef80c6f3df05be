import { Module } from '@nestjs/common';
import { formatConfigProblems, SERVICE_ENVIRONMENT } from '@custody/service-host';
import { DeadlineChecks } from './host/deadline-checks';
import { DiscrepanciesGauge } from './host/discrepancies-gauge';
import { RECONCILIATION_SLICE_PROVIDERS } from './host/reconciliation-slices.providers';
import { ReconciliationTables } from './host/reconciliation-tables';
import { BusinessDays } from './http/business-days';
import { DailyRunsController } from './http/daily-runs.controller';
import { FiatTrustController } from './http/fiat-trust.controller';
import { ReconciliationsController } from './http/reconciliations.controller';
import { parseReconciliationConfig, RECONCILIATION_CONFIG } from './reconciliation-config';
import {
  RECONCILIATION_INBOX_TRANSPORT,
  ReconciliationMessagesController,
} from './reconciliation-messages';

/**
 * The reconciliation service: TW-13 daily balance runs from the ledger's journals, TW-14 runs
 * against the wallet's records and the chain, TW-10/11 client fiat in trust against the trust
 * accounts' statements, discrepancies to closure. The host gives it authentication, probes,
 * metrics, its event store (schema 'reconciliation') and the event log. This module is its
 * composition root: each slice is a factory provider built from what it needs
 * (host/reconciliation-slices.providers.ts), controllers inject what they use, and what runs
 * (the tables' preparation, the deadline checks, the consumer) starts and stops in the lifecycle
 * hooks of the provider that owns it.
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
    ...RECONCILIATION_SLICE_PROVIDERS,
    ReconciliationTables,
    DeadlineChecks,
    DiscrepanciesGauge,
    BusinessDays,
    RECONCILIATION_INBOX_TRANSPORT,
  ],
})
export class ReconciliationModule {}
