import { Module } from '@nestjs/common';
import { formatConfigProblems, SERVICE_ENVIRONMENT } from '@custody/service-host';
import { ProcessorRounds } from './host/processor-rounds';
import { WalletAvailability } from './host/wallet-availability';
import { WALLET_INBOX_TRANSPORT, WalletMessagesController } from './host/wallet-consumer';
import { WalletParts } from './host/wallet-parts';
import { WALLET_SLICE_PROVIDERS } from './host/wallet-slices.providers';
import { AllowListController } from './http/allow-list.controller';
import { DepositsController } from './http/deposits.controller';
import { InternalTransfersController } from './http/internal-transfers.controller';
import { CustodiansController, WalletsController } from './http/wallets.controller';
import { WithdrawalsController } from './http/withdrawals.controller';
import { parseWalletConfig, WALLET_CONFIG } from './wallet-config';

/**
 * The wallet service: wallets, HSM keys, custodians and key access, allow-listed addresses with
 * ownership proof, quorum-signed withdrawals, on-chain observation (HK-11, TW-15..18). The host
 * gives it authentication, probes, metrics, its event store (schema 'wallet'), the outbox relay
 * to custody.wallet.events.v1 and the auditor's event-log endpoints. This module is the wallet's
 * composition root: each slice is a factory provider built from what it needs, controllers inject
 * the slices they use, and what runs (the processor's rounds, the consumer) starts and stops in
 * the lifecycle hooks of the provider that owns it.
 */
@Module({
  controllers: [
    WalletsController,
    CustodiansController,
    WithdrawalsController,
    InternalTransfersController,
    AllowListController,
    DepositsController,
    WalletMessagesController,
  ],
  providers: [
    {
      provide: WALLET_CONFIG,
      useFactory: (environment: Readonly<Record<string, string | undefined>>) => {
        const parsed = parseWalletConfig(environment);
        if (!parsed.ok) throw new Error(formatConfigProblems('wallet', parsed.problems)); // checked before start-up (ownConfigProblems)
        return parsed.config;
      },
      inject: [SERVICE_ENVIRONMENT],
    },
    WalletParts,
    ...WALLET_SLICE_PROVIDERS,
    WalletAvailability,
    ProcessorRounds,
    WALLET_INBOX_TRANSPORT,
  ],
})
export class WalletModule {}
