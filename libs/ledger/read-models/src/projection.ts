import { accountKey, postedBalance, type Account, type AccountBalance, type LedgerEvent } from '@custody/ledger-domain';

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
export type StatementReason = 'trade' | 'trade-fee' | 'deposit' | 'withdrawal' | 'adjustment' | 'withdrawal-hold' | 'withdrawal-hold-released';

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

const ZERO: AccountBalance = { debitsPosted: 0n, creditsPosted: 0n, debitsPending: 0n, creditsPending: 0n };

/** The rows a batch needs loaded before it can be applied. */
export function rowsNeeded(events: readonly ProjectedEvent[]): { accountKeys: Set<string>; withdrawalIds: Set<string>; assets: Set<string> } {
  const accountKeys = new Set<string>();
  const withdrawalIds = new Set<string>();
  const assets = new Set<string>();
  for (const { event } of events) {
    if (event.type === 'JournalPosted') {
      for (const entry of event.data.entries) {
        accountKeys.add(accountKey(entry.account));
        assets.add(entry.account.asset);
      }
      if (event.data.kind === 'withdrawal') withdrawalIds.add(event.data.sourceReference);
    } else if (event.type === 'WithdrawalHoldPlaced') {
      accountKeys.add(accountKey({ kind: 'client', clientId: event.data.clientId, asset: event.data.asset }));
      assets.add(event.data.asset);
    } else if (event.type === 'WithdrawalHoldReleased') withdrawalIds.add(event.data.withdrawalId);
  }
  return { accountKeys, withdrawalIds, assets };
}

/** The account keys a batch's releases and settlements touch, once their holds are known. */
export function holdAccountKeys(holds: Iterable<HoldRow>): string[] {
  return [...holds].map((hold) => accountKey({ kind: 'client', clientId: hold.clientId, asset: hold.asset }));
}

function signedContribution(account: Account, balance: AccountBalance): { clients: bigint; floored: bigint; house: bigint; custody: bigint } {
  const posted = postedBalance(account, balance);
  if (account.kind === 'client') return { clients: posted, floored: posted > 0n ? posted : 0n, house: 0n, custody: 0n };
  if (account.kind === 'custody') return { clients: 0n, floored: 0n, house: 0n, custody: posted };
  return { clients: 0n, floored: 0n, house: account.purpose === 'network-fee-expense' ? -posted : posted, custody: 0n };
}

/**
 * Applies a batch in order. A journal is in the stream of every client it touches, its copies at
 * adjacent positions in its clients' order: it is applied once, at its last copy, where it is
 * complete (point-in-time reads count it from there too).
 */
