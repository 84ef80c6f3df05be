import { verify } from 'node:crypto';
import * as pkcs11js from 'pkcs11js';
import { createSoftHsmToken, type SoftHsmToken } from '@custody/testing';
import { HsmEd25519Signer } from './ed25519-signer';
import { acquireModule, openUserSession, releaseModule } from './pkcs11-module';

/**
 * HK-22 / HK-11a: the audit's checkpoint key inside an HSM (SoftHSM2 over PKCS#11): generated
 * there, never extractable, signing there; what it signs verifies with the public key alone.
 */
describe('an Ed25519 signing key in the HSM (SoftHSM2)', () => {
  let token: SoftHsmToken;
  const options = () => ({
    modulePath: token.modulePath,
    tokenLabel: token.tokenLabel,
    pin: token.userPin,
    keyLabel: 'audit-checkpoints-1',
  });

  beforeAll(async () => {
    token = await createSoftHsmToken('audit-signer');
  });
  afterAll(() => token?.destroy());

  it('generates the key pair inside the token, and its signatures verify with the public key it reports', () => {
    const generated = HsmEd25519Signer.generate(options());
    expect(generated.asymmetricKeyType).toBe('ed25519');
    const signer = HsmEd25519Signer.open(options());
    try {
      expect(signer.publicKey.export({ type: 'spki', format: 'der' })).toEqual(
        generated.export({ type: 'spki', format: 'der' }),
      );
      const message = Buffer.from('custody-audit-checkpoint/v1\n3\nroot', 'utf8');
      const signature = signer.sign(message);
      expect(signature).toHaveLength(64);
      expect(verify(null, message, signer.publicKey, signature)).toBe(true);
      expect(
        verify(
          null,
          Buffer.from('custody-audit-checkpoint/v1\n4\nroot', 'utf8'),
          signer.publicKey,
          signature,
        ),
      ).toBe(false);
    } finally {
      signer.close();
    }
  });

  it('keeps the private half sensitive and never extractable: reading its value is refused even with the PIN', () => {
    const module = acquireModule(token.modulePath);
    const session = openUserSession(module, token.modulePath, token.tokenLabel, token.userPin);
    try {
      module.C_FindObjectsInit(session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        { type: pkcs11js.CKA_LABEL, value: 'audit-checkpoints-1' },
      ]);
      const [privateKey] = module.C_FindObjects(session, 2);
      module.C_FindObjectsFinal(session);
      if (privateKey === undefined) throw new Error('no private key');
      const [sensitive, extractable] = module.C_GetAttributeValue(session, privateKey, [
        { type: pkcs11js.CKA_SENSITIVE },
        { type: pkcs11js.CKA_EXTRACTABLE },
      ]);
      expect([sensitive?.value, extractable?.value]).toEqual([Buffer.from([1]), Buffer.from([0])]);
      expect(() =>
        module.C_GetAttributeValue(session, privateKey, [{ type: pkcs11js.CKA_VALUE }]),
      ).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
    } finally {
      module.C_CloseSession(session);
      releaseModule(token.modulePath);
    }
  });

  it('refuses a second key under the same label, an unknown label, a wrong PIN and an unknown token, with stable codes and no PIN in the message', () => {
    expect(() => HsmEd25519Signer.generate(options())).toThrow(
      expect.objectContaining({
        code: 'HSM_OPERATION_FAILED',
        message: expect.stringMatching(/already exists/),
      }),
    );
    expect(() => HsmEd25519Signer.open({ ...options(), keyLabel: 'missing' })).toThrow(
      expect.objectContaining({ code: 'HSM_KEY_NOT_FOUND' }),
    );
    const wrongPin = 'not-the-pin-1234';
    let refused: unknown;
    try {
      HsmEd25519Signer.open({ ...options(), pin: wrongPin });
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ code: 'HSM_LOGIN_FAILED' });
    expect(String((refused as Error).message)).not.toContain(wrongPin);
    expect(() => HsmEd25519Signer.open({ ...options(), tokenLabel: 'no-such-token' })).toThrow(
      expect.objectContaining({ code: 'HSM_TOKEN_NOT_FOUND' }),
    );
    expect(() => HsmEd25519Signer.open({ ...options(), keyLabel: 'bad label!' })).toThrow(
      /key label/,
    );
  });
});
