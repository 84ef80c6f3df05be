import { readFileSync } from 'node:fs';
import { parseEvmChainConfig } from '@custody/chain';
import type { ConfigProblem } from '@custody/service-host';
import {
  DEVELOPMENT_CHAIN_IDS,
  type EvmChainOptions,
  type Pkcs11KeyVaultOptions,
} from '@custody/wallet-application';
import type { TransferThresholds } from '@custody/wallet-domain';
import { parseAddressAdditionConfig, type AddressAdditionConfig } from './address-addition-config';

/** Injection token of the parsed WalletConfig. */
export const WALLET_CONFIG = Symbol('custody.wallet.config');

export const WALLET_PROCESSOR_INTERVAL_MS_DEFAULT = 2_000;
export const WALLET_PROCESSOR_INTERVAL_MS_MIN = 100;
export const WALLET_PROCESSOR_INTERVAL_MS_MAX = 600_000;
export const SOFTHSM2_MODULE_DEFAULT = '/usr/lib/softhsm/libsofthsm2.so';
export const KEY_JURISDICTIONS_DEFAULT = ['HK'];
/** Roles alerted about large transfers when none are configured (TW-15.3). */
export const ALERT_NOTIFY_ROLES_DEFAULT = ['compliance-officer'];

export interface WalletConfig {
  /** The HSM holding the wallets' keys; absent: key operations are refused (503) and nothing is signed. */
  readonly hsm: Pkcs11KeyVaultOptions | undefined;
  /** Development only (npm start without an HSM): keys in files under this directory; refused in production and for any chain but a local one. */
  readonly developmentKeyDir: string | undefined;
  /** The EVM chain the wallets live on; absent: no wallet can be registered, nothing is watched. */
  readonly evm: EvmChainOptions | undefined;
  /** HK-11b: where keys and their backups may be kept (ISO 3166-1 alpha-2). */
  readonly keyJurisdictions: readonly string[];
  readonly processorIntervalMs: number;
  /** First block the chain watcher scans when it has no cursor yet. */
  readonly scanStartBlock: bigint;
  readonly thresholds: TransferThresholds;
  readonly alertWebhookUrl: string | undefined;
  /** The policy service deciding client withdrawals, and the file with the wallet's token for it; absent: the conservative default. */
  readonly policy: { readonly url: string; readonly tokenFile: string } | undefined;
  /** HK-11h: the client's channel for address additions and the cooling-off (address-addition-config.ts). */
  readonly addressAdditions: AddressAdditionConfig;
}

type Environment = Readonly<Record<string, string | undefined>>;

const JURISDICTION = /^[A-Z]{2}$/;
const ASSET = /^[A-Z0-9]{2,16}$/;
const AMOUNT = /^[1-9][0-9]{0,37}$/;
const ROLE = /^[a-z][a-z0-9-]{0,63}$/;

function list(raw: string | undefined): string[] {
  return raw === undefined || raw.trim() === '' ? [] : raw.split(',').map((item) => item.trim());
}

/** `A=x,B=y` into pairs. */
function pairs(
  raw: string | undefined,
  variable: string,
  problems: ConfigProblem[],
): [string, string][] {
  return list(raw).flatMap((item) => {
    const [key, value, ...rest] = item.split('=');
    if (key === undefined || value === undefined || rest.length > 0 || key === '' || value === '') {
      problems.push({ variable, reason: `'${item}' is not KEY=VALUE` });
      return [];
    }
    return [[key.trim(), value.trim()] as [string, string]];
  });
}

function url(raw: string, variable: string, problems: ConfigProblem[]): string | undefined {
  try {
    const parsed = new URL(raw);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return raw;
  } catch {
    // reported below
  }
  problems.push({ variable, reason: 'must be an http(s) URL' });
  return undefined;
}

/** NODE_ENV values under which the HSM PIN may still come from a plain variable (a developer's SoftHSM2, tests). */
const PLAIN_PIN_ENVIRONMENTS: ReadonlySet<string> = new Set(['development', 'test']);

