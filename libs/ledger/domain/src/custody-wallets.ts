import { eventTypesOf, unhandled, type Decider, type Decision } from '@custody/decider';
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

export function evolveCustodyWallets(
  wallets: CustodyWallets,
  event: CustodyWalletEvent,
): CustodyWallets {
  switch (event.type) {
    case 'CustodyWalletRecognised': {
      const { walletId, ownerClass, tier, chain } = event.data;
      return new Map(wallets).set(walletId, { walletId, ownerClass, tier, chain });
    }
    default:
      return unhandled(event.type);
  }
}

/**
 * A registration seen again (a redelivery, a replay) changes nothing; the same wallet id
 * registered again as another class, tier or chain is refused: a wallet never changes what it
 * is, so a second registration claiming otherwise is a fault or a forgery, for people to look at.
 */
export function decideRecogniseWallet(
  command: RecogniseWallet,
  wallets: CustodyWallets,
): Decision<CustodyWalletEvent, LedgerError> {
  const { wallet } = command;
  const known = wallets.get(wallet.walletId);
  if (known !== undefined) {
    const differs = (['ownerClass', 'tier', 'chain'] as const).find(
      (field) => known[field] !== wallet[field],
    );
    if (differs === undefined) return { ok: true, events: [] };
    return {
      ok: false,
      error: ledgerError(
        'WALLET_REGISTRATION_CONFLICT',
        `wallet.${differs}`,
        `wallet '${wallet.walletId}' is known as ${known[differs]}, not ${wallet[differs]}: a wallet is registered once`,
      ),
    };
  }
  return {
    ok: true,
    events: [
      {
        type: 'CustodyWalletRecognised',
        data: {
          ...wallet,
          registeredAt: command.registeredAt,
          sourceEventId: command.sourceEventId,
        },
      },
    ],
  };
}

/** The ledger's registry of custody wallets as a Decider (one stream of recognitions). */
export const custodyWalletsDecider: Decider<
  RecogniseWallet,
  CustodyWalletEvent,
  CustodyWallets,
  LedgerError
> = {
  initialState: initialCustodyWallets,
  // Stryker disable next-line BooleanLiteral: the record's values only mark its keys (eventTypesOf lists the keys)
  eventTypes: eventTypesOf<CustodyWalletEvent>({ CustodyWalletRecognised: true }),
  evolve: evolveCustodyWallets,
  decide: decideRecogniseWallet,
};

/**
 * A wallet a movement names, at its path; `clientAssets`: the movement is a client's (a deposit, a
 * withdrawal); `houseAssets`: the movement is the house's own into that wallet (a house deposit).
 */
export interface NamedWallet {
  readonly path: string;
  readonly walletId: string;
  readonly clientAssets?: boolean;
  readonly houseAssets?: boolean;
}

/**
 * The first wallet a movement names that the ledger does not know (WALLET_UNKNOWN), a house
 * wallet named by a client's movement (WALLET_NOT_CLIENT_SEGREGATED, HK-6: client assets are held
 * in client wallets only), or a client wallet named by a house deposit (WALLET_NOT_HOUSE: house
 * assets enter a client wallet only under a TW-4 commingling exception, never as a deposit booked
 * to house inventory), as a refusal; undefined when every wallet may carry the movement.
 */
export function refuseMovementWallets(
  named: readonly NamedWallet[],
  wallets: CustodyWallets,
): LedgerError | undefined {
  for (const { path, walletId, clientAssets, houseAssets } of named) {
    const wallet = wallets.get(walletId);
    if (wallet === undefined)
      return ledgerError(
        'WALLET_UNKNOWN',
        path,
        `wallet '${walletId}' was never registered with the ledger (no WalletRegistered from the wallet service): the movement is not booked`,
      );
    if (clientAssets === true && wallet.ownerClass !== 'client-segregated')
      return ledgerError(
        'WALLET_NOT_CLIENT_SEGREGATED',
        path,
        `HK-6: wallet '${walletId}' is a ${wallet.ownerClass} wallet; a client's assets move only through client-segregated wallets`,
      );
    if (houseAssets === true && wallet.ownerClass !== 'house')
      return ledgerError(
        'WALLET_NOT_HOUSE',
        path,
        `TW-4: wallet '${walletId}' is a ${wallet.ownerClass} wallet; a house deposit is booked only into a house wallet`,
      );
  }
  return undefined;
}
