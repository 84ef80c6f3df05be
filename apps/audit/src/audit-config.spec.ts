import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKPOINT_INTERVAL_MS_DEFAULT, parseAuditConfig } from './audit-config';

describe('audit configuration', () => {
  const directory = mkdtempSync(join(tmpdir(), 'audit-config-'));
  const keyFile = (name: string, type: 'ed25519' | 'x25519') => {
    const path = join(directory, name);
    const { privateKey } = type === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('x25519');
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    return path;
  };

  it('given nothing, then no signing key, an hourly checkpoint, no directory', () => {
    expect(parseAuditConfig({})).toEqual({ ok: true, config: { signingKey: undefined, checkpointIntervalMs: CHECKPOINT_INTERVAL_MS_DEFAULT, checkpointDirectory: undefined } });
  });

  it('given an Ed25519 key file, an interval and a directory, then each is read', () => {
    const parsed = parseAuditConfig({ AUDIT_SIGNING_KEY_FILE: keyFile('good.pem', 'ed25519'), AUDIT_CHECKPOINT_INTERVAL_MS: '5000', AUDIT_CHECKPOINT_DIR: '/var/lib/custody/checkpoints' });
    expect(parsed).toMatchObject({ ok: true, config: { checkpointIntervalMs: 5_000, checkpointDirectory: '/var/lib/custody/checkpoints' } });
    expect(parsed.ok ? parsed.config.signingKey?.asymmetricKeyType : undefined).toBe('ed25519');
  });

  it('given another kind of key, a missing file or a bad interval, then each is named by its variable, and no key material is echoed', () => {
    const wrong = parseAuditConfig({ AUDIT_SIGNING_KEY_FILE: keyFile('x.pem', 'x25519'), AUDIT_CHECKPOINT_INTERVAL_MS: '10' });
    expect(wrong).toMatchObject({ ok: false, problems: [{ variable: 'AUDIT_SIGNING_KEY_FILE', reason: 'an Ed25519 private key, not x25519' }, { variable: 'AUDIT_CHECKPOINT_INTERVAL_MS' }] });
    expect(parseAuditConfig({ AUDIT_SIGNING_KEY_FILE: join(directory, 'missing.pem') })).toMatchObject({ ok: false, problems: [{ variable: 'AUDIT_SIGNING_KEY_FILE' }] });
    expect(JSON.stringify(wrong)).not.toMatch(/PRIVATE KEY/);
  });
});