/**
 * The HSM user PIN: from WALLET_HSM_PIN_FILE (a mounted secret, as the audit's AUDIT_HSM_PIN_FILE),
 * never from the process environment outside development (an environment is visible to anyone who
 * can read /proc/<pid>/environ, a crash report or `kubectl describe`). The PIN is never echoed.
 */
function parseHsmPin(env: Environment, problems: ConfigProblem[]): string {
  const pinFile = env['WALLET_HSM_PIN_FILE'];
  const plainPin = env['WALLET_HSM_PIN'];
  const plainGiven = plainPin !== undefined && plainPin !== '';
  if (pinFile !== undefined && pinFile !== '') {
    if (plainGiven)
      problems.push({
        variable: 'WALLET_HSM_PIN',
        reason: 'not with WALLET_HSM_PIN_FILE: the PIN comes from one place',
      });
    let pin = '';
    try {
      pin = readFileSync(pinFile, 'utf8').trim();
    } catch {
      problems.push({
        variable: 'WALLET_HSM_PIN_FILE',
        reason: 'a readable file holding the token user PIN',
      });
      return '';
    }
    if (pin === '') problems.push({ variable: 'WALLET_HSM_PIN_FILE', reason: 'the file is empty' });
    return pin;
  }
  if (!plainGiven) {
    problems.push({
      variable: 'WALLET_HSM_PIN_FILE',
      reason:
        'required with WALLET_HSM_TOKEN_LABEL: the file (a mounted secret) holding the HSM user PIN',
    });
    return '';
  }
  if (!PLAIN_PIN_ENVIRONMENTS.has(env['NODE_ENV'] ?? '')) {
    problems.push({
      variable: 'WALLET_HSM_PIN',
      reason: `refused outside development (NODE_ENV ${[...PLAIN_PIN_ENVIRONMENTS].join(' or ')}): put the PIN in a file (a mounted secret) and name it in WALLET_HSM_PIN_FILE`,
    });
    return '';
  }
  return plainPin;
}

/**
 * The wallet's own variables (the host's are parsed by @custody/service-host). Every problem
 * is reported, each naming its variable; a secret's value is never echoed.
 */
