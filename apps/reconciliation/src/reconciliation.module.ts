import { Module } from '@nestjs/common';

/**
 * The reconciliation service: daily balances, reconciliation runs, discrepancies and escalation (TW-10/11/13/14, HK-21).
 * Its domain arrives with its own issue; the host already gives it authentication, probes,
 * metrics, its event store (schema 'reconciliation') and the auditor's event-log endpoints.
 */
@Module({})
export class ReconciliationModule {}
