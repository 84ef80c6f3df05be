import {
  decideWallet,
  walletError,
  type KeyCustodyPolicy,
  type KeyLocation,
  type QuorumPolicy,
  type WalletEvent,
  type WalletOwnerClass,
  type WalletState,
  type WalletTier,
} from '@custody/wallet-domain';
import type { Executed } from '../shared/event-sourced';
import { KEY_ID_LENGTH_MAX, KEY_ID_PATTERN, type KeyVault } from '../key-vault';
import { exclusively, walletKeyLockName } from '../shared/advisory-locks';
import { keptInStep } from '../shared/lookup-table';
import {
  chainUnsupported,
  instantOf,
  refusal,
  type Chains,
  type Refusal,
  type WalletContext,
} from '../shared/wallet-context';
import { WALLET_AGGREGATE, walletStreamId } from '../shared/wallet-streams';
import { generateOrReuse, PLACEHOLDER_ADDRESS } from './wallet-keys';
import { WALLET_REGISTRY_TABLE } from './wallet-registry.table';

export interface WalletRegistrationInput {
  readonly walletId: string;
  readonly tier: WalletTier;
  readonly ownerClass: WalletOwnerClass;
  readonly chain: string;
  readonly assets: readonly string[];
  readonly keyLocation: KeyLocation;
  readonly backups: readonly KeyLocation[];
  readonly rotationDueAt: string;
  readonly quorum: QuorumPolicy;
  readonly confirmationsRequired: number;
}

export interface RegisterWalletDependencies {
  readonly context: WalletContext;
  readonly vault: KeyVault;
  readonly chains: Chains;
  readonly custodyPolicy: KeyCustodyPolicy;
}

/**
 * HK-11a/b/f: checks everything, then generates the key inside the HSM, then records the wallet
 * with the key's address.
 */
export class RegisterWallet {
  constructor(private readonly dependencies: RegisterWalletDependencies) {}

  async execute(
    input: WalletRegistrationInput,
    actor: string,
  ): Promise<Executed<WalletState | undefined, WalletEvent> | Refusal> {
    const { context, vault, chains, custodyPolicy } = this.dependencies;
    const at = instantOf(context);
    if (!chains.has(input.chain)) return refusal(chainUnsupported(input.chain));
    const keyId = `${input.walletId}.k1`;
    if (keyId.length > KEY_ID_LENGTH_MAX || !KEY_ID_PATTERN.test(keyId))
      return refusal(
        walletError(
          'WALLET_ID_INVALID',
          'walletId',
          `a wallet id names its HSM key: letters, digits, '.', '_', ':' or '-', at most ${KEY_ID_LENGTH_MAX - 3} characters`,
        ),
      );
    const draft = {
      walletId: input.walletId,
      tier: input.tier,
      ownerClass: input.ownerClass,
      chain: input.chain,
      assets: input.assets,
      address: '',
      key: {
        keyId,
        location: input.keyLocation,
        backups: input.backups,
        rotationDueAt: input.rotationDueAt,
      },
    };
    const command = (address: string) => ({
      type: 'RegisterWallet' as const,
      registration: { ...draft, address },
      quorum: input.quorum,
      confirmationsRequired: input.confirmationsRequired,
      registeredBy: actor,
      at,
    });
    // One registration of a wallet at a time, across replicas: the key id is generated once (two concurrent
    // generations would leave two key pairs under one id, and the vault then refuses to sign with either).
    return exclusively(context.store.pool, walletKeyLockName(context.schema, keyId), async () => {
      const streamId = walletStreamId(input.walletId);
      const existing = await context.streams.load(streamId, WALLET_AGGREGATE);
      if (existing.state === undefined) {
        // the whole decision first, on a placeholder address: no key is generated for a refused wallet
        const dryRun = decideWallet(command(PLACEHOLDER_ADDRESS), undefined, custodyPolicy);
        if (!dryRun.ok) return refusal(dryRun.error);
      }
      const key =
        existing.state?.registration.key.keyId === keyId
          ? await vault.publicKey(keyId)
          : await generateOrReuse(vault, keyId);
      return context.streams.execute(
        streamId,
        WALLET_AGGREGATE,
        (state) => decideWallet(command(key.address), state, custodyPolicy),
        { actor },
        { afterAppend: keptInStep(WALLET_REGISTRY_TABLE, context.schema) },
      );
    });
  }
}
