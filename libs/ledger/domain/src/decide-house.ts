import { eventTypesOf, unhandled, type Decider, type Decision } from '@custody/decider';
import { custodyAccount, houseAccount } from './accounts';
import { fingerprintOf } from './decide-trade';
import { checkJournal, transfer, type JournalEntry } from './journal';
import type { AssetDecimals } from './ledger-decision';
import { ledgerError, type LedgerError } from './ledger-errors';
import type { LedgerEvent } from './ledger-events';
import { journalIdOf } from './ledger-state';

/**
 * Movements of the institution's books that touch no client: a transfer between two of our
 * wallets (TW-15.4: the custody accounts move, the total does not), a network fee paid from a
 * wallet that no client movement carried (an ERC-20 withdrawal's gas, an internal transfer's, a
 * reverted transaction's: the house's expense, out of the wallet) and a deposit into a house
 * wallet (the institution's own: its custody account up, house inventory credited; BC-1..BC-4
 * weigh it). They keep each wallet's custody account equal to what the chain shows.
 */
export type HouseCommand =
  | {
      readonly type: 'BookCustodyTransfer';
      readonly transferId: string;
      readonly fromWalletId: string;
      readonly toWalletId: string;
      readonly asset: string;
      readonly amountMinor: bigint;
      readonly at: string;
    }
  | {
      readonly type: 'BookNetworkFee';
      readonly feeId: string;
      readonly walletId: string;
      readonly asset: string;
      readonly amountMinor: bigint;
      readonly at: string;
    }
  | {
      readonly type: 'BookHouseDeposit';
      readonly depositId: string;
      /** A house wallet (the write path refuses any other: WALLET_NOT_HOUSE). */
      readonly walletId: string;
      readonly asset: string;
      readonly amountMinor: bigint;
      readonly at: string;
    };

/**
 * What a command books: the journal's kind and source reference, the fingerprint of its content,
 * and its balanced entries (HK-8: debit first, credit second).
 */
function journalOf(command: HouseCommand): {
  readonly kind: 'custody-transfer' | 'network-fee' | 'deposit';
  readonly reference: string;
  readonly fingerprint: string;
  readonly entries: JournalEntry[];
} {
  const { asset, amountMinor } = command;
  switch (command.type) {
    case 'BookCustodyTransfer':
      return {
        kind: 'custody-transfer',
        reference: command.transferId,
        fingerprint: fingerprintOf([
          command.transferId,
          command.fromWalletId,
          command.toWalletId,
          asset,
          amountMinor,
        ]),
        // the receiving wallet holds more (debit), the sending one less (credit)
        entries: transfer(
          custodyAccount(command.toWalletId, asset),
          custodyAccount(command.fromWalletId, asset),
          amountMinor,
        ),
      };
    case 'BookNetworkFee':
      return {
        kind: 'network-fee',
        reference: command.feeId,
        fingerprint: fingerprintOf([command.feeId, command.walletId, asset, amountMinor]),
        entries: transfer(
          houseAccount('network-fee-expense', asset),
          custodyAccount(command.walletId, asset),
          amountMinor,
        ),
      };
    case 'BookHouseDeposit':
      return {
        kind: 'deposit',
        reference: command.depositId,
        fingerprint: fingerprintOf([command.depositId, command.walletId, asset, amountMinor]),
        // the house wallet holds more (debit); the institution owns it: house inventory (credit)
        entries: transfer(
          custodyAccount(command.walletId, asset),
          houseAccount('inventory', asset),
          amountMinor,
        ),
      };
    default:
      return unhandled(command);
  }
}

/** journalId -> fingerprint of what was booked under it. */
export type HouseJournals = ReadonlyMap<string, string>;

/** The house stream holds journals only. */
export type HouseEvent = Extract<LedgerEvent, { readonly type: 'JournalPosted' }>;

export function evolveHouse(booked: HouseJournals, event: HouseEvent): HouseJournals {
  switch (event.type) {
    case 'JournalPosted':
      return new Map(booked).set(event.data.journalId, event.data.fingerprint);
    default:
      return unhandled(event.type);
  }
}

export function decideHouse(
  command: HouseCommand,
  booked: HouseJournals,
  decimals: AssetDecimals,
): Decision<HouseEvent, LedgerError> {
  const { kind, reference, fingerprint, entries } = journalOf(command);
  const journalId = journalIdOf(kind, reference);
  const existing = booked.get(journalId);
  if (existing !== undefined)
    return existing === fingerprint
      ? { ok: true, events: [] }
      : {
          ok: false,
          error: ledgerError(
            'JOURNAL_ID_CONFLICT',
            'reference',
            `${journalId} was booked with other content`,
          ),
        };
  if (decimals(command.asset) === undefined)
    return {
      ok: false,
      error: ledgerError('ASSET_UNKNOWN', 'asset', `asset ${command.asset} is not in the registry`),
    };
  if (command.type === 'BookCustodyTransfer' && command.fromWalletId === command.toWalletId)
    return {
      ok: false,
      error: ledgerError(
        'TRANSFER_SAME_WALLET',
        'toWalletId',
        'a transfer moves between two wallets',
      ),
    };
  if (command.amountMinor <= 0n)
    return command.type === 'BookNetworkFee' && command.amountMinor === 0n
      ? { ok: true, events: [] }
      : {
          ok: false,
          error: ledgerError('AMOUNT_NOT_POSITIVE', 'amountMinor', 'amount must be positive'),
        };
  const problem = checkJournal(entries);
  // Stryker disable next-line ConditionalExpression: an assertion no input can fail: transfer() of a positive amount within one asset always balances (HK-8)
  if (problem !== undefined)
    throw new Error(`assertion: ${command.type} produced an unbalanced journal: ${problem.code}`);
  const event: HouseEvent = {
    type: 'JournalPosted',
    data: { journalId, kind, sourceReference: reference, fingerprint, entries, at: command.at },
  };
  return { ok: true, events: [event] };
}

/** The house's own books as a Decider: the asset registry's decimals are its facts. */
export const houseDecider: Decider<
  HouseCommand,
  HouseEvent,
  HouseJournals,
  LedgerError,
  AssetDecimals
> = {
  initialState: new Map(),
  // Stryker disable next-line BooleanLiteral: the record's values only mark its keys (eventTypesOf lists the keys)
  eventTypes: eventTypesOf<HouseEvent>({ JournalPosted: true }),
  evolve: evolveHouse,
  decide: decideHouse,
};
