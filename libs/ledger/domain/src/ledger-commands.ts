import type { ClientDebitReason } from './client-debit-guard';

/** Time and ids enter on the command: the domain never reads a clock or draws an id itself. */
export interface CommandMetadata {
  /** Business time, ISO 8601 UTC. */
  readonly at: string;
}

export interface FeeLeg {
  readonly asset: string;
  readonly amountMinor: bigint;
}

/** exchange.trades.v1 TradeExecuted, decoded: authoritative, settles in ONE journal. */
export interface TradeExecution {
  readonly tradeId: string;
  readonly base: string;
  readonly quote: string;
  readonly buyerClientId: string;
  readonly sellerClientId: string;
  readonly quantityMinor: bigint;
  /** Quote units per one base display unit, exact decimal text. */
  readonly price: string;
  readonly quoteAmountMinor: bigint;
  readonly buyerFee: FeeLeg;
  readonly sellerFee: FeeLeg;
}

export type LedgerCommand =
  | {
      readonly type: 'OnboardClient';
      readonly clientId: string;
      readonly metadata: CommandMetadata;
    }
  | {
      readonly type: 'SettleTrade';
      readonly trade: TradeExecution;
      readonly metadata: CommandMetadata;
    }
  | {
      readonly type: 'BookDeposit';
      readonly depositId: string;
      readonly clientId: string;
      readonly asset: string;
      readonly amountMinor: bigint;
      /** The client-segregated wallet that received it. */
      readonly walletId: string;
      readonly metadata: CommandMetadata;
    }
  | {
      /** The withdrawal was approved: its amount is held (a pending debit) until it settles. */
      readonly type: 'HoldWithdrawal';
      readonly withdrawalId: string;
      readonly clientId: string;
      readonly asset: string;
      readonly amountMinor: bigint;
      readonly walletId: string;
      /** Whose allow-list holds the destination address (HK-7: it must be the client's own). */
      readonly destinationAllowListedForClientId: string | null;
      readonly metadata: CommandMetadata;
    }
  | {
      /** Confirmed on chain: the hold posts; the network fee is the house's expense. */
      readonly type: 'SettleWithdrawal';
      readonly withdrawalId: string;
      /** Whose withdrawal it is (routes the command to the client's books). */
      readonly clientId: string;
      /** What the chain confirmed: must be what was held (asset, amount, sending wallet). */
      readonly asset: string;
      readonly amountMinor: bigint;
      readonly walletId: string;
      readonly networkFeeMinor: bigint;
      readonly metadata: CommandMetadata;
    }
  | {
      readonly type: 'ReleaseWithdrawal';
      readonly withdrawalId: string;
      readonly clientId: string;
      readonly reason: 'failed' | 'cancelled';
      readonly metadata: CommandMetadata;
    }
  | {
      /** Maker: a compensating entry between a client account and house inventory. */
      readonly type: 'RequestAdjustment';
      readonly adjustmentId: string;
      readonly requestedBy: string;
      readonly clientId: string;
      readonly asset: string;
      readonly direction: 'credit' | 'debit';
      readonly amountMinor: bigint;
      readonly debitReason: ClientDebitReason | null;
      readonly note: string;
      readonly metadata: CommandMetadata;
    }
  | {
      /** Checker: a different authenticated person, within the approval window (`metadata.at` is now). */
      readonly type: 'ApproveAdjustment';
      readonly adjustmentId: string;
      readonly clientId: string;
      readonly approvedBy: string;
      /** How long a request may wait for approval (configuration; `ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT`). */
      readonly approvalWindowMs: number;
      readonly metadata: CommandMetadata;
    }
  | {
      /** Checker: a different authenticated person turns the request down, saying why. */
      readonly type: 'RejectAdjustment';
      readonly adjustmentId: string;
      readonly clientId: string;
      readonly rejectedBy: string;
      readonly reason: string;
      readonly metadata: CommandMetadata;
    }
  | {
      /** A request past its approval window is closed as expired, so the books show it (anyone may ask; it moves nothing). */
      readonly type: 'ExpireAdjustment';
      readonly adjustmentId: string;
      readonly clientId: string;
      readonly approvalWindowMs: number;
      readonly metadata: CommandMetadata;
    };

/** The clients whose books a command reads and writes. */
export function commandClients(command: LedgerCommand): string[] {
  switch (command.type) {
    case 'SettleTrade':
      return [command.trade.buyerClientId, command.trade.sellerClientId];
    case 'OnboardClient':
    case 'BookDeposit':
    case 'HoldWithdrawal':
    case 'SettleWithdrawal':
    case 'ReleaseWithdrawal':
    case 'RequestAdjustment':
    case 'ApproveAdjustment':
    case 'RejectAdjustment':
    case 'ExpireAdjustment':
      return [command.clientId];
    default: {
      const unreachable: never = command;
      throw new Error(`assertion: unknown command ${JSON.stringify(unreachable)}`);
    }
  }
}
