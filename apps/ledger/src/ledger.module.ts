import { Module } from '@nestjs/common';

/**
 * The ledger service: client and house accounts per asset, double-entry journals, holds (HK-6/7/8/21, TW-12).
 * Its domain arrives with its own issue; the host already gives it authentication, probes,
 * metrics, its event store (schema 'ledger') and the auditor's event-log endpoints.
 */
@Module({})
export class LedgerModule {}
