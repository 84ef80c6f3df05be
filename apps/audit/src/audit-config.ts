import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ConfigProblem } from '@custody/service-host';

export const AUDIT_CONFIG = Symbol('custody.audit.config');
export const CHECKPOINT_INTERVAL_MS_DEFAULT = 60 * 60 * 1000;
export const CHECKPOINT_INTERVAL_MS_MIN = 1_000;
export const CHECKPOINT_INTERVAL_MS_MAX = 24 * 60 * 60 * 1000;

export interface AuditConfig {
  /** The Ed25519 key checkpoints are signed with, read from a file (a mounted secret), never stored; absent: no checkpoints (503). */
  readonly signingKey: KeyObject | undefined;
  readonly checkpointIntervalMs: number;
  /** Where each checkpoint is also written as a file (to be kept elsewhere); absent: only recorded and published. */
  readonly checkpointDirectory: string | undefined;
}

type Environment = Readonly<Record<string, string | undefined>>;

/** AUDIT_SIGNING_KEY_FILE (PKCS#8 PEM, Ed25519), AUDIT_CHECKPOINT_INTERVAL_MS, AUDIT_CHECKPOINT_DIR. The key's content is never echoed. */
export function parseAuditConfig(env: Environment): { ok: true; config: AuditConfig } | { ok: false; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  let signingKey: KeyObject | undefined;
  const keyFile = env['AUDIT_SIGNING_KEY_FILE'];
  if (keyFile !== undefined && keyFile !== '') {
    try {
      const key = createPrivateKey(readFileSync(keyFile));
      if (key.asymmetricKeyType !== 'ed25519') problems.push({ variable: 'AUDIT_SIGNING_KEY_FILE', reason: `an Ed25519 private key, not ${key.asymmetricKeyType ?? 'unknown'}` });
      else signingKey = key;
    } catch {
      problems.push({ variable: 'AUDIT_SIGNING_KEY_FILE', reason: 'a readable PKCS#8 PEM Ed25519 private key' });
    }
  }
  const intervalText = env['AUDIT_CHECKPOINT_INTERVAL_MS'];
  const checkpointIntervalMs = intervalText === undefined || intervalText === '' ? CHECKPOINT_INTERVAL_MS_DEFAULT : Number(intervalText);
  if (!Number.isSafeInteger(checkpointIntervalMs) || checkpointIntervalMs < CHECKPOINT_INTERVAL_MS_MIN || checkpointIntervalMs > CHECKPOINT_INTERVAL_MS_MAX) {
    problems.push({ variable: 'AUDIT_CHECKPOINT_INTERVAL_MS', reason: `${CHECKPOINT_INTERVAL_MS_MIN} to ${CHECKPOINT_INTERVAL_MS_MAX}` });
  }
  const directory = env['AUDIT_CHECKPOINT_DIR'];
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: { signingKey, checkpointIntervalMs, checkpointDirectory: directory === undefined || directory === '' ? undefined : directory } };
}
