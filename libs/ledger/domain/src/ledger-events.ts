import type { ClientDebitReason } from './client-debit-guard';
import type { JournalEntry } from './journal';

/**
 * What the ledger records. Each event carries its business time (`at`, from the command);
 * journals carry their source (trade, deposit, withdrawal, adjustment) and reference, so each
 * client's statement names why every movement happened (HK-21).
 */
export type JournalKind =
  'trade' | 'deposit' | 'withdrawal' | 'adjustment' | 'custody-transfer' | 'network-fee';

export type LedgerEvent =
  | {
      readonly type: 'ClientOnboarded';
      readonly data: { readonly clientId: string; readonly at: string };
    }
  | {
      readonly type: 'JournalPosted';
      readonly data: {
        readonly journalId: string;
        readonly kind: JournalKind;
        /** The trade, deposit, withdrawal or adjustment id. */
        readonly sourceReference: string;
        /** Canonical content of the source: the same id with other content is a conflict. */
        readonly fingerprint: string;
        readonly entries: readonly JournalEntry[];
        readonly at: string;
      };
    }
  | {
      readonly type: 'ClientBalanceWentNegative';
      /** Posted balance and available balance (posted minus held) after the journal; available < 0. */
      readonly data: {
        readonly clientId: string;
        readonly asset: string;
        readonly balanceMinor: bigint;
        readonly availableMinor: bigint;
        readonly journalId: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'WithdrawalHoldPlaced';
      readonly data: {
        readonly withdrawalId: string;
        readonly clientId: string;
        readonly asset: string;
        readonly amountMinor: bigint;
        readonly walletId: string;
        readonly fingerprint: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'WithdrawalHoldReleased';
      readonly data: {
        readonly withdrawalId: string;
        readonly reason: 'failed' | 'cancelled';
        readonly at: string;
      };
    }
  | {
      readonly type: 'AdjustmentRequested';
      readonly data: {
        readonly adjustmentId: string;
        readonly requestedBy: string;
        readonly clientId: string;
        readonly asset: string;
        readonly direction: 'credit' | 'debit';
        readonly amountMinor: bigint;
        /** HK-7: why the client is debited (required for a debit). */
        readonly debitReason: ClientDebitReason | null;
        readonly note: string;
        readonly fingerprint: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'AdjustmentApproved';
      readonly data: {
        readonly adjustmentId: string;
        readonly approvedBy: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'AdjustmentRejected';
      readonly data: {
        readonly adjustmentId: string;
        readonly rejectedBy: string;
        readonly reason: string;
        readonly at: string;
      };
    }
  /** Not approved within its window: it can no longer be approved (`expiresAt`: the end of the window). */
  | {
      readonly type: 'AdjustmentExpired';
      readonly data: {
        readonly adjustmentId: string;
        readonly expiresAt: string;
        readonly at: string;
      };
    };

export type LedgerEventType = LedgerEvent['type'];
