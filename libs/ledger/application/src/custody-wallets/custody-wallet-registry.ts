import {
  AMOUNT_FIELD_PATTERN,
  EventSourcedStreams,
  type Fold,
  type PostgresEventStore,
  type Transaction,
} from '@custody/event-store';
import {
  custodyWalletsDecider,
  decideRecogniseWallet,
  initialCustodyWallets,
  type CustodyWalletEvent,
  type CustodyWallets,
  type LedgerError,
  type RecogniseWallet,
} from '@custody/ledger-domain';
import { LEDGER_EVENT_SCHEMA_VERSION } from '../stored-events';

/** The ledger's record of the wallets it books movements for (neither a client's nor the house's books). */
export const CUSTODY_WALLETS_STREAM_ID = 'ledger-custody-wallets';

const CUSTODY_WALLETS_AGGREGATE: Fold<CustodyWallets, CustodyWalletEvent> = custodyWalletsDecider;

/**
 * The wallets registered with the ledger, on one stream of its store (a wallet is recognised once,
 * from the wallet service's WalletRegistered). Movements are checked against it; what it knows is
 * kept in memory and read again from the stream when a movement names a wallet it has not seen (a
 * replica may have recognised it meanwhile), so the check costs no read in the steady state.
 */
export class CustodyWalletRegistry {
  private readonly streams: EventSourcedStreams;
  private known: CustodyWallets = initialCustodyWallets;

  constructor(store: PostgresEventStore) {
    this.streams = new EventSourcedStreams(store, {
      bigintFields: AMOUNT_FIELD_PATTERN,
      schemaVersion: LEDGER_EVENT_SCHEMA_VERSION,
    });
  }

  async recognise(
    command: RecogniseWallet,
    transaction: Transaction,
  ): Promise<{ readonly ok: true } | { readonly ok: false; readonly error: LedgerError }> {
    const executed = await this.streams.execute(
      CUSTODY_WALLETS_STREAM_ID,
      CUSTODY_WALLETS_AGGREGATE,
      (wallets) => decideRecogniseWallet(command, wallets),
      { actor: 'ledger' },
      { transaction },
    );
    return executed.ok ? { ok: true } : { ok: false, error: executed.error };
  }

  /** The known wallets, read again within `transaction` when any of `walletIds` is not among those already seen. */
  async wallets(walletIds: readonly string[], transaction: Transaction): Promise<CustodyWallets> {
    if (walletIds.every((walletId) => this.known.has(walletId))) return this.known;
    const { state } = await this.streams.load(
      CUSTODY_WALLETS_STREAM_ID,
      CUSTODY_WALLETS_AGGREGATE,
      transaction,
    );
    this.known = state;
    return state;
  }
}
