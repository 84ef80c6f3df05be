import {
  accountKey,
  flooredLiability,
  holdSettledBy,
  houseShare,
  normalSide,
  postedBalance,
  type Account,
  type AccountBalance,
  type JournalEntry,
  type LedgerEvent,
  withdrawalSettledBy,
} from '@custody/ledger-domain';

/**
 * The ledger's read models as a pure fold: account balances, each client's statement lines,
 * per-asset totals (clients, house, custody: the books' invariant) and the holds a release
 * needs to find. The adapter loads the rows a batch touches, applies this, writes the result.
 */

/** A recorded ledger event as the projection sees it. */
export interface ProjectedEvent {
  readonly event: LedgerEvent;
  readonly globalPosition: bigint;
  /** The client whose stream holds this copy (a trade is in both clients' streams). */
  readonly streamClientId: string;
}

export interface BalanceRow {
  readonly account: Account;
  readonly balance: AccountBalance;
  readonly lastPosition: bigint;
}

export interface HoldRow {
  readonly withdrawalId: string;
  readonly clientId: string;
  readonly asset: string;
  readonly amountMinor: bigint;
  readonly status: 'held' | 'settled' | 'released';
}

export interface AssetTotalRow {
  readonly asset: string;
  /** Σ client accounts, negatives included. */
  readonly clientsMinor: bigint;
  /** Σ client accounts, each negative counted as zero (TW-13.3). */
  readonly clientsFlooredMinor: bigint;
  /** Σ house accounts: fee revenue and inventory, less network-fee expense. */
  readonly houseMinor: bigint;
  /** Σ custody accounts: what the wallets hold. */
  readonly custodyMinor: bigint;
  readonly lastPosition: bigint;
}

/** House-only journals (custody transfers, network fees) have no client lines: their kinds never appear here. */
export type StatementReason =
  | 'trade'
  | 'trade-fee'
  | 'deposit'
  | 'withdrawal'
  | 'adjustment'
  | 'withdrawal-hold'
  | 'withdrawal-hold-released';

/** One movement in or out of one client's account (HK-21: reason and source reference). */
export interface StatementLine {
  readonly clientId: string;
  readonly globalPosition: bigint;
  /** Order of the line within its event. */
  readonly line: number;
  readonly asset: string;
  readonly reason: StatementReason;
  readonly sourceReference: string;
  /** Posted change: positive in, negative out. */
  readonly amountMinor: bigint;
  /** Change of the pending debits (a hold placed: positive). */
  readonly pendingChangeMinor: bigint;
  readonly balanceAfterMinor: bigint;
  readonly availableAfterMinor: bigint;
  /** Business time of the movement. */
  readonly at: string;
}

export interface ProjectionRows {
  readonly balances: Map<string, BalanceRow>;
  readonly holds: Map<string, HoldRow>;
  readonly totals: Map<string, AssetTotalRow>;
}

export interface ProjectionResult extends ProjectionRows {
  /** Keys of the rows the batch changed: only these are written. */
  readonly changedBalances: ReadonlySet<string>;
  readonly changedHolds: ReadonlySet<string>;
  readonly changedTotals: ReadonlySet<string>;
  readonly lines: StatementLine[];
}

const ZERO: AccountBalance = {
  debitsPosted: 0n,
  creditsPosted: 0n,
  debitsPending: 0n,
  creditsPending: 0n,
};

/** The rows a batch needs loaded before it can be applied. */
export function rowsNeeded(events: readonly ProjectedEvent[]): {
  accountKeys: Set<string>;
  withdrawalIds: Set<string>;
  assets: Set<string>;
} {
  const accountKeys = new Set<string>();
  const withdrawalIds = new Set<string>();
  const assets = new Set<string>();
  for (const { event } of events) {
    if (event.type === 'JournalPosted') {
      for (const entry of event.data.entries) {
        accountKeys.add(accountKey(entry.account));
        assets.add(entry.account.asset);
      }
      const settles = withdrawalSettledBy(event.data);
      if (settles !== undefined) withdrawalIds.add(settles);
    } else if (event.type === 'WithdrawalHoldPlaced') {
      accountKeys.add(
        accountKey({ kind: 'client', clientId: event.data.clientId, asset: event.data.asset }),
      );
      assets.add(event.data.asset);
    } else if (event.type === 'WithdrawalHoldReleased') withdrawalIds.add(event.data.withdrawalId);
  }
  return { accountKeys, withdrawalIds, assets };
}

