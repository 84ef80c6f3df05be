import { Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EXCHANGE_TRADES_TOPIC, WALLET_EVENTS_TOPIC } from '@custody/contracts';
import {
  applyLedgerMessages,
  LEDGER_RETRYABLE_REFUSALS,
  type LedgerCommandHandler,
} from '@custody/ledger-application';
import type { Logger } from '@custody/observability';
import {
  inboxTransportProvider,
  InboxContext,
  MessageController,
  SERVICE_LOGGER,
  type InboxBatch,
  type InboxHandlerResult,
} from '@custody/service-host';
import { LEDGER_ROLES, type LedgerRoles } from '../ledger-roles';
import {
  LEDGER_COMMAND_HANDLER,
  LEDGER_WRITE_SIDE_READY,
  type WriteSideReady,
} from '../ledger-tokens';

/** The consumer group of the ledger's books: one per deployment, members are the replicas. */
export const LEDGER_CONSUMER_GROUP = 'ledger-books';

/**
 * The exchange's trades and the wallet's movements into the books: each batch (one topic's)
 * is applied in the inbox's transaction, so its effects are exactly-once; refusals are parked
 * in custody.deadletter.v1.
 */
@MessageController()
export class LedgerMessagesController {
  private readonly apply: ReturnType<typeof applyLedgerMessages>;

  constructor(@Inject(LEDGER_COMMAND_HANDLER) handler: LedgerCommandHandler) {
    this.apply = applyLedgerMessages(handler);
  }

  /** A trade settles both sides' balances and fees (SettleTrade). */
  @EventPattern(EXCHANGE_TRADES_TOPIC)
  trades(@Payload() batch: InboxBatch, @Ctx() context: InboxContext): InboxHandlerResult {
    return this.apply(batch, context.transaction);
  }

  /** Confirmed deposits (a client's, or a house wallet's to house inventory), withdrawal holds and their outcomes, internal transfers, fees. */
  @EventPattern(WALLET_EVENTS_TOPIC)
  walletMovements(@Payload() batch: InboxBatch, @Ctx() context: InboxContext): InboxHandlerResult {
    return this.apply(batch, context.transaction);
  }
}

/**
 * The ledger's inbox transport (Kafka with KAFKA_BROKERS, or the runner's bus), consuming from
 * the moment the event store's schema is ready; none when LEDGER_ROLES leaves out ingest.
 */
export const LEDGER_INBOX_TRANSPORT = inboxTransportProvider({
  name: 'ledger ingestion',
  groupId: LEDGER_CONSUMER_GROUP,
  retryableRefusals: LEDGER_RETRYABLE_REFUSALS,
  inject: [LEDGER_WRITE_SIDE_READY, LEDGER_ROLES, SERVICE_LOGGER],
  ready: (writeSide: WriteSideReady, roles: LedgerRoles, logger: Logger) => {
    if (roles.ingest) return writeSide.ready;
    logger.info(
      'LEDGER_ROLES leaves out ingest: this process does not consume trades or wallet movements',
    );
    return null;
  },
});
