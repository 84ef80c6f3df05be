import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { PostgresEventStore } from '@custody/event-store';
import {
  createLedgerReadModelDataSource,
  LedgerReadModels,
  migrateLedgerReadModels,
} from '@custody/ledger-read-models';
import type { Logger, ServiceMetrics } from '@custody/observability';
import {
  DatabaseReadiness,
  EVENT_STORE,
  RateLimitedWarning,
  SERVICE_CONFIG,
  SERVICE_LOGGER,
  SERVICE_METRICS,
  type ServiceConfig,
} from '@custody/service-host';
import { Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import { LEDGER_ROLES, type LedgerRoles } from '../ledger-roles';
import { LEDGER_WRITE_SIDE_READY, type WriteSideReady } from '../ledger-tokens';
import { LedgerProjector } from './ledger-projector';

/**
 * The ledger's read side in the service: the snapshot table and the read-model migrations are
 * prepared once the event store's schema is (the service is not ready before), then the
 * projector tails the store. After each batch the books' invariant is checked (HK-6, per asset)
 * and exported: `custody_ledger_books_out_of_balance_assets` must stay 0.
 */
@Injectable()
export class LedgerReadModelHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly dataSource: DataSource;
  readonly readModels: LedgerReadModels;
  readonly projector: LedgerProjector;
  private readonly warning: RateLimitedWarning;
  private readonly outOfBalance: Gauge;
  private readonly projectedPosition: Gauge;
  private readonly checkedPosition: Gauge;
  private projecting = false;
  private stopping = false;
  private checking = false;
  /** A batch committed while a check ran: check once more when it ends, so the last batch is always covered. */
  private recheck = false;

  constructor(
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_METRICS) metrics: ServiceMetrics,
    @Inject(EVENT_STORE) store: PostgresEventStore,
    @Inject(DatabaseReadiness) private readonly readiness: DatabaseReadiness,
    @Inject(LEDGER_WRITE_SIDE_READY) private readonly writeSide: WriteSideReady,
    @Inject(LEDGER_ROLES) private readonly roles: LedgerRoles,
  ) {
    this.warning = new RateLimitedWarning(logger);
    this.dataSource = createLedgerReadModelDataSource({
      url: config.databaseUrl,
      schema: config.databaseSchema,
      applicationName: `${config.serviceName}-read-models`,
    });
    this.readModels = new LedgerReadModels(this.dataSource);
    this.outOfBalance = new Gauge({
      name: 'custody_ledger_books_out_of_balance_assets',
      help: 'Assets whose client liabilities + house balances differ from the custody assets recorded (HK-6); must be 0.',
      registers: [metrics.registry],
    });
    this.projectedPosition = new Gauge({
      name: 'custody_ledger_read_model_position',
      help: 'Last global position of the event store applied to the read models.',
      registers: [metrics.registry],
    });
    this.checkedPosition = new Gauge({
      name: 'custody_ledger_invariant_checked_position',
      help: 'Last global position the latest HK-6 check covered (the out-of-balance gauge says nothing about later events).',
      registers: [metrics.registry],
    });
    this.projector = new LedgerProjector(store, {
      onError: (error, attempt) =>
        this.warning.warn(
          { error: (error as Error).message, attempt },
          'ledger read models: batch failed; retrying it',
        ),
      onBatch: (position) => {
        this.projectedPosition.set(Number(position));
        void this.checkInvariants();
      },
    });
  }

  onApplicationBootstrap(): void {
    const readModels = this.readiness.prepare('ledger read models', () =>
      migrateLedgerReadModels(this.dataSource),
    );
    void Promise.all([this.writeSide.ready, readModels]).then(() => {
      if (this.stopping) return;
      if (!this.roles.readModels) {
        this.logger.info(
          'LEDGER_ROLES leaves out read-models: this process serves the read models but does not project them',
        );
        return;
      }
      this.projector.start();
      this.projecting = true;
      this.logger.info('ledger read models: projecting');
      void this.checkInvariants();
    });
  }

  /** After each committed batch; one check at a time, and one more after it if batches committed meanwhile. */
  async checkInvariants(): Promise<void> {
    if (this.checking) {
      this.recheck = true;
      return;
    }
    this.checking = true;
    this.recheck = false;
    try {
      const invariants = await this.readModels.invariants();
      const broken = invariants.filter((invariant) => !invariant.holds);
      this.outOfBalance.set(broken.length);
      this.checkedPosition.set(
        Number(
          invariants.reduce(
            (highest, invariant) =>
              BigInt(invariant.lastPosition) > highest ? BigInt(invariant.lastPosition) : highest,
            0n,
          ),
        ),
      );
      if (broken.length > 0) this.warning.warn({ broken }, 'HK-6: books out of balance');
    } catch (error) {
      this.warning.warn({ error: (error as Error).message }, 'ledger invariant check failed');
    } finally {
      this.checking = false;
    }
    if (this.recheck && !this.stopping) await this.checkInvariants();
  }

  async beforeApplicationShutdown(): Promise<void> {
    // never waits for a start that has not happened (a database unreachable since start-up)
    this.stopping = true;
    if (this.projecting) await this.projector.stop();
    if (this.dataSource.isInitialized) await this.dataSource.destroy().catch(() => undefined);
  }
}
