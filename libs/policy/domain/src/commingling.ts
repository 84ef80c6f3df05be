import { COMMINGLING_PURPOSES, type ComminglingException, type ComminglingPurpose } from './facts';
import { eventTypesOf, unhandled, type Decider } from '@custody/decider';
import type { PolicyDecision, PolicyError } from './policy-errors';

export type ComminglingEvent = {
  readonly type: 'ComminglingExceptionRecorded';
  readonly data: ComminglingException & {
    readonly reason: string;
    readonly recordedBy: string;
    readonly at: string;
  };
};

export interface ComminglingState {
  readonly exceptions: ReadonlyMap<string, ComminglingException>;
}

export const initialComminglingState: ComminglingState = { exceptions: new Map() };

export interface RecordComminglingException {
  readonly exceptionId: string;
  readonly walletId: string;
  readonly asset: string;
  readonly amountMinor: bigint;
  readonly purpose: string;
  readonly reason: string;
  readonly by: string;
  readonly at: string;
}

const refuse = (
  code: PolicyError['code'],
  path: string,
  reason: string,
): PolicyDecision<ComminglingEvent> => ({ ok: false, error: { code, path, reason } });

/**
 * TW-4: house assets go into a client wallet only as a recorded exception with one of the four
 * purposes; into a client COLD wallet only for gas. The record comes first; the rules then check
 * the 20% cap and the coverage against what the wallet holds.
 */
/** The wallet an exception is about, as the policy service knows it (undefined: unknown). */
export type ComminglingWallet =
  { readonly tier: 'cold' | 'hot'; readonly ownerClass: 'client-segregated' | 'house' } | undefined;

export function decideComminglingException(
  command: RecordComminglingException,
  state: ComminglingState,
  wallet: ComminglingWallet,
): PolicyDecision<ComminglingEvent> {
  if (state.exceptions.has(command.exceptionId))
    return refuse('COMMINGLING_ID_TAKEN', 'exceptionId', `exception ${command.exceptionId} exists`);
  if (wallet === undefined)
    return refuse(
      'WALLET_UNKNOWN',
      'walletId',
      `no wallet ${command.walletId} is known to the policy service`,
    );
  if (wallet.ownerClass !== 'client-segregated')
    return refuse(
      'COMMINGLING_WALLET_NOT_CLIENT',
      'walletId',
      `${command.walletId} is a house wallet: house assets there are no exception`,
    );
  if (!(COMMINGLING_PURPOSES as readonly string[]).includes(command.purpose))
    return refuse(
      'COMMINGLING_PURPOSE_INVALID',
      'purpose',
      `one of ${COMMINGLING_PURPOSES.join(', ')} (TW-4)`,
    );
  if (wallet.tier === 'cold' && command.purpose !== 'network-fee')
    return refuse(
      'COMMINGLING_COLD_NOT_GAS',
      'purpose',
      'a client cold wallet takes house assets only to pay gas (TW-4)',
    );
  if (command.amountMinor <= 0n)
    return refuse('AMOUNT_NOT_POSITIVE', 'amountMinor', 'an exception places a positive amount');
  if (command.reason.trim() === '')
    return refuse('REASON_REQUIRED', 'reason', 'an exception states why');
  const { exceptionId, walletId, asset, amountMinor, reason, by, at } = command;
  return {
    ok: true,
    events: [
      {
        type: 'ComminglingExceptionRecorded',
        data: {
          exceptionId,
          walletId,
          asset,
          amountMinor,
          purpose: command.purpose as ComminglingPurpose,
          reason,
          recordedBy: by,
          at,
        },
      },
    ],
  };
}

export function evolveCommingling(
  state: ComminglingState,
  event: ComminglingEvent,
): ComminglingState {
  switch (event.type) {
    case 'ComminglingExceptionRecorded': {
      const { reason: _reason, recordedBy: _by, at: _at, ...exception } = event.data;
      return { exceptions: new Map(state.exceptions).set(exception.exceptionId, exception) };
    }
    default:
      return unhandled(event.type);
  }
}

/** The commingling exceptions' stream (TW-4); its facts are the wallet the exception is about. */
export const comminglingDecider: Decider<
  RecordComminglingException,
  ComminglingEvent,
  ComminglingState,
  PolicyError,
  ComminglingWallet
> = {
  initialState: initialComminglingState,
  eventTypes: eventTypesOf<ComminglingEvent>({ ComminglingExceptionRecorded: true }),
  decide: decideComminglingException,
  evolve: evolveCommingling,
};
