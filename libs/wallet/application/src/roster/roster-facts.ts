import type { Transaction } from '@custody/event-store';
import type { RosterState } from '@custody/wallet-domain';
import type { WalletContext } from '../shared/wallet-context';
import { ROSTER_AGGREGATE, ROSTER_STREAM_ID } from '../shared/wallet-streams';

/** The custodian roster (who exists, who holds access to which wallet's key) as a fact. */
export async function loadRoster(
  context: WalletContext,
  transaction?: Transaction,
): Promise<RosterState> {
  return (await context.streams.load(ROSTER_STREAM_ID, ROSTER_AGGREGATE, transaction)).state;
}
