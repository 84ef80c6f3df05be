import {
  DEPOSIT_CONFIRMED_TYPE,
  EXCHANGE_TRADES_TOPIC,
  INTERNAL_TRANSFER_CONFIRMED_TYPE,
  NETWORK_FEE_PAID_TYPE,
  type InternalTransferConfirmedV1,
  type NetworkFeePaidV1,
  TRADE_EXECUTED_TYPE,
  WALLET_EVENTS_TOPIC,
  WITHDRAWAL_APPROVED_TYPE,
  WITHDRAWAL_CONFIRMED_TYPE,
  WITHDRAWAL_FAILED_TYPE,
  type DepositConfirmedV1,
  type TradeExecutedV1,
  type WithdrawalApprovedV1,
  type WithdrawalConfirmedV1,
  type WithdrawalFailedV1,
  WALLET_REGISTERED_TYPE,
  type WalletRegisteredV1,
} from '@custody/contracts';
import {
  refuseMovementWallets,
  type HouseCommand,
  type LedgerCommand,
  type NamedWallet,
  type RecogniseWallet,
} from '@custody/ledger-domain';
import type { CustodyWalletRegistry } from './custody-wallet-registry';
import type { HouseBooks } from './house-books';
import type { ApplyOutcome, ConsumedMessage, Rejection } from '@custody/messaging';
import type { PoolClient } from 'pg';
import type { LedgerCommandHandler } from './ledger-command-handler';

/**
 * Refusals whose cause is fixed without the sender asking again: the client onboarded since, the
 * wallet registered since. A re-driven message refused for one of them is booked once re-driven;
 * any other refusal (an overdraft, a trade id booked with other content) stays final.
 */
export const LEDGER_RETRYABLE_REFUSALS: ReadonlySet<string> = new Set([
  'CLIENT_UNKNOWN',
  'WALLET_UNKNOWN',
]);

/** What the ledger consumes: the exchange's trades and the wallet's confirmed movements. */
export const LEDGER_CONSUMED_TOPICS = [EXCHANGE_TRADES_TOPIC, WALLET_EVENTS_TOPIC] as const;

/**
 * The command a validated message asks for; undefined for a message the ledger does not act
 * on (another wallet event type, or a failure of a withdrawal that was never approved and so
 * never held). Business time is the message's own (trade or confirmation time), never the clock.
 */
export function ledgerCommandOf(message: ConsumedMessage): LedgerCommand | undefined {
  const value = message.value as unknown as { type: string };
  if (message.topic === EXCHANGE_TRADES_TOPIC && value.type === TRADE_EXECUTED_TYPE) {
    const { data } = message.value as unknown as TradeExecutedV1;
    return {
      type: 'SettleTrade',
      trade: {
        tradeId: data.tradeId,
        base: data.instrument.base,
        quote: data.instrument.quote,
        buyerClientId: data.buyerClientId,
        sellerClientId: data.sellerClientId,
        quantityMinor: BigInt(data.quantityMinor),
        price: data.price,
        quoteAmountMinor: BigInt(data.quoteAmountMinor),
        buyerFee: { asset: data.buyerFee.asset, amountMinor: BigInt(data.buyerFee.amountMinor) },
        sellerFee: { asset: data.sellerFee.asset, amountMinor: BigInt(data.sellerFee.amountMinor) },
      },
      metadata: { at: data.occurredAt },
    };
  }
  if (message.topic !== WALLET_EVENTS_TOPIC) return undefined;
  switch (value.type) {
    case DEPOSIT_CONFIRMED_TYPE: {
      const { data } = message.value as unknown as DepositConfirmedV1;
      return {
        type: 'BookDeposit',
        depositId: data.depositId,
        clientId: data.clientId,
        asset: data.asset,
        amountMinor: BigInt(data.amountMinor),
        walletId: data.walletId,
        metadata: { at: data.confirmedAt },
      };
    }
    case WITHDRAWAL_APPROVED_TYPE: {
      const { data } = message.value as unknown as WithdrawalApprovedV1;
      return {
        type: 'HoldWithdrawal',
        withdrawalId: data.withdrawalId,
        clientId: data.clientId,
        asset: data.asset,
        amountMinor: BigInt(data.amountMinor),
        walletId: data.walletId,
        destinationAllowListedForClientId: data.destinationAllowListedForClientId,
        metadata: { at: data.approvedAt },
      };
    }
    case WITHDRAWAL_CONFIRMED_TYPE: {
      const { data } = message.value as unknown as WithdrawalConfirmedV1;
      return {
        type: 'SettleWithdrawal',
        withdrawalId: data.withdrawalId,
        clientId: data.clientId,
        asset: data.asset,
        amountMinor: BigInt(data.amountMinor),
        walletId: data.walletId,
        networkFeeMinor: BigInt(data.networkFeeMinor),
        metadata: { at: data.confirmedAt },
      };
    }
    case WITHDRAWAL_FAILED_TYPE: {
      const { data } = message.value as unknown as WithdrawalFailedV1;
      if (data.reason === 'rejected') return undefined; // never approved: nothing was held
      return {
        type: 'ReleaseWithdrawal',
        withdrawalId: data.withdrawalId,
        clientId: data.clientId,
        reason: data.reason === 'cancelled' ? 'cancelled' : 'failed',
        metadata: { at: data.failedAt },
      };
    }
    default:
      return undefined;
  }
}

/**
 * The house-only journal a wallet message asks for: a transfer between two of our wallets, or a
 * network fee no client movement carried (the wallet reports a withdrawal's same-asset fee on its
 * WithdrawalConfirmed instead, booked with the settlement).
 */
