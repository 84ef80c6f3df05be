import type { EventSourcedStreams } from '@custody/event-store';
import { onChainChecksDecider, type OnChainCheckRecorded } from '@custody/policy-domain';
import { ONCHAIN_CHECKS_STREAM_ID } from './onchain-check-stream';

/** TW-14 (last paragraph): the on-chain checks recorded. */
export class OnChainChecksQuery {
  constructor(private readonly streams: EventSourcedStreams) {}

  /** The on-chain checks recorded, newest first. */
  async recent(limit: number): Promise<OnChainCheckRecorded['data'][]> {
    const { state } = await this.streams.load(ONCHAIN_CHECKS_STREAM_ID, onChainChecksDecider);
    return state.slice(-limit).reverse();
  }
}
