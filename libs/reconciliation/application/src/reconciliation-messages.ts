import { LEDGER_EVENTS_TOPIC, WALLET_EVENTS_TOPIC } from '@custody/contracts';
import type { ApplyOutcome, ConsumedMessage } from '@custody/messaging';
import type { PoolClient } from 'pg';
import type { DailyRuns } from './daily-runs';
import type { ReconciliationRuns } from './reconciliation-runs';

/** What the reconciliation service consumes: the ledger's journals (TW-13) and the wallet's movements (TW-14 wallet records). */
export const RECONCILIATION_CONSUMED_TOPICS = [LEDGER_EVENTS_TOPIC, WALLET_EVENTS_TOPIC] as const;

/** The inbox consumer's `apply`: journals to the daily runs' movements, wallet events to the wallet records, in the batch's transaction. */
export function applyReconciliationMessages(daily: DailyRuns, runs: ReconciliationRuns) {
  const journals = daily.apply();
  return async (messages: readonly ConsumedMessage[], client: PoolClient): Promise<ApplyOutcome> => {
    const outcome = await journals(messages, client);
    await runs.applyWalletMessages(messages, client);
    return outcome;
  };
}
