import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { HSM_KEY_LABEL_PATTERN, type HsmKeyOptions } from '@custody/hsm';
import type { ConfigProblem } from '@custody/service-host';

export const AUDIT_CONFIG = Symbol('custody.audit.config');
export const CHECKPOINT_INTERVAL_MS_DEFAULT = 60 * 60 * 1000;
export const CHECKPOINT_INTERVAL_MS_MIN = 1_000;
export const CHECKPOINT_INTERVAL_MS_MAX = 24 * 60 * 60 * 1000;

export interface AuditConfig {
  /** The Ed25519 key checkpoints are signed with, read from a file (a mounted secret), never stored; absent: no checkpoints (503). */
  readonly signingKey: KeyObject | undefined;
  /** Or the Ed25519 key pair inside an HSM (AUDIT_HSM_*): the signature is made there; at most one of the two. */
  readonly signingHsm?: HsmKeyOptions;
  readonly checkpointIntervalMs: number;
  /** Where each checkpoint is also written as a file (to be kept elsewhere); absent: only recorded and published. */
  readonly checkpointDirectory: string | undefined;
}

type Environment = Readonly<Record<string, string | undefined>>;

/** AUDIT_SIGNING_KEY_FILE (PKCS#8 PEM, Ed25519), AUDIT_CHECKPOINT_INTERVAL_MS, AUDIT_CHECKPOINT_DIR. The key's content is never echoed. */
export function parseAuditConfig(
  env: Environment,
): { ok: true; config: AuditConfig } | { ok: false; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  let signingKey: KeyObject | undefined;
  const keyFile = env['AUDIT_SIGNING_KEY_FILE'];
  if (keyFile !== undefined && keyFile !== '') {
    try {
      const key = createPrivateKey(readFileSync(keyFile));
      if (key.asymmetricKeyType !== 'ed25519')
        problems.push({
          variable: 'AUDIT_SIGNING_KEY_FILE',
          reason: `an Ed25519 private key, not ${key.asymmetricKeyType ?? 'unknown'}`,
        });
      else signingKey = key;
    } catch {
      problems.push({
        variable: 'AUDIT_SIGNING_KEY_FILE',
        reason: 'a readable PKCS#8 PEM Ed25519 private key',
      });
    }
  }
  const signingHsm = parseHsm(env, problems);
  if (signingKey !== undefined && signingHsm !== undefined)
    problems.push({
      variable: 'AUDIT_HSM_KEY_LABEL',
      reason: 'set either AUDIT_SIGNING_KEY_FILE or the AUDIT_HSM_* variables, not both',
    });
  const intervalText = env['AUDIT_CHECKPOINT_INTERVAL_MS'];
  const checkpointIntervalMs =
    intervalText === undefined || intervalText === ''
      ? CHECKPOINT_INTERVAL_MS_DEFAULT
      : Number(intervalText);
  if (
    !Number.isSafeInteger(checkpointIntervalMs) ||
    checkpointIntervalMs < CHECKPOINT_INTERVAL_MS_MIN ||
    checkpointIntervalMs > CHECKPOINT_INTERVAL_MS_MAX
  ) {
    problems.push({
      variable: 'AUDIT_CHECKPOINT_INTERVAL_MS',
      reason: `${CHECKPOINT_INTERVAL_MS_MIN} to ${CHECKPOINT_INTERVAL_MS_MAX}`,
    });
  }
  const directory = env['AUDIT_CHECKPOINT_DIR'];
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: {
      signingKey,
      ...(signingHsm === undefined ? {} : { signingHsm }),
      checkpointIntervalMs,
      checkpointDirectory: directory === undefined || directory === '' ? undefined : directory,
    },
  };
}

const HSM_VARIABLES = [
  'AUDIT_HSM_MODULE',
  'AUDIT_HSM_TOKEN_LABEL',
  'AUDIT_HSM_PIN_FILE',
  'AUDIT_HSM_KEY_LABEL',
] as const;

/** AUDIT_HSM_MODULE, AUDIT_HSM_TOKEN_LABEL, AUDIT_HSM_PIN_FILE (a mounted secret), AUDIT_HSM_KEY_LABEL: all four or none. The PIN is never echoed. */
function parseHsm(env: Environment, problems: ConfigProblem[]): HsmKeyOptions | undefined {
  const set = HSM_VARIABLES.filter((variable) => (env[variable] ?? '') !== '');
  if (set.length === 0) return undefined;
  if (set.length < HSM_VARIABLES.length) {
    for (const variable of HSM_VARIABLES.filter((candidate) => !set.includes(candidate)))
      problems.push({ variable, reason: 'required with the other AUDIT_HSM_* variables' });
    return undefined;
  }
  const keyLabel = env['AUDIT_HSM_KEY_LABEL'] as string;
  if (!HSM_KEY_LABEL_PATTERN.test(keyLabel))
    problems.push({
      variable: 'AUDIT_HSM_KEY_LABEL',
      reason: "1 to 64 letters, digits, '.', '_', ':' or '-'",
    });
  let pin = '';
  try {
    pin = readFileSync(env['AUDIT_HSM_PIN_FILE'] as string, 'utf8').trim();
  } catch {
    problems.push({
      variable: 'AUDIT_HSM_PIN_FILE',
      reason: 'a readable file holding the token user PIN',
    });
  }
  if (pin === '' && !problems.some((problem) => problem.variable === 'AUDIT_HSM_PIN_FILE'))
    problems.push({ variable: 'AUDIT_HSM_PIN_FILE', reason: 'the file is empty' });
  return {
    modulePath: env['AUDIT_HSM_MODULE'] as string,
    tokenLabel: env['AUDIT_HSM_TOKEN_LABEL'] as string,
    pin,
    keyLabel,
  };
}