/** The account keys a batch's releases and settlements touch, once their holds are known. */
export function holdAccountKeys(holds: Iterable<HoldRow>): string[] {
  return [...holds].map((hold) =>
    accountKey({ kind: 'client', clientId: hold.clientId, asset: hold.asset }),
  );
}

/** The client whose first entry comes last in the journal: the one whose copy of it is recorded last (undefined: no client). */
function lastClientOf(entries: readonly JournalEntry[]): string | undefined {
  let last: string | undefined;
  const seen: string[] = [];
  for (const entry of entries) {
    if (entry.account.kind !== 'client' || seen.includes(entry.account.clientId)) continue;
    seen.push(entry.account.clientId);
    last = entry.account.clientId;
  }
  return last;
}

/**
 * Applies a batch in order. A journal is in the stream of every client it touches, its copies at
 * adjacent positions in its clients' order: it is applied once, at its last copy, where it is
 * complete (point-in-time reads count it from there too).
 */
export function projectLedger(
  rows: ProjectionRows,
  events: readonly ProjectedEvent[],
): ProjectionResult {
  return foldLedger(
    { balances: new Map(rows.balances), holds: new Map(rows.holds), totals: new Map(rows.totals) },
    events,
  );
}

/**
 * projectLedger on maps the caller gives up: they are updated where they are (a rebuild folds a
 * million events into the same maps, page after page, instead of copying them for every page).
 * The rows in them are replaced, never changed.
 */
