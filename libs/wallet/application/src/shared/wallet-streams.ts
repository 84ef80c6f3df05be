import {
  allowListDecider,
  depositDecider,
  rosterDecider,
  walletDecider,
  withdrawalDecider,
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

/** The folds the streams are loaded with: the domain's deciders (their event types listed once, there). */
export const WALLET_AGGREGATE: Fold<WalletState | undefined, WalletEvent> = walletDecider;
export const ROSTER_AGGREGATE: Fold<RosterState, RosterEvent> = rosterDecider;
export const WITHDRAWAL_AGGREGATE: Fold<WithdrawalState | undefined, WithdrawalEvent> =
  withdrawalDecider;
export const ALLOW_LIST_AGGREGATE: Fold<AllowListState, AllowListEvent> = allowListDecider;
export const DEPOSIT_AGGREGATE: Fold<DepositState | undefined, DepositEvent> = depositDecider;
