import { eventTypesOf, unhandled, type Decider, type Decision } from '@custody/decider';
import { custodyAccount, houseAccount } from './accounts';
import { fingerprintOf } from './decide-trade';
import { checkJournal, transfer } from './journal';
import type { AssetDecimals } from './ledger-decision';
import { ledgerError, type LedgerError } from './ledger-errors';
import type { LedgerEvent } from './ledger-events';
import { journalIdOf } from './ledger-state';

/**
 * Movements of the institution's books that touch no client: a transfer between two of our
 * wallets (TW-15.4: the custody accounts move, the total does not) and a network fee paid from a
 * wallet that no client movement carried (an ERC-20 withdrawal's gas, an internal transfer's, a
 * reverted transaction's: the house's expense, out of the wallet). They keep each wallet's custody
 * account equal to what the chain shows.
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
    };

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
  const kind = command.type === 'BookCustodyTransfer' ? 'custody-transfer' : 'network-fee';
  const reference = command.type === 'BookCustodyTransfer' ? command.transferId : command.feeId;
  const journalId = journalIdOf(kind, reference);
  const fingerprint =
    command.type === 'BookCustodyTransfer'
      ? fingerprintOf([
          command.transferId,
          command.fromWalletId,
          command.toWalletId,
          command.asset,
          command.amountMinor,
        ])
      : fingerprintOf([command.feeId, command.walletId, command.asset, command.amountMinor]);
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
  const entries =
    command.type === 'BookCustodyTransfer'
      ? // the receiving wallet holds more (debit), the sending one less (credit)
        transfer(
          custodyAccount(command.toWalletId, command.asset),
          custodyAccount(command.fromWalletId, command.asset),
          command.amountMinor,
        )
      : transfer(
          houseAccount('network-fee-expense', command.asset),
          custodyAccount(command.walletId, command.asset),
          command.amountMinor,
        );
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
