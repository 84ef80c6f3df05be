import {
  DEPOSIT_CONFIRMED_TYPE,
  WALLET_EVENTS_TOPIC,
  WALLET_REGISTERED_TYPE,
  WITHDRAWAL_CONFIRMED_TYPE,
  walletHoldingDeltas,
  type DepositConfirmedV1,
  type WalletRegisteredV1,
  type WithdrawalConfirmedV1,
} from '@custody/contracts';
import type { ConsumedMessage } from '@custody/messaging';
import type { PoolClient } from 'pg';

/**
 * The wallet service's records as reconciliation holds them: its wallets, the client deposits and
 * withdrawals it recorded on chain (HK-21), and what each movement did to a wallet's client and
 * house shares.
 */
export const walletRecordsDdl = (schema: string): string => `
      create table if not exists ${schema}.recon_wallets (
        wallet_id text primary key,
        chain text not null,
        address text not null,
        tier text not null,
        owner_class text not null
      );
      create table if not exists ${schema}.recon_client_transfers (
        kind text not null,
        movement_id text not null,
        client_id text not null,
        asset text not null,
        amount_minor numeric(78, 0) not null,
        transaction_hash text not null,
        at timestamptz not null,
        primary key (kind, movement_id)
      );
      create table if not exists ${schema}.recon_wallet_movements (
        message_id text not null,
        line int not null,
        wallet_id text not null,
        asset text not null,
        client_delta numeric(78, 0) not null,
        house_delta numeric(78, 0) not null,
        at timestamptz not null,
        primary key (message_id, line)
      );`;

/** The TW-14 slice's tables. Idempotent. */
export async function migrateReconciliationRunTables(
  client: PoolClient,
  schema: string,
): Promise<void> {
  await client.query(walletRecordsDdl(schema));
}

/** The wallet topic's part of the consumer's batch: wallets and what their movements did, each message once. */
export class WalletRecordsProjection {
  constructor(private readonly schema: string) {}

  async applyWalletMessages(
    messages: readonly ConsumedMessage[],
    client: PoolClient,
  ): Promise<void> {
    for (const message of messages) {
      if (message.topic !== WALLET_EVENTS_TOPIC) continue;
      if (message.value.type === WALLET_REGISTERED_TYPE) {
        const { data } = message.value as unknown as WalletRegisteredV1;
        await client.query(
          `insert into ${this.schema}.recon_wallets (wallet_id, chain, address, tier, owner_class) values ($1, $2, $3, $4, $5)
           on conflict (wallet_id) do update set chain = excluded.chain, address = excluded.address, tier = excluded.tier, owner_class = excluded.owner_class`,
          [data.walletId, data.chain, data.address, data.tier, data.ownerClass],
        );
        continue;
      }
      // HK-21: each client deposit and withdrawal the wallet recorded on chain, for the per-client reconciliation
      if (
        message.value.type === DEPOSIT_CONFIRMED_TYPE ||
        message.value.type === WITHDRAWAL_CONFIRMED_TYPE
      ) {
        const deposit = message.value.type === DEPOSIT_CONFIRMED_TYPE;
        const data = message.value.data as
          DepositConfirmedV1['data'] | WithdrawalConfirmedV1['data'];
        await client.query(
          `insert into ${this.schema}.recon_client_transfers (kind, movement_id, client_id, asset, amount_minor, transaction_hash, at) values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
          [
            deposit ? 'deposit' : 'withdrawal',
            'depositId' in data ? data.depositId : data.withdrawalId,
            data.clientId,
            data.asset,
            data.amountMinor,
            data.transactionHash,
            data.confirmedAt,
          ],
        );
      }
      for (const [line, delta] of walletHoldingDeltas(message.value).entries()) {
        await client.query(
          `insert into ${this.schema}.recon_wallet_movements (message_id, line, wallet_id, asset, client_delta, house_delta, at) values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
          [
            message.messageId,
            line,
            delta.walletId,
            delta.asset,
            delta.clientDeltaMinor.toString(),
            delta.houseDeltaMinor.toString(),
            delta.at,
          ],
        );
      }
    }
  }
}
