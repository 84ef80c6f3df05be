import { Module } from '@nestjs/common';
import { formatConfigProblems } from '@custody/service-host';
import { CustodiansController, WalletsController } from './http/wallets.controller';
import { AllowListController, DepositsController, InternalTransfersController, WithdrawalsController } from './http/withdrawals.controller';
import { parseWalletConfig, WALLET_CONFIG } from './wallet-config';
import { WalletRuntime } from './wallet-runtime';

/**
 * The wallet service: wallets, HSM keys, custodians and key access, allow-listed addresses with
 * ownership proof, quorum-signed withdrawals, on-chain observation (HK-11, TW-15..18). The host
 * gives it authentication, probes, metrics, its event store (schema 'wallet'), the outbox relay
 * to custody.wallet.events.v1 and the auditor's event-log endpoints.
 */
@Module({
  controllers: [WalletsController, CustodiansController, WithdrawalsController, InternalTransfersController, AllowListController, DepositsController],
  providers: [
    {
      provide: WALLET_CONFIG,
      useFactory: () => {
        const parsed = parseWalletConfig(process.env);
        if (!parsed.ok) throw new Error(formatConfigProblems('wallet', parsed.problems)); // main.ts checked it before start-up
        return parsed.config;
      },
    },
    WalletRuntime,
  ],
})
export class WalletModule {}
