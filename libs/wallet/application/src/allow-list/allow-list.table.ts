import type { Transaction } from '@custody/event-store';
import type { AllowListEvent, AllowListState } from '@custody/wallet-domain';
import type { LookupTable } from '../shared/lookup-table';

/**
 * Every ownership challenge with its address and status, from the allow-list streams: whose
 * list holds (or waits to hold) an address, and which micro-payment the chain watcher looks for.
 * held: proven, waiting for an approver; rejected: an approver said no.
 */
export const ALLOW_LIST_INDEX_TABLE: LookupTable<AllowListState, AllowListEvent> = {
  name: 'allow_list_index',
  ddl: (schema) => `
  create table if not exists ${schema}.allow_list_index (
    challenge_id text primary key,
    client_id text not null,
    chain text not null,
    address text not null,
    method text not null,
    status text not null,
    expires_at timestamptz not null,
    asset text,
    amount_minor numeric(78, 0),
    to_address text
  );
  create index if not exists allow_list_index_address on ${schema}.allow_list_index (chain, address, status);
  -- the check is replaced in place, so a table of before keeps its rows
  alter table ${schema}.allow_list_index drop constraint if exists allow_list_index_status_check;
  alter table ${schema}.allow_list_index add constraint allow_list_index_status_check check (status in ('open', 'held', 'proven', 'rejected', 'removed'));`,
  write: writeAllowListIndex,
};

async function writeAllowListIndex(
  schema: string,
  events: readonly AllowListEvent[],
  _state: AllowListState,
  transaction: Transaction,
): Promise<void> {
  const db = transaction.client;
  const setStatus = (status: string, challengeId: string) =>
    db.query(`update ${schema}.allow_list_index set status = $2 where challenge_id = $1`, [
      challengeId,
      status,
    ]);
  for (const event of events) {
    if (event.type === 'OwnershipChallengeIssued' || event.type === 'AddressChallengeIssued') {
      const { challengeId, clientId, chain, address, method, expiresAt, microPayment } = event.data;
      await db.query(
        `insert into ${schema}.allow_list_index (challenge_id, client_id, chain, address, method, status, expires_at, asset, amount_minor, to_address)
         values ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $9) on conflict do nothing`,
        [
          challengeId,
          clientId,
          chain,
          address.toLowerCase(),
          method,
          expiresAt,
          microPayment?.asset ?? null,
          microPayment?.amountMinor.toString() ?? null,
          microPayment?.toAddress.toLowerCase() ?? null,
        ],
      );
    } else if (event.type === 'AddressOwnershipProven' || event.type === 'AddressAllowListed') {
      await setStatus('proven', event.data.challengeId);
    } else if (event.type === 'AddressProofRecorded') {
      // listed at once (AddressAllowListed follows in the same append) or held for an approver
      if (event.data.holds.length > 0) await setStatus('held', event.data.challengeId);
    } else if (event.type === 'AddressAdditionRejected') {
      await setStatus('rejected', event.data.challengeId);
    } else {
      await db.query(
        `update ${schema}.allow_list_index set status = 'removed' where client_id = $1 and chain = $2 and address = $3 and status = 'proven'`,
        [event.data.clientId, event.data.chain, event.data.address.toLowerCase()],
      );
    }
  }
}
