import {
  decideRequestInternalTransfer,
  type TransferThresholds,
  type WithdrawalEvent,
  type WithdrawalState,
} from '@custody/wallet-domain';
import type { WithdrawalPolicyPort } from '../ports';
import type { Executed } from '../shared/event-sourced';
import { keptInStep } from '../shared/lookup-table';
import type { TransferAlerts } from '../shared/transfer-alerts';
import { instantOf, type Refusal, type WalletContext } from '../shared/wallet-context';
import { WITHDRAWAL_AGGREGATE, withdrawalStreamId } from '../shared/wallet-streams';
import type { WalletFacts } from '../wallets/wallet-facts';
import { WITHDRAWAL_QUEUE_TABLE } from '../withdrawals/withdrawal-queue.table';

export interface InternalTransferInput {
  readonly transferId: string;
  readonly sourceWalletId: string;
  readonly destinationWalletId: string;
  readonly asset: string;
  readonly amountMinor: bigint;
}

export interface RequestInternalTransferDependencies {
  readonly context: WalletContext;
  readonly wallets: WalletFacts;
  readonly policy: WithdrawalPolicyPort;
  readonly thresholds: TransferThresholds;
  readonly alerts: TransferAlerts;
}

/**
 * TW-15.4: a transfer between two of our wallets (cold-to-hot, hot-to-cold), through the source
 * wallet's quorum; from then on it moves as a withdrawal does (its own stream, the same steps).
 */
export class RequestInternalTransfer {
  constructor(private readonly dependencies: RequestInternalTransferDependencies) {}

  async execute(
    input: InternalTransferInput,
    actor: string,
  ): Promise<Executed<WithdrawalState | undefined, WithdrawalEvent> | Refusal> {
    const { context, wallets, policy: policyPort, thresholds, alerts } = this.dependencies;
    const at = instantOf(context);
    const [source, destination] = [
      await wallets.wallet(input.sourceWalletId),
      await wallets.wallet(input.destinationWalletId),
    ];
    const request = {
      withdrawalId: input.transferId,
      requestId: input.transferId,
      clientId: null,
      asset: input.asset,
      amountMinor: input.amountMinor,
      walletId: input.sourceWalletId,
      destinationAddress: destination?.registration.address ?? '',
      destinationWalletId: input.destinationWalletId,
      requestedBy: actor,
    };
    const policy =
      source === undefined || destination === undefined
        ? { allowed: false, quorumRequired: 0, reason: 'no wallet', policyVersion: 'none' }
        : await policyPort.decideInternal(request, source, destination);
    const command = { type: 'RequestInternalTransfer' as const, ...request, at };
    const executed = await context.streams.execute(
      withdrawalStreamId(input.transferId),
      WITHDRAWAL_AGGREGATE,
      (state) =>
        decideRequestInternalTransfer(command, state, { source, destination, policy, thresholds }),
      { actor },
      { afterAppend: keptInStep(WITHDRAWAL_QUEUE_TABLE, context.schema) },
    );
    if (executed.ok) await alerts.deliver(executed.events);
    return executed;
  }
}
