import type { LargeTransferAlertedEvent, WalletState, WithdrawalPolicyDecision, WithdrawalRequest } from '@custody/wallet-domain';

/**
 * The policy service's answer for a withdrawal. Until that service exists, the conservative
 * default: allowed (the allow-list and the ledger's balance are checked elsewhere), with the
 * wallet's full quorum, whatever the amount.
 */
export interface WithdrawalPolicyPort {
  decide(request: WithdrawalRequest, wallet: WalletState): Promise<WithdrawalPolicyDecision>;
  /** TW-15.4: the policy for a cold-to-hot or hot-to-cold (or same-tier) transfer between our wallets. */
  decideInternal(request: WithdrawalRequest, source: WalletState, destination: WalletState): Promise<WithdrawalPolicyDecision>;
}

export const CONSERVATIVE_POLICY_VERSION = 'conservative-default-1';

export class ConservativeWithdrawalPolicy implements WithdrawalPolicyPort {
  decide(_request: WithdrawalRequest, wallet: WalletState): Promise<WithdrawalPolicyDecision> {
    return Promise.resolve({ allowed: true, quorumRequired: wallet.quorum.required, reason: 'no policy service yet: the wallet quorum applies to every withdrawal', policyVersion: CONSERVATIVE_POLICY_VERSION });
  }

  decideInternal(_request: WithdrawalRequest, source: WalletState, destination: WalletState): Promise<WithdrawalPolicyDecision> {
    // the stricter of the two wallets' quorums: moving into a cold wallet is as guarded as moving out of it
    return Promise.resolve({ allowed: true, quorumRequired: Math.max(source.quorum.required, destination.quorum.required), reason: 'no policy service yet: the larger wallet quorum applies', policyVersion: CONSERVATIVE_POLICY_VERSION });
  }
}

export type LargeTransferAlert = LargeTransferAlertedEvent['data'];

/** Delivers TW-15.3 alerts to the people named by role. The alert is an event first: delivery failing loses nothing recorded. */
export interface TransferAlertNotifier {
  notify(alert: LargeTransferAlert): Promise<void>;
}

export class LogTransferAlertNotifier implements TransferAlertNotifier {
  constructor(private readonly log: (fields: Record<string, unknown>, message: string) => void) {}

  notify(alert: LargeTransferAlert): Promise<void> {
    this.log({ ...alert, amountMinor: alert.amountMinor.toString(), thresholdMinor: alert.thresholdMinor.toString() }, `large ${alert.kind} ${alert.movementId}: notify ${alert.notifyRoles.join(', ')} (TW-15.3)`);
    return Promise.resolve();
  }
}

/** A webhook that does not answer within this is a failed delivery. */
export const WEBHOOK_TIMEOUT_MS = 5_000;

/** POSTs the alert as JSON (amounts as decimal text) to a configured URL; a non-2xx answer is an error. */
export class WebhookTransferAlertNotifier implements TransferAlertNotifier {
  constructor(private readonly url: string) {}

  async notify(alert: LargeTransferAlert): Promise<void> {
    const body = JSON.stringify(alert, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
    const response = await fetch(this.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`alert webhook answered ${response.status}`);
  }
}
