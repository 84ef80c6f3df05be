import type { Provider } from '@nestjs/common';
import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import type { PostgresEventStore } from '@custody/event-store';
import type { Logger } from '@custody/observability';
import {
  DailyRuns,
  DecideTrustAccount,
  DecideTrustStatement,
  Discrepancies,
  FiatMovementsProjection,
  FiatTrustFacts,
  FiatTrustQuery,
  ImportTrustStatement,
  reconciliationContext,
  ReconciliationRunFacts,
  ReconciliationRunsQuery,
  RequestTrustAccount,
  RunFiatTrust,
  RunReconciliation,
  WalletRecordsProjection,
  type DiscrepancyNotifier,
  type ReconciliationContext,
} from '@custody/reconciliation-application';
import {
  EVENT_STORE,
  JsonWebhook,
  RateLimitedWarning,
  SERVICE_LOGGER,
  slice,
} from '@custody/service-host';
import { RECONCILIATION_CONFIG, type ReconciliationConfig } from '../reconciliation-config';
import { ReconciliationChains } from './reconciliation-chains';

/** The reconciliation's event store, its streams, its business calendar and the service's clock. */
export const RECONCILIATION_CONTEXT = Symbol('custody.reconciliation.context');
/** The one rate-limited warning channel of the reconciliation (an undelivered notification, a failed deadline check). */
export const RECONCILIATION_WARNING = Symbol('custody.reconciliation.warning');
/** Where discrepancy notifications go: logged, and POSTed to RECON_NOTIFY_WEBHOOK_URL when set. */
export const DISCREPANCY_NOTIFIER = Symbol('custody.reconciliation.discrepancy-notifier');

/** What the slices share: the context, the warning channel, the notifier. */
const SHARED: Provider[] = [
  {
    provide: RECONCILIATION_CONTEXT,
    inject: [EVENT_STORE, RECONCILIATION_CONFIG],
    useFactory: (store: PostgresEventStore, config: ReconciliationConfig) =>
      reconciliationContext(store, config.calendar),
  },
  {
    provide: RECONCILIATION_WARNING,
    inject: [SERVICE_LOGGER],
    useFactory: (logger: Logger) => new RateLimitedWarning(logger),
  },
  {
    provide: DISCREPANCY_NOTIFIER,
    inject: [RECONCILIATION_CONFIG, SERVICE_LOGGER],
    useFactory: (config: ReconciliationConfig, logger: Logger): DiscrepancyNotifier => {
      const webhook =
        config.notifyWebhookUrl === undefined
          ? undefined
          : new JsonWebhook(config.notifyWebhookUrl);
      return {
        notify: async (event) => {
          logger.warn(
            { type: event.type, discrepancyId: event.data.discrepancyId },
            `reconciliation: ${event.type} ${event.data.discrepancyId}`,
          );
          await webhook?.post(event);
        },
      };
    },
  },
  ReconciliationChains,
];

/** TW-13 daily balance runs, and the discrepancies every run opens, finds persisting or confirms gone. */
const DAILY_RUNS_AND_DISCREPANCIES: Provider[] = [
  slice(
    DailyRuns,
    [EVENT_STORE, RECONCILIATION_CONFIG],
    (store: PostgresEventStore, config: ReconciliationConfig) =>
      new DailyRuns(store, config.calendar, config.minimumUnits),
  ),
  slice(
    Discrepancies,
    [EVENT_STORE, RECONCILIATION_CONFIG, DISCREPANCY_NOTIFIER, RECONCILIATION_WARNING],
    (
      store: PostgresEventStore,
      config: ReconciliationConfig,
      notifier: DiscrepancyNotifier,
      warning: RateLimitedWarning,
    ) =>
      new Discrepancies({
        store,
        calendar: config.calendar,
        notifier,
        explainWithinMs: config.explainWithinMs,
        onNotifyError: (error) =>
          warning.warn(
            { error: (error as Error).message },
            'reconciliation: a discrepancy notification was not delivered (it stays recorded as an event)',
          ),
      }),
  ),
];

/** TW-14 / HK-21 runs against the wallet's records and the chain. */
const RECONCILIATION_RUNS: Provider[] = [
  slice(
    WalletRecordsProjection,
    [RECONCILIATION_CONTEXT],
    (context: ReconciliationContext) => new WalletRecordsProjection(context.schema),
  ),
  slice(
    ReconciliationRunFacts,
    [RECONCILIATION_CONTEXT],
    (context: ReconciliationContext) => new ReconciliationRunFacts(context),
  ),
  slice(
    ReconciliationRunsQuery,
    [RECONCILIATION_CONTEXT],
    (context: ReconciliationContext) => new ReconciliationRunsQuery(context),
  ),
  slice(
    RunReconciliation,
    [
      RECONCILIATION_CONTEXT,
      ReconciliationRunFacts,
      DailyRuns,
      ReconciliationChains,
      Discrepancies,
    ],
    (
      context: ReconciliationContext,
      facts: ReconciliationRunFacts,
      dailyRuns: DailyRuns,
      chains: ReconciliationChains,
      discrepancies: Discrepancies,
    ) =>
      new RunReconciliation({
        context,
        facts,
        dailyRuns,
        chains: chains.readers,
        registry: Object.keys(DEFAULT_ASSET_REGISTRY),
        discrepancies,
      }),
  ),
];

/** TW-10 / TW-11 client fiat in trust: trust accounts and statements by maker-checker, the runs. */
const FIAT_TRUST: Provider[] = [
  slice(
    FiatMovementsProjection,
    [RECONCILIATION_CONTEXT],
    (context: ReconciliationContext) => new FiatMovementsProjection(context.schema),
  ),
  slice(
    FiatTrustFacts,
    [RECONCILIATION_CONTEXT],
    (context: ReconciliationContext) => new FiatTrustFacts(context),
  ),
  slice(
    FiatTrustQuery,
    [RECONCILIATION_CONTEXT],
    (context: ReconciliationContext) => new FiatTrustQuery(context),
  ),
  slice(
    RequestTrustAccount,
    [RECONCILIATION_CONTEXT],
    (context: ReconciliationContext) => new RequestTrustAccount(context),
  ),
  slice(
    DecideTrustAccount,
    [RECONCILIATION_CONTEXT],
    (context: ReconciliationContext) => new DecideTrustAccount(context),
  ),
  slice(
    ImportTrustStatement,
    [RECONCILIATION_CONTEXT],
    (context: ReconciliationContext) => new ImportTrustStatement(context),
  ),
  slice(
    DecideTrustStatement,
    [RECONCILIATION_CONTEXT],
    (context: ReconciliationContext) => new DecideTrustStatement(context),
  ),
  slice(
    RunFiatTrust,
    [RECONCILIATION_CONTEXT, FiatTrustFacts, Discrepancies],
    (context: ReconciliationContext, facts: FiatTrustFacts, discrepancies: Discrepancies) =>
      new RunFiatTrust(context, facts, discrepancies),
  ),
];

/** Handlers, facts loaders, queries and projections of every reconciliation slice, each built from what it needs. */
export const RECONCILIATION_SLICE_PROVIDERS: Provider[] = [
  ...SHARED,
  ...DAILY_RUNS_AND_DISCREPANCIES,
  ...RECONCILIATION_RUNS,
  ...FIAT_TRUST,
];
