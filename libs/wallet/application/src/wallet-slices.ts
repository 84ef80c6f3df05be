import {
  ADDRESS_COOLING_OFF_MS_DEFAULT,
  NO_TRANSFER_THRESHOLDS,
  type KeyCustodyPolicy,
  type TransferThresholds,
} from '@custody/wallet-domain';
import type { PostgresEventStore } from '@custody/event-store';
import { DecideAddressAddition, RemoveAllowListedAddress } from './allow-list/allow-list-decisions';
import { AllowListFacts, type StaffAddress } from './allow-list/allow-list-facts';
import { IssueOwnershipChallenge } from './allow-list/issue-challenge';
import { ProveOwnershipBySignature } from './allow-list/prove-by-signature';
import type { ChainAdapter } from './chain-adapter';
import { DepositFacts } from './deposits/deposit-facts';
import { ReviewDeposit } from './deposits/review-deposit';
import { RequestInternalTransfer } from './internal-transfers/request-internal-transfer';
import type { KeyVault } from './key-vault';
import {
  ConservativeWithdrawalPolicy,
  type TransferAlertNotifier,
  type WithdrawalPolicyPort,
} from './ports';
import {
  DecideKeyAccessChange,
  RegisterCustodian,
  RequestKeyAccessChange,
} from './roster/key-access';
import { TransferAlerts } from './shared/transfer-alerts';
import {
  chainsByName,
  walletContext,
  type Chains,
  type WalletContext,
} from './shared/wallet-context';
import { RegisterWallet } from './wallets/register-wallet';
import { RotateWalletKey } from './wallets/rotate-key';
import { WalletFacts } from './wallets/wallet-facts';
import { ProgressWithdrawal } from './withdrawals/progress-withdrawal';
import { RequestWithdrawal } from './withdrawals/request-withdrawal';
import { SourceWallets } from './withdrawals/source-wallet';
import { WithdrawalFacts } from './withdrawals/withdrawal-facts';

export interface WalletServiceOptions {
  readonly store: PostgresEventStore;
  readonly vault: KeyVault;
  readonly chains: readonly ChainAdapter[];
  readonly custodyPolicy: KeyCustodyPolicy;
  readonly thresholds?: TransferThresholds;
  readonly withdrawalPolicy?: WithdrawalPolicyPort;
  readonly notifier?: TransferAlertNotifier;
  /** A delivery of an alert failed (the alert stays recorded as an event). */
  readonly onNotifyError?: (error: unknown) => void;
  /** The service's clock: business time enters the domain on each command from here. */
  readonly now?: () => Date;
  readonly challengeTtlMs?: number;
  /** HK-11h: how long a newly listed address waits before the first withdrawal to it (default ADDRESS_COOLING_OFF_MS_DEFAULT). */
  readonly addressCoolingOffMs?: number;
  readonly microPaymentRangeMinor?: readonly [bigint, bigint];
  /** HK-11h: addresses staff declared as their own (the staff-address register); an addition of one waits for an approver who is not that person. */
  readonly staffAddresses?: readonly StaffAddress[];
}

/**
 * Every slice of the wallet service built from one set of options, for callers without a Nest
 * container (the end-to-end flows, tools); the wallet app wires the same slices as providers.
 */
export class WalletSlices {
  readonly context: WalletContext;
  readonly chains: Chains;
  readonly vault: KeyVault;
  readonly thresholds: TransferThresholds;
  readonly alerts: TransferAlerts;
  readonly addressCoolingOffMs: number;
  readonly walletFacts: WalletFacts;
  readonly allowListFacts: AllowListFacts;
  readonly withdrawalFacts: WithdrawalFacts;
  readonly depositFacts: DepositFacts;
  readonly sourceWallets: SourceWallets;
  readonly walletRegistration: RegisterWallet;
  readonly keyRotation: RotateWalletKey;
  readonly custodianRegistration: RegisterCustodian;
  readonly keyAccessRequests: RequestKeyAccessChange;
  readonly keyAccessDecisions: DecideKeyAccessChange;
  readonly ownershipChallenges: IssueOwnershipChallenge;
  readonly signatureProofs: ProveOwnershipBySignature;
  readonly additionDecisions: DecideAddressAddition;
  readonly addressRemovals: RemoveAllowListedAddress;
  readonly depositReviews: ReviewDeposit;
  readonly withdrawalRequests: RequestWithdrawal;
  readonly withdrawalProgress: ProgressWithdrawal;
  readonly internalTransfers: RequestInternalTransfer;

  constructor(options: WalletServiceOptions) {
    const context = walletContext(options.store, options.now);
    const chains = chainsByName(options.chains);
    const { vault, custodyPolicy } = options;
    const thresholds = options.thresholds ?? NO_TRANSFER_THRESHOLDS;
    const policy = options.withdrawalPolicy ?? new ConservativeWithdrawalPolicy();
    const alerts = new TransferAlerts(options.notifier, options.onNotifyError);
    const addressCoolingOffMs = options.addressCoolingOffMs ?? ADDRESS_COOLING_OFF_MS_DEFAULT;
    const wallets = new WalletFacts(context);
    const allowLists = new AllowListFacts(context, options.staffAddresses);
    const withdrawals = new WithdrawalFacts(context, wallets, allowLists);
    const sourceWallets = new SourceWallets(chains, wallets);
    this.context = context;
    this.chains = chains;
    this.vault = vault;
    this.thresholds = thresholds;
    this.alerts = alerts;
    this.addressCoolingOffMs = addressCoolingOffMs;
    this.walletFacts = wallets;
    this.allowListFacts = allowLists;
    this.withdrawalFacts = withdrawals;
    this.depositFacts = new DepositFacts(context);
    this.sourceWallets = sourceWallets;
    this.walletRegistration = new RegisterWallet({ context, vault, chains, custodyPolicy });
    this.keyRotation = new RotateWalletKey({ context, vault, chains, custodyPolicy });
    this.custodianRegistration = new RegisterCustodian(context);
    this.keyAccessRequests = new RequestKeyAccessChange(context, wallets);
    this.keyAccessDecisions = new DecideKeyAccessChange(context);
    this.ownershipChallenges = new IssueOwnershipChallenge({
      context,
      chains,
      wallets,
      challengeTtlMs: options.challengeTtlMs,
      microPaymentRangeMinor: options.microPaymentRangeMinor,
    });
    this.signatureProofs = new ProveOwnershipBySignature({
      context,
      allowLists,
      addressCoolingOffMs,
    });
    this.additionDecisions = new DecideAddressAddition(context, addressCoolingOffMs);
    this.addressRemovals = new RemoveAllowListedAddress(context);
    this.depositReviews = new ReviewDeposit({
      context,
      wallets,
      deposits: this.depositFacts,
      thresholds,
    });
    this.withdrawalRequests = new RequestWithdrawal({
      context,
      wallets,
      allowLists,
      withdrawals,
      sourceWallets,
      policy,
      thresholds,
      alerts,
    });
    this.withdrawalProgress = new ProgressWithdrawal(context, withdrawals);
    this.internalTransfers = new RequestInternalTransfer({
      context,
      wallets,
      policy,
      thresholds,
      alerts,
    });
  }
}
