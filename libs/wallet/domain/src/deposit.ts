import { eventTypesOf, unhandled, type Decider } from '@custody/decider';
import type { DepositConfirmedData, HouseDepositConfirmedData } from './published-events';
import {
  largeTransferAlert,
  type LargeTransferAlertedEvent,
  type TransferThresholds,
} from './transfer-monitoring';
import type { WalletState } from './wallet';
import { accept, canonical, refuse, type WalletDecision, type WalletError } from './wallet-errors';

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

/**
 * Why a client-segregated wallet's deposit waits for people. 'wallet-not-client-segregated' is
 * history only: deposits into house wallets were flagged with it before issue 25; they are the
 * house's own since, never flagged.
 */
export type DepositReviewReason =
  'source-not-allow-listed' | 'source-on-several-allow-lists' | 'wallet-not-client-segregated';

export interface DepositState {
  readonly transfer: ObservedTransfer;
  /** Into a house wallet: the institution's own, no client's (BC-1..BC-4 weigh it). */
  readonly house: boolean;
  /** Whose deposit it is (null: the house's, or flagged for review and credited to nobody). */
  readonly clientId: string | null;
  readonly confirmed: boolean;
  /** Why it was flagged (null: it was not). */
  readonly reviewReason: DepositReviewReason | null;
  /** Clients whose proven lists held the sender when it was flagged. */
  readonly candidates: readonly string[];
  /** A proposed attribution of a flagged deposit, waiting for a second person. */
  readonly proposal: {
    readonly clientId: string;
    readonly proposedBy: string;
    readonly reason: string;
  } | null;
}

