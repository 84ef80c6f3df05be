import { Module } from '@nestjs/common';
import { formatConfigProblems, SERVICE_ENVIRONMENT } from '@custody/service-host';
import { CustodiansController, WalletsController } from './http/wallets.controller';
import {
  AllowListController,
  DepositsController,
  InternalTransfersController,
  WithdrawalsController,
} from './http/withdrawals.controller';
import { parseWalletConfig, WALLET_CONFIG } from './wallet-config';
import { WalletRuntime } from './wallet-runtime';

/**
 * The wallet service: wallets, HSM keys, custodians and key access, allow-listed addresses with
 * ownership proof, quorum-signed withdrawals, on-chain observation (HK-11, TW-15..18). The host
 * gives it authentication, probes, metrics, its event store (schema 'wallet'), the outbox relay
 * to custody.wallet.events.v1 and the auditor's event-log endpoints.
 */
@Module({
  controllers: [
    WalletsController,
    CustodiansController,
    WithdrawalsController,
    InternalTransfersController,
    AllowListController,
    DepositsController,
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
    WalletRuntime,
  ],
})
export class WalletModule {}
