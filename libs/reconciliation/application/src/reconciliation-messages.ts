import { EXCHANGE_FIAT_TOPIC, LEDGER_EVENTS_TOPIC, WALLET_EVENTS_TOPIC } from '@custody/contracts';
import type { ApplyOutcome, ConsumedMessage } from '@custody/messaging';
import type { PoolClient } from 'pg';
import type { DailyRuns } from './daily-runs';
import type { FiatTrustRuns } from './fiat-trust-runs';
import type { ReconciliationRuns } from './reconciliation-runs';

/** What the reconciliation service consumes: the ledger's journals (TW-13), the wallet's movements (TW-14 wallet records), client fiat (TW-10/11). */
export const RECONCILIATION_CONSUMED_TOPICS = [
  LEDGER_EVENTS_TOPIC,
  WALLET_EVENTS_TOPIC,
  EXCHANGE_FIAT_TOPIC,
] as const;

/** The inbox consumer's `apply`: each topic to its records, in the batch's transaction. */
export function applyReconciliationMessages(
  daily: DailyRuns,
  runs: ReconciliationRuns,
  fiat?: FiatTrustRuns,
) {
  const journals = daily.apply();
  return async (
    messages: readonly ConsumedMessage[],
    client: PoolClient,
  ): Promise<ApplyOutcome> => {
    const outcome = await journals(messages, client);
    await runs.applyWalletMessages(messages, client);
    await fiat?.applyFiatMessages(messages, client);
    return outcome;
  };
}
