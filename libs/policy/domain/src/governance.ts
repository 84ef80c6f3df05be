import { eventTypesOf, unhandled, type Decider } from '@custody/decider';
import type { CryptoAssetGroup } from './capital';
import type { PolicyDecision, PolicyError, PolicyErrorCode } from './policy-errors';
import { profileProblems, type PolicyProfile } from './policy-profile';

const refuse = <E>(code: PolicyErrorCode, path: string, reason: string): PolicyDecision<E> => ({
  ok: false,
  error: { code, path, reason },
});

interface Pending<T> {
  readonly value: T;
  readonly proposedBy: string;
  readonly reason: string;
  readonly status: 'pending' | 'approved' | 'rejected';
}

/** Policy versions and the crypto-asset classification: every change proposed by one person, approved by another (maker-checker). */
export interface GovernanceState {
  readonly versions: ReadonlyMap<string, Pending<PolicyProfile>>;
  /** The version decisions use now (undefined: none approved yet; the caller falls back to the defaults and says so). */
  readonly activeVersion: string | undefined;
  readonly classificationChanges: ReadonlyMap<
    string,
    Pending<{ readonly asset: string; readonly group: CryptoAssetGroup }>
  >;
  /** BC-1: asset -> group (an asset not here is 2b). */
  readonly classification: ReadonlyMap<string, CryptoAssetGroup>;
}

export const initialGovernanceState: GovernanceState = {
  versions: new Map(),
  activeVersion: undefined,
  classificationChanges: new Map(),
  classification: new Map(),
};