export function projectLedger(rows: ProjectionRows, events: readonly ProjectedEvent[]): ProjectionResult {
  const balances = new Map(rows.balances);
  const holds = new Map(rows.holds);
  const totals = new Map(rows.totals);
  const changedBalances = new Set<string>();
  const changedHolds = new Set<string>();
  const changedTotals = new Set<string>();
  const lines: StatementLine[] = [];
  const linesPerEvent = new Map<string, number>();

  const change = (account: Account, position: bigint, update: (balance: AccountBalance) => AccountBalance): BalanceRow => {
    const key = accountKey(account);
    const before = balances.get(key)?.balance ?? ZERO;
    const after = update(before);
    balances.set(key, { account, balance: after, lastPosition: position });
    changedBalances.add(key);
    const removed = signedContribution(account, before);
    const added = signedContribution(account, after);
    const total = totals.get(account.asset) ?? { asset: account.asset, clientsMinor: 0n, clientsFlooredMinor: 0n, houseMinor: 0n, custodyMinor: 0n, lastPosition: 0n };
    totals.set(account.asset, {
      asset: account.asset,
      clientsMinor: total.clientsMinor - removed.clients + added.clients,
      clientsFlooredMinor: total.clientsFlooredMinor - removed.floored + added.floored,
      houseMinor: total.houseMinor - removed.house + added.house,
      custodyMinor: total.custodyMinor - removed.custody + added.custody,
      lastPosition: position,
    });
    changedTotals.add(account.asset);
    return balances.get(key) as BalanceRow;
  };
  const line = (clientId: string, position: bigint, asset: string, reason: StatementReason, sourceReference: string, amountMinor: bigint, pendingChangeMinor: bigint, after: BalanceRow, at: string) => {
    const balanceAfterMinor = postedBalance(after.account, after.balance);
    const eventKey = `${clientId}\u0000${position}`;
    const lineNumber = linesPerEvent.get(eventKey) ?? 0;
    linesPerEvent.set(eventKey, lineNumber + 1);
    lines.push({ clientId, globalPosition: position, line: lineNumber, asset, reason, sourceReference, amountMinor, pendingChangeMinor, balanceAfterMinor, availableAfterMinor: balanceAfterMinor - after.balance.debitsPending, at });
  };

  for (const { event, globalPosition: position, streamClientId } of events) {
    switch (event.type) {
      case 'JournalPosted': {
        const { entries, kind, sourceReference, at } = event.data;
        const clients = [...new Set(entries.flatMap((entry) => (entry.account.kind === 'client' ? [entry.account.clientId] : [])))];
        // not its last copy: the journal counts once all its copies are recorded (a house-only journal has one copy)
        if (clients.length > 0 && clients.at(-1) !== streamClientId) break;
        const settled = kind === 'withdrawal' ? holds.get(sourceReference) : undefined;
        entries.forEach((entry, index) => {
          const after = change(entry.account, position, (balance) =>
            entry.side === 'debit' ? { ...balance, debitsPosted: balance.debitsPosted + entry.amountMinor } : { ...balance, creditsPosted: balance.creditsPosted + entry.amountMinor },
          );
          if (entry.account.kind !== 'client') return;
          // entries come in transfer pairs (debit, credit): the other half names what the movement was for
          const counterpart = entries[index % 2 === 0 ? index + 1 : index - 1]?.account;
          if (kind === 'custody-transfer' || kind === 'network-fee') throw new Error(`assertion: a ${kind} journal has a client entry`);
          const reason: StatementReason = kind === 'trade' && counterpart?.kind === 'house' ? 'trade-fee' : kind;
          const releasing = settled !== undefined && settled.clientId === entry.account.clientId && settled.asset === entry.account.asset && entry.side === 'debit';
          const settledAfter = releasing ? change(entry.account, position, (balance) => ({ ...balance, debitsPending: balance.debitsPending - settled.amountMinor })) : after;
          line(entry.account.clientId, position, entry.account.asset, reason, sourceReference, entry.side === 'credit' ? entry.amountMinor : -entry.amountMinor, releasing ? -settled.amountMinor : 0n, settledAfter, at);
        });
        if (settled !== undefined) {
          holds.set(sourceReference, { ...settled, status: 'settled' });
          changedHolds.add(sourceReference);
        }
        break;
      }
      case 'WithdrawalHoldPlaced': {
        const { withdrawalId, clientId, asset, amountMinor, at } = event.data;
        const after = change({ kind: 'client', clientId, asset }, position, (balance) => ({ ...balance, debitsPending: balance.debitsPending + amountMinor }));
        holds.set(withdrawalId, { withdrawalId, clientId, asset, amountMinor, status: 'held' });
        changedHolds.add(withdrawalId);
        line(clientId, position, asset, 'withdrawal-hold', withdrawalId, 0n, amountMinor, after, at);
        break;
      }
      case 'WithdrawalHoldReleased': {
        const held = holds.get(event.data.withdrawalId);
        if (held === undefined) throw new Error(`assertion: release of unknown withdrawal ${event.data.withdrawalId}`);
        const after = change({ kind: 'client', clientId: held.clientId, asset: held.asset }, position, (balance) => ({ ...balance, debitsPending: balance.debitsPending - held.amountMinor }));
        holds.set(held.withdrawalId, { ...held, status: 'released' });
        changedHolds.add(held.withdrawalId);
        line(held.clientId, position, held.asset, 'withdrawal-hold-released', held.withdrawalId, 0n, -held.amountMinor, after, event.data.at);
        break;
      }
      case 'ClientOnboarded':
      case 'ClientBalanceWentNegative':
      case 'AdjustmentRequested':
      case 'AdjustmentApproved':
        break; // no balance moves (the adjustment's journal does)
      default: {
        const unreachable: never = event;
        throw new Error(`assertion: unknown event ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return { balances, holds, totals, changedBalances, changedHolds, changedTotals, lines };
}
