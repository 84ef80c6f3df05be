import { eventTypesOf, unhandled, type Decider } from '@custody/decider';
import type { WalletRegisteredData } from './published-events';
import {
  accept,
  canonical,
  refuse,
  walletError,
  type WalletDecision,
  type WalletError,
} from './wallet-errors';

export type WalletTier = 'cold' | 'hot';
/** Client-segregated wallets hold client assets only (with the TW-4 exceptions); house wallets the institution's own. */
export type WalletOwnerClass = 'client-segregated' | 'house';

/** Where a key or one of its backups is kept (HK-11b, HK-11f). */
export interface KeyLocation {
  /** The site (data centre, vault) as the institution names it. */
  readonly site: string;
  /** ISO 3166-1 alpha-2 code of the jurisdiction the site is in. */
  readonly jurisdiction: string;
}

/** A signing key: generated in the HSM, never leaves it (HK-11a). */
export interface WalletKey {
  /** The HSM's id of the key pair (CKA_ID): a reference, not key material. */
  readonly keyId: string;
  readonly location: KeyLocation;
  readonly backups: readonly KeyLocation[];
  /** ISO 8601 UTC: signing at or after this instant is refused until the key is rotated (HK-11a). */
  readonly rotationDueAt: string;
}

export interface WalletRegistration {
  readonly walletId: string;
  readonly tier: WalletTier;
  readonly ownerClass: WalletOwnerClass;
  readonly chain: string;
  readonly assets: readonly string[];
  /** Derived from the key's public key (EVM: the last 20 bytes of keccak256 of it). */
  readonly address: string;
  readonly key: WalletKey;
}

/** The custody rules a deployment configures for keys. */
export interface KeyCustodyPolicy {
  /** Jurisdictions where keys and backups may be kept (HK-11b: the home jurisdiction, e.g. ['HK']). */
  readonly allowedJurisdictions: readonly string[];
}

/**
 * Every reason a wallet cannot be registered as described (all of them, not just the first):
 * HK-11b every key and backup location inside the allowed jurisdictions; HK-11f at least one
 * backup, none at the primary's site (an event at the primary must not take the backup too);
 * HK-11a a rotation due date after the registration time.
 */
export function walletRegistrationProblems(
  registration: WalletRegistration,
  policy: KeyCustodyPolicy,
  at: string,
): WalletError[] {
  const problems: WalletError[] = [];
  if (registration.assets.length === 0)
    problems.push(
      walletError('WALLET_ASSETS_EMPTY', 'assets', 'a wallet holds at least one asset'),
    );
  const { key } = registration;
  const allowed = new Set(policy.allowedJurisdictions);
  const outside = (location: KeyLocation, path: string) => {
    if (!allowed.has(location.jurisdiction)) {
      problems.push(
        walletError(
          'KEY_LOCATION_OUTSIDE_JURISDICTIONS',
          `${path}.jurisdiction`,
          `${location.site} is in ${location.jurisdiction}; keys and backups may be kept only in ${[...allowed].join(', ')} (HK-11b)`,
        ),
      );
    }
  };
  outside(key.location, 'key.location');
  if (key.backups.length === 0)
    problems.push(
      walletError(
        'KEY_BACKUP_MISSING',
        'key.backups',
        'a key needs an offline backup in a second location (HK-11f)',
      ),
    );
  key.backups.forEach((backup, index) => {
    outside(backup, `key.backups[${index}]`);
    if (sameSite(backup, key.location)) {
      problems.push(
        walletError(
          'KEY_BACKUP_SAME_SITE',
          `key.backups[${index}].site`,
          `the backup is at ${backup.site}, the primary's site: one event would take both (HK-11f)`,
        ),
      );
    }
  });
  if (!(Date.parse(key.rotationDueAt) > Date.parse(at))) {
    problems.push(
      walletError(
        'KEY_ROTATION_DUE_INVALID',
        'key.rotationDueAt',
        `the rotation due date must be a time after ${at} (HK-11a)`,
      ),
    );
  }
  return problems;
}

/** HK-11a: a key past its rotation due date signs nothing until rotated. `at` comes with the command. */
export function keySigningProblem(
  key: Pick<WalletKey, 'keyId' | 'rotationDueAt'>,
  at: string,
): WalletError | undefined {
  if (Date.parse(at) >= Date.parse(key.rotationDueAt)) {
    return walletError(
      'KEY_ROTATION_OVERDUE',
      'keyId',
      `key ${key.keyId} was due for rotation at ${key.rotationDueAt}; it signs nothing until rotated (HK-11a)`,
    );
  }
  return undefined;
}

