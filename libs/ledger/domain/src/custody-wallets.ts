import { ledgerError, type LedgerError } from './ledger-errors';

/**
 * The wallets the ledger books movements for (defence in depth behind the Kafka ACLs): a wallet is
 * known once the wallet service's WalletRegistered reached the ledger, recorded in the ledger's own
 * history as CustodyWalletRecognised. A movement naming any other wallet (a deposit credited "from"
 * a wallet nobody registered, a transfer to one) is refused, whoever produced it.
 */
export interface CustodyWallet {
  readonly walletId: string;
  readonly ownerClass: 'client-segregated' | 'house';
  readonly tier: 'cold' | 'hot';
  readonly chain: string;
}

export interface CustodyWalletRecognised {
  readonly type: 'CustodyWalletRecognised';
  readonly data: CustodyWallet & {
    /** The wallet service's registration instant (its event's business time). */
    readonly registeredAt: string;
    /** The WalletRegistered message the ledger recognised it from. */
    readonly sourceEventId: string;
  };
}

export type CustodyWalletEvent = CustodyWalletRecognised;

export interface RecogniseWallet {
  readonly type: 'RecogniseWallet';
  readonly wallet: CustodyWallet;
  readonly registeredAt: string;
  readonly sourceEventId: string;
}

export type CustodyWallets = ReadonlyMap<string, CustodyWallet>;

export const initialCustodyWallets: CustodyWallets = new Map();

export function evolveCustodyWallets(wallets: CustodyWallets, event: CustodyWalletEvent): CustodyWallets {
  switch (event.type) {
    case 'CustodyWalletRecognised': {
      const { walletId, ownerClass, tier, chain } = event.data;
      return new Map(wallets).set(walletId, { walletId, ownerClass, tier, chain });
    }
    default: {
      const unknown: never = event.type;
      throw new Error(`assertion: unknown custody wallet event ${String(unknown)}`);
    }
  }
}

/**
 * A registration seen again (a redelivery, a replay) changes nothing; the same wallet id
 * registered again as another class, tier or chain is refused: a wallet never changes what it
 * is, so a second registration claiming otherwise is a fault or a forgery, for people to look at.
 */
export function decideRecogniseWallet(command: RecogniseWallet, wallets: CustodyWallets): { readonly ok: true; readonly events: readonly CustodyWalletEvent[] } | { readonly ok: false; readonly error: LedgerError } {
  const { wallet } = command;
  const known = wallets.get(wallet.walletId);
  if (known !== undefined) {
    const differs = (['ownerClass', 'tier', 'chain'] as const).find((field) => known[field] !== wallet[field]);
    if (differs === undefined) return { ok: true, events: [] };
    return { ok: false, error: ledgerError('WALLET_REGISTRATION_CONFLICT', `wallet.${differs}`, `wallet '${wallet.walletId}' is known as ${known[differs]}, not ${wallet[differs]}: a wallet is registered once`) };
  }
  return { ok: true, events: [{ type: 'CustodyWalletRecognised', data: { ...wallet, registeredAt: command.registeredAt, sourceEventId: command.sourceEventId } }] };
}

/** The first of the wallets a movement names that the ledger does not know, as a refusal; undefined when all are known. */
export function refuseUnknownWallet(named: ReadonlyArray<{ readonly path: string; readonly walletId: string }>, wallets: CustodyWallets): LedgerError | undefined {
  const unknown = named.find(({ walletId }) => !wallets.has(walletId));
  if (unknown === undefined) return undefined;
  return ledgerError('WALLET_UNKNOWN', unknown.path, `wallet '${unknown.walletId}' was never registered with the ledger (no WalletRegistered from the wallet service): the movement is not booked`);
}
