import type { ReconciliationContext } from '../reconciliation-store';
import {
  RECONCILIATION_RUNS_AGGREGATE,
  reconciliationRunStreamId,
  type ReconciliationRunData,
} from './reconciliation-run-stream';

/** The TW-14 runs recorded: those of a business day, or one by its id. */
export class ReconciliationRunsQuery {
  constructor(private readonly context: ReconciliationContext) {}

  async runs(businessDay: string): Promise<ReconciliationRunData[]> {
    return [
      ...(
        await this.context.streams.load(
          reconciliationRunStreamId(this.context.calendar, businessDay),
          RECONCILIATION_RUNS_AGGREGATE,
        )
      ).state.values(),
    ];
  }

  async findRun(runId: string): Promise<ReconciliationRunData | undefined> {
    const businessDay = /^[A-Z]{2}:(\d{4}-\d{2}-\d{2}):/.exec(runId)?.[1];
    if (businessDay === undefined) return undefined;
    return (
      await this.context.streams.load(
        reconciliationRunStreamId(this.context.calendar, businessDay),
        RECONCILIATION_RUNS_AGGREGATE,
      )
    ).state.get(runId);
  }
}
