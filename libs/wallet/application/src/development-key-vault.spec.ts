import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToHex, hexToBigInt, recoverAddress, type Hex } from 'viem';
import { DevelopmentKeyVault } from './development-key-vault';
import { KeyVaultError } from './key-vault';

const SECP256K1_HALF_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n / 2n;
const SIGNATURES = 24;
const digest = (): Hex => bytesToHex(randomBytes(32));

describe('the development key vault (the HSM port without an HSM, for npm start)', () => {
  let directory: string;
  beforeEach(() => (directory = mkdtempSync(join(tmpdir(), 'dev-vault-'))));
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('given a new key, when it signs digests, then each signature recovers to its address, with low s (EVM)', async () => {
    const vault = DevelopmentKeyVault.open(join(directory, 'keys'));
    const key = await vault.generateKey('eth-hot-1');
    expect(key.publicKey).toMatch(/^0x04[0-9a-f]{128}$/);
    for (let index = 0; index < SIGNATURES; index += 1) {
      const hash = digest();
      const signature = await vault.signDigest('eth-hot-1', hash);
      expect(hexToBigInt(signature.s) <= SECP256K1_HALF_N).toBe(true);
      expect(await recoverAddress({ hash, signature })).toBe(key.address);
    }
  });

  it('given NODE_ENV=production, then the vault refuses to open, whatever the configuration let through', () => {
    expect(() =>
      DevelopmentKeyVault.open(join(directory, 'keys'), { NODE_ENV: 'production' }),
    ).toThrow(
      expect.objectContaining({
        code: 'HSM_OPERATION_FAILED',
        message: expect.stringMatching(/refused with NODE_ENV=production/),
      }),
    );
  });

  it('given keys on disk, when the vault is opened again, then the same key answers; files are 0600 in a 0700 directory, even one that was wider', async () => {
    const keys = join(directory, 'keys');
    mkdirSync(keys, { mode: 0o755 });
    const made = await DevelopmentKeyVault.open(keys).generateKey('eth-cold-1');
    expect(await DevelopmentKeyVault.open(keys).publicKey('eth-cold-1')).toEqual(made);
    expect(statSync(keys).mode & 0o777).toBe(0o700);
    expect(readdirSync(keys).map((file) => statSync(join(keys, file)).mode & 0o777)).toEqual([
      0o600,
    ]);
  });

  it("given a taken id, an unknown key, a malformed id or digest, then it refuses with the HSM port's codes", async () => {
    const vault = DevelopmentKeyVault.open(directory);
    await vault.generateKey('k1');
    const code = (work: Promise<unknown>) =>
      work.then(
        () => 'none',
        (error: unknown) => (error instanceof KeyVaultError ? error.code : String(error)),
      );
    expect(await code(vault.generateKey('k1'))).toBe('HSM_KEY_ID_TAKEN');
    expect(await code(vault.signDigest('k2', digest()))).toBe('HSM_KEY_NOT_FOUND');
    expect(await code(vault.generateKey('../escape'))).toBe('HSM_OPERATION_FAILED');
    expect(await code(vault.signDigest('k1', '0x1234'))).toBe('HSM_DIGEST_INVALID');
    expect(readdirSync(directory)).toEqual(['k1.key']);
  });
});
