import type { TrustAccountDetails } from '@custody/reconciliation-domain';
import type { ReconciliationContext } from '../reconciliation-store';
import { decideOnAccount, type FiatRefusal, type TrustAccountView } from './trust-account-stream';

/** Maker: an operator asks to register a trust account with the balance it opens at; pending until another person approves it. */
export class RequestTrustAccount {
  constructor(private readonly context: ReconciliationContext) {}

  async handle(
    input: TrustAccountDetails & { readonly by: string },
  ): Promise<{ readonly ok: true; readonly account: TrustAccountView } | FiatRefusal> {
    const { by, ...account } = input;
    return decideOnAccount(
      this.context,
      account.accountId,
      {
        type: 'RequestTrustAccountRegistration',
        account,
        requestedBy: by,
        at: this.context.now().toISOString(),
      },
      by,
    );
  }
}
