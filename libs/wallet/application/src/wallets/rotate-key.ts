import {
  decideWallet,
  walletError,
  type KeyCustodyPolicy,
  type KeyLocation,
  type WalletError,
  type WalletEvent,
  type WalletState,
} from '@custody/wallet-domain';
import { KEY_ID_LENGTH_MAX, type KeyVault } from '../key-vault';
import { exclusively, walletKeyLockName } from '../shared/advisory-locks';
import type { Executed } from '../shared/event-sourced';
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
import { anOpenMovementOf } from '../withdrawals/withdrawal-queue.table';
import { WalletFacts } from './wallet-facts';
import { generateOrReuse, PLACEHOLDER_ADDRESS } from './wallet-keys';
import { WALLET_REGISTRY_TABLE } from './wallet-registry.table';

export interface KeyRotationChange {
  readonly requestId: string;
  readonly rotationDueAt: string;
  readonly keyLocation: KeyLocation;
  readonly backups: readonly KeyLocation[];
  readonly reason: string;
}

export interface KeyRotationDependencies {
  readonly context: WalletContext;
  readonly vault: KeyVault;
  readonly chains: Chains;
  readonly custodyPolicy: KeyCustodyPolicy;
}

type WalletExecuted = Executed<WalletState | undefined, WalletEvent>;

/**
 * HK-11a: a key rotation is requested by one person (where the new key and its backups will be
 * kept, until when, why) and approved by a different one; only at approval is the new key
 * generated in the HSM and the wallet's address changed. Refused while anything depends on the
 * old key (see rotationBlocker).
 */
export class RotateWalletKey {
  private readonly wallets: WalletFacts;

  constructor(private readonly dependencies: KeyRotationDependencies) {
    this.wallets = new WalletFacts(dependencies.context);
  }

  async request(
    walletId: string,
    change: KeyRotationChange,
    actor: string,
  ): Promise<WalletExecuted | Refusal> {
    const { context, custodyPolicy } = this.dependencies;
    const at = instantOf(context);
    const state = await this.wallets.wallet(walletId);
    if (state === undefined)
      return refusal(walletError('WALLET_UNKNOWN', 'walletId', `no wallet ${walletId}`));
    const blocked = await this.rotationBlocker(state);
    if (blocked !== undefined) return refusal(blocked);
    const command = {
      type: 'RequestKeyRotation' as const,
      walletId,
      requestId: change.requestId,
      location: change.keyLocation,
      backups: change.backups,
      rotationDueAt: change.rotationDueAt,
      reason: change.reason,
      requestedBy: actor,
      at,
    };
    return context.streams.execute(
      walletStreamId(walletId),
      WALLET_AGGREGATE,
      (current) => decideWallet(command, current, custodyPolicy),
      { actor },
    );
  }

  async approve(
    walletId: string,
    requestId: string,
    actor: string,
  ): Promise<WalletExecuted | Refusal> {
    const { context, vault, custodyPolicy } = this.dependencies;
    const at = instantOf(context);
    const streamId = walletStreamId(walletId);
    const { state, version } = await context.streams.load(streamId, WALLET_AGGREGATE);
    if (state === undefined)
      return refusal(walletError('WALLET_UNKNOWN', 'walletId', `no wallet ${walletId}`));
    const pending = state.pendingRotation;
    const keyId = `${walletId}.k${version + 1n}`;
    if (keyId.length > KEY_ID_LENGTH_MAX)
      return refusal(
        walletError(
          'WALLET_ID_INVALID',
          'walletId',
          `the next key id ${keyId} is longer than ${KEY_ID_LENGTH_MAX}`,
        ),
      );
    const newKey = {
      keyId,
      location: pending?.location ?? state.registration.key.location,
      backups: pending?.backups ?? [],
      rotationDueAt: pending?.rotationDueAt ?? at,
    };
    const command = (address: string) => ({
      type: 'RotateWalletKey' as const,
      walletId,
      requestId,
      key: newKey,
      address,
      approvedBy: actor,
      at,
    });
    // the whole decision first (a pending request, a second person), on a placeholder address: no key for a refusal
    const dryRun = decideWallet(command(PLACEHOLDER_ADDRESS), state, custodyPolicy);
    if (!dryRun.ok) return refusal(dryRun.error);
    const blocked = await this.rotationBlocker(state);
    if (blocked !== undefined) return refusal(blocked);
    return exclusively(context.store.pool, walletKeyLockName(context.schema, keyId), async () => {
      const key = await generateOrReuse(vault, keyId);
      return context.streams.execute(
        streamId,
        WALLET_AGGREGATE,
        (current) => decideWallet(command(key.address), current, custodyPolicy),
        { actor },
        { afterAppend: keptInStep(WALLET_REGISTRY_TABLE, context.schema) },
      );
    });
  }

  /**
   * A key is rotated only when nothing depends on the old one: no open movement of the wallet
   * (prepared for the old address) and nothing left at the old address on chain (sweep it to
   * another wallet first, by an internal transfer); otherwise funds would sit where no key of
   * ours signs any more.
   */
  private async rotationBlocker(state: WalletState): Promise<WalletError | undefined> {
    const { context, chains } = this.dependencies;
    const { walletId, chain: chainName, address, assets } = state.registration;
    const open = await anOpenMovementOf(context.store.pool, context.schema, walletId);
    if (open !== undefined)
      return walletError(
        'KEY_ROTATION_BLOCKED',
        'walletId',
        `movement ${open} of ${walletId} is still open: finish or cancel it before rotating the key`,
      );
    const chain = chains.get(chainName);
    if (chain === undefined) return chainUnsupported(chainName, 'walletId');
    const head = await chain.head();
    for (const asset of assets) {
      const balance = await chain.balanceAt(address, asset, head);
      if (balance > 0n)
        return walletError(
          'KEY_ROTATION_BLOCKED',
          'walletId',
          `${address} still holds ${balance} ${asset} minor units: sweep them to another wallet first`,
        );
    }
    return undefined;
  }
}
