import { randomBytes } from 'node:crypto';
import { createSoftHsmToken, type SoftHsmToken } from '@custody/testing';
import * as pkcs11js from 'pkcs11js';
import { bytesToHex, hexToBigInt, recoverAddress, type Hex } from 'viem';
import { KeyVaultError } from './key-vault';
import { Pkcs11KeyVault } from './pkcs11-key-vault';

const SECP256K1_HALF_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n / 2n;
const SIGNATURES = 24;
const digest = (): Hex => bytesToHex(randomBytes(32));

/** The wallet's HSM port against a real PKCS#11 token (Debian's SoftHSM2). */
describe('keys in an HSM over PKCS#11 (SoftHSM2)', () => {
  let token: SoftHsmToken;
  let untouched: SoftHsmToken;
  let vault: Pkcs11KeyVault;

  beforeAll(async () => {
    // both tokens exist before the module is first initialised (SoftHSM lists slots at C_Initialize)
    token = await createSoftHsmToken('wallet-test');
    untouched = await createSoftHsmToken('never-logged-in');
    vault = Pkcs11KeyVault.open({
      modulePath: token.modulePath,
      tokenLabel: token.tokenLabel,
      pin: token.userPin,
    });
  });
  afterAll(async () => {
    await vault?.close();
    await token?.destroy();
    await untouched?.destroy();
  });

  /** A raw session on the same token, as an attacker with the PIN would have. */
  function rawSession(): { module: pkcs11js.PKCS11; session: Buffer } {
    const module = new pkcs11js.PKCS11();
    module.load(token.modulePath);
    try {
      module.C_Initialize();
    } catch (error) {
      if (!(error as Error).message.startsWith('CKR_CRYPTOKI_ALREADY_INITIALIZED')) throw error;
    }
    const slot = module
      .C_GetSlotList(true)
      .find((candidate) => module.C_GetTokenInfo(candidate).label.trim() === token.tokenLabel);
    if (slot === undefined) throw new Error('assertion: token not found');
    return {
      module,
      session: module.C_OpenSession(slot, pkcs11js.CKF_RW_SESSION | pkcs11js.CKF_SERIAL_SESSION),
    };
  }

  it('HK-11a generates the key inside the HSM, sensitive and never extractable: reading its value or wrapping it out is refused even with the PIN', async () => {
    await vault.generateKey('key-export-test');
    const { module, session } = rawSession();
    try {
      module.C_FindObjectsInit(session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        { type: pkcs11js.CKA_ID, value: Buffer.from('key-export-test') },
      ]);
      const [privateKey] = module.C_FindObjects(session, 2);
      module.C_FindObjectsFinal(session);
      if (privateKey === undefined)
        throw new Error('assertion: the private key is not on the token');
      const flags = module.C_GetAttributeValue(session, privateKey, [
        { type: pkcs11js.CKA_EXTRACTABLE },
        { type: pkcs11js.CKA_NEVER_EXTRACTABLE },
        { type: pkcs11js.CKA_SENSITIVE },
        { type: pkcs11js.CKA_ALWAYS_SENSITIVE },
        { type: pkcs11js.CKA_TOKEN },
      ]);
      expect(flags.map((attribute) => (attribute.value as Buffer)[0])).toEqual([0, 1, 1, 1, 1]);
      expect(() =>
        module.C_GetAttributeValue(session, privateKey, [{ type: pkcs11js.CKA_VALUE }]),
      ).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
      const wrappingKey = module.C_GenerateKey(session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
        { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
        { type: pkcs11js.CKA_WRAP, value: true },
        { type: pkcs11js.CKA_TOKEN, value: false },
      ]);
      expect(() =>
        module.C_WrapKey(
          session,
          { mechanism: pkcs11js.CKM_AES_KEY_WRAP_PAD },
          wrappingKey,
          privateKey,
          Buffer.alloc(4096),
        ),
      ).toThrow(/CKR_KEY_UNEXTRACTABLE/);
    } finally {
      module.C_CloseSession(session); // not C_Finalize: the vault shares the module
    }
  });

  it('HK-11a the wallet address comes from the public key, and signatures made inside the HSM recover to it (EVM: low s, recovery bit)', async () => {
    const key = await vault.generateKey('key-sign-test');
    expect(key.publicKey).toMatch(/^0x04[0-9a-f]{128}$/);
    expect(key.address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    for (let index = 0; index < SIGNATURES; index += 1) {
      const hash = digest();
      const signature = await vault.signDigest('key-sign-test', hash);
      expect(hexToBigInt(signature.s) <= SECP256K1_HALF_N).toBe(true);
      expect(await recoverAddress({ hash, signature })).toBe(key.address);
    }
  });

  it('keys live in the token: a second vault (a restart) finds the same key and address; an unknown id is HSM_KEY_NOT_FOUND, a reused id HSM_KEY_ID_TAKEN', async () => {
    const made = await vault.generateKey('key-persist-test');
    const restarted = Pkcs11KeyVault.open({
      modulePath: token.modulePath,
      tokenLabel: token.tokenLabel,
      pin: token.userPin,
    });
    try {
      expect(await restarted.publicKey('key-persist-test')).toEqual(made);
      const hash = digest();
      expect(
        await recoverAddress({
          hash,
          signature: await restarted.signDigest('key-persist-test', hash),
        }),
      ).toBe(made.address);
    } finally {
      await restarted.close();
    }
    await expect(vault.publicKey('key-missing')).rejects.toMatchObject({
      code: 'HSM_KEY_NOT_FOUND',
    });
    await expect(vault.signDigest('key-missing', digest())).rejects.toMatchObject({
      code: 'HSM_KEY_NOT_FOUND',
    });
    await expect(vault.generateKey('key-persist-test')).rejects.toMatchObject({
      code: 'HSM_KEY_ID_TAKEN',
    });
  });

  it('refuses a digest that is not 32 bytes, a malformed key id, an unknown token, and a wrong PIN, without echoing the PIN', async () => {
    await expect(vault.signDigest('key-sign-test', '0x1234')).rejects.toMatchObject({
      code: 'HSM_DIGEST_INVALID',
    });
    await expect(vault.generateKey('key with spaces')).rejects.toBeInstanceOf(KeyVaultError);
    expect(() =>
      Pkcs11KeyVault.open({
        modulePath: token.modulePath,
        tokenLabel: 'no-such-token',
        pin: token.userPin,
      }),
    ).toThrow(expect.objectContaining({ code: 'HSM_TOKEN_NOT_FOUND' }));
    const wrongPin = `${untouched.userPin}x`;
    let refusal: unknown;
    try {
      Pkcs11KeyVault.open({
        modulePath: untouched.modulePath,
        tokenLabel: untouched.tokenLabel,
        pin: wrongPin,
      });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ code: 'HSM_LOGIN_FAILED' });
    expect(String((refusal as Error).message)).not.toContain(untouched.userPin);
  });
});
