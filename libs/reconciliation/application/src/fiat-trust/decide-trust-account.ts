import type { MakerCheckerDecision } from '@custody/reconciliation-domain';
import type { ReconciliationContext } from '../reconciliation-store';
import { decideOnAccount, type FiatRefusal, type TrustAccountView } from './trust-account-stream';

/** Checker: a person other than the requester approves the account (and its opening balance) or rejects it with a reason. */
export class DecideTrustAccount {
  constructor(private readonly context: ReconciliationContext) {}

  async handle(input: {
    readonly accountId: string;
    readonly decision: MakerCheckerDecision;
    readonly reason: string;
    readonly by: string;
  }): Promise<{ readonly ok: true; readonly account: TrustAccountView } | FiatRefusal> {
    return decideOnAccount(
      this.context,
      input.accountId,
      {
        type: 'DecideTrustAccountRegistration',
        accountId: input.accountId,
        decision: input.decision,
        reason: input.reason,
        decidedBy: input.by,
        at: this.context.now().toISOString(),
      },
      input.by,
    );
  }
}
