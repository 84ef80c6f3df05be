import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { EvmChainReader, type ChainReader } from '@custody/chain';
import type { Logger } from '@custody/observability';
import { SERVICE_LOGGER } from '@custody/service-host';
import { RECONCILIATION_CONFIG, type ReconciliationConfig } from '../reconciliation-config';

/**
 * The chains a TW-14 run reads every registered wallet's balances on: the configured EVM chain,
 * or none (said at start: every wallet is then reported unread on chain).
 */
@Injectable()
export class ReconciliationChains implements OnApplicationBootstrap {
  readonly readers: readonly ChainReader[];

  constructor(
    @Inject(RECONCILIATION_CONFIG) config: ReconciliationConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.readers = config.evm === undefined ? [] : [new EvmChainReader(config.evm)];
  }

  onApplicationBootstrap(): void {
    if (this.readers.length === 0)
      this.logger.warn(
        {},
        'reconciliation: no RECON_EVM_RPC_URL; wallets are reported unread on chain',
      );
  }
}
