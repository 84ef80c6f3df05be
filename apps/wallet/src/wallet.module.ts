import { Module } from '@nestjs/common';

/**
 * The wallet service: wallets, HSM keys, custodians, allow-listed addresses, on-chain movements (HK-11, TW-15..18).
 * Its domain arrives with its own issue; the host already gives it authentication, probes,
 * metrics, its event store (schema 'wallet') and the auditor's event-log endpoints.
 */
@Module({})
export class WalletModule {}
