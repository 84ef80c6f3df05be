import { JsonWebhook } from '@custody/service-host';
import { z } from 'zod/v4';
import type {
  LargeTransferAlertedEvent,
  WalletState,
  WithdrawalPolicyDecision,
  WithdrawalRequest,
} from '@custody/wallet-domain';

/** What the wallet knows that the policy service asks about a withdrawal. */
export interface WithdrawalPolicyContext {
  /** HK-11h: the destination is on the client's own proven allow-list. */
  readonly destinationAllowListed: boolean;
}

/**
 * The policy's answer for a withdrawal: the policy service (`PolicyServiceWithdrawalPolicy`), or
 * where none is configured the conservative default: allowed (the allow-list and the ledger's
 * balance are checked elsewhere), with the wallet's full quorum, whatever the amount. A port that
 * cannot answer throws: the request is retried, never decided without it.
 */
export interface WithdrawalPolicyPort {
  decide(
    request: WithdrawalRequest,
    wallet: WalletState,
    context: WithdrawalPolicyContext,
  ): Promise<WithdrawalPolicyDecision>;
  /** TW-15.4: the policy for a cold-to-hot or hot-to-cold (or same-tier) transfer between our wallets. */
  decideInternal(
    request: WithdrawalRequest,
    source: WalletState,
    destination: WalletState,
  ): Promise<WithdrawalPolicyDecision>;
}

export const CONSERVATIVE_POLICY_VERSION = 'conservative-default-1';

export class ConservativeWithdrawalPolicy implements WithdrawalPolicyPort {
  decide(
    _request: WithdrawalRequest,
    wallet: WalletState,
    _context?: WithdrawalPolicyContext,
  ): Promise<WithdrawalPolicyDecision> {
    return Promise.resolve({
      allowed: true,
      quorumRequired: wallet.quorum.required,
      reason: 'no policy service yet: the wallet quorum applies to every withdrawal',
      policyVersion: CONSERVATIVE_POLICY_VERSION,
    });
  }

  decideInternal(
    _request: WithdrawalRequest,
    source: WalletState,
    destination: WalletState,
  ): Promise<WithdrawalPolicyDecision> {
    // the stricter of the two wallets' quorums: moving into a cold wallet is as guarded as moving out of it
    return Promise.resolve({
      allowed: true,
      quorumRequired: Math.max(source.quorum.required, destination.quorum.required),
      reason: 'no policy service yet: the larger wallet quorum applies',
      policyVersion: CONSERVATIVE_POLICY_VERSION,
    });
  }
}

/** The policy service answers within this, or the withdrawal request is retried. */
export const POLICY_CALL_TIMEOUT_MS = 5_000;

/** The policy service did not answer (down, timed out, 5xx): nothing was decided; retry. */
export class PolicyUnavailableError extends Error {
  readonly code = 'POLICY_UNAVAILABLE';
}

const policyAnswer = z.object({
  allowed: z.boolean(),
  quorumRequired: z.int().min(0).max(1_000),
  reason: z.string().max(4_000),
  policyVersion: z.string().min(1).max(200),
});
const policyRefusal = z.object({ code: z.string().max(100), reason: z.string().max(4_000) });

/**
 * Client withdrawals decided by the policy service (POST /v1/withdrawal-decisions: daily limits,
 * the ledger's balance, the quorum by amount tier); internal transfers keep the wallets' own
 * quorums. The bearer token is read from a file on every call, so a rotated token (a projected
 * service-account token) is used as soon as it is written. A refusal of the request itself (422)
 * is a refusal of the withdrawal; no answer is a `PolicyUnavailableError`.
 */
export class PolicyServiceWithdrawalPolicy implements WithdrawalPolicyPort {
  private readonly internal = new ConservativeWithdrawalPolicy();

  constructor(
    private readonly options: { readonly url: string; readonly token: () => Promise<string> },
  ) {}

  async decide(
    request: WithdrawalRequest,
    _wallet: WalletState,
    context: WithdrawalPolicyContext,
  ): Promise<WithdrawalPolicyDecision> {
    if (request.clientId === null)
      throw new Error('assertion: a client withdrawal names its client');
    const body = {
      withdrawalId: request.withdrawalId,
      clientId: request.clientId,
      asset: request.asset,
      amountMinor: request.amountMinor.toString(),
      destinationAllowListed: context.destinationAllowListed,
    };
    let response: Response;
    try {
      response = await fetch(new URL('/v1/withdrawal-decisions', this.options.url), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await this.options.token()}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(POLICY_CALL_TIMEOUT_MS),
      });
    } catch (error) {
      throw new PolicyUnavailableError(
        `the policy service did not answer: ${(error as Error).message}`,
      );
    }
    const answer: unknown = await response.json().catch(() => undefined);
    if (response.status === 200) {
      const decision = policyAnswer.safeParse(answer);
      if (!decision.success)
        throw new PolicyUnavailableError('the policy service answered 200 without a decision');
      return decision.data;
    }
    const refusal = policyRefusal.safeParse(answer);
    if (
      refusal.success &&
      (response.status === 422 ||
        (response.status === 409 && refusal.data.code === 'WITHDRAWAL_DECISION_CONFLICT'))
    )
      return {
        allowed: false,
        quorumRequired: 0,
        reason: `${refusal.data.code}: ${refusal.data.reason}`,
        policyVersion: 'policy-service',
      };
    throw new PolicyUnavailableError(
      `the policy service answered ${response.status}${refusal.success ? ` ${refusal.data.code}` : ''}`,
    );
  }

  decideInternal(
    request: WithdrawalRequest,
    source: WalletState,
    destination: WalletState,
  ): Promise<WithdrawalPolicyDecision> {
    return this.internal.decideInternal(request, source, destination);
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
    this.log(
      {
        ...alert,
        amountMinor: alert.amountMinor.toString(),
        thresholdMinor: alert.thresholdMinor.toString(),
      },
      `large ${alert.kind} ${alert.movementId}: notify ${alert.notifyRoles.join(', ')} (TW-15.3)`,
    );
    return Promise.resolve();
  }
}

/** POSTs the alert as JSON (amounts as decimal text) to a configured URL; a non-2xx answer or no answer is an error. */
export class WebhookTransferAlertNotifier implements TransferAlertNotifier {
  private readonly webhook: JsonWebhook;

  constructor(url: string) {
    this.webhook = new JsonWebhook(url);
  }

  notify(alert: LargeTransferAlert): Promise<void> {
    return this.webhook.post(alert);
  }
}
