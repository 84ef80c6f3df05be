import type {
  EventSourcedStreams,
  Executed,
  PostgresEventStore,
  Transaction,
} from '@custody/event-store';
import {
  comminglingDecider,
  type ComminglingEvent,
  type ComminglingState,
  type PolicyError,
  type RecordComminglingException,
} from '@custody/policy-domain';
import type { FactsRecorder } from '../facts/facts-recorder';
import type { ComplianceEvaluation } from './compliance-evaluation';
import { COMMINGLING_STREAM_ID } from './compliance-streams';

export type PolicyRefusal = { readonly ok: false; readonly error: PolicyError };

/**
 * TW-4: a commingling exception recorded before house assets enter a client wallet. The house
 * amount joins the wallet's holdings and the rules run again, in the same transaction.
 */
export class RecordComminglingExceptionHandler {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly streams: EventSourcedStreams,
    private readonly evaluation: ComplianceEvaluation,
    private readonly facts: FactsRecorder,
  ) {}

  async handle(
    command: Omit<RecordComminglingException, 'at'>,
  ): Promise<Executed<ComminglingState, ComminglingEvent, PolicyError> | PolicyRefusal> {
    return this.store.withTransaction(async (transaction) => {
      const at = await this.evaluation.evaluationInstant(transaction);
      const wallet = await this.walletOf(transaction, command.walletId);
      const executed = await this.streams.execute(
        COMMINGLING_STREAM_ID,
        comminglingDecider,
        (state) => comminglingDecider.decide({ ...command, at }, state, wallet),
        { actor: command.by },
        {
          transaction,
          afterAppend: (events, _state, tx) => this.facts.addHouseHoldings(tx.client, at, events),
        },
      );
      if (executed.ok && executed.events.length > 0)
        await this.evaluation.evaluateAndRecord(at, transaction);
      return executed;
    });
  }

  /** The wallet's tier and owner class as the facts have it (undefined: not registered). */
  private async walletOf(
    transaction: Transaction,
    walletId: string,
  ): Promise<{ tier: 'cold' | 'hot'; ownerClass: 'client-segregated' | 'house' } | undefined> {
    const { rows } = await transaction.client.query<{
      tier: 'cold' | 'hot';
      owner_class: 'client-segregated' | 'house';
    }>(`select tier, owner_class from ${this.store.schema}.policy_wallets where wallet_id = $1`, [
      walletId,
    ]);
    return rows[0] === undefined
      ? undefined
      : { tier: rows[0].tier, ownerClass: rows[0].owner_class };
  }
}