export function parseWalletConfig(
  env: Environment,
): { ok: true; config: WalletConfig } | { ok: false; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];

  let hsm: Pkcs11KeyVaultOptions | undefined;
  const tokenLabel = env['WALLET_HSM_TOKEN_LABEL'];
  if (tokenLabel !== undefined && tokenLabel !== '') {
    hsm = {
      modulePath: env['WALLET_HSM_MODULE'] || SOFTHSM2_MODULE_DEFAULT,
      tokenLabel,
      pin: parseHsmPin(env, problems),
    };
  }

  const chain = parseEvmChainConfig(env, 'WALLET_EVM');
  problems.push(...chain.problems);
  const evm = chain.options;

  const developmentKeyDir = env['WALLET_DEV_KEY_DIR'] || undefined;
  if (developmentKeyDir !== undefined) {
    if (hsm !== undefined)
      problems.push({
        variable: 'WALLET_DEV_KEY_DIR',
        reason:
          'not with WALLET_HSM_TOKEN_LABEL: the keys are either in the HSM or, for development, in files',
      });
    if (env['NODE_ENV'] === 'production')
      problems.push({
        variable: 'WALLET_DEV_KEY_DIR',
        reason:
          'refused with NODE_ENV=production: keys in files are for development; use an HSM (WALLET_HSM_TOKEN_LABEL)',
      });
    if (evm !== undefined && !DEVELOPMENT_CHAIN_IDS.includes(evm.chainId))
      problems.push({
        variable: 'WALLET_DEV_KEY_DIR',
        reason: `keys in files sign only for a local development chain (WALLET_EVM_CHAIN_ID ${DEVELOPMENT_CHAIN_IDS.join(' or ')}), not chain ${evm.chainId}`,
      });
  }

  const keyJurisdictions = list(env['WALLET_KEY_JURISDICTIONS']);
  for (const code of keyJurisdictions)
    if (!JURISDICTION.test(code))
      problems.push({
        variable: 'WALLET_KEY_JURISDICTIONS',
        reason: `'${code}' is not an ISO 3166-1 alpha-2 code`,
      });

  const intervalText = env['WALLET_PROCESSOR_INTERVAL_MS'];
  const processorIntervalMs =
    intervalText === undefined || intervalText === ''
      ? WALLET_PROCESSOR_INTERVAL_MS_DEFAULT
      : Number(intervalText);
  if (
    !Number.isSafeInteger(processorIntervalMs) ||
    processorIntervalMs < WALLET_PROCESSOR_INTERVAL_MS_MIN ||
    processorIntervalMs > WALLET_PROCESSOR_INTERVAL_MS_MAX
  ) {
    problems.push({
      variable: 'WALLET_PROCESSOR_INTERVAL_MS',
      reason: `an integer from ${WALLET_PROCESSOR_INTERVAL_MS_MIN} to ${WALLET_PROCESSOR_INTERVAL_MS_MAX}`,
    });
  }
  const startText = env['WALLET_SCAN_START_BLOCK'] ?? '0';
  if (!/^(0|[1-9][0-9]{0,18})$/.test(startText))
    problems.push({ variable: 'WALLET_SCAN_START_BLOCK', reason: 'a block number' });

  const perAssetMinor = new Map<string, bigint>();
  for (const [asset, amount] of pairs(
    env['WALLET_ALERT_THRESHOLDS'],
    'WALLET_ALERT_THRESHOLDS',
    problems,
  )) {
    if (!ASSET.test(asset) || !AMOUNT.test(amount))
      problems.push({
        variable: 'WALLET_ALERT_THRESHOLDS',
        reason: `'${asset}=${amount}' is not ASSET=<amount in minor units>`,
      });
    else perAssetMinor.set(asset, BigInt(amount));
  }
  const notifyRoles = list(env['WALLET_ALERT_NOTIFY_ROLES']);
  for (const role of notifyRoles)
    if (!ROLE.test(role))
      problems.push({
        variable: 'WALLET_ALERT_NOTIFY_ROLES',
        reason: `'${role}' must match ${ROLE.source}`,
      });
  const webhook = env['WALLET_ALERT_WEBHOOK_URL'];
  const alertWebhookUrl =
    webhook === undefined || webhook === ''
      ? undefined
      : url(webhook, 'WALLET_ALERT_WEBHOOK_URL', problems);

  const policyUrlText = env['WALLET_POLICY_URL'];
  const policyUrl =
    policyUrlText === undefined || policyUrlText === ''
      ? undefined
      : url(policyUrlText, 'WALLET_POLICY_URL', problems);
  const tokenFile = env['WALLET_POLICY_TOKEN_FILE'];
  if (policyUrl !== undefined && (tokenFile === undefined || tokenFile === ''))
    problems.push({
      variable: 'WALLET_POLICY_TOKEN_FILE',
      reason: "required with WALLET_POLICY_URL: the file holding the wallet's bearer token",
    });

  const addressAdditions = parseAddressAdditionConfig(env, problems);

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: {
      policy:
        policyUrl === undefined || tokenFile === undefined
          ? undefined
          : { url: policyUrl, tokenFile },
      hsm,
      developmentKeyDir,
      evm,
      keyJurisdictions: keyJurisdictions.length > 0 ? keyJurisdictions : KEY_JURISDICTIONS_DEFAULT,
      processorIntervalMs,
      scanStartBlock: BigInt(startText),
      thresholds: {
        perAssetMinor,
        perClientMinor: new Map(),
        notifyRoles: notifyRoles.length > 0 ? notifyRoles : ALERT_NOTIFY_ROLES_DEFAULT,
      },
      alertWebhookUrl,
      addressAdditions,
    },
  };
}
