import type { ReconciliationContext } from '../reconciliation-store';
import { FIAT_RUNS_AGGREGATE, fiatRunStreamId, type FiatRunData } from './fiat-run-stream';
import {
  TRUST_ACCOUNT_AGGREGATE,
  trustStreamId,
  viewOf,
  type TrustAccountView,
} from './trust-account-stream';

/** What people read of client fiat in trust: a trust account with its statements, the runs of a day, a run's lines. */
export class FiatTrustQuery {
  constructor(private readonly context: ReconciliationContext) {}

  /** A trust account as its stream tells it: the registration and every statement with its status; null when never requested. */
  async account(accountId: string): Promise<TrustAccountView | null> {
    const view = viewOf(
      (await this.context.streams.load(trustStreamId(accountId), TRUST_ACCOUNT_AGGREGATE)).state,
    );
    return view.registration === null && view.statements.length === 0 ? null : view;
  }

  async runs(businessDay: string, currency: string): Promise<FiatRunData[]> {
    return [
      ...(
        await this.context.streams.load(
          fiatRunStreamId(this.context.calendar, businessDay, currency),
          FIAT_RUNS_AGGREGATE,
        )
      ).state.values(),
    ];
  }

  async lines(
    runId: string,
    limit: number,
  ): Promise<{ clientId: string; balanceMinor: string; countedMinor: string }[]> {
    const { rows } = await this.context.store.pool.query<{
      client_id: string;
      balance_minor: string;
      counted_minor: string;
    }>(
      `select client_id, balance_minor::text, counted_minor::text from ${this.context.schema}.recon_fiat_lines where run_id = $1 order by client_id limit $2`,
      [runId, limit],
    );
    return rows.map((row) => ({
      clientId: row.client_id,
      balanceMinor: row.balance_minor,
      countedMinor: row.counted_minor,
    }));
  }
}
