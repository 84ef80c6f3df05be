import type { EventSourcedStreams, Executed, Fold } from '@custody/event-store';
import {
  entitlementDisclosureDecider,
  type EntitlementDisclosureCommand,
  type EntitlementDisclosureEvent,
  type EntitlementDisclosureState,
  type PolicyError,
} from '@custody/policy-domain';

/** One stream holds every HK-20 disclosure change, its decision, and every vote recorded under one. */
export const ENTITLEMENT_DISCLOSURE_STREAM_ID = 'policy-entitlement-disclosures';

/** The stream's record as it happened, oldest first (what a regulator reads). */
const HISTORY: Fold<readonly EntitlementDisclosureEvent[], EntitlementDisclosureEvent> = {
  initialState: [],
  eventTypes: entitlementDisclosureDecider.eventTypes,
  evolve: (history, event) => [...history, event],
};

/**
 * HK-20: per asset, what clients get from forks, airdrops and votes, changed only by
 * maker-checker (propose, then approve or reject by another person); votes recorded under the
 * setting in force. The setting is read by the ledger when a fork or airdrop is recorded.
 */
export class EntitlementDisclosures {
  constructor(private readonly streams: EventSourcedStreams) {}

  handle(
    command: EntitlementDisclosureCommand,
  ): Promise<Executed<EntitlementDisclosureState, EntitlementDisclosureEvent, PolicyError>> {
    return this.streams.execute(
      ENTITLEMENT_DISCLOSURE_STREAM_ID,
      entitlementDisclosureDecider,
      (state) => entitlementDisclosureDecider.decide(command, state),
      { actor: command.by },
    );
  }

  /** The settings now, or as of a past instant (the decisions taken by then). */
  async state(asOf?: string): Promise<EntitlementDisclosureState> {
    return (
      await this.streams.load(
        ENTITLEMENT_DISCLOSURE_STREAM_ID,
        entitlementDisclosureDecider,
        undefined,
        asOf === undefined ? undefined : (event) => Date.parse(event.data.at) <= Date.parse(asOf),
      )
    ).state;
  }

  async history(): Promise<readonly EntitlementDisclosureEvent[]> {
    return (await this.streams.load(ENTITLEMENT_DISCLOSURE_STREAM_ID, HISTORY)).state;
  }
}