export function foldLedger(
  rows: ProjectionRows,
  events: readonly ProjectedEvent[],
): ProjectionResult {
  const { balances, holds, totals } = rows;
  const changedBalances = new Set<string>();
  const changedHolds = new Set<string>();
  const changedTotals = new Set<string>();
  const lines: StatementLine[] = [];
  // lines so far of the event being applied, per client (reset for every event)
  const linesOfEvent = new Map<string, number>();

  /** Moves one account by these deltas and its asset's totals with it (no intermediate objects: a rebuild runs this millions of times). */
  const change = (
    account: Account,
    position: bigint,
    debitsPostedBy: bigint,
    creditsPostedBy: bigint,
    debitsPendingBy: bigint,
  ): BalanceRow => {
    const key = accountKey(account);
    const before = balances.get(key)?.balance ?? ZERO;
    // bigint arithmetic allocates: a zero delta keeps the value it would add to
    const after: AccountBalance = {
      debitsPosted:
        debitsPostedBy === 0n ? before.debitsPosted : before.debitsPosted + debitsPostedBy,
      creditsPosted:
        creditsPostedBy === 0n ? before.creditsPosted : before.creditsPosted + creditsPostedBy,
      debitsPending:
        debitsPendingBy === 0n ? before.debitsPending : before.debitsPending + debitsPendingBy,
      creditsPending: before.creditsPending,
    };
    const row: BalanceRow = { account, balance: after, lastPosition: position };
    balances.set(key, row);
    changedBalances.add(key);
    const total = totals.get(account.asset) ?? {
      asset: account.asset,
      clientsMinor: 0n,
      clientsFlooredMinor: 0n,
      houseMinor: 0n,
      custodyMinor: 0n,
      lastPosition: 0n,
    };
    let { clientsMinor, clientsFlooredMinor, houseMinor, custodyMinor } = total;
    if (debitsPostedBy !== 0n || creditsPostedBy !== 0n) {
      // the change of the posted balance on the account's normal side
      const postedBefore = postedBalance(account, before);
      const postedBy =
        normalSide(account) === 'credit'
          ? creditsPostedBy - debitsPostedBy
          : debitsPostedBy - creditsPostedBy;
      if (account.kind === 'client') {
        const postedAfter = postedBefore + postedBy;
        clientsMinor += postedBy;
        clientsFlooredMinor += flooredLiability(postedAfter) - flooredLiability(postedBefore);
      } else if (account.kind === 'custody') custodyMinor += postedBy;
      else houseMinor += houseShare(account.purpose, postedBy);
    }
    totals.set(account.asset, {
      asset: account.asset,
      clientsMinor,
      clientsFlooredMinor,
      houseMinor,
      custodyMinor,
      lastPosition: position,
    });
    changedTotals.add(account.asset);
    return row;
  };
  const line = (
    clientId: string,
    position: bigint,
    asset: string,
    reason: StatementReason,
    sourceReference: string,
    amountMinor: bigint,
    pendingChangeMinor: bigint,
    after: BalanceRow,
    at: string,
  ) => {
    const balanceAfterMinor = postedBalance(after.account, after.balance);
    const lineNumber = linesOfEvent.get(clientId) ?? 0;
    linesOfEvent.set(clientId, lineNumber + 1);
    lines.push({
      clientId,
      globalPosition: position,
      line: lineNumber,
      asset,
      reason,
      sourceReference,
      amountMinor,
      pendingChangeMinor,
      balanceAfterMinor,
      availableAfterMinor: balanceAfterMinor - after.balance.debitsPending,
      at,
    });
  };

  for (const { event, globalPosition: position, streamClientId } of events) {
    linesOfEvent.clear();
    switch (event.type) {
      case 'JournalPosted': {
        const { entries, kind, sourceReference, at } = event.data;
        // not its last copy: the journal counts once all its copies are recorded (a house-only
        // journal has one copy); its copies follow its clients' order of first appearance
        const lastClient = lastClientOf(entries);
        if (lastClient !== undefined && lastClient !== streamClientId) break;
        const settled = holdSettledBy(event.data, holds);
        for (let index = 0; index < entries.length; index += 1) {
          const entry = entries[index] as (typeof entries)[number];
          const debit = entry.side === 'debit';
          const after = change(
            entry.account,
            position,
            debit ? entry.amountMinor : 0n,
            debit ? 0n : entry.amountMinor,
            0n,
          );
          if (entry.account.kind !== 'client') continue;
          // entries come in transfer pairs (debit, credit): the other half names what the movement was for
          const counterpart = entries[index % 2 === 0 ? index + 1 : index - 1]?.account;
          if (kind === 'custody-transfer' || kind === 'network-fee')
            throw new Error(`assertion: a ${kind} journal has a client entry`);
          const reason: StatementReason =
            kind === 'trade' && counterpart?.kind === 'house' ? 'trade-fee' : kind;
          const releasing =
            settled !== undefined &&
            settled.clientId === entry.account.clientId &&
            settled.asset === entry.account.asset &&
            debit;
          const settledAfter = releasing
            ? change(entry.account, position, 0n, 0n, -settled.amountMinor)
            : after;
          line(
            entry.account.clientId,
            position,
            entry.account.asset,
            reason,
            sourceReference,
            debit ? -entry.amountMinor : entry.amountMinor,
            releasing ? -settled.amountMinor : 0n,
            settledAfter,
            at,
          );
        }
        if (settled !== undefined) {
          holds.set(sourceReference, { ...settled, status: 'settled' });
          changedHolds.add(sourceReference);
        }
        break;
      }
      case 'WithdrawalHoldPlaced': {
        const { withdrawalId, clientId, asset, amountMinor, at } = event.data;
        const after = change({ kind: 'client', clientId, asset }, position, 0n, 0n, amountMinor);
        holds.set(withdrawalId, { withdrawalId, clientId, asset, amountMinor, status: 'held' });
        changedHolds.add(withdrawalId);
        line(
          clientId,
          position,
          asset,
          'withdrawal-hold',
          withdrawalId,
          0n,
          amountMinor,
          after,
          at,
        );
        break;
      }
      case 'WithdrawalHoldReleased': {
        const held = holds.get(event.data.withdrawalId);
        if (held === undefined)
          throw new Error(`assertion: release of unknown withdrawal ${event.data.withdrawalId}`);
        const after = change(
          { kind: 'client', clientId: held.clientId, asset: held.asset },
          position,
          0n,
          0n,
          -held.amountMinor,
        );
        holds.set(held.withdrawalId, { ...held, status: 'released' });
        changedHolds.add(held.withdrawalId);
        line(
          held.clientId,
          position,
          held.asset,
          'withdrawal-hold-released',
          held.withdrawalId,
          0n,
          -held.amountMinor,
          after,
          event.data.at,
        );
        break;
      }
      case 'ClientOnboarded':
      case 'ClientBalanceWentNegative':
      case 'AdjustmentRequested':
      case 'AdjustmentApproved':
      case 'AdjustmentRejected':
      case 'AdjustmentExpired':
        break; // no balance moves (the adjustment's journal does)
      default: {
        const unreachable: never = event;
        throw new Error(`assertion: unknown event ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return { balances, holds, totals, changedBalances, changedHolds, changedTotals, lines };
}
