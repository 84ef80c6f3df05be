/**
 * HK-21 per client: each deposit and withdrawal the ledger booked for a client against the one the
 * wallet service recorded on chain (with its transaction), by movement id. A movement on one side
 * only, or with another client, asset or amount, is a break. Pure.
 */
export interface BookedMovement {
  readonly kind: 'deposit' | 'withdrawal';
  readonly movementId: string;
  readonly clientId: string;
  readonly asset: string;
  /** The amount moved (positive), in minor units. */
  readonly amountMinor: bigint;
}

export interface ChainMovement extends BookedMovement {
  readonly transactionHash: string;
}

export interface ClientBreak {
  readonly kind: 'deposit' | 'withdrawal';
  readonly movementId: string;
  readonly clientId: string;
  readonly asset: string;
  readonly problem: 'not-booked' | 'not-on-chain' | 'different';
  readonly bookedMinor: bigint | null;
  readonly onChainMinor: bigint | null;
  readonly transactionHash: string | null;
  readonly reason: string;
}

export interface ClientReconciliation {
  /** Clients with at least one movement on either side, each compared. */
  readonly clients: number;
  readonly movementsMatched: number;
  readonly breaks: readonly ClientBreak[];
}

export function reconcileClientMovements(
  booked: readonly BookedMovement[],
  onChain: readonly ChainMovement[],
): ClientReconciliation {
  const key = (movement: BookedMovement) => `${movement.kind}\u0000${movement.movementId}`;
  const bookedByKey = new Map(booked.map((movement) => [key(movement), movement]));
  const chainByKey = new Map(onChain.map((movement) => [key(movement), movement]));
  const breaks: ClientBreak[] = [];
  let matched = 0;
  for (const [movementKey, chain] of chainByKey) {
    const book = bookedByKey.get(movementKey);
    if (book === undefined) {
      breaks.push({
        kind: chain.kind,
        movementId: chain.movementId,
        clientId: chain.clientId,
        asset: chain.asset,
        problem: 'not-booked',
        bookedMinor: null,
        onChainMinor: chain.amountMinor,
        transactionHash: chain.transactionHash,
        reason: `${chain.kind} ${chain.movementId} of ${chain.amountMinor} ${chain.asset} is on chain (${chain.transactionHash}) but not in ${chain.clientId}'s books`,
      });
      continue;
    }
    if (
      book.clientId !== chain.clientId ||
      book.asset !== chain.asset ||
      book.amountMinor !== chain.amountMinor
    ) {
      breaks.push({
        kind: chain.kind,
        movementId: chain.movementId,
        clientId: book.clientId,
        asset: book.asset,
        problem: 'different',
        bookedMinor: book.amountMinor,
        onChainMinor: chain.amountMinor,
        transactionHash: chain.transactionHash,
        reason: `booked ${book.amountMinor} ${book.asset} for ${book.clientId}, on chain ${chain.amountMinor} ${chain.asset} for ${chain.clientId}`,
      });
      continue;
    }
    matched += 1;
  }
  for (const [movementKey, book] of bookedByKey) {
    if (chainByKey.has(movementKey)) continue;
    breaks.push({
      kind: book.kind,
      movementId: book.movementId,
      clientId: book.clientId,
      asset: book.asset,
      problem: 'not-on-chain',
      bookedMinor: book.amountMinor,
      onChainMinor: null,
      transactionHash: null,
      reason: `${book.kind} ${book.movementId} of ${book.amountMinor} ${book.asset} is in ${book.clientId}'s books with no on-chain record`,
    });
  }
  const clients = new Set([...booked, ...onChain].map((movement) => movement.clientId)).size;
  // by client, then movement, then kind: the separator sorts before any character, and no two breaks share all three
  const order = (entry: ClientBreak) =>
    `${entry.clientId}\u0000${entry.movementId}\u0000${entry.kind}`;
  breaks.sort((a, b) => (order(a) < order(b) ? -1 : 1));
  return { clients, movementsMatched: matched, breaks };
}