export function houseCommandOf(message: ConsumedMessage): HouseCommand | undefined {
  if (message.topic !== WALLET_EVENTS_TOPIC) return undefined;
  if (message.value.type === INTERNAL_TRANSFER_CONFIRMED_TYPE) {
    const { data } = message.value as unknown as InternalTransferConfirmedV1;
    return {
      type: 'BookCustodyTransfer',
      transferId: data.withdrawalId,
      fromWalletId: data.sourceWalletId,
      toWalletId: data.destinationWalletId,
      asset: data.asset,
      amountMinor: BigInt(data.amountMinor),
      at: data.confirmedAt,
    };
  }
  if (message.value.type === NETWORK_FEE_PAID_TYPE) {
    const { data } = message.value as unknown as NetworkFeePaidV1;
    return {
      type: 'BookNetworkFee',
      feeId: `${data.reference}:${data.transactionHash}`,
      walletId: data.walletId,
      asset: data.feeAsset,
      amountMinor: BigInt(data.feeMinor),
      at: data.at,
    };
  }
  return undefined;
}

/** A domain path (`trade.tradeId`, `amountMinor`) as a path in the message (`data.tradeId`, `data.amountMinor`). */
function messagePath(domainPath: string): string {
  return `data.${domainPath.replace(/^trade\./, '')}`;
}

/** The wallets a command names, each with its path in the message (what the registry must know). */
function walletsNamed(command: LedgerCommand | HouseCommand): NamedWallet[] {
  switch (command.type) {
    case 'BookDeposit':
    case 'HoldWithdrawal':
    case 'SettleWithdrawal':
      return [{ path: 'data.walletId', walletId: command.walletId, clientAssets: true }];
    case 'BookNetworkFee':
      return [{ path: 'data.walletId', walletId: command.walletId }];
    case 'BookCustodyTransfer':
      return [
        { path: 'data.sourceWalletId', walletId: command.fromWalletId },
        { path: 'data.destinationWalletId', walletId: command.toWalletId },
      ];
    default:
      return [];
  }
}

/** The wallet a WalletRegistered message registers, as the ledger recognises it. */
function recognitionOf(message: ConsumedMessage): RecogniseWallet | undefined {
  if (message.topic !== WALLET_EVENTS_TOPIC || message.value.type !== WALLET_REGISTERED_TYPE)
    return undefined;
  const { data } = message.value as unknown as WalletRegisteredV1;
  return {
    type: 'RecogniseWallet',
    wallet: {
      walletId: data.walletId,
      ownerClass: data.ownerClass,
      tier: data.tier,
      chain: data.chain,
    },
    registeredAt: data.at,
    sourceEventId: message.messageId,
  };
}

/**
 * The inbox consumer's `apply` for the ledger: the batch's messages, in order, through the one
 * write path as one batch of commands inside the batch's transaction (one load, one append); a
 * refusal (unknown client, a trade id booked with other content, an overdraft) changes nothing
 * and is returned, to be parked as a dead letter. Wallet registrations are recognised first, and a
 * movement naming a wallet never registered with the ledger is refused (WALLET_UNKNOWN): whoever
 * could produce to the wallet's topic still cannot credit a client "from" a wallet of their own.
 */
export function applyLedgerMessages(
  handler: LedgerCommandHandler,
  house: HouseBooks = handler.house,
  registry: CustodyWalletRegistry = handler.wallets,
) {
  return async (
    messages: readonly ConsumedMessage[],
    client: PoolClient,
  ): Promise<ApplyOutcome> => {
    const rejected: Rejection[] = [];
    for (const message of messages) {
      const recognition = recognitionOf(message);
      if (recognition === undefined) continue;
      const result = await registry.recognise(recognition, { client });
      if (!result.ok)
        rejected.push({
          messageId: message.messageId,
          code: result.error.code,
          path: `data.${result.error.path.replace(/^wallet\./, '')}`,
          reason: result.error.reason,
        });
    }
    const ledgerCommands = messages.map((message) => ({
      message,
      command: ledgerCommandOf(message),
    }));
    const houseCommands = messages.map((message) => ({
      message,
      command: houseCommandOf(message),
    }));
    const named = [...ledgerCommands, ...houseCommands].flatMap(({ command }) =>
      command === undefined ? [] : walletsNamed(command).map((entry) => entry.walletId),
    );
    const wallets =
      named.length === 0 ? undefined : await registry.wallets([...new Set(named)], { client });
    /** A command naming an unknown wallet is refused here and never decided. */
    const admitted = <C extends LedgerCommand | HouseCommand>(
      entries: ReadonlyArray<{ message: ConsumedMessage; command: C | undefined }>,
    ): Array<{ messageId: string; command: C }> =>
      entries.flatMap(({ message, command }) => {
        if (command === undefined) return [];
        const refusal =
          wallets === undefined ? undefined : refuseMovementWallets(walletsNamed(command), wallets);
        if (refusal === undefined) return [{ messageId: message.messageId, command }];
        rejected.push({
          messageId: message.messageId,
          code: refusal.code,
          path: refusal.path,
          reason: refusal.reason,
        });
        return [];
      });
    const commands = admitted(ledgerCommands);
    const results = await handler.handleBatch(
      commands.map((entry) => entry.command),
      { client },
    );
    results.forEach((result, index) => {
      if (!result.ok)
        rejected.push({
          messageId: (commands[index] as { messageId: string }).messageId,
          code: result.error.code,
          path: messagePath(result.error.path),
          reason: result.error.reason,
        });
    });
    // the house's own journals (no client books involved), in the same transaction
    for (const { messageId, command } of admitted(houseCommands)) {
      const result = await house.book(command, { client });
      if (!result.ok)
        rejected.push({
          messageId,
          code: result.error.code,
          path: messagePath(result.error.path),
          reason: result.error.reason,
        });
    }
    return { rejected };
  };
}
