import { EXCHANGE_FIAT_TOPIC, LEDGER_EVENTS_TOPIC, WALLET_EVENTS_TOPIC } from '@custody/contracts';
import type { ApplyOutcome, ConsumedMessage } from '@custody/messaging';
import type { PoolClient } from 'pg';
import type { DailyRuns } from './daily-runs';
import type { FiatMovementsProjection } from './fiat-trust/fiat-movements.table';
import type { WalletRecordsProjection } from './reconciliation-runs/wallet-records.table';

/** What the reconciliation service consumes: the ledger's journals (TW-13), the wallet's movements (TW-14 wallet records), client fiat (TW-10/11). */
export const RECONCILIATION_CONSUMED_TOPICS = [
  LEDGER_EVENTS_TOPIC,
  WALLET_EVENTS_TOPIC,
  EXCHANGE_FIAT_TOPIC,
] as const;

/** The inbox consumer's `apply`: each topic to its records, in the batch's transaction. */
export function applyReconciliationMessages(
  daily: DailyRuns,
  walletRecords: Pick<WalletRecordsProjection, 'applyWalletMessages'>,
  fiatMovements?: Pick<FiatMovementsProjection, 'applyFiatMessages'>,
) {
  const journals = daily.apply();
  return async (
    messages: readonly ConsumedMessage[],
    client: PoolClient,
  ): Promise<ApplyOutcome> => {
    const outcome = await journals(messages, client);
    await walletRecords.applyWalletMessages(messages, client);
    await fiatMovements?.applyFiatMessages(messages, client);
    return outcome;
  };
}
