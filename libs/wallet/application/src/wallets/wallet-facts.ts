import type { Transaction } from '@custody/event-store';
import type { WalletState } from '@custody/wallet-domain';
import type { WalletContext } from '../shared/wallet-context';
import { WALLET_AGGREGATE, walletStreamId } from '../shared/wallet-streams';

/** Wallets as facts for other decisions: one wallet's stream, and the registry's ids. */
export class WalletFacts {
  constructor(private readonly context: WalletContext) {}

  async wallet(walletId: string, transaction?: Transaction): Promise<WalletState | undefined> {
    return (
      await this.context.streams.load(walletStreamId(walletId), WALLET_AGGREGATE, transaction)
    ).state;
  }

  /** Registered wallets, by id, optionally of one chain. */
  async walletIds(chain?: string, transaction?: Transaction): Promise<string[]> {
    const db = transaction?.client ?? this.context.store.pool;
    const { rows } = await db.query<{ wallet_id: string }>(
      `select wallet_id from ${this.context.schema}.wallet_registry where ($1::text is null or chain = $1) order by wallet_id`,
      [chain ?? null],
    );
    return rows.map((row) => row.wallet_id);
  }
}
