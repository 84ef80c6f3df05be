import type { BookedMovement, ChainMovement, WalletRecord } from '@custody/reconciliation-domain';
import type { ReconciliationContext } from '../reconciliation-store';

/** Client deposits and withdrawals one run compares (per side). */
export const CLIENT_MOVEMENTS_MAX = 2_000_000;
/** Wallet x asset records one run compares. */
export const WALLET_RECORDS_MAX = 64_000;
/** Registered wallets (client-segregated and house) one run reads on chain (a deployment has tens). */
export const RUN_WALLETS_MAX = 1_000;

/** A wallet as the wallet service registered it. */
export interface RegisteredWallet {
  readonly walletId: string;
  readonly chain: string;
  readonly address: string;
  readonly ownerClass: 'client-segregated' | 'house';
}

/** What a TW-14 run decides on besides the TW-13 run and the chain: the wallet service's records, as held here. */
export class ReconciliationRunFacts {
  constructor(private readonly context: ReconciliationContext) {}

  /** Every registered wallet, client-segregated and house, by id. */
  async registeredWallets(): Promise<RegisteredWallet[]> {
    const { rows } = await this.context.store.pool.query<{
      wallet_id: string;
      chain: string;
      address: string;
      owner_class: RegisteredWallet['ownerClass'];
    }>(
      `select wallet_id, chain, address, owner_class from ${this.context.schema}.recon_wallets where owner_class in ('client-segregated', 'house') order by wallet_id limit ${RUN_WALLETS_MAX + 1}`,
    );
    if (rows.length > RUN_WALLETS_MAX)
      throw new Error(`more than ${RUN_WALLETS_MAX} registered wallets: reconcile per chain`);
    return rows.map((row) => ({
      walletId: row.wallet_id,
      chain: row.chain,
      address: row.address,
      ownerClass: row.owner_class,
    }));
  }

  /** The wallet service's records of client-segregated wallets as this service holds them, before an instant (client and house shares). */
  walletRecords(before: string): Promise<WalletRecord[]> {
    return this.records('client-segregated', before);
  }

  /** The wallet service's records of house wallets as this service holds them, before an instant. */
  houseRecords(before: string): Promise<WalletRecord[]> {
    return this.records('house', before);
  }

  private async records(
    ownerClass: RegisteredWallet['ownerClass'],
    before: string,
  ): Promise<WalletRecord[]> {
    const schema = this.context.schema;
    const { rows } = await this.context.store.pool.query<{
      wallet_id: string;
      asset: string;
      client: string;
      house: string;
    }>(
      `select m.wallet_id, m.asset, sum(m.client_delta)::text as client, sum(m.house_delta)::text as house
         from ${schema}.recon_wallet_movements m join ${schema}.recon_wallets w using (wallet_id)
        where w.owner_class = $2 and m.at < $1
        group by m.wallet_id, m.asset order by m.wallet_id, m.asset limit ${WALLET_RECORDS_MAX + 1}`,
      [before, ownerClass],
    );
    if (rows.length > WALLET_RECORDS_MAX)
      throw new Error(
        `more than ${WALLET_RECORDS_MAX} wallet records (wallet x asset): reconcile per chain`,
      );
    return rows.map((row) => ({
      walletId: row.wallet_id,
      asset: row.asset,
      recordedMinor: BigInt(row.client),
      houseMinor: BigInt(row.house),
    }));
  }

  /** HK-21: the deposits and withdrawals the ledger booked per client, and the ones the wallet recorded on chain, before an instant. */
  async clientMovements(
    before: string,
    upToReceived: bigint,
  ): Promise<[BookedMovement[], ChainMovement[]]> {
    const db = this.context.store.pool;
    const schema = this.context.schema;
    const { rows: bookedRows } = await db.query<{
      journal_id: string;
      client_id: string;
      asset: string;
      amount: string;
    }>(
      `select journal_id, client_id, asset, sum(amount_minor)::text as amount from ${schema}.recon_movements
        where (journal_id like 'deposit:%' or journal_id like 'withdrawal:%') and at < $1 and received <= $2 group by journal_id, client_id, asset order by journal_id limit ${CLIENT_MOVEMENTS_MAX + 1}`,
      [before, upToReceived.toString()],
    );
    const { rows: chainRows } = await db.query<{
      kind: 'deposit' | 'withdrawal';
      movement_id: string;
      client_id: string;
      asset: string;
      amount_minor: string;
      transaction_hash: string;
    }>(
      `select kind, movement_id, client_id, asset, amount_minor::text, transaction_hash from ${schema}.recon_client_transfers where at < $1 order by kind, movement_id limit ${CLIENT_MOVEMENTS_MAX + 1}`,
      [before],
    );
    if (bookedRows.length > CLIENT_MOVEMENTS_MAX || chainRows.length > CLIENT_MOVEMENTS_MAX)
      throw new Error(
        `more than ${CLIENT_MOVEMENTS_MAX} client deposits and withdrawals: reconcile per period`,
      );
    const booked = bookedRows.map((row) => {
      const [kind = '', ...rest] = row.journal_id.split(':');
      const amount = BigInt(row.amount);
      return {
        kind: kind as BookedMovement['kind'],
        movementId: rest.join(':'),
        clientId: row.client_id,
        asset: row.asset,
        amountMinor: amount < 0n ? -amount : amount,
      };
    });
    const chain = chainRows.map((row) => ({
      kind: row.kind,
      movementId: row.movement_id,
      clientId: row.client_id,
      asset: row.asset,
      amountMinor: BigInt(row.amount_minor),
      transactionHash: row.transaction_hash,
    }));
    return [booked, chain];
  }
}
