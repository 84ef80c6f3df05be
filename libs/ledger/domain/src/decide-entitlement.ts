import { eventTypesOf, unhandled, type Decider, type Decision } from '@custody/decider';
import { clientAccount, custodyAccount, houseAccount } from './accounts';
import { parseExactDecimal, powerOfTen } from './decimal';
import { fingerprintOf } from './decide-trade';
import { transfer, type JournalEntry } from './journal';
import type { AssetDecimals } from './ledger-decision';
import { ledgerError, type LedgerError } from './ledger-errors';

/**
 * HK-20: forks and airdrops booked as the asset's disclosure says. An operator records the event
 * (maker), a second person approves it (checker); on approval every client is credited the new
 * asset pro rata to its balance AS AT the snapshot, rounded down to the new asset's minor unit,
 * the remainder to the house, or the house keeps all ('house-retains'). The disclosure is the
 * policy service's setting, read when the event is recorded and kept with it.
 *
 * The maker-checker lives here, in the ledger (as adjustments do): the approval is the moment
 * the books change, and it must be decided on the same books (balances at the snapshot) and be
 * idempotent with the journals it causes; the policy service owns only the disclosure.
 */
export type EntitlementKind = 'fork' | 'airdrop';
export const ENTITLEMENT_KINDS: readonly EntitlementKind[] = ['fork', 'airdrop'];
export type EntitlementTreatment = 'clients-pro-rata' | 'house-retains' | 'not-supported';

export interface EntitlementDisclosureInForce {
  readonly treatment: EntitlementTreatment;
  readonly version: number;
}

export interface EntitlementRequest {
  readonly eventId: string;
  /** The asset held at the snapshot (whose chain forked, or whose holders got the airdrop). */
  readonly asset: string;
  readonly kind: EntitlementKind;
  readonly snapshotAt: string;
  /** New-asset units per unit of `asset` held, an exact decimal ("1", "0.5", "0.000123"). */
  readonly ratio: string;
  readonly newAsset: string;
  /** The wallet the new asset was received in. */
  readonly walletId: string;
}

export interface EntitlementCredit {
  readonly clientId: string;
  readonly amountMinor: bigint;
}

/** What the approval decided: each client's credit and the house's share, in the new asset's minor units. */
export interface EntitlementAllocation {
  /** The new asset due on the clients' positive balances at the snapshot, rounded down. */
  readonly entitledMinor: bigint;
  readonly credits: readonly EntitlementCredit[];
  readonly houseMinor: bigint;
}

