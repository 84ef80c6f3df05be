import {
  decideTrustAccount,
  type MakerCheckerDecision,
  type TrustStatementRecord,
} from '@custody/reconciliation-domain';
import type { ReconciliationContext } from '../reconciliation-store';
import { TRUST_ACCOUNT_AGGREGATE, trustStreamId, type FiatRefusal } from './trust-account-stream';
import { recordTrustApprovals } from './trust-statements.table';

/** Checker: a person other than the importer approves a pending statement (then it counts) or rejects it with a reason. */
export class DecideTrustStatement {
  constructor(private readonly context: ReconciliationContext) {}

  async handle(input: {
    readonly statementId: string;
    readonly decision: MakerCheckerDecision;
    readonly reason: string;
    readonly by: string;
  }): Promise<{ readonly ok: true; readonly statement: TrustStatementRecord } | FiatRefusal> {
    const accountId = input.statementId.split(':')[0] ?? '';
    const executed = await this.context.streams.execute(
      trustStreamId(accountId),
      TRUST_ACCOUNT_AGGREGATE,
      (state) =>
        decideTrustAccount(
          {
            type: 'DecideTrustStatement',
            statementId: input.statementId,
            decision: input.decision,
            reason: input.reason,
            decidedBy: input.by,
            at: this.context.now().toISOString(),
          },
          state,
        ),
      { actor: input.by },
      {
        afterAppend: (events, _state, transaction) =>
          recordTrustApprovals(this.context.schema, events, transaction),
      },
    );
    if (!executed.ok) return { ok: false, error: executed.error };
    const statement = executed.state.statements.get(input.statementId);
    if (statement === undefined)
      throw new Error(
        `assertion: statement ${input.statementId} not in its stream after a decision`,
      );
    return { ok: true, statement };
  }
}
