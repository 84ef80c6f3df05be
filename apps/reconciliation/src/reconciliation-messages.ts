import { Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  applyReconciliationMessages,
  RECONCILIATION_CONSUMED_TOPICS,
} from '@custody/reconciliation-application';
import {
  inboxTransportProvider,
  InboxContext,
  MessageController,
  type InboxBatch,
  type InboxHandlerResult,
} from '@custody/service-host';
import { ReconciliationRuntime } from './reconciliation-runtime';

export const RECONCILIATION_CONSUMER_GROUP = 'reconciliation';

/** The ledger's journals and the wallet's movements into the TW-13 and TW-14 runs' records. */
@MessageController()
export class ReconciliationMessagesController {
  private readonly apply: ReturnType<typeof applyReconciliationMessages>;

  constructor(@Inject(ReconciliationRuntime) runtime: ReconciliationRuntime) {
    this.apply = applyReconciliationMessages(runtime.runs, runtime.reconciliations, runtime.fiat);
  }

  @EventPattern([...RECONCILIATION_CONSUMED_TOPICS])
  record(@Payload() batch: InboxBatch, @Ctx() context: InboxContext): InboxHandlerResult {
    return this.apply(batch, context.transaction);
  }
}

/** The reconciliation's inbox transport: consumes once its tables exist and its schedule runs. */
export const RECONCILIATION_INBOX_TRANSPORT = inboxTransportProvider({
  name: 'reconciliation consumer',
  groupId: RECONCILIATION_CONSUMER_GROUP,
  inject: [ReconciliationRuntime],
  ready: (runtime: ReconciliationRuntime) => runtime.started,
});
