import { walletError, type WalletError } from './wallet-errors';

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
export function walletRegistrationProblems(registration: WalletRegistration, policy: KeyCustodyPolicy, at: string): WalletError[] {
  const problems: WalletError[] = [];
  if (registration.assets.length === 0) problems.push(walletError('WALLET_ASSETS_EMPTY', 'assets', 'a wallet holds at least one asset'));
  const { key } = registration;
  const allowed = new Set(policy.allowedJurisdictions);
  const outside = (location: KeyLocation, path: string) => {
    if (!allowed.has(location.jurisdiction)) {
      problems.push(walletError('KEY_LOCATION_OUTSIDE_JURISDICTIONS', `${path}.jurisdiction`, `${location.site} is in ${location.jurisdiction}; keys and backups may be kept only in ${[...allowed].join(', ')} (HK-11b)`));
    }
  };
  outside(key.location, 'key.location');
  if (key.backups.length === 0) problems.push(walletError('KEY_BACKUP_MISSING', 'key.backups', 'a key needs an offline backup in a second location (HK-11f)'));
  key.backups.forEach((backup, index) => {
    outside(backup, `key.backups[${index}]`);
    if (sameSite(backup, key.location)) {
      problems.push(walletError('KEY_BACKUP_SAME_SITE', `key.backups[${index}].site`, `the backup is at ${backup.site}, the primary's site: one event would take both (HK-11f)`));
    }
  });
  if (!(Date.parse(key.rotationDueAt) > Date.parse(at))) {
    problems.push(walletError('KEY_ROTATION_DUE_INVALID', 'key.rotationDueAt', `the rotation due date must be a time after ${at} (HK-11a)`));
  }
  return problems;
}

/** HK-11a: a key past its rotation due date signs nothing until rotated. `at` comes with the command. */
export function keySigningProblem(key: Pick<WalletKey, 'keyId' | 'rotationDueAt'>, at: string): WalletError | undefined {
  if (Date.parse(at) >= Date.parse(key.rotationDueAt)) {
    return walletError('KEY_ROTATION_OVERDUE', 'keyId', `key ${key.keyId} was due for rotation at ${key.rotationDueAt}; it signs nothing until rotated (HK-11a)`);
  }
  return undefined;
}

/** Site names compare without case or surrounding spaces: "HK-DC1" and "hk-dc1 " are one site. */
function sameSite(a: KeyLocation, b: KeyLocation): boolean {
  return a.site.trim().toLowerCase() === b.site.trim().toLowerCase();
}
