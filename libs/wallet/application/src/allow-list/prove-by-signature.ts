import {
  decideAllowList,
  type AdditionChannel,
  type AllowListEvent,
  type AllowListState,
} from '@custody/wallet-domain';
import { recoverMessageAddress, type Hex } from 'viem';
import { addressLockName, exclusively } from '../shared/advisory-locks';
import type { Executed } from '../shared/event-sourced';
import { keptInStep } from '../shared/lookup-table';
import { instantOf, type WalletContext } from '../shared/wallet-context';
import { ALLOW_LIST_AGGREGATE, allowListStreamId } from '../shared/wallet-streams';
import type { AllowListFacts } from './allow-list-facts';
import { ALLOW_LIST_INDEX_TABLE } from './allow-list.table';

export interface ProveBySignatureDependencies {
  readonly context: WalletContext;
  readonly allowLists: AllowListFacts;
  /** HK-11h: how long a newly listed address waits before the first withdrawal to it. */
  readonly addressCoolingOffMs: number;
}

/**
 * HK-11h: verifies a real EIP-191 signature over the issued challenge text (recovering its
 * signer), then records the proof: listed (usable after the cooling-off) when it came through
 * the client's channel and the address is no one else's here; otherwise held for an approver.
 */
export class ProveOwnershipBySignature {
  constructor(private readonly dependencies: ProveBySignatureDependencies) {}

  async execute(
    clientId: string,
    challengeId: string,
    signature: string,
    actor: string,
    channel: AdditionChannel,
  ): Promise<Executed<AllowListState, AllowListEvent>> {
    const { context, allowLists, addressCoolingOffMs } = this.dependencies;
    const at = instantOf(context);
    const challenge = (await allowLists.allowList(clientId)).challenges.get(challengeId);
    const recoveredAddress =
      challenge === undefined
        ? null
        : await recoverMessageAddress({
            message: challenge.message,
            signature: signature as Hex,
          }).catch(() => null);
    const prove = async () => {
      const facts =
        challenge === undefined
          ? { otherClients: [], ourWalletId: null }
          : await allowLists.additionFacts(challenge.chain, challenge.address, clientId);
      const command = {
        type: 'ProveBySignature' as const,
        challengeId,
        signature,
        recoveredAddress,
        at,
        submittedBy: actor,
        channel,
        facts,
        coolingOffMs: addressCoolingOffMs,
      };
      return context.streams.execute(
        allowListStreamId(clientId),
        ALLOW_LIST_AGGREGATE,
        (state) => decideAllowList(command, state, clientId),
        { actor },
        { afterAppend: keptInStep(ALLOW_LIST_INDEX_TABLE, context.schema) },
      );
    };
    // two clients proving one address at once: the second reads the first's proof as a fact (held for an approver), never both listed
    return challenge === undefined
      ? prove()
      : exclusively(
          context.store.pool,
          addressLockName(context.schema, challenge.chain, challenge.address),
          prove,
        );
  }
}
