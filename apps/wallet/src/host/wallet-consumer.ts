import { Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  inboxTransportProvider,
  InboxContext,
  MessageController,
  type InboxBatch,
  type InboxHandlerResult,
} from '@custody/service-host';
import {
  applyWalletMessages,
  ProgressWithdrawal,
  RequestWithdrawal,
  SourceWallets,
  WALLET_CONSUMED_TOPICS,
  WithdrawalFacts,
} from '@custody/wallet-application';
import { WalletAvailability } from './wallet-availability';
import { WalletParts } from './wallet-parts';

/** The consumer group of the wallet: exchange withdrawal requests and the ledger's holds. */
export const WALLET_CONSUMER_GROUP = 'wallet';

/** The exchange's withdrawal requests and the ledger's holds, into the withdrawals' streams. */
@MessageController()
export class WalletMessagesController {
  private readonly apply: ReturnType<typeof applyWalletMessages>;

  constructor(
    @Inject(WithdrawalFacts) withdrawalFacts: WithdrawalFacts,
    @Inject(SourceWallets) sourceWallets: SourceWallets,
    @Inject(RequestWithdrawal) withdrawalRequests: RequestWithdrawal,
    @Inject(ProgressWithdrawal) withdrawalProgress: ProgressWithdrawal,
  ) {
    this.apply = applyWalletMessages({
      withdrawalFacts,
      sourceWallets,
      withdrawalRequests,
      withdrawalProgress,
    });
  }

  @EventPattern([...WALLET_CONSUMED_TOPICS])
  withdrawals(@Payload() batch: InboxBatch, @Ctx() context: InboxContext): InboxHandlerResult {
    return this.apply(batch, context.transaction);
  }
}

/**
 * The wallet's inbox transport, only for a configured wallet (its dead-letter series exist only
 * where it can consume), consuming once the wallet is available (never when it is not).
 */
export const WALLET_INBOX_TRANSPORT = inboxTransportProvider({
  name: 'wallet consumer',
  groupId: WALLET_CONSUMER_GROUP,
  inject: [WalletParts, WalletAvailability],
  ready: (parts: WalletParts, availability: WalletAvailability) =>
    parts.configured ? availability.whenAvailable : null,
});
