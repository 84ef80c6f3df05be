import {
  evolveAllowList,
  evolveDeposit,
  evolveRoster,
  evolveWallet,
  evolveWithdrawal,
  initialAllowListState,
  initialRosterState,
  type AllowListEvent,
  type AllowListState,
  type DepositEvent,
  type DepositState,
  type RosterEvent,
  type RosterState,
  type WalletEvent,
  type WalletState,
  type WithdrawalEvent,
  type WithdrawalState,
} from '@custody/wallet-domain';
import type { Fold } from './event-sourced';

/** Stream ids of the wallet service's store (schema `wallet`); the Kafka key of each event. */
export const walletStreamId = (walletId: string) => `wallet-${walletId}`;
export const ROSTER_STREAM_ID = 'wallet-custodian-roster';
export const withdrawalStreamId = (withdrawalId: string) => `wallet-withdrawal-${withdrawalId}`;
export const allowListStreamId = (clientId: string) => `wallet-allowlist-${clientId}`;
export const depositStreamId = (depositId: string) => `wallet-deposit-${depositId}`;

export const WALLET_AGGREGATE: Fold<WalletState | undefined, WalletEvent> = {
  initialState: undefined,
  eventTypes: new Set(['WalletRegistered', 'KeyRotationRequested', 'WalletKeyRotated']),
  evolve: evolveWallet,
};

export const ROSTER_AGGREGATE: Fold<RosterState, RosterEvent> = {
  initialState: initialRosterState,
  eventTypes: new Set([
    'CustodianRegistered',
    'KeyAccessChangeRequested',
    'KeyAccessChangeApproved',
    'KeyAccessChangeRejected',
    'KeyAccessGranted',
    'KeyAccessRevoked',
  ]),
  evolve: evolveRoster,
};

export const WITHDRAWAL_AGGREGATE: Fold<WithdrawalState | undefined, WithdrawalEvent> = {
  initialState: undefined,
  eventTypes: new Set([
    'WithdrawalRequested',
    'SigningPayloadPrepared',
    'SigningApproved',
    'SigningQuorumReached',
    'WithdrawalApproved',
    'WithdrawalHoldConfirmed',
    'KeySigningStarted',
    'WithdrawalSigned',
    'KeyUsed',
    'WithdrawalBroadcast',
    'NetworkFeePaid',
    'WithdrawalConfirmed',
    'InternalTransferConfirmed',
    'InternalTransferFailed',
    'WithdrawalCancelled',
    'WithdrawalFailed',
    'LargeTransferAlerted',
  ]),
  evolve: evolveWithdrawal,
};

export const ALLOW_LIST_AGGREGATE: Fold<AllowListState, AllowListEvent> = {
  initialState: initialAllowListState,
  eventTypes: new Set([
    'OwnershipChallengeIssued',
    'AddressOwnershipProven',
    'AddressChallengeIssued',
    'AddressProofRecorded',
    'AddressAllowListed',
    'AddressAdditionRejected',
    'AddressRemovedFromAllowList',
  ]),
  evolve: evolveAllowList,
};

export const DEPOSIT_AGGREGATE: Fold<DepositState | undefined, DepositEvent> = {
  initialState: undefined,
  eventTypes: new Set([
    'DepositObserved',
    'DepositFlaggedForReview',
    'DepositAttributed',
    'DepositAttributionProposed',
    'DepositAttributionDecided',
    'DepositConfirmed',
    'LargeTransferAlerted',
  ]),
  evolve: evolveDeposit,
};
