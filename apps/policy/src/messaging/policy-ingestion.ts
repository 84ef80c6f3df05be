import { Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  applyPolicyMessages,
  ComplianceEvaluation,
  FactsRecorder,
  POLICY_CONSUMED_TOPICS,
  WithdrawalReservations,
} from '@custody/policy-application';
import {
  inboxTransportProvider,
  InboxContext,
  MessageController,
  type InboxBatch,
  type InboxHandlerResult,
} from '@custody/service-host';
import { PolicyTables } from '../policy-tables';

export const POLICY_CONSUMER_GROUP = 'policy';

/**
 * The wallet's movements, the ledger's journals and the exchange's prices, into the facts the
 * rules are evaluated on (with their history), the withdrawal reservations and the evaluation.
 */
@MessageController()
export class PolicyMessagesController {
  private readonly apply: ReturnType<typeof applyPolicyMessages>;

  constructor(
    @Inject(FactsRecorder) facts: FactsRecorder,
    @Inject(WithdrawalReservations) reservations: WithdrawalReservations,
    @Inject(ComplianceEvaluation) evaluation: ComplianceEvaluation,
  ) {
    this.apply = applyPolicyMessages({ facts, reservations, evaluation });
  }

  @EventPattern([...POLICY_CONSUMED_TOPICS])
  facts(@Payload() batch: InboxBatch, @Ctx() context: InboxContext): InboxHandlerResult {
    return this.apply(batch, context.transaction);
  }
}

/** The policy's inbox transport: consumes once the policy tables exist. */
export const POLICY_INBOX_TRANSPORT = inboxTransportProvider({
  name: 'policy consumer',
  groupId: POLICY_CONSUMER_GROUP,
  inject: [PolicyTables],
  ready: (tables: PolicyTables) => tables.prepared,
});
