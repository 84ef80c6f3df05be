import { Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  applyReconciliationMessages,
  DailyRuns,
  FiatMovementsProjection,
  RECONCILIATION_CONSUMED_TOPICS,
  WalletRecordsProjection,
} from '@custody/reconciliation-application';
import {
  inboxTransportProvider,
  InboxContext,
  MessageController,
  type InboxBatch,
  type InboxHandlerResult,
} from '@custody/service-host';
import { DeadlineChecks } from './host/deadline-checks';

export const RECONCILIATION_CONSUMER_GROUP = 'reconciliation';

/** The ledger's journals and the wallet's movements into the TW-13 and TW-14 runs' records. */
@MessageController()
export class ReconciliationMessagesController {
  private readonly apply: ReturnType<typeof applyReconciliationMessages>;

  constructor(
    @Inject(DailyRuns) dailyRuns: DailyRuns,
    @Inject(WalletRecordsProjection) walletRecords: WalletRecordsProjection,
    @Inject(FiatMovementsProjection) fiatMovements: FiatMovementsProjection,
  ) {
    this.apply = applyReconciliationMessages(dailyRuns, walletRecords, fiatMovements);
  }

  @EventPattern([...RECONCILIATION_CONSUMED_TOPICS])
  record(@Payload() batch: InboxBatch, @Ctx() context: InboxContext): InboxHandlerResult {
    return this.apply(batch, context.transaction);
  }
}

/** The reconciliation's inbox transport: consumes once its tables exist and its deadline checks run. */
export const RECONCILIATION_INBOX_TRANSPORT = inboxTransportProvider({
  name: 'reconciliation consumer',
  groupId: RECONCILIATION_CONSUMER_GROUP,
  inject: [DeadlineChecks],
  ready: (deadlineChecks: DeadlineChecks) => deadlineChecks.started,
});
