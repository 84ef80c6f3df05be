import type { TransferThresholds, WalletError } from '@custody/wallet-domain';
import type { AllowListFacts } from './allow-list/allow-list-facts';
import { RecordMicroPaymentProofs } from './allow-list/record-micro-payment-proofs';
import type { ChainAdapter } from './chain-adapter';
import { ConfirmDeposits } from './deposits/confirm-deposits';
import { ObserveDeposits } from './deposits/observe-deposits';
import type { KeyVault } from './key-vault';
import { ifFree, processorLockName } from './shared/advisory-locks';
import type { TransferAlerts } from './shared/transfer-alerts';
import type { Chains, WalletContext } from './shared/wallet-context';
import type { WalletFacts } from './wallets/wallet-facts';
import { AdvanceWithdrawals } from './withdrawals/advance-withdrawals';
import type { ProgressWithdrawal } from './withdrawals/progress-withdrawal';
import { TransactionNumbers } from './withdrawals/transaction-numbers';
import type { WithdrawalFacts } from './withdrawals/withdrawal-facts';

export interface ProcessorReport {
  readonly scannedTo: bigint | undefined;
  readonly depositsObserved: number;
  /** Flagged deposits attributed this round, their sender having been proven since. */
  readonly depositsAttributed: number;
  readonly depositsConfirmed: number;
  readonly withdrawalsAdvanced: number;
  /** Withdrawals that could not move now, with why (waiting for approvals or the hold is normal). */
  readonly waiting: readonly { readonly withdrawalId: string; readonly error: WalletError }[];
}

export interface WalletProcessorOptions {
  /** First block to scan on a chain with no cursor yet (a deployment sets it to the height it went live). */
  readonly scanStartBlock?: bigint;
  /** A withdrawal step failed on the chain or the HSM (retried next round). */
  readonly onError?: (error: unknown, context: Record<string, unknown>) => void;
}

/** What the chain- and HSM-driven steps of the deposit, allow-list and withdrawal slices are built from. */
export interface WalletProcessorParts {
  readonly context: WalletContext;
  readonly chains: Chains;
  readonly vault: KeyVault;
  readonly thresholds: TransferThresholds;
  readonly alerts: TransferAlerts;
  readonly addressCoolingOffMs: number;
  readonly walletFacts: WalletFacts;
  readonly allowListFacts: AllowListFacts;
  readonly withdrawalFacts: WithdrawalFacts;
  readonly withdrawalProgress: ProgressWithdrawal;
}

/**
 * The wallet's work that the chain and the HSM drive, one round at a time (a host calls
 * `runRound` on an interval): scan each chain from its cursor for transfers into our addresses
 * (micro-payment proofs first, then deposits, the cursor moving in the same transaction), count
 * confirmations of open deposits, and move each open withdrawal one step: prepare its
 * transaction for review, sign it in the HSM once the quorum and the ledger's hold allow,
 * broadcast it, and settle it when the chain has confirmed it.
 */
export class WalletProcessor {
  private readonly observeDeposits: ObserveDeposits;
  private readonly confirmDeposits: ConfirmDeposits;
  private readonly advanceWithdrawals: AdvanceWithdrawals;

  constructor(
    private readonly parts: WalletProcessorParts,
    options: WalletProcessorOptions = {},
  ) {
    const { context, walletFacts: wallets, allowListFacts: allowLists, thresholds } = parts;
    const microPaymentProofs = new RecordMicroPaymentProofs(
      context,
      allowLists,
      parts.addressCoolingOffMs,
    );
    this.observeDeposits = new ObserveDeposits({
      context,
      wallets,
      allowLists,
      microPaymentProofs,
      alerts: parts.alerts,
      thresholds,
      ...(options.scanStartBlock === undefined ? {} : { scanStartBlock: options.scanStartBlock }),
    });
    const onError = options.onError === undefined ? {} : { onError: options.onError };
    this.confirmDeposits = new ConfirmDeposits({
      context,
      wallets,
      allowLists,
      thresholds,
      ...onError,
    });
    this.advanceWithdrawals = new AdvanceWithdrawals({
      context,
      vault: parts.vault,
      withdrawals: parts.withdrawalFacts,
      progress: parts.withdrawalProgress,
      transactionNumbers: new TransactionNumbers(context, parts.withdrawalFacts),
      ...onError,
    });
  }

  /**
   * One round on one chain, or `undefined` when another process (a second replica) is running
   * one on that chain: rounds of a chain are serialised by a PostgreSQL session lock, so a
   * withdrawal is never prepared or signed by two processors at once (a second signature would
   * be a use of the key the record does not show).
   */
  async runRound(chainName: string): Promise<ProcessorReport | undefined> {
    const chain = this.parts.chains.get(chainName);
    if (chain === undefined) throw new Error(`assertion: no chain adapter for ${chainName}`);
    const { store, schema } = this.parts.context;
    return ifFree(store.pool, processorLockName(schema, chain.chain), () => this.round(chain));
  }

  private async round(chain: ChainAdapter): Promise<ProcessorReport> {
    const head = await chain.head();
    const scan = await this.observeDeposits.scan(chain, head);
    const depositsAttributed = await this.confirmDeposits.reattribute(chain);
    const depositsConfirmed = await this.confirmDeposits.confirm(chain, head);
    const { advanced, waiting } = await this.advanceWithdrawals.round(chain, head);
    return {
      scannedTo: scan.scannedTo,
      depositsObserved: scan.observed,
      depositsAttributed,
      depositsConfirmed,
      withdrawalsAdvanced: advanced,
      waiting,
    };
  }
}
