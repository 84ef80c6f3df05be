import type { Transaction } from '@custody/event-store';
import { decideAllowList, type AdditionFacts, type AllowListState } from '@custody/wallet-domain';
import type { ChainTransfer } from '../chain-adapter';
import { addressLockName } from '../shared/advisory-locks';
import { keptInStep } from '../shared/lookup-table';
import { SYSTEM_ACTOR, type WalletContext } from '../shared/wallet-context';
import { ALLOW_LIST_AGGREGATE, allowListStreamId } from '../shared/wallet-streams';
import type { AllowListFacts } from './allow-list-facts';
import { ALLOW_LIST_INDEX_TABLE } from './allow-list.table';

/**
 * HK-11h micro-payment test, in the chain watcher's transaction: a transfer that matches an open
 * challenge (this sender, this asset, this amount, to the wallet address named) proves it.
 */
export class RecordMicroPaymentProofs {
  constructor(
    private readonly context: WalletContext,
    private readonly allowLists: AllowListFacts,
    private readonly addressCoolingOffMs: number,
  ) {}

  async execute(
    chain: string,
    transfer: ChainTransfer,
    at: string,
    transaction: Transaction,
  ): Promise<void> {
    const { schema } = this.context;
    const { rows: challenges } = await transaction.client.query<{
      challenge_id: string;
      client_id: string;
    }>(
      `select challenge_id, client_id from ${schema}.allow_list_index
        where chain = $1 and address = $2 and method = 'micro-payment' and status = 'open' and asset = $3 and to_address = $4 and amount_minor = $5`,
      [
        chain,
        transfer.fromAddress.toLowerCase(),
        transfer.asset,
        transfer.toAddress.toLowerCase(),
        transfer.amountMinor.toString(),
      ],
    );
    for (const challenge of challenges) {
      await transaction.client.query('select pg_advisory_xact_lock(hashtext($1))', [
        addressLockName(schema, chain, transfer.fromAddress),
      ]);
      const facts = await this.allowLists.additionFacts(
        chain,
        transfer.fromAddress,
        challenge.client_id,
        transaction,
      );
      const context = {
        submittedBy: SYSTEM_ACTOR,
        facts,
        coolingOffMs: this.addressCoolingOffMs,
      };
      await this.context.streams.execute(
        allowListStreamId(challenge.client_id),
        ALLOW_LIST_AGGREGATE,
        (state) => microPaymentProof(state, challenge.challenge_id, transfer, at, context),
        { actor: SYSTEM_ACTOR },
        { transaction, afterAppend: keptInStep(ALLOW_LIST_INDEX_TABLE, schema) },
      );
    }
  }
}

/** HK-11h: the payment itself is the proof; it counts through the channel the challenge was asked for in (the client's, or staff's: then an approver decides). */
function microPaymentProof(
  state: AllowListState,
  challengeId: string,
  transfer: ChainTransfer,
  at: string,
  context: {
    readonly submittedBy: string;
    readonly facts: AdditionFacts;
    readonly coolingOffMs: number;
  },
) {
  const challenge = state.challenges.get(challengeId);
  const clientId = challenge?.clientId ?? '';
  const channel = challenge?.channel === 'client' ? 'client' : 'staff';
  return decideAllowList(
    {
      type: 'ProveByMicroPayment',
      challengeId,
      transactionHash: transfer.transactionHash,
      fromAddress: transfer.fromAddress,
      toAddress: transfer.toAddress,
      asset: transfer.asset,
      amountMinor: transfer.amountMinor,
      blockNumber: transfer.blockNumber,
      at,
      channel,
      ...context,
    },
    state,
    clientId,
  );
}