/** Site names compare without case or surrounding spaces: "HK-DC1" and "hk-dc1 " are one site. */
function sameSite(a: KeyLocation, b: KeyLocation): boolean {
  return a.site.trim().toLowerCase() === b.site.trim().toLowerCase();
}

/**
 * HK-11e: what a spanning quorum's approvers must come from: at least two distinct departments,
 * two distinct sites, both, or either (two of one or two of the other: the default, and what
 * every wallet registered before the choice existed asks for).
 */
export const QUORUM_SPANS = ['either', 'departments', 'sites', 'both'] as const;
export type QuorumSpan = (typeof QUORUM_SPANS)[number];

/**
 * Who must act together to sign for a wallet (HK-11d, HK-11e): `required` distinct custodians
 * holding access to its key (at least 2: no single person signs); optionally
 * (`spanDepartmentsOrSites`) drawn from distinct departments and/or sites as `span` says; an
 * approval counts for `approvalTtlMs` after it was given.
 */
export interface QuorumPolicy {
  readonly required: number;
  readonly spanDepartmentsOrSites: boolean;
  /**
   * HK-11e, only with `spanDepartmentsOrSites`: absent means 'either'. Not part of the published
   * WalletRegistered v1 (frozen, strict): the wallet's own WalletQuorumSpanSet event records it.
   */
  readonly span?: QuorumSpan;
  readonly approvalTtlMs: number;
}

/**
 * HK-11e: the span a quorum is evaluated with: none when it does not ask for one; 'either' when
 * it asks without saying which (a wallet, or a withdrawal, recorded before the choice existed).
 */
export function quorumSpan(quorum: QuorumPolicy): QuorumSpan | undefined {
  return quorum.spanDepartmentsOrSites ? (quorum.span ?? 'either') : undefined;
}

/** HK-11d: at least two people; bounded so a typo cannot make a wallet unsignable by design. */
export const QUORUM_REQUIRED_MIN = 2;
export const QUORUM_REQUIRED_MAX = 15;
/** An approval lives at most a day: a stale approval of a payload nobody re-read is not a review (TW-17.4). */
export const APPROVAL_TTL_MS_MAX = 24 * 60 * 60 * 1000;
/** Confirmations a wallet may ask for before a movement is final. */
export const CONFIRMATIONS_REQUIRED_MAX = 1_000;

export interface WalletState {
  readonly registration: WalletRegistration;
  readonly quorum: QuorumPolicy;
  /** Blocks on top of a movement's block before it is final (deposits credited, withdrawals settled). */
  readonly confirmationsRequired: number;
  readonly registeredAt: string;
  /** A key rotation requested by one person, waiting for a different one to approve it (then the key is generated). */
  readonly pendingRotation?: PendingRotation;
}

export interface PendingRotation {
  readonly requestId: string;
  readonly location: KeyLocation;
  readonly backups: readonly KeyLocation[];
  readonly rotationDueAt: string;
  readonly reason: string;
  readonly requestedBy: string;
}

