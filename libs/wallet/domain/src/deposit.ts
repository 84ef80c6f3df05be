import { largeTransferAlert, type LargeTransferAlertedEvent, type TransferThresholds } from './transfer-monitoring';
import type { WalletState } from './wallet';
import { accept, canonical, refuse, type WalletDecision } from './wallet-errors';

/** A transfer into one of our wallets, as the chain adapter saw it. */
export interface ObservedTransfer {
  readonly depositId: string;
  readonly walletId: string;
  readonly chain: string;
  readonly asset: string;
  readonly amountMinor: bigint;
  readonly fromAddress: string;
  readonly toAddress: string;
  readonly transactionHash: string;
  readonly blockNumber: bigint;
}

export type DepositReviewReason = 'source-not-allow-listed' | 'source-on-several-allow-lists' | 'wallet-not-client-segregated';

export interface DepositState {
  readonly transfer: ObservedTransfer;
  /** Whose deposit it is (null: flagged for review, credited to nobody). */
  readonly clientId: string | null;
  readonly confirmed: boolean;
  /** Why it was flagged (null: it was not). */
  readonly reviewReason: DepositReviewReason | null;
}

export type DepositEvent =
  | { readonly type: 'DepositObserved'; readonly data: ObservedTransfer & { readonly clientId: string | null; readonly at: string } }
  | { readonly type: 'DepositFlaggedForReview'; readonly data: { readonly depositId: string; readonly reason: DepositReviewReason; readonly candidates: readonly string[]; readonly at: string } }
  /** A flagged deposit's sender was proven since to be exactly one client's address (HK-11h): it is theirs from now on. */
  | { readonly type: 'DepositAttributed'; readonly data: { readonly depositId: string; readonly clientId: string; readonly at: string } }
  /** custody.wallet.events.v1 DepositConfirmed v1 (exactly its fields): the ledger credits the client. */
  | {
      readonly type: 'DepositConfirmed';
      readonly data: {
        readonly depositId: string;
        readonly clientId: string;
        readonly asset: string;
        readonly amountMinor: bigint;
        readonly walletId: string;
        readonly chain: string;
        readonly transactionHash: string;
        readonly confirmations: number;
        readonly confirmedAt: string;
      };
    }
  | LargeTransferAlertedEvent;

export type DepositCommand =
  | {
      readonly type: 'ObserveDeposit';
      readonly transfer: ObservedTransfer;
      /** Clients whose proven allow-list holds the sender (HK-11h). */
      readonly senderAllowListedFor: readonly string[];
      readonly at: string;
    }
  | { readonly type: 'ConfirmDeposit'; readonly depositId: string; readonly confirmations: number; readonly at: string }
  | { readonly type: 'ReattributeDeposit'; readonly depositId: string; readonly senderAllowListedFor: readonly string[]; readonly at: string };

export interface DepositFacts {
  readonly wallet: WalletState;
  readonly thresholds: TransferThresholds;
}

/**
 * HK-11h: a deposit into a client-segregated wallet belongs to the one client whose proven
 * allow-list holds the sender; from anyone else (or several) it is flagged for review and
 * credited to nobody. It is credited (DepositConfirmed, with the confirmation time the TW-13
 * cut-off uses) once it has the wallet's confirmations.
 */
export function decideDeposit(command: DepositCommand, state: DepositState | undefined, facts: DepositFacts): WalletDecision<DepositEvent> {
  switch (command.type) {
    case 'ObserveDeposit': {
      const { transfer, senderAllowListedFor, at } = command;
      if (state !== undefined) {
        return canonical(state.transfer) === canonical(transfer) ? accept() : refuse('DEPOSIT_ID_CONFLICT', 'transfer.depositId', `deposit ${transfer.depositId} was observed with other content`);
      }
      const candidates = [...new Set(senderAllowListedFor)].sort();
      const segregated = facts.wallet.registration.ownerClass === 'client-segregated';
      const clientId = segregated && candidates.length === 1 ? (candidates[0] ?? null) : null;
      const events: DepositEvent[] = [{ type: 'DepositObserved', data: { ...transfer, clientId, at } }];
      if (clientId === null) {
        const reason: DepositReviewReason = !segregated ? 'wallet-not-client-segregated' : candidates.length === 0 ? 'source-not-allow-listed' : 'source-on-several-allow-lists';
        events.push({ type: 'DepositFlaggedForReview', data: { depositId: transfer.depositId, reason, candidates, at } });
      }
      const alert = largeTransferAlert({ kind: 'deposit', movementId: transfer.depositId, clientId, walletId: transfer.walletId, asset: transfer.asset, amountMinor: transfer.amountMinor }, facts.thresholds, at);
      if (alert !== undefined) events.push(alert);
      return accept(...events);
    }
    case 'ReattributeDeposit': {
      if (state === undefined) return refuse('DEPOSIT_UNKNOWN', 'depositId', `no deposit ${command.depositId}`);
      const candidates = [...new Set(command.senderAllowListedFor)];
      const segregated = facts.wallet.registration.ownerClass === 'client-segregated';
      // only an unknown sender that has since been proven: a sender on several lists is a dispute for people, not for the machine
      if (state.clientId !== null || state.reviewReason !== 'source-not-allow-listed' || !segregated || candidates.length !== 1 || candidates[0] === undefined) return accept();
      return accept({ type: 'DepositAttributed', data: { depositId: command.depositId, clientId: candidates[0], at: command.at } });
    }
    case 'ConfirmDeposit': {
      if (state === undefined) return refuse('DEPOSIT_UNKNOWN', 'depositId', `no deposit ${command.depositId}`);
      if (state.confirmed || state.clientId === null || command.confirmations < facts.wallet.confirmationsRequired) return accept();
      const { transfer } = state;
      return accept({
        type: 'DepositConfirmed',
        data: { depositId: transfer.depositId, clientId: state.clientId, asset: transfer.asset, amountMinor: transfer.amountMinor, walletId: transfer.walletId, chain: transfer.chain, transactionHash: transfer.transactionHash, confirmations: command.confirmations, confirmedAt: command.at },
      });
    }
  }
}

export function evolveDeposit(state: DepositState | undefined, event: DepositEvent): DepositState | undefined {
  switch (event.type) {
    case 'DepositObserved': {
      const { clientId, at: _at, ...transfer } = event.data;
      return { transfer, clientId, confirmed: false, reviewReason: null };
    }
    case 'DepositConfirmed':
      if (state === undefined) throw new Error('assertion: a confirmation of an unobserved deposit');
      return { ...state, confirmed: true };
    case 'DepositAttributed':
      if (state === undefined) throw new Error('assertion: an attribution of an unobserved deposit');
      return { ...state, clientId: event.data.clientId };
    case 'DepositFlaggedForReview':
      return state === undefined ? state : { ...state, reviewReason: event.data.reason };
    case 'LargeTransferAlerted':
      return state;
  }
}
