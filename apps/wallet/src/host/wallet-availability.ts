import {
  Inject,
  Injectable,
  ServiceUnavailableException,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from '@custody/observability';
import {
  DATABASE_POOL,
  DatabaseReadiness,
  RateLimitedWarning,
  retryUntilDone,
  SERVICE_CONFIG,
  SERVICE_LOGGER,
  type ServiceConfig,
} from '@custody/service-host';
import { ChainIdMismatchError, migrateWalletTables } from '@custody/wallet-application';
import type { Pool } from 'pg';
import { WALLET_WARNING, WalletParts } from './wallet-parts';

/**
 * Whether the wallet may act: configured (an HSM and a chain), its lookup tables prepared, and
 * its chain node serving the configured chain (retried while unreachable; another chain stops
 * the wallet). Until then its commands answer 503 with a code; the rounds and the consumer
 * start once it is (`whenAvailable`).
 */
@Injectable()
export class WalletAvailability implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private available = false;
  private readonly stopping = new AbortController();
  private settle: (available: boolean) => void = () => undefined;
  /** True once the wallet may act; false when it never will in this process (not configured, wrong chain, stopped). */
  readonly whenAvailable = new Promise<boolean>((resolve) => {
    this.settle = resolve;
  });

  constructor(
    @Inject(WalletParts) private readonly parts: WalletParts,
    @Inject(SERVICE_CONFIG) private readonly serviceConfig: ServiceConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(WALLET_WARNING) private readonly warning: RateLimitedWarning,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(DatabaseReadiness) private readonly readiness: DatabaseReadiness,
  ) {}

  /** Answers 503 WALLET_NOT_CONFIGURED unless the wallet may act. */
  assertAvailable(): void {
    if (!this.available)
      throw new ServiceUnavailableException({
        statusCode: 503,
        code: 'WALLET_NOT_CONFIGURED',
        reason:
          'this wallet service has no HSM or no chain configured (WALLET_HSM_TOKEN_LABEL, WALLET_EVM_RPC_URL)',
      });
  }

  onApplicationBootstrap(): void {
    const chain = this.parts.chain;
    if (chain === undefined) {
      this.settle(false);
      return;
    }
    // not awaited at shutdown: with the database down the tables are never ready; the continuation checks `stopping`
    void this.readiness
      .prepare('wallet tables', () =>
        migrateWalletTables(this.pool, this.serviceConfig.databaseSchema),
      )
      .then(async () => {
        // the node must serve the configured chain: retried while it is unreachable; another chain stops the wallet
        let mismatch: Error | undefined;
        const reached = await retryUntilDone(
          async () => {
            try {
              await chain.verifyChainId();
            } catch (error) {
              if (!(error instanceof ChainIdMismatchError)) throw error;
              mismatch = error;
            }
          },
          this.stopping.signal,
          (error, attempt) =>
            this.warning.warn(
              { error: (error as Error).message, attempt },
              'wallet: chain node not reachable; retrying',
            ),
        );
        if (this.stopping.signal.aborted || !reached) return this.settle(false);
        if (mismatch !== undefined) {
          this.logger.error(
            { error: mismatch.message },
            'wallet: wrong chain; wallet commands answer 503 and nothing is signed',
          );
          return this.settle(false);
        }
        this.available = true;
        this.settle(true);
      })
      .catch((error: unknown) => {
        this.logger.error({ error: (error as Error).message }, 'wallet: start-up failed');
        this.settle(false);
      });
  }

  beforeApplicationShutdown(): void {
    this.stopping.abort();
    this.settle(false);
  }
}
