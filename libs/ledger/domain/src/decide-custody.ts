import { availableBalance, clientAccount, custodyAccount, houseAccount } from './accounts';
import { refuseClientDebit } from './client-debit-guard';
import { fingerprintOf, wentNegative } from './decide-trade';
import { transfer } from './journal';
import type { LedgerCommand } from './ledger-commands';
import { fromDebitRefusal, ledgerError, type LedgerError } from './ledger-errors';
import { balanceOf, journalIdOf, type LedgerState } from './ledger-state';
import type { AssetDecimals, LedgerDecision } from './ledger-decision';

type Command<T extends LedgerCommand['type']> = Extract<LedgerCommand, { type: T }>;

export function refuseClientAsset(
  state: LedgerState,
  decimals: AssetDecimals,
  clientId: string,
  asset: string,
  amountMinor: bigint,
): LedgerError | undefined {
  if (!state.clients.has(clientId))
    return ledgerError('CLIENT_UNKNOWN', 'clientId', `client ${clientId} is not onboarded`);
  if (decimals(asset) === undefined)
    return ledgerError('ASSET_UNKNOWN', 'asset', `asset ${asset} is not in the registry`);
  if (amountMinor <= 0n)
    return ledgerError('AMOUNT_NOT_POSITIVE', 'amountMinor', 'amount must be positive');
  return undefined;
}

/** A confirmed deposit: the client is owed it, the receiving wallet holds it (idempotent by deposit id). */
export function decideBookDeposit(
  command: Command<'BookDeposit'>,
  state: LedgerState,
  decimals: AssetDecimals,
): LedgerDecision {
  const { depositId, clientId, asset, amountMinor, walletId } = command;
  const journalId = journalIdOf('deposit', depositId);
  const fingerprint = fingerprintOf([depositId, clientId, asset, amountMinor, walletId]);
  const booked = state.journals.get(journalId);
  if (booked !== undefined) {
    return booked === fingerprint
      ? { ok: true, events: [] }
      : {
          ok: false,
          error: ledgerError(
            'DEPOSIT_ID_CONFLICT',
            'depositId',
            `deposit ${depositId} was booked with other content`,
          ),
        };
  }
  const refusal = refuseClientAsset(state, decimals, clientId, asset, amountMinor);
  if (refusal !== undefined) return { ok: false, error: refusal };
  // The wallet holds more (custody debited), the client is owed more (client credited).
  const entries = transfer(
    custodyAccount(walletId, asset),
    clientAccount(clientId, asset),
    amountMinor,
  );
  return {
    ok: true,
    events: [
      {
        type: 'JournalPosted',
        data: {
          journalId,
          kind: 'deposit',
          sourceReference: depositId,
          fingerprint,
          entries,
          at: command.metadata.at,
        },
      },
    ],
  };
}

/**
 * An approved withdrawal holds its amount (a pending debit) so it cannot be spent twice. HK-7:
 * only to an address on the client's own allow-list. Never below zero: the available balance
 * (posted minus pending debits) must cover it.
 */
export function decideHoldWithdrawal(
  command: Command<'HoldWithdrawal'>,
  state: LedgerState,
  decimals: AssetDecimals,
): LedgerDecision {
  const { withdrawalId, clientId, asset, amountMinor, walletId } = command;
  const fingerprint = fingerprintOf([
    withdrawalId,
    clientId,
    asset,
    amountMinor,
    walletId,
    command.destinationAllowListedForClientId,
  ]);
  const existing = state.withdrawals.get(withdrawalId);
  if (existing !== undefined) {
    return existing.fingerprint === fingerprint
      ? { ok: true, events: [] }
      : {
          ok: false,
          error: ledgerError(
            'WITHDRAWAL_ID_CONFLICT',
            'withdrawalId',
            `withdrawal ${withdrawalId} was held with other content`,
          ),
        };
  }
  const refusal =
    refuseClientAsset(state, decimals, clientId, asset, amountMinor) ??
    debitRefusal(
      clientId,
      {
        kind: 'withdrawal',
        withdrawalId,
        destinationAllowListedForClientId: command.destinationAllowListedForClientId,
      },
      'destinationAllowListedForClientId',
    ) ??
    refuseUncovered(state, clientId, asset, amountMinor);
  if (refusal !== undefined) return { ok: false, error: refusal };
  return {
    ok: true,
    events: [
      {
        type: 'WithdrawalHoldPlaced',
        data: {
          withdrawalId,
          clientId,
          asset,
          amountMinor,
          walletId,
          fingerprint,
          at: command.metadata.at,
        },
      },
    ],
  };
}

