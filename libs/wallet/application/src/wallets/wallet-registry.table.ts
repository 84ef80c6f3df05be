import type { Transaction } from '@custody/event-store';
import type { WalletEvent, WalletState } from '@custody/wallet-domain';
import type { LookupTable } from '../shared/lookup-table';

/**
 * Which wallets exist on which chain (`wallet_registry`) and which addresses are ours
 * (`wallet_addresses`: every address a wallet ever had, so a deposit to a rotated-away address is
 * still seen), from the wallet streams.
 */
export const WALLET_REGISTRY_TABLE: LookupTable<WalletState | undefined, WalletEvent> = {
  name: 'wallet_registry',
  ddl: (schema) => `
  create table if not exists ${schema}.wallet_registry (
    wallet_id text primary key,
    chain text not null,
    address text not null,
    registered_position int8 not null
  );
  create table if not exists ${schema}.wallet_addresses (
    chain text not null,
    address text not null,
    wallet_id text not null,
    primary key (chain, address)
  );`,
  write: writeWalletRegistry,
};

async function writeWalletRegistry(
  schema: string,
  events: readonly WalletEvent[],
  _state: WalletState | undefined,
  transaction: Transaction,
): Promise<void> {
  for (const event of events) {
    // only a registration or a rotation brings an address (not a requested rotation, not a quorum span)
    if (event.type !== 'WalletRegistered' && event.type !== 'WalletKeyRotated') continue;
    const walletId = event.data.walletId;
    const chain = event.type === 'WalletRegistered' ? event.data.chain : undefined;
    if (chain !== undefined) {
      await transaction.client.query(
        `insert into ${schema}.wallet_registry (wallet_id, chain, address, registered_position) values ($1, $2, $3, 0) on conflict do nothing`,
        [walletId, chain, event.data.address.toLowerCase()],
      );
    }
    await transaction.client.query(
      `insert into ${schema}.wallet_addresses (chain, address, wallet_id) select chain, $2, wallet_id from ${schema}.wallet_registry where wallet_id = $1 on conflict do nothing`,
      [walletId, event.data.address.toLowerCase()],
    );
  }
}
