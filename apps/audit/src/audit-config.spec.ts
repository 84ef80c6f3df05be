import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKPOINT_INTERVAL_MS_DEFAULT, parseAuditConfig } from './audit-config';

describe('audit configuration', () => {
  const directory = mkdtempSync(join(tmpdir(), 'audit-config-'));
  const keyFile = (name: string, type: 'ed25519' | 'x25519') => {
    const path = join(directory, name);
    const { privateKey } =
      type === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('x25519');
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    return path;
  };

  it('given nothing, then no signing key, an hourly checkpoint, no directory', () => {
    expect(parseAuditConfig({})).toEqual({
      ok: true,
      config: {
        signingKey: undefined,
        checkpointIntervalMs: CHECKPOINT_INTERVAL_MS_DEFAULT,
        checkpointDirectory: undefined,
      },
    });
  });

  it('given an Ed25519 key file, an interval and a directory, then each is read', () => {
    const parsed = parseAuditConfig({
      AUDIT_SIGNING_KEY_FILE: keyFile('good.pem', 'ed25519'),
      AUDIT_CHECKPOINT_INTERVAL_MS: '5000',
      AUDIT_CHECKPOINT_DIR: '/var/lib/custody/checkpoints',
    });
    expect(parsed).toMatchObject({
      ok: true,
      config: { checkpointIntervalMs: 5_000, checkpointDirectory: '/var/lib/custody/checkpoints' },
    });
    expect(parsed.ok ? parsed.config.signingKey?.asymmetricKeyType : undefined).toBe('ed25519');
  });

  it('given another kind of key, a missing file or a bad interval, then each is named by its variable, and no key material is echoed', () => {
    const wrong = parseAuditConfig({
      AUDIT_SIGNING_KEY_FILE: keyFile('x.pem', 'x25519'),
      AUDIT_CHECKPOINT_INTERVAL_MS: '10',
    });
    expect(wrong).toMatchObject({
      ok: false,
      problems: [
        { variable: 'AUDIT_SIGNING_KEY_FILE', reason: 'an Ed25519 private key, not x25519' },
        { variable: 'AUDIT_CHECKPOINT_INTERVAL_MS' },
      ],
    });
    expect(
      parseAuditConfig({ AUDIT_SIGNING_KEY_FILE: join(directory, 'missing.pem') }),
    ).toMatchObject({ ok: false, problems: [{ variable: 'AUDIT_SIGNING_KEY_FILE' }] });
    expect(JSON.stringify(wrong)).not.toMatch(/PRIVATE KEY/);
  });

  it('given the four AUDIT_HSM_* variables, then the HSM key is used; given some of them, or both sources, each problem is named and the PIN is never echoed', () => {
    const pinFile = join(directory, 'pin');
    writeFileSync(pinFile, 'secret-pin-7788\n');
    const hsm = {
      AUDIT_HSM_MODULE: '/usr/lib/softhsm/libsofthsm2.so',
      AUDIT_HSM_TOKEN_LABEL: 'audit',
      AUDIT_HSM_PIN_FILE: pinFile,
      AUDIT_HSM_KEY_LABEL: 'checkpoints-2026',
    };
    expect(parseAuditConfig(hsm)).toMatchObject({
      ok: true,
      config: {
        signingKey: undefined,
        signingHsm: {
          modulePath: '/usr/lib/softhsm/libsofthsm2.so',
          tokenLabel: 'audit',
          pin: 'secret-pin-7788',
          keyLabel: 'checkpoints-2026',
        },
      },
    });
    const partial = parseAuditConfig({
      AUDIT_HSM_MODULE: hsm.AUDIT_HSM_MODULE,
      AUDIT_HSM_KEY_LABEL: 'x',
    });
    expect(partial).toMatchObject({
      ok: false,
      problems: [{ variable: 'AUDIT_HSM_TOKEN_LABEL' }, { variable: 'AUDIT_HSM_PIN_FILE' }],
    });
    const both = parseAuditConfig({
      ...hsm,
      AUDIT_SIGNING_KEY_FILE: keyFile('both.pem', 'ed25519'),
    });
    expect(both).toMatchObject({
      ok: false,
      problems: [{ variable: 'AUDIT_HSM_KEY_LABEL', reason: expect.stringMatching(/not both/) }],
    });
    expect(JSON.stringify(both)).not.toContain('secret-pin-7788');
    expect(
      parseAuditConfig({ ...hsm, AUDIT_HSM_PIN_FILE: join(directory, 'no-pin') }),
    ).toMatchObject({ ok: false, problems: [{ variable: 'AUDIT_HSM_PIN_FILE' }] });
    expect(parseAuditConfig({ ...hsm, AUDIT_HSM_KEY_LABEL: 'bad label' })).toMatchObject({
      ok: false,
      problems: [{ variable: 'AUDIT_HSM_KEY_LABEL' }],
    });
  });
});