/** Confirmed on chain: the hold posts (client -> wallet); the network fee is the house's expense, paid from the wallet. */
export function decideSettleWithdrawal(
  command: Command<'SettleWithdrawal'>,
  state: LedgerState,
): LedgerDecision {
  const held = state.withdrawals.get(command.withdrawalId);
  if (held === undefined || held.clientId !== command.clientId)
    return {
      ok: false,
      error: ledgerError(
        'WITHDRAWAL_UNKNOWN',
        'withdrawalId',
        `no withdrawal ${command.withdrawalId} is held for client ${command.clientId}`,
      ),
    };
  const journalId = journalIdOf('withdrawal', command.withdrawalId);
  const fingerprint = fingerprintOf([held.fingerprint, command.networkFeeMinor]);
  if (held.status === 'settled') {
    return held.settlementFingerprint === fingerprint
      ? { ok: true, events: [] }
      : {
          ok: false,
          error: ledgerError(
            'WITHDRAWAL_ALREADY_SETTLED',
            'withdrawalId',
            `withdrawal ${command.withdrawalId} settled already with other content`,
          ),
        };
  }
  if (held.status === 'released')
    return {
      ok: false,
      error: ledgerError(
        'WITHDRAWAL_ALREADY_RELEASED',
        'withdrawalId',
        `withdrawal ${command.withdrawalId} was released`,
      ),
    };
  for (const [field, confirmed, expected] of [
    ['asset', command.asset, held.asset],
    ['amountMinor', command.amountMinor, held.amountMinor],
    ['walletId', command.walletId, held.walletId],
  ] as const) {
    if (confirmed !== expected)
      return {
        ok: false,
        error: ledgerError(
          'WITHDRAWAL_CONFIRMATION_MISMATCH',
          field,
          `the chain confirmed ${String(confirmed)}, the hold is for ${String(expected)}`,
        ),
      };
  }
  if (command.networkFeeMinor < 0n)
    return {
      ok: false,
      error: ledgerError('FEE_NEGATIVE', 'networkFeeMinor', 'a network fee cannot be negative'),
    };
  const wallet = custodyAccount(held.walletId, held.asset);
  const entries = [
    ...transfer(clientAccount(held.clientId, held.asset), wallet, held.amountMinor),
    ...(command.networkFeeMinor > 0n
      ? transfer(houseAccount('network-fee-expense', held.asset), wallet, command.networkFeeMinor)
      : []),
  ];
  const at = command.metadata.at;
  // The hold becomes the posted debit: a trade that drained the held funds meanwhile now shows in the posted balance.
  return {
    ok: true,
    events: [
      {
        type: 'JournalPosted',
        data: {
          journalId,
          kind: 'withdrawal',
          sourceReference: command.withdrawalId,
          fingerprint,
          entries,
          at,
        },
      },
      ...wentNegative(entries, state, journalId, at, held.amountMinor),
    ],
  };
}

/** Failed or cancelled: the hold is released, nothing posts. */
export function decideReleaseWithdrawal(
  command: Command<'ReleaseWithdrawal'>,
  state: LedgerState,
): LedgerDecision {
  const held = state.withdrawals.get(command.withdrawalId);
  if (held === undefined || held.clientId !== command.clientId)
    return {
      ok: false,
      error: ledgerError(
        'WITHDRAWAL_UNKNOWN',
        'withdrawalId',
        `no withdrawal ${command.withdrawalId} is held for client ${command.clientId}`,
      ),
    };
  if (held.status === 'released') return { ok: true, events: [] };
  if (held.status === 'settled')
    return {
      ok: false,
      error: ledgerError(
        'WITHDRAWAL_ALREADY_SETTLED',
        'withdrawalId',
        `withdrawal ${command.withdrawalId} has settled; a correction is an adjustment`,
      ),
    };
  return {
    ok: true,
    events: [
      {
        type: 'WithdrawalHoldReleased',
        data: {
          withdrawalId: command.withdrawalId,
          reason: command.reason,
          at: command.metadata.at,
        },
      },
    ],
  };
}

export function debitRefusal(
  clientId: string,
  reason: Parameters<typeof refuseClientDebit>[1],
  path: string,
): LedgerError | undefined {
  const refusal = refuseClientDebit(clientId, reason);
  return refusal === undefined ? undefined : fromDebitRefusal(refusal, path);
}

/** A withdrawal or an adjustment never takes a client below zero. */
export function refuseUncovered(
  state: LedgerState,
  clientId: string,
  asset: string,
  amountMinor: bigint,
): LedgerError | undefined {
  const account = clientAccount(clientId, asset);
  const available = availableBalance(account, balanceOf(state, account));
  return available < amountMinor
    ? ledgerError(
        'INSUFFICIENT_AVAILABLE_BALANCE',
        'amountMinor',
        `client ${clientId} has ${available} ${asset} minor units available, ${amountMinor} asked`,
      )
    : undefined;
}
