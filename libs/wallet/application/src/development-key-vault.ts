import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { isHex, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount, sign } from 'viem/accounts';
import {
  assertDigest,
  assertKeyId,
  KeyVaultError,
  type EvmSignature,
  type GeneratedKey,
  type KeyVault,
} from './key-vault';

/**
 * Chains a development key vault may sign for: anvil's and a local geth's. A key that exists
 * as a file can sign for no chain that carries value.
 */
export const DEVELOPMENT_CHAIN_IDS: readonly number[] = [31_337, 1_337];

/**
 * A development stand-in for the HSM behind the same port, for `npm start` on a machine with no
 * PKCS#11 module (issue 9): secp256k1 keys made with a CSPRNG, each kept in its own file
 * (`<keyId>.key`, 0600, in a 0700 directory), never logged, never in the database. It offers none
 * of an HSM's guarantees (HK-11a): the wallet refuses it in production and for any chain but a
 * local development chain (wallet-config.ts).
 */
export class DevelopmentKeyVault implements KeyVault {
  private constructor(private readonly directory: string) {}

  /** Refused in production whatever the configuration says; the directory is made (or made again) readable by this user only. */
  static open(
    directory: string,
    environment: Readonly<Record<string, string | undefined>> = process.env,
  ): DevelopmentKeyVault {
    if (environment['NODE_ENV'] === 'production')
      throw new KeyVaultError(
        'HSM_OPERATION_FAILED',
        'the development key vault is refused with NODE_ENV=production: use an HSM',
      );
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    chmodSync(directory, 0o700); // mkdir's mode does not apply to a directory that was already there
    return new DevelopmentKeyVault(directory);
  }

  async generateKey(keyId: string): Promise<GeneratedKey> {
    assertKeyId(keyId);
    const file = this.file(keyId);
    // written whole to a file of its own, then linked under the key's name: a crash leaves no half
    // key, and a key another call made in between is never overwritten (link fails: EEXIST)
    const partial = join(this.directory, `.${keyId}.${randomBytes(6).toString('hex')}.partial`);
    writeFileSync(partial, `${generatePrivateKey()}\n`, { mode: 0o600, flag: 'wx' });
    try {
      linkSync(partial, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST')
        throw new KeyVaultError('HSM_KEY_ID_TAKEN', `the vault already holds a key '${keyId}'`);
      throw error;
    } finally {
      rmSync(partial, { force: true });
    }
    return this.publicKey(keyId);
  }

  async publicKey(keyId: string): Promise<GeneratedKey> {
    const account = privateKeyToAccount(this.privateKey(keyId));
    return { keyId, publicKey: account.publicKey, address: account.address };
  }

  async signDigest(keyId: string, digest: Hex): Promise<EvmSignature> {
    assertDigest(digest);
    const { r, s, yParity } = await sign({ hash: digest, privateKey: this.privateKey(keyId) }); // low s (noble's default)
    if (yParity !== 0 && yParity !== 1)
      throw new KeyVaultError(
        'HSM_OPERATION_FAILED',
        `signing with '${keyId}' gave no recovery bit`,
      );
    return { r, s, yParity };
  }

  async close(): Promise<void> {
    // nothing held open
  }

  private file(keyId: string): string {
    return join(this.directory, `${keyId}.key`);
  }

  private privateKey(keyId: string): Hex {
    assertKeyId(keyId);
    const file = this.file(keyId);
    if (!existsSync(file))
      throw new KeyVaultError('HSM_KEY_NOT_FOUND', `the vault holds no key '${keyId}'`);
    const key = readFileSync(file, 'utf8').trim();
    if (!isHex(key, { strict: true }) || key.length !== 66)
      throw new KeyVaultError(
        'HSM_OPERATION_FAILED',
        `the vault's file for '${keyId}' is not a key`,
      );
    return key;
  }
}