export type GovernanceEvent =
  | {
      readonly type: 'PolicyVersionProposed';
      readonly data: {
        readonly profile: PolicyProfile;
        readonly proposedBy: string;
        readonly reason: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'PolicyVersionApproved';
      readonly data: {
        readonly version: string;
        readonly approvedBy: string;
        readonly reason: string;
        readonly supersedes: string | null;
        readonly at: string;
      };
    }
  | {
      readonly type: 'PolicyVersionRejected';
      readonly data: {
        readonly version: string;
        readonly rejectedBy: string;
        readonly reason: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'AssetClassificationProposed';
      readonly data: {
        readonly changeId: string;
        readonly asset: string;
        readonly group: CryptoAssetGroup;
        readonly proposedBy: string;
        readonly reason: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'AssetClassificationApproved';
      readonly data: {
        readonly changeId: string;
        readonly asset: string;
        readonly group: CryptoAssetGroup;
        readonly previousGroup: CryptoAssetGroup | null;
        readonly approvedBy: string;
        readonly reason: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'AssetClassificationRejected';
      readonly data: {
        readonly changeId: string;
        readonly rejectedBy: string;
        readonly reason: string;
        readonly at: string;
      };
    };

export type GovernanceCommand =
  | {
      readonly type: 'ProposePolicyVersion';
      readonly profile: PolicyProfile;
      /** The jurisdictions the institution is licensed in (configuration): a version covers at least these. */
      readonly licensedJurisdictions: readonly string[];
      readonly reason: string;
      readonly by: string;
      readonly at: string;
    }
  | {
      readonly type: 'DecidePolicyVersion';
      readonly version: string;
      readonly decision: 'approve' | 'reject';
      readonly reason: string;
      readonly by: string;
      readonly at: string;
    }
  | {
      readonly type: 'ProposeClassification';
      readonly changeId: string;
      readonly asset: string;
      readonly group: CryptoAssetGroup;
      readonly reason: string;
      readonly by: string;
      readonly at: string;
    }
  | {
      readonly type: 'DecideClassification';
      readonly changeId: string;
      readonly decision: 'approve' | 'reject';
      readonly reason: string;
      readonly by: string;
      readonly at: string;
    };

const ASSET_PATTERN = /^[A-Z0-9]{2,16}$/;

/** Checks common to a decision: a pending proposal, a second person, a reason. The proposal when they hold. */
function checkDecision<T>(
  pending: Pending<T> | undefined,
  command: { reason: string; by: string },
  unknown: PolicyErrorCode,
  notPending: PolicyErrorCode,
  path: string,
):
  | { readonly ok: true; readonly pending: Pending<T> }
  | { readonly ok: false; readonly error: PolicyError } {
  if (pending === undefined)
    return { ok: false, error: { code: unknown, path, reason: 'no such proposal' } };
  if (pending.status !== 'pending')
    return {
      ok: false,
      error: { code: notPending, path, reason: `it was ${pending.status} already` },
    };
  if (command.by === pending.proposedBy)
    return {
      ok: false,
      error: {
        code: 'MAKER_CHECKER_SAME_PERSON',
        path: 'by',
        reason: `${command.by} proposed it; a different person decides`,
      },
    };
  if (command.reason.trim() === '')
    return {
      ok: false,
      error: { code: 'REASON_REQUIRED', path: 'reason', reason: 'a decision states why' },
    };
  return { ok: true, pending };
}

export function decideGovernance(
  command: GovernanceCommand,
  state: GovernanceState,
): PolicyDecision<GovernanceEvent> {
  switch (command.type) {
    case 'ProposePolicyVersion': {
      const problem = profileProblems(command.profile)[0];
      if (problem !== undefined)
        return refuse('PROFILE_INVALID', `profile.${problem.path}`, problem.reason);
      if (state.versions.has(command.profile.version))
        return refuse(
          'POLICY_VERSION_TAKEN',
          'profile.version',
          `version ${command.profile.version} exists: a change is a new version`,
        );
      const missing = command.licensedJurisdictions.filter(
        (code) => !(command.profile.jurisdictions as readonly string[]).includes(code),
      );
      if (missing.length > 0)
        return refuse(
          'PROFILE_JURISDICTION_MISSING',
          'profile.jurisdictions',
          `the institution is licensed in ${missing.join(', ')}: a version cannot drop its rules`,
        );
      if (command.reason.trim() === '')
        return refuse('REASON_REQUIRED', 'reason', 'a proposal states why');
      return {
        ok: true,
        events: [
          {
            type: 'PolicyVersionProposed',
            data: {
              profile: command.profile,
              proposedBy: command.by,
              reason: command.reason,
              at: command.at,
            },
          },
        ],
      };
    }
    case 'DecidePolicyVersion': {
      const checked = checkDecision(
        state.versions.get(command.version),
        command,
        'POLICY_VERSION_UNKNOWN',
        'POLICY_VERSION_NOT_PENDING',
        'version',
      );
      if (!checked.ok) return checked;
      // a proposal older than the version in force would silently roll it back: propose again on top of the current one
      const order = [...state.versions.keys()];
      const proposedSince = order.slice(order.indexOf(command.version) + 1);
      if (
        command.decision === 'approve' &&
        proposedSince.some((version) => version === state.activeVersion)
      ) {
        return refuse(
          'POLICY_VERSION_SUPERSEDED',
          'version',
          `${command.version} was proposed before ${state.activeVersion}, which is in force`,
        );
      }
      if (command.decision === 'reject')
        return {
          ok: true,
          events: [
            {
              type: 'PolicyVersionRejected',
              data: {
                version: command.version,
                rejectedBy: command.by,
                reason: command.reason,
                at: command.at,
              },
            },
          ],
        };
      return {
        ok: true,
        events: [
          {
            type: 'PolicyVersionApproved',
            data: {
              version: command.version,
              approvedBy: command.by,
              reason: command.reason,
              supersedes: state.activeVersion ?? null,
              at: command.at,
            },
          },
        ],
      };
    }
    case 'ProposeClassification': {
      if (!ASSET_PATTERN.test(command.asset))
        return refuse('ASSET_INVALID', 'asset', `must match ${ASSET_PATTERN.source}`);
      if (state.classificationChanges.has(command.changeId))
        return refuse(
          'CLASSIFICATION_CHANGE_TAKEN',
          'changeId',
          `change ${command.changeId} exists`,
        );
      if (command.reason.trim() === '')
        return refuse('REASON_REQUIRED', 'reason', 'a classification states its basis');
      const { changeId, asset, group, reason, by, at } = command;
      return {
        ok: true,
        events: [
          {
            type: 'AssetClassificationProposed',
            data: { changeId, asset, group, proposedBy: by, reason, at },
          },
        ],
      };
    }
    case 'DecideClassification': {
      const checked = checkDecision(
        state.classificationChanges.get(command.changeId),
        command,
        'CLASSIFICATION_CHANGE_UNKNOWN',
        'CLASSIFICATION_CHANGE_NOT_PENDING',
        'changeId',
      );
      if (!checked.ok) return checked;
      if (command.decision === 'reject')
        return {
          ok: true,
          events: [
            {
              type: 'AssetClassificationRejected',
              data: {
                changeId: command.changeId,
                rejectedBy: command.by,
                reason: command.reason,
                at: command.at,
              },
            },
          ],
        };
      const { asset, group } = checked.pending.value;
      return {
        ok: true,
        events: [
          {
            type: 'AssetClassificationApproved',
            data: {
              changeId: command.changeId,
              asset,
              group,
              previousGroup: state.classification.get(asset) ?? null,
              approvedBy: command.by,
              reason: command.reason,
              at: command.at,
            },
          },
        ],
      };
    }
    default:
      return unhandled(command);
  }
}

export function evolveGovernance(state: GovernanceState, event: GovernanceEvent): GovernanceState {
  switch (event.type) {
    case 'PolicyVersionProposed':
      return {
        ...state,
        versions: new Map(state.versions).set(event.data.profile.version, {
          value: event.data.profile,
          proposedBy: event.data.proposedBy,
          reason: event.data.reason,
          status: 'pending',
        }),
      };
    case 'PolicyVersionApproved':
    case 'PolicyVersionRejected': {
      const pending = state.versions.get(event.data.version);
      if (pending === undefined)
        throw new Error(`assertion: decision on unknown version ${event.data.version}`);
      const approved = event.type === 'PolicyVersionApproved';
      return {
        ...state,
        versions: new Map(state.versions).set(event.data.version, {
          ...pending,
          status: approved ? 'approved' : 'rejected',
        }),
        activeVersion: approved ? event.data.version : state.activeVersion,
      };
    }
    case 'AssetClassificationProposed': {
      const { changeId, asset, group, proposedBy, reason } = event.data;
      return {
        ...state,
        classificationChanges: new Map(state.classificationChanges).set(changeId, {
          value: { asset, group },
          proposedBy,
          reason,
          status: 'pending',
        }),
      };
    }
    case 'AssetClassificationApproved':
    case 'AssetClassificationRejected': {
      const pending = state.classificationChanges.get(event.data.changeId);
      if (pending === undefined)
        throw new Error(`assertion: decision on unknown change ${event.data.changeId}`);
      const approved = event.type === 'AssetClassificationApproved';
      return {
        ...state,
        classificationChanges: new Map(state.classificationChanges).set(event.data.changeId, {
          ...pending,
          status: approved ? 'approved' : 'rejected',
        }),
        classification: approved
          ? new Map(state.classification).set(pending.value.asset, pending.value.group)
          : state.classification,
      };
    }
    default:
      return unhandled(event);
  }
}

/** The governance stream: policy versions and the crypto-asset classification, maker-checker. */
export const governanceDecider: Decider<
  GovernanceCommand,
  GovernanceEvent,
  GovernanceState,
  PolicyError
> = {
  initialState: initialGovernanceState,
  eventTypes: eventTypesOf<GovernanceEvent>({
    PolicyVersionProposed: true,
    PolicyVersionApproved: true,
    PolicyVersionRejected: true,
    AssetClassificationProposed: true,
    AssetClassificationApproved: true,
    AssetClassificationRejected: true,
  }),
  decide: decideGovernance,
  evolve: evolveGovernance,
};

/** The profile decisions use now: the approved active version. */
export function activeProfile(state: GovernanceState): PolicyProfile | undefined {
  if (state.activeVersion === undefined) return undefined;
  const active = state.versions.get(state.activeVersion);
  if (active === undefined)
    throw new Error(`assertion: the version in force ${state.activeVersion} was never proposed`);
  return active.value;
}