export type EntitlementEvent =
  | {
      readonly type: 'EntitlementRecorded';
      readonly data: EntitlementRequest & {
        readonly treatment: EntitlementTreatment;
        readonly disclosureVersion: number;
        readonly requestedBy: string;
        readonly fingerprint: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'EntitlementApproved';
      readonly data: {
        readonly eventId: string;
        readonly approvedBy: string;
        readonly entitledMinor: bigint;
        readonly credits: readonly EntitlementCredit[];
        readonly houseMinor: bigint;
        readonly at: string;
      };
    }
  | {
      readonly type: 'EntitlementRejected';
      readonly data: {
        readonly eventId: string;
        readonly rejectedBy: string;
        readonly reason: string;
        readonly at: string;
      };
    };

export type EntitlementCommand =
  | (EntitlementRequest & {
      readonly type: 'RecordEntitlement';
      /** The asset's disclosure in force at recording (the policy service's), or null when it has none. */
      readonly disclosure: EntitlementDisclosureInForce | null;
      readonly requestedBy: string;
      readonly at: string;
    })
  | {
      readonly type: 'ApproveEntitlement';
      readonly eventId: string;
      readonly approvedBy: string;
      readonly at: string;
    }
  | {
      readonly type: 'RejectEntitlement';
      readonly eventId: string;
      readonly rejectedBy: string;
      readonly reason: string;
      readonly at: string;
    };

export interface EntitlementState {
  readonly recorded:
    | (EntitlementRequest & {
        readonly treatment: EntitlementTreatment;
        readonly requestedBy: string;
        readonly fingerprint: string;
        readonly status: 'pending' | 'approved' | 'rejected';
        readonly decidedBy: string | null;
        /** What the approval allocated (null until approved): the journals it causes are posted from it. */
        readonly allocation: EntitlementAllocation | null;
      })
    | undefined;
}

export const initialEntitlementState: EntitlementState = { recorded: undefined };

/**
 * The facts an entitlement is decided on: the asset registry's decimals and, for an approval,
 * each client's posted balance of the asset AS AT the snapshot (a later movement does not count).
 */
export interface EntitlementFacts {
  readonly decimals: AssetDecimals;
  readonly balancesAtSnapshot: ReadonlyMap<string, bigint>;
}

export type EntitlementDecision = Decision<EntitlementEvent, LedgerError>;

const refuse = (code: LedgerError['code'], path: string, reason: string): EntitlementDecision => ({
  ok: false,
  error: ledgerError(code, path, reason),
});

/**
 * The allocation, exact: a client's share is floor(balance x ratio) in the new asset's minor units;
 * the entitlement is floor(sum of the positive balances x ratio); the house gets the rest (the
 * rounding remainders, or all under 'house-retains'). A zero or negative balance gets nothing.
 */
export function allocateEntitlement(
  balancesAtSnapshot: ReadonlyMap<string, bigint>,
  ratio: string,
  assetDecimals: number,
  newAssetDecimals: number,
  treatment: 'clients-pro-rata' | 'house-retains',
): EntitlementAllocation {
  const parsed = parseExactDecimal(ratio);
  if (parsed === undefined) throw new Error(`assertion: ratio '${ratio}' is not an exact decimal`);
  const numerator = parsed.mantissa * powerOfTen(newAssetDecimals);
  const denominator = powerOfTen(parsed.scale + assetDecimals);
  const holders = [...balancesAtSnapshot]
    // Stryker disable next-line EqualityOperator: equivalent: a zero balance adds nothing and its credit (0) is dropped
    .filter(([, balance]) => balance > 0n)
    .sort(([left], [right]) => (left < right ? -1 : 1));
  const held = holders.reduce((sum, [, balance]) => sum + balance, 0n);
  const entitledMinor = (held * numerator) / denominator;
  const credits =
    treatment === 'house-retains'
      ? []
      : holders
          .map(([clientId, balance]) => ({
            clientId,
            amountMinor: (balance * numerator) / denominator,
          }))
          .filter((credit) => credit.amountMinor > 0n);
  const creditedMinor = credits.reduce((sum, credit) => sum + credit.amountMinor, 0n);
  return { entitledMinor, credits, houseMinor: entitledMinor - creditedMinor };
}

/** The journal id of a client's credit (booked as a deposit into the receiving wallet, idempotent by it). */
export function entitlementDepositId(eventId: string, clientId: string): string {
  return `entitlement-${eventId}-${clientId}`;
}

/** The house's share: the receiving wallet holds it, house inventory owns it (balanced in the new asset, HK-8). */
export function entitlementHouseEntries(
  request: Pick<EntitlementRequest, 'walletId' | 'newAsset'>,
  houseMinor: bigint,
): JournalEntry[] {
  return transfer(
    custodyAccount(request.walletId, request.newAsset),
    houseAccount('inventory', request.newAsset),
    houseMinor,
  );
}

/** A client's credit as journal entries (what BookDeposit posts for it). */
export function entitlementClientEntries(
  request: Pick<EntitlementRequest, 'walletId' | 'newAsset'>,
  credit: EntitlementCredit,
): JournalEntry[] {
  return transfer(
    custodyAccount(request.walletId, request.newAsset),
    clientAccount(credit.clientId, request.newAsset),
    credit.amountMinor,
  );
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

function decideRecord(
  command: Extract<EntitlementCommand, { type: 'RecordEntitlement' }>,
  state: EntitlementState,
  facts: EntitlementFacts,
): EntitlementDecision {
  const fingerprint = fingerprintOf([
    command.eventId,
    command.asset,
    command.kind,
    command.snapshotAt,
    command.ratio,
    command.newAsset,
    command.walletId,
    command.requestedBy,
  ]);
  if (state.recorded !== undefined)
    return state.recorded.fingerprint === fingerprint
      ? { ok: true, events: [] }
      : refuse(
          'ENTITLEMENT_ID_CONFLICT',
          'eventId',
          `event ${command.eventId} was recorded with other content`,
        );
  if (command.requestedBy.trim() === '')
    return refuse('ACTOR_MISSING', 'requestedBy', 'the requester must be an authenticated person');
  if (!ENTITLEMENT_KINDS.includes(command.kind))
    return refuse('ENTITLEMENT_KIND_INVALID', 'kind', `one of ${ENTITLEMENT_KINDS.join(', ')}`);
  if (facts.decimals(command.asset) === undefined)
    return refuse('ASSET_UNKNOWN', 'asset', `asset ${command.asset} is not in the registry`);
  if (facts.decimals(command.newAsset) === undefined)
    return refuse('ASSET_UNKNOWN', 'newAsset', `asset ${command.newAsset} is not in the registry`);
  const ratio = parseExactDecimal(command.ratio);
  if (ratio === undefined || ratio.mantissa === 0n)
    return refuse('ENTITLEMENT_RATIO_INVALID', 'ratio', 'a positive exact decimal, e.g. "0.5"');
  if (!INSTANT.test(command.snapshotAt) || Date.parse(command.snapshotAt) > Date.parse(command.at))
    return refuse(
      'ENTITLEMENT_SNAPSHOT_INVALID',
      'snapshotAt',
      'an ISO instant (UTC) not after the recording',
    );
  if (command.disclosure === null)
    return refuse(
      'ENTITLEMENT_DISCLOSURE_MISSING',
      'asset',
      `HK-20: ${command.asset} has no approved disclosure for forks and airdrops`,
    );
  if (command.disclosure.treatment === 'not-supported')
    return refuse(
      'ENTITLEMENT_NOT_SUPPORTED',
      'asset',
      `HK-20: forks and airdrops of ${command.asset} are disclosed as not supported (version ${command.disclosure.version})`,
    );
  return {
    ok: true,
    events: [
      {
        type: 'EntitlementRecorded',
        data: {
          eventId: command.eventId,
          asset: command.asset,
          kind: command.kind,
          snapshotAt: command.snapshotAt,
          ratio: command.ratio,
          newAsset: command.newAsset,
          walletId: command.walletId,
          treatment: command.disclosure.treatment,
          disclosureVersion: command.disclosure.version,
          requestedBy: command.requestedBy,
          fingerprint,
          at: command.at,
        },
      },
    ],
  };
}

function decideApprove(
  command: Extract<EntitlementCommand, { type: 'ApproveEntitlement' }>,
  state: EntitlementState,
  facts: EntitlementFacts,
): EntitlementDecision {
  const recorded = state.recorded;
  if (recorded === undefined)
    return refuse('ENTITLEMENT_UNKNOWN', 'eventId', `no event ${command.eventId} was recorded`);
  if (recorded.status === 'approved' && recorded.decidedBy === command.approvedBy)
    return { ok: true, events: [] }; // the same approval again
  if (recorded.status !== 'pending')
    return refuse(
      'ENTITLEMENT_NOT_PENDING',
      'eventId',
      `event ${command.eventId} is ${recorded.status}`,
    );
  if (command.approvedBy.trim() === '')
    return refuse('ACTOR_MISSING', 'approvedBy', 'the approver must be an authenticated person');
  if (command.approvedBy === recorded.requestedBy)
    return refuse(
      'MAKER_CHECKER_SAME_PERSON',
      'approvedBy',
      'the approver must be a different person from the one who recorded the event',
    );
  // recorded only under a supported treatment (decideRecord), so never 'not-supported' here
  const treatment = recorded.treatment === 'house-retains' ? 'house-retains' : 'clients-pro-rata';
  const allocation = allocateEntitlement(
    facts.balancesAtSnapshot,
    recorded.ratio,
    facts.decimals(recorded.asset) ?? 0,
    facts.decimals(recorded.newAsset) ?? 0,
    treatment,
  );
  return {
    ok: true,
    events: [
      {
        type: 'EntitlementApproved',
        data: {
          eventId: recorded.eventId,
          approvedBy: command.approvedBy,
          entitledMinor: allocation.entitledMinor,
          credits: allocation.credits,
          houseMinor: allocation.houseMinor,
          at: command.at,
        },
      },
    ],
  };
}

function decideReject(
  command: Extract<EntitlementCommand, { type: 'RejectEntitlement' }>,
  state: EntitlementState,
): EntitlementDecision {
  const recorded = state.recorded;
  if (recorded === undefined)
    return refuse('ENTITLEMENT_UNKNOWN', 'eventId', `no event ${command.eventId} was recorded`);
  if (recorded.status === 'rejected' && recorded.decidedBy === command.rejectedBy)
    return { ok: true, events: [] };
  if (recorded.status !== 'pending')
    return refuse(
      'ENTITLEMENT_NOT_PENDING',
      'eventId',
      `event ${command.eventId} is ${recorded.status}`,
    );
  if (command.rejectedBy === recorded.requestedBy)
    return refuse(
      'MAKER_CHECKER_SAME_PERSON',
      'rejectedBy',
      'a different person from the one who recorded the event decides it',
    );
  if (command.reason.trim() === '')
    return refuse('REASON_REQUIRED', 'reason', 'a rejected event says why');
  return {
    ok: true,
    events: [
      {
        type: 'EntitlementRejected',
        data: {
          eventId: recorded.eventId,
          rejectedBy: command.rejectedBy,
          reason: command.reason,
          at: command.at,
        },
      },
    ],
  };
}

export function decideEntitlement(
  command: EntitlementCommand,
  state: EntitlementState,
  facts: EntitlementFacts,
): EntitlementDecision {
  switch (command.type) {
    case 'RecordEntitlement':
      return decideRecord(command, state, facts);
    case 'ApproveEntitlement':
      return decideApprove(command, state, facts);
    case 'RejectEntitlement':
      return decideReject(command, state);
    default:
      return unhandled(command);
  }
}

export function evolveEntitlement(
  state: EntitlementState,
  event: EntitlementEvent,
): EntitlementState {
  switch (event.type) {
    case 'EntitlementRecorded': {
      const { disclosureVersion: _version, at: _at, ...recorded } = event.data;
      return { recorded: { ...recorded, status: 'pending', decidedBy: null, allocation: null } };
    }
    case 'EntitlementApproved':
    case 'EntitlementRejected': {
      if (state.recorded === undefined)
        throw new Error(`assertion: decision on unrecorded event ${event.data.eventId}`);
      if (event.type === 'EntitlementRejected')
        return {
          recorded: { ...state.recorded, status: 'rejected', decidedBy: event.data.rejectedBy },
        };
      const { approvedBy, entitledMinor, credits, houseMinor } = event.data;
      return {
        recorded: {
          ...state.recorded,
          status: 'approved',
          decidedBy: approvedBy,
          allocation: { entitledMinor, credits, houseMinor },
        },
      };
    }
    default:
      return unhandled(event);
  }
}

/** One fork or airdrop (one stream per event id): recorded, approved or rejected. */
export const entitlementDecider: Decider<
  EntitlementCommand,
  EntitlementEvent,
  EntitlementState,
  LedgerError,
  EntitlementFacts
> = {
  initialState: initialEntitlementState,
  eventTypes: eventTypesOf<EntitlementEvent>({
    EntitlementRecorded: true,
    EntitlementApproved: true,
    EntitlementRejected: true,
  }),
  decide: decideEntitlement,
  evolve: evolveEntitlement,
};