export type DepositEvent =
  | {
      readonly type: 'DepositObserved';
      readonly data: ObservedTransfer & {
        readonly clientId: string | null;
        /** Present (true) for a deposit into a house wallet; absent for a client wallet's. */
        readonly house?: true;
        readonly at: string;
      };
    }
  | {
      readonly type: 'DepositFlaggedForReview';
      readonly data: {
        readonly depositId: string;
        readonly reason: DepositReviewReason;
        readonly candidates: readonly string[];
        readonly at: string;
      };
    }
  /** A flagged deposit's sender was proven since to be exactly one client's address (HK-11h), or reviewers attributed it: it is theirs from now on. */
  | {
      readonly type: 'DepositAttributed';
      readonly data: { readonly depositId: string; readonly clientId: string; readonly at: string };
    }
  | {
      readonly type: 'DepositAttributionProposed';
      readonly data: {
        readonly depositId: string;
        readonly clientId: string;
        readonly proposedBy: string;
        readonly reason: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'DepositAttributionDecided';
      readonly data: {
        readonly depositId: string;
        readonly clientId: string;
        readonly decision: 'approve' | 'reject';
        readonly decidedBy: string;
        readonly reason: string;
        readonly at: string;
      };
    }
  | { readonly type: 'DepositConfirmed'; readonly data: DepositConfirmedData }
  /** A house wallet's deposit with the wallet's confirmations: the institution's own (HouseDepositConfirmed v1). */
  | { readonly type: 'HouseDepositConfirmed'; readonly data: HouseDepositConfirmedData }
  | LargeTransferAlertedEvent;

export type DepositCommand =
  | {
      readonly type: 'ObserveDeposit';
      readonly transfer: ObservedTransfer;
      /** Clients whose proven allow-list holds the sender (HK-11h). */
      readonly senderAllowListedFor: readonly string[];
      readonly at: string;
    }
  | {
      readonly type: 'ConfirmDeposit';
      readonly depositId: string;
      readonly confirmations: number;
      readonly at: string;
    }
  | {
      readonly type: 'ReattributeDeposit';
      readonly depositId: string;
      readonly senderAllowListedFor: readonly string[];
      readonly at: string;
    }
  /** A reviewer proposes whose a deposit is, when its sender is on several clients' proven lists. */
  | {
      readonly type: 'ProposeDepositAttribution';
      readonly depositId: string;
      readonly clientId: string;
      readonly reason: string;
      readonly proposedBy: string;
      readonly at: string;
    }
  | {
      readonly type: 'DecideDepositAttribution';
      readonly depositId: string;
      readonly decision: 'approve' | 'reject';
      readonly reason: string;
      readonly decidedBy: string;
      readonly at: string;
    };

export interface DepositFacts {
  readonly wallet: WalletState;
  readonly thresholds: TransferThresholds;
}

/**
 * HK-11h: a deposit into a client-segregated wallet belongs to the one client whose proven
 * allow-list holds the sender; from anyone else (or several) it is flagged for review and
 * credited to nobody. It is credited (DepositConfirmed, with the confirmation time the TW-13
 * cut-off uses) once it has the wallet's confirmations. A deposit into a house wallet is the
 * institution's own, whoever sent it: never a client's, never flagged, and confirmed with the
 * wallet's confirmations as HouseDepositConfirmed (BC-1..BC-4 weigh it; the ledger books it to
 * house inventory).
 */
export function decideDeposit(
  command: DepositCommand,
  state: DepositState | undefined,
  facts: DepositFacts,
): WalletDecision<DepositEvent> {
  switch (command.type) {
    case 'ObserveDeposit': {
      const { transfer, senderAllowListedFor, at } = command;
      if (state !== undefined) {
        return canonical(state.transfer) === canonical(transfer)
          ? accept()
          : refuse(
              'DEPOSIT_ID_CONFLICT',
              'transfer.depositId',
              `deposit ${transfer.depositId} was observed with other content`,
            );
      }
      const candidates = [...new Set(senderAllowListedFor)].sort();
      const house = facts.wallet.registration.ownerClass === 'house';
      const clientId = !house && candidates.length === 1 ? (candidates[0] ?? null) : null;
      const events: DepositEvent[] = [
        {
          type: 'DepositObserved',
          data: house ? { ...transfer, clientId, house, at } : { ...transfer, clientId, at },
        },
      ];
      if (!house && clientId === null) {
        const reason: DepositReviewReason =
          candidates.length === 0 ? 'source-not-allow-listed' : 'source-on-several-allow-lists';
        events.push({
          type: 'DepositFlaggedForReview',
          data: { depositId: transfer.depositId, reason, candidates, at },
        });
      }
      const alert = largeTransferAlert(
        {
          kind: 'deposit',
          movementId: transfer.depositId,
          clientId,
          walletId: transfer.walletId,
          asset: transfer.asset,
          amountMinor: transfer.amountMinor,
        },
        facts.thresholds,
        at,
      );
      if (alert !== undefined) events.push(alert);
      return accept(...events);
    }
    case 'ReattributeDeposit': {
      if (state === undefined)
        return refuse('DEPOSIT_UNKNOWN', 'depositId', `no deposit ${command.depositId}`);
      const candidates = [...new Set(command.senderAllowListedFor)];
      const segregated = facts.wallet.registration.ownerClass === 'client-segregated';
      const clientId = candidates.length === 1 ? candidates[0] : undefined;
      // only an unknown sender that has since been proven: a sender on several lists is a dispute for people, not for the machine
      if (
        state.clientId !== null ||
        state.reviewReason !== 'source-not-allow-listed' ||
        !segregated ||
        clientId === undefined
      )
        return accept();
      return accept({
        type: 'DepositAttributed',
        data: { depositId: command.depositId, clientId, at: command.at },
      });
    }
    case 'ProposeDepositAttribution': {
      if (state === undefined)
        return refuse('DEPOSIT_UNKNOWN', 'depositId', `no deposit ${command.depositId}`);
      if (state.clientId !== null || state.reviewReason !== 'source-on-several-allow-lists')
        return refuse(
          'DEPOSIT_NOT_UNDER_REVIEW',
          'depositId',
          "only a deposit whose sender is on several clients' lists is attributed by reviewers",
        );
      if (state.proposal !== null)
        return refuse(
          'DEPOSIT_ATTRIBUTION_PENDING',
          'depositId',
          `${state.proposal.proposedBy} proposed ${state.proposal.clientId} already`,
        );
      // HK-11h: only to a client whose proven list holds the sender
      if (!state.candidates.includes(command.clientId))
        return refuse(
          'ALLOWLIST_ADDRESS_NOT_LISTED',
          'clientId',
          `${state.transfer.fromAddress} is not on ${command.clientId}'s proven list`,
        );
      if (command.reason.trim() === '')
        return refuse('REASON_REQUIRED', 'reason', 'an attribution states the evidence');
      const { depositId, clientId, reason, proposedBy, at } = command;
      return accept({
        type: 'DepositAttributionProposed',
        data: { depositId, clientId, proposedBy, reason, at },
      });
    }
    case 'DecideDepositAttribution': {
      if (state === undefined)
        return refuse('DEPOSIT_UNKNOWN', 'depositId', `no deposit ${command.depositId}`);
      const proposal = state.proposal;
      if (proposal === null)
        return refuse('DEPOSIT_NOT_UNDER_REVIEW', 'depositId', 'no attribution is proposed');
      if (command.decidedBy === proposal.proposedBy)
        return refuse(
          'MAKER_CHECKER_SAME_PERSON',
          'decidedBy',
          `${command.decidedBy} proposed it; a different person decides`,
        );
      if (command.reason.trim() === '')
        return refuse('REASON_REQUIRED', 'reason', 'a decision states why');
      const { depositId, decision, reason, decidedBy, at } = command;
      const decided: DepositEvent = {
        type: 'DepositAttributionDecided',
        data: { depositId, clientId: proposal.clientId, decision, decidedBy, reason, at },
      };
      return decision === 'approve'
        ? accept<DepositEvent>(decided, {
            type: 'DepositAttributed',
            data: { depositId, clientId: proposal.clientId, at },
          })
        : accept<DepositEvent>(decided);
    }
    case 'ConfirmDeposit': {
      if (state === undefined)
        return refuse('DEPOSIT_UNKNOWN', 'depositId', `no deposit ${command.depositId}`);
      if (state.confirmed || command.confirmations < facts.wallet.confirmationsRequired)
        return accept();
      const { transfer } = state;
      if (state.house)
        return accept({
          type: 'HouseDepositConfirmed',
          data: {
            depositId: transfer.depositId,
            walletId: transfer.walletId,
            asset: transfer.asset,
            amountMinor: transfer.amountMinor,
            chain: transfer.chain,
            transactionHash: transfer.transactionHash,
            confirmations: command.confirmations,
            confirmedAt: command.at,
          },
        });
      if (state.clientId === null) return accept();
      return accept({
        type: 'DepositConfirmed',
        data: {
          depositId: transfer.depositId,
          clientId: state.clientId,
          asset: transfer.asset,
          amountMinor: transfer.amountMinor,
          walletId: transfer.walletId,
          chain: transfer.chain,
          transactionHash: transfer.transactionHash,
          confirmations: command.confirmations,
          confirmedAt: command.at,
        },
      });
    }
    default:
      return unhandled(command);
  }
}

export function evolveDeposit(
  state: DepositState | undefined,
  event: DepositEvent,
): DepositState | undefined {
  switch (event.type) {
    case 'DepositObserved': {
      const { clientId, house, at: _at, ...transfer } = event.data;
      return {
        transfer,
        house: house === true,
        clientId,
        confirmed: false,
        reviewReason: null,
        candidates: [],
        proposal: null,
      };
    }
    case 'DepositConfirmed':
    case 'HouseDepositConfirmed':
      if (state === undefined)
        throw new Error('assertion: a confirmation of an unobserved deposit');
      return { ...state, confirmed: true };
    case 'DepositAttributed':
      if (state === undefined)
        throw new Error('assertion: an attribution of an unobserved deposit');
      return { ...state, clientId: event.data.clientId };
    case 'DepositFlaggedForReview':
      return state === undefined
        ? state
        : { ...state, reviewReason: event.data.reason, candidates: event.data.candidates };
    case 'DepositAttributionProposed':
      return state === undefined
        ? state
        : {
            ...state,
            proposal: {
              clientId: event.data.clientId,
              proposedBy: event.data.proposedBy,
              reason: event.data.reason,
            },
          };
    case 'DepositAttributionDecided':
      return state === undefined ? state : { ...state, proposal: null };
    case 'LargeTransferAlerted':
      return state;
    default:
      return unhandled(event);
  }
}

/**
 * A deposit's stream (`wallet-deposit-<depositId>`): observed, attributed or reviewed, confirmed
 * (a client's or, into a house wallet, the house's).
 */
export const depositDecider: Decider<
  DepositCommand,
  DepositEvent,
  DepositState | undefined,
  WalletError,
  DepositFacts
> = {
  initialState: undefined,
  eventTypes: eventTypesOf<DepositEvent>({
    DepositObserved: true,
    DepositFlaggedForReview: true,
    DepositAttributed: true,
    DepositAttributionProposed: true,
    DepositAttributionDecided: true,
    DepositConfirmed: true,
    HouseDepositConfirmed: true,
    LargeTransferAlerted: true,
  }),
  decide: decideDeposit,
  evolve: evolveDeposit,
};
