import type { PostgresEventStore, Transaction } from '@custody/event-store';
import type { AdditionChannel, Custodian, WithdrawalState } from '@custody/wallet-domain';
import type { ChallengeRequest } from './allow-list/issue-challenge';
import type { ChainAdapter } from './chain-adapter';
import type { InternalTransferInput } from './internal-transfers/request-internal-transfer';
import type { KeyAccessChange } from './roster/key-access';
import { loadRoster } from './roster/roster-facts';
import { migrateWalletTables } from './wallet-tables';
import { WalletSlices } from './wallet-slices';
import type { WalletRegistrationInput } from './wallets/register-wallet';
import type { KeyRotationChange } from './wallets/rotate-key';
import type { WithdrawalInput } from './withdrawals/request-withdrawal';

/**
 * The wallet's slices under the command names of one service, for the end-to-end flows in
 * tools/e2e (which drive the wallet without its HTTP host). Each method is one slice's handler;
 * the wallet app injects the slices themselves.
 */
export class WalletService extends WalletSlices {
  get store(): PostgresEventStore {
    return this.context.store;
  }

  /** The event store's schema, then the lookup tables. Idempotent. */
  async migrate(): Promise<void> {
    await this.context.store.migrate();
    await migrateWalletTables(this.context.store.pool, this.context.schema);
  }

  chain(chain: string): ChainAdapter | undefined {
    return this.chains.get(chain);
  }

  registerWallet(input: WalletRegistrationInput, actor: string) {
    return this.walletRegistration.execute(input, actor);
  }

  requestKeyRotation(walletId: string, change: KeyRotationChange, actor: string) {
    return this.keyRotation.request(walletId, change, actor);
  }

  approveKeyRotation(walletId: string, requestId: string, actor: string) {
    return this.keyRotation.approve(walletId, requestId, actor);
  }

  wallet(walletId: string, transaction?: Transaction) {
    return this.walletFacts.wallet(walletId, transaction);
  }

  walletIds(chain?: string, transaction?: Transaction) {
    return this.walletFacts.walletIds(chain, transaction);
  }

  roster(transaction?: Transaction) {
    return loadRoster(this.context, transaction);
  }

  registerCustodian(custodian: Custodian, actor: string) {
    return this.custodianRegistration.execute(custodian, actor);
  }

  requestKeyAccessChange(change: KeyAccessChange, actor: string) {
    return this.keyAccessRequests.execute(change, actor);
  }

  decideKeyAccessChange(
    changeId: string,
    decision: 'approve' | 'reject',
    reason: string,
    actor: string,
  ) {
    return this.keyAccessDecisions.execute(changeId, decision, reason, actor);
  }

  allowList(clientId: string, transaction?: Transaction) {
    return this.allowListFacts.allowList(clientId, transaction);
  }

  clientsListing(chain: string, address: string, transaction?: Transaction) {
    return this.allowListFacts.clientsListing(chain, address, transaction);
  }

  issueOwnershipChallenge(request: ChallengeRequest, actor: string) {
    return this.ownershipChallenges.execute(request, actor);
  }

  proveOwnershipBySignature(
    clientId: string,
    challengeId: string,
    signature: string,
    actor: string,
    channel: AdditionChannel,
  ) {
    return this.signatureProofs.execute(clientId, challengeId, signature, actor, channel);
  }

  decideAddressAddition(
    clientId: string,
    challengeId: string,
    decision: 'approve' | 'reject',
    reason: string,
    actor: string,
  ) {
    return this.additionDecisions.execute(clientId, challengeId, decision, reason, actor);
  }

  removeAllowListedAddress(
    clientId: string,
    chain: string,
    address: string,
    reason: string,
    actor: string,
  ) {
    return this.addressRemovals.execute(clientId, chain, address, reason, actor);
  }

  deposit(depositId: string) {
    return this.depositFacts.deposit(depositId);
  }

  flaggedDeposits(limit: number) {
    return this.depositFacts.flaggedDeposits(limit);
  }

  proposeDepositAttribution(depositId: string, clientId: string, reason: string, actor: string) {
    return this.depositReviews.propose(depositId, clientId, reason, actor);
  }

  decideDepositAttribution(
    depositId: string,
    decision: 'approve' | 'reject',
    reason: string,
    actor: string,
  ) {
    return this.depositReviews.decide(depositId, decision, reason, actor);
  }

  withdrawal(withdrawalId: string, transaction?: Transaction) {
    return this.withdrawalFacts.withdrawal(withdrawalId, transaction);
  }

  openWithdrawals(status: WithdrawalState['status'] | undefined, limit: number) {
    return this.withdrawalFacts.openWithdrawals(status, limit);
  }

  requestWithdrawal(input: WithdrawalInput, actor: string, transaction?: Transaction) {
    return this.withdrawalRequests.execute(input, actor, transaction);
  }

  approveSigning(withdrawalId: string, payloadHash: string, custodianId: string) {
    return this.withdrawalProgress.approveSigning(withdrawalId, payloadHash, custodianId);
  }

  cancelWithdrawal(withdrawalId: string, reason: string, actor: string) {
    return this.withdrawalProgress.cancel(withdrawalId, reason, actor);
  }

  requestInternalTransfer(input: InternalTransferInput, actor: string) {
    return this.internalTransfers.execute(input, actor);
  }
}
