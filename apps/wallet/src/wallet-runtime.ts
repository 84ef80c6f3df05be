import { readFile } from 'node:fs/promises';
import {
  Inject,
  Injectable,
  ServiceUnavailableException,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { PostgresEventStore } from '@custody/event-store';
import type { MessageBus } from '@custody/messaging';
import type { Logger, ServiceMetrics } from '@custody/observability';
import {
  DATABASE_POOL,
  EMBEDDED_BUS,
  DatabaseReadiness,
  EVENT_STORE,
  BusIngestion,
  RateLimitedWarning,
  retryUntilDone,
  SERVICE_CONFIG,
  SERVICE_LOGGER,
  SERVICE_METRICS,
  type ServiceConfig,
} from '@custody/service-host';
import {
  applyWalletMessages,
  ChainIdMismatchError,
  DevelopmentKeyVault,
  EvmChainAdapter,
  LogTransferAlertNotifier,
  PolicyServiceWithdrawalPolicy,
  migrateWalletTables,
  Pkcs11KeyVault,
  WALLET_CONSUMED_TOPICS,
  WalletProcessor,
  WalletService,
  WebhookTransferAlertNotifier,
  type KeyVault,
  type TransferAlertNotifier,
} from '@custody/wallet-application';
import type { Pool } from 'pg';
import { WALLET_CONFIG, type WalletConfig } from './wallet-config';

/** The consumer group of the wallet: exchange withdrawal requests and the ledger's holds. */
export const WALLET_CONSUMER_GROUP = 'wallet';

/**
 * The wallet service's moving parts, started once its tables are ready: the HSM session, the
 * chain adapter, the processor (chain watch and withdrawal steps, one round per interval, never
 * two at once) and, with KAFKA_BROKERS, the consumer of withdrawal requests and ledger holds.
 * Without an HSM or a chain configured the service still serves its API; commands that need
 * them answer 503 with a code.
 */
@Injectable()
export class WalletRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private wallet: WalletService | undefined;
  private vault: KeyVault | undefined;
  private processor: WalletProcessor | undefined;
  private ingestion: BusIngestion | undefined;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private readonly stopping = new AbortController();
  private readonly warning: RateLimitedWarning;

  constructor(
    @Inject(WALLET_CONFIG) private readonly config: WalletConfig,
    @Inject(SERVICE_CONFIG) private readonly serviceConfig: ServiceConfig,
    @Inject(EMBEDDED_BUS) private readonly embeddedBus: MessageBus | null,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_METRICS) private readonly metrics: ServiceMetrics,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    @Inject(DatabaseReadiness) private readonly readiness: DatabaseReadiness,
  ) {
    this.warning = new RateLimitedWarning(logger);
  }

  /** The wallet service, or 503 when the HSM or the chain is not configured. */
  service(): WalletService {
    if (this.wallet === undefined) {
      throw new ServiceUnavailableException({
        statusCode: 503,
        code: 'WALLET_NOT_CONFIGURED',
        reason:
          'this wallet service has no HSM or no chain configured (WALLET_HSM_TOKEN_LABEL, WALLET_EVM_RPC_URL)',
      });
    }
    return this.wallet;
  }

  onApplicationBootstrap(): void {
    const { hsm, developmentKeyDir, evm } = this.config;
    if ((hsm === undefined && developmentKeyDir === undefined) || evm === undefined) {
      this.logger.warn(
        { hsm: hsm !== undefined, chain: evm !== undefined },
        'wallet: no HSM or no chain configured; wallet commands answer 503',
      );
      return;
    }
    try {
      if (hsm !== undefined) this.vault = Pkcs11KeyVault.open(hsm);
      else {
        this.vault = DevelopmentKeyVault.open(developmentKeyDir as string);
        this.logger.warn(
          { chainId: evm.chainId },
          'wallet: DEVELOPMENT key vault (WALLET_DEV_KEY_DIR): keys are files, not in an HSM; for a local chain only',
        );
      }
    } catch (error) {
      this.logger.error(
        { error: (error as Error).message, code: (error as { code?: string }).code },
        'wallet: the HSM could not be opened; wallet commands answer 503',
      );
      return;
    }
    const notifier: TransferAlertNotifier =
      this.config.alertWebhookUrl === undefined
        ? new LogTransferAlertNotifier((fields, message) => this.logger.warn(fields, message))
        : new WebhookTransferAlertNotifier(this.config.alertWebhookUrl);
    const chain = new EvmChainAdapter(evm);
    const wallet = new WalletService({
      store: this.store,
      vault: this.vault,
      chains: [chain],
      custodyPolicy: { allowedJurisdictions: this.config.keyJurisdictions },
      thresholds: this.config.thresholds,
      addressCoolingOffMs: this.config.addressAdditions.addressCoolingOffMs,
      staffAddresses: this.config.addressAdditions.staffAddresses,
      notifier,
      ...(this.config.policy === undefined
        ? {}
        : { withdrawalPolicy: policyServiceClient(this.config.policy) }),
      onNotifyError: (error) =>
        this.warning.warn(
          { error: (error as Error).message },
          'wallet: a large-transfer alert was not delivered (it stays recorded as an event)',
        ),
    });
    const processor = new WalletProcessor(wallet, {
      scanStartBlock: this.config.scanStartBlock,
      onError: (error, context) =>
        this.warning.warn(
          { ...context, error: (error as Error).message },
          'wallet: a withdrawal step failed; retried next round',
        ),
    });
    const ingestion = new BusIngestion({
      embeddedBus: this.embeddedBus,
      config: this.serviceConfig,
      logger: this.logger,
      pool: this.pool,
      metrics: this.metrics,
      name: 'wallet consumer',
      groupId: WALLET_CONSUMER_GROUP,
      topics: WALLET_CONSUMED_TOPICS,
      apply: applyWalletMessages(wallet),
    });
    this.ingestion = ingestion;
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
        if (this.stopping.signal.aborted || !reached) return;
        if (mismatch !== undefined) {
          this.logger.error(
            { error: mismatch.message },
            'wallet: wrong chain; wallet commands answer 503 and nothing is signed',
          );
          return;
        }
        this.wallet = wallet;
        this.processor = processor;
        this.schedule(evm.chain);
        await ingestion.start();
      })
      .catch((error: unknown) =>
        this.logger.error({ error: (error as Error).message }, 'wallet: start-up failed'),
      );
  }

  private schedule(chain: string): void {
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.round = (this.processor?.runRound(chain) ?? Promise.resolve())
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
    this.stopping.abort();
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.ingestion?.stop(); // ends a start still retrying Kafka, then stops consuming
    await this.round; // the round in progress finishes (its steps are each one transaction)
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.vault?.close();
  }
}

/** The policy service as the wallet's withdrawal policy; the token file is read on every call (rotation). */
function policyServiceClient(policy: {
  readonly url: string;
  readonly tokenFile: string;
}): PolicyServiceWithdrawalPolicy {
  return new PolicyServiceWithdrawalPolicy({
    url: policy.url,
    token: async () => (await readFile(policy.tokenFile, 'utf8')).trim(),
  });
}
