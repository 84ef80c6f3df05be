import { decideAllowList, type AllowListEvent, type AllowListState } from '@custody/wallet-domain';
import type { Executed } from '../shared/event-sourced';
import { keptInStep } from '../shared/lookup-table';
import { instantOf, type WalletContext } from '../shared/wallet-context';
import { ALLOW_LIST_AGGREGATE, allowListStreamId } from '../shared/wallet-streams';
import { ALLOW_LIST_INDEX_TABLE } from './allow-list.table';

type AllowListExecuted = Executed<AllowListState, AllowListEvent>;

/** HK-11h maker-checker: an approver (never who asked or handed in the proof) lists a held addition, or rejects it. */
export class DecideAddressAddition {
  constructor(
    private readonly context: WalletContext,
    private readonly addressCoolingOffMs: number,
  ) {}

  execute(
    clientId: string,
    challengeId: string,
    decision: 'approve' | 'reject',
    reason: string,
    actor: string,
  ): Promise<AllowListExecuted> {
    const command = {
      type: 'DecideAddressAddition' as const,
      challengeId,
      decision,
      reason,
      decidedBy: actor,
      coolingOffMs: this.addressCoolingOffMs,
      at: instantOf(this.context),
    };
    return this.context.streams.execute(
      allowListStreamId(clientId),
      ALLOW_LIST_AGGREGATE,
      (state) => decideAllowList(command, state, clientId),
      { actor },
      { afterAppend: keptInStep(ALLOW_LIST_INDEX_TABLE, this.context.schema) },
    );
  }
}

/** HK-11h: an address leaves a client's allow-list (withdrawals to it are refused from then on). */
export class RemoveAllowListedAddress {
  constructor(private readonly context: WalletContext) {}

  execute(
    clientId: string,
    chain: string,
    address: string,
    reason: string,
    actor: string,
  ): Promise<AllowListExecuted> {
    const at = instantOf(this.context);
    const command = {
      type: 'RemoveAllowListedAddress' as const,
      chain,
      address,
      removedBy: actor,
      reason,
      at,
    };
    return this.context.streams.execute(
      allowListStreamId(clientId),
      ALLOW_LIST_AGGREGATE,
      (state) => decideAllowList(command, state, clientId),
      { actor },
      { afterAppend: keptInStep(ALLOW_LIST_INDEX_TABLE, this.context.schema) },
    );
  }
}