export type WalletEvent =
  | { readonly type: 'WalletRegistered'; readonly data: WalletRegisteredData }
  /**
   * HK-11e: the span of the wallet's quorum, recorded with its registration when one was given
   * (a wallet without it spans 'either'). The wallet's own event: WalletRegistered v1 is frozen.
   */
  | {
      readonly type: 'WalletQuorumSpanSet';
      readonly data: {
        readonly walletId: string;
        readonly span: QuorumSpan;
        readonly setBy: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'KeyRotationRequested';
      readonly data: PendingRotation & { readonly walletId: string; readonly at: string };
    }
  | {
      readonly type: 'WalletKeyRotated';
      readonly data: {
        readonly walletId: string;
        readonly requestId: string;
        readonly previousKeyId: string;
        readonly key: WalletKey;
        readonly address: string;
        readonly requestedBy: string;
        readonly approvedBy: string;
        readonly at: string;
      };
    };

export type WalletCommand =
  | {
      readonly type: 'RegisterWallet';
      readonly registration: WalletRegistration;
      readonly quorum: QuorumPolicy;
      readonly confirmationsRequired: number;
      readonly registeredBy: string;
      readonly at: string;
    }
  | ({
      readonly type: 'RequestKeyRotation';
      readonly walletId: string;
      readonly at: string;
    } & PendingRotation)
  /** The approval of a pending rotation, with the key generated for it (by a different person than the requester). */
  | {
      readonly type: 'RotateWalletKey';
      readonly walletId: string;
      readonly requestId: string;
      readonly key: WalletKey;
      readonly address: string;
      readonly approvedBy: string;
      readonly at: string;
    };

export function quorumPolicyProblem(quorum: QuorumPolicy): WalletError | undefined {
  if (
    !Number.isSafeInteger(quorum.required) ||
    quorum.required < QUORUM_REQUIRED_MIN ||
    quorum.required > QUORUM_REQUIRED_MAX
  ) {
    return walletError(
      'QUORUM_POLICY_INVALID',
      'quorum.required',
      `a quorum is ${QUORUM_REQUIRED_MIN} to ${QUORUM_REQUIRED_MAX} distinct custodians: no single person signs (HK-11d)`,
    );
  }
  if (
    !Number.isSafeInteger(quorum.approvalTtlMs) ||
    quorum.approvalTtlMs <= 0 ||
    quorum.approvalTtlMs > APPROVAL_TTL_MS_MAX
  ) {
    return walletError(
      'QUORUM_POLICY_INVALID',
      'quorum.approvalTtlMs',
      `an approval lives 1 ms to ${APPROVAL_TTL_MS_MAX} ms`,
    );
  }
  if (quorum.span !== undefined) {
    if (!QUORUM_SPANS.includes(quorum.span))
      return walletError(
        'QUORUM_POLICY_INVALID',
        'quorum.span',
        `a quorum spans ${QUORUM_SPANS.join(', ')} (HK-11e)`,
      );
    if (!quorum.spanDepartmentsOrSites)
      return walletError(
        'QUORUM_POLICY_INVALID',
        'quorum.span',
        `a span of ${quorum.span} contradicts spanDepartmentsOrSites false (HK-11e)`,
      );
  }
  return undefined;
}

/** The wallet's stream: registered once (everything checked), then key rotations (HK-11a). */
export function decideWallet(
  command: WalletCommand,
  state: WalletState | undefined,
  policy: KeyCustodyPolicy,
): WalletDecision<WalletEvent> {
  switch (command.type) {
    case 'RegisterWallet': {
      const { registration, quorum, confirmationsRequired, registeredBy, at } = command;
      if (state !== undefined) {
        // a span left out and 'either' are one quorum (HK-11e)
        const same =
          canonical(state.registration) === canonical(registration) &&
          canonical({ ...state.quorum, span: quorumSpan(state.quorum) }) ===
            canonical({ ...quorum, span: quorumSpan(quorum) });
        return same
          ? accept()
          : refuse(
              'WALLET_ALREADY_REGISTERED',
              'registration.walletId',
              `wallet ${registration.walletId} is registered with other content`,
            );
      }
      const problem =
        walletRegistrationProblems(registration, policy, at)[0] ?? quorumPolicyProblem(quorum);
      if (problem !== undefined) return { ok: false, error: problem };
      if (
        !Number.isSafeInteger(confirmationsRequired) ||
        confirmationsRequired < 1 ||
        confirmationsRequired > CONFIRMATIONS_REQUIRED_MAX
      ) {
        return refuse(
          'QUORUM_POLICY_INVALID',
          'confirmationsRequired',
          `1 to ${CONFIRMATIONS_REQUIRED_MAX} confirmations`,
        );
      }
      // published as WalletRegistered v1 (strict): its quorum exactly as frozen, the span in an event of our own
      const { required, spanDepartmentsOrSites, approvalTtlMs, span } = quorum;
      return accept<WalletEvent>(
        {
          type: 'WalletRegistered',
          data: {
            ...registration,
            quorum: { required, spanDepartmentsOrSites, approvalTtlMs },
            confirmationsRequired,
            registeredBy,
            at,
          },
        },
        ...(span === undefined
          ? []
          : [
              {
                type: 'WalletQuorumSpanSet' as const,
                data: { walletId: registration.walletId, span, setBy: registeredBy, at },
              },
            ]),
      );
    }
    case 'RequestKeyRotation': {
      if (state === undefined)
        return refuse('WALLET_UNKNOWN', 'walletId', `no wallet ${command.walletId}`);
      if (state.pendingRotation !== undefined) {
        return state.pendingRotation.requestId === command.requestId &&
          state.pendingRotation.requestedBy === command.requestedBy
          ? accept()
          : refuse(
              'KEY_ROTATION_PENDING',
              'requestId',
              `rotation ${state.pendingRotation.requestId} is waiting for approval`,
            );
      }
      if (command.reason.trim() === '')
        return refuse('REASON_REQUIRED', 'reason', 'a rotation states why');
      const draft = {
        ...state.registration,
        key: {
          ...state.registration.key,
          location: command.location,
          backups: command.backups,
          rotationDueAt: command.rotationDueAt,
        },
      };
      const problem = walletRegistrationProblems(draft, policy, command.at)[0];
      if (problem !== undefined) return { ok: false, error: problem };
      const { walletId, requestId, location, backups, rotationDueAt, reason, requestedBy, at } =
        command;
      return accept({
        type: 'KeyRotationRequested',
        data: { walletId, requestId, location, backups, rotationDueAt, reason, requestedBy, at },
      });
    }
    case 'RotateWalletKey': {
      if (state === undefined)
        return refuse('WALLET_UNKNOWN', 'walletId', `no wallet ${command.walletId}`);
      const pending = state.pendingRotation;
      if (pending === undefined || pending.requestId !== command.requestId)
        return refuse(
          'KEY_ROTATION_UNKNOWN',
          'requestId',
          `no rotation ${command.requestId} is waiting for approval`,
        );
      if (command.approvedBy === pending.requestedBy)
        return refuse(
          'MAKER_CHECKER_SAME_PERSON',
          'approvedBy',
          `${command.approvedBy} requested rotation ${command.requestId}; a different person approves it`,
        );
      const rotated = { ...state.registration, address: command.address, key: command.key };
      const problem = walletRegistrationProblems(rotated, policy, command.at)[0];
      if (problem !== undefined) return { ok: false, error: problem };
      if (command.key.keyId === state.registration.key.keyId)
        return refuse('KEY_ROTATION_DUE_INVALID', 'key.keyId', 'a rotation brings a new key');
      const { walletId, requestId, key, address, approvedBy, at } = command;
      return accept({
        type: 'WalletKeyRotated',
        data: {
          walletId,
          requestId,
          previousKeyId: state.registration.key.keyId,
          key,
          address,
          requestedBy: pending.requestedBy,
          approvedBy,
          at,
        },
      });
    }
    default:
      return unhandled(command);
  }
}

export function evolveWallet(
  state: WalletState | undefined,
  event: WalletEvent,
): WalletState | undefined {
  switch (event.type) {
    case 'WalletRegistered': {
      const { quorum, confirmationsRequired, registeredBy: _by, at, ...registration } = event.data;
      return { registration, quorum, confirmationsRequired, registeredAt: at };
    }
    case 'WalletQuorumSpanSet': {
      if (state === undefined)
        throw new Error('assertion: a quorum span of an unregistered wallet');
      return { ...state, quorum: { ...state.quorum, span: event.data.span } };
    }
    case 'KeyRotationRequested': {
      if (state === undefined)
        throw new Error('assertion: a key rotation of an unregistered wallet');
      const { walletId: _walletId, at: _at, ...pending } = event.data;
      return { ...state, pendingRotation: pending };
    }
    case 'WalletKeyRotated': {
      if (state === undefined)
        throw new Error('assertion: a key rotation of an unregistered wallet');
      const { pendingRotation: _done, ...rest } = state;
      return {
        ...rest,
        registration: { ...state.registration, address: event.data.address, key: event.data.key },
      };
    }
    default:
      return unhandled(event);
  }
}

/**
 * A wallet's stream (`wallet-<walletId>`): its registration and key rotations, under the
 * deployment's key custody policy.
 */
export const walletDecider: Decider<
  WalletCommand,
  WalletEvent,
  WalletState | undefined,
  WalletError,
  KeyCustodyPolicy
> = {
  initialState: undefined,
  eventTypes: eventTypesOf<WalletEvent>({
    WalletRegistered: true,
    WalletQuorumSpanSet: true,
    KeyRotationRequested: true,
    WalletKeyRotated: true,
  }),
  decide: decideWallet,
  evolve: evolveWallet,
};

export function walletHoldsAsset(state: WalletState, asset: string): boolean {
  return state.registration.assets.includes(asset);
}
