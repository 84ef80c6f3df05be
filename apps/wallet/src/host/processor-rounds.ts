import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { RateLimitedWarning } from '@custody/service-host';
import { WalletProcessor } from '@custody/wallet-application';
import { WALLET_CONFIG, type WalletConfig } from '../wallet-config';
import { WalletAvailability } from './wallet-availability';
import { WALLET_WARNING, WalletParts } from './wallet-parts';

/**
 * The processor's rounds on the configured chain (chain watch and withdrawal steps), one per
 * interval and never two at once, from the moment the wallet is available; at shutdown the round
 * in progress finishes (its steps are each one transaction) and no other starts.
 */
@Injectable()
export class ProcessorRounds implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(
    @Inject(WalletProcessor) private readonly processor: WalletProcessor,
    @Inject(WalletParts) private readonly parts: WalletParts,
    @Inject(WalletAvailability) private readonly availability: WalletAvailability,
    @Inject(WALLET_CONFIG) private readonly config: WalletConfig,
    @Inject(WALLET_WARNING) private readonly warning: RateLimitedWarning,
  ) {}

  onApplicationBootstrap(): void {
    const chain = this.parts.chain?.chain;
    if (chain === undefined) return;
    void this.availability.whenAvailable.then((available) => {
      if (available) this.schedule(chain);
    });
  }

  private schedule(chain: string): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.round = this.processor
        .runRound(chain)
        .then(() => undefined)
        .catch((error: unknown) =>
          this.warning.warn(
            { error: (error as Error).message, chain },
            'wallet: processor round failed; retried next interval',
          ),
        )
        .finally(() => this.schedule(chain));
    }, this.config.processorIntervalMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.round;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }
}
