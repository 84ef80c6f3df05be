import { EXCHANGE_TRADES_TOPIC, WALLET_EVENTS_TOPIC } from '@custody/contracts';
import {
  refuseMovementWallets,
  type HouseCommand,
  type LedgerCommand,
} from '@custody/ledger-domain';
import type { ApplyOutcome, ConsumedMessage, Rejection } from '@custody/messaging';
import type { PoolClient } from 'pg';
import type { CustodyWalletRegistry } from './custody-wallets/custody-wallet-registry';
import { recognitionOf, walletsNamed } from './custody-wallets/wallet-messages';
import { custodyMovementOf } from './custody-movements/custody-messages';
import type { HouseBooks } from './house-movements/house-books';
import { houseCommandOf } from './house-movements/house-messages';
import type { LedgerCommandHandler } from './ledger-command-handler';
import { settleTradeOf } from './trades/trade-messages';

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
 * The command on a client's books a validated message asks for: a trade (trades/) or a movement
 * in or out of custody (custody-movements/); undefined for a message the ledger does not act on.
 */
export function ledgerCommandOf(message: ConsumedMessage): LedgerCommand | undefined {
  return settleTradeOf(message) ?? custodyMovementOf(message);
}

/** A domain path (`trade.tradeId`, `amountMinor`) as a path in the message (`data.tradeId`, `data.amountMinor`). */
function messagePath(domainPath: string): string {
  return `data.${domainPath.replace(/^trade\./, '')}`;
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
