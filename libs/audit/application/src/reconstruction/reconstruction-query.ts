import {
  reconstructClientBalances,
  reconstructState,
  type AuditedLedgerEvent,
  type ReconstructedBalance,
  type ReconstructedState,
} from '@custody/audit-domain';
import {
  EXCHANGE_PRICES_TOPIC,
  LEDGER_EVENTS_TOPIC,
  POLICY_EVENTS_TOPIC,
  RECONCILIATION_EVENTS_TOPIC,
  WALLET_EVENTS_TOPIC,
} from '@custody/contracts';
import type { AuditContext } from '../shared/audit-context';
import { auditedEvents } from './audited-events';

/** HK-22 point-in-time, from the audit record alone. */
export class ReconstructionQuery {
  constructor(private readonly context: AuditContext) {}

  /**
   * HK-22 point-in-time, from the audit record alone: a client's balances as of a position of the
   * ledger's store, or as of an instant (the last ledger event recorded at or before it).
   */
  async clientBalances(
    clientId: string,
    asOf: { readonly ledgerPosition: bigint } | { readonly at: string },
  ): Promise<{
    readonly ledgerPosition: bigint;
    readonly balances: readonly ReconstructedBalance[];
  }> {
    const audited = await auditedEvents(this.context, [LEDGER_EVENTS_TOPIC], true);
    let upTo = 'ledgerPosition' in asOf ? asOf.ledgerPosition : 0n;
    const events: AuditedLedgerEvent[] = [];
    for (const event of audited) {
      const sourcePosition = event.sourcePosition ?? 0n;
      if (
        'at' in asOf &&
        Date.parse(event.occurredAt) <= Date.parse(asOf.at) &&
        sourcePosition > upTo
      )
        upTo = sourcePosition;
      events.push({ sourcePosition, type: event.type, data: event.data });
    }
    return { ledgerPosition: upTo, balances: reconstructClientBalances(events, clientId, upTo) };
  }

  /** HK-22 point-in-time: wallets, allow-lists, key access, policy version, open breaches and discrepancies, prices, as of an instant. */
  async state(at: string): Promise<ReconstructedState> {
    return reconstructState(
      await auditedEvents(this.context, [
        WALLET_EVENTS_TOPIC,
        POLICY_EVENTS_TOPIC,
        RECONCILIATION_EVENTS_TOPIC,
        EXCHANGE_PRICES_TOPIC,
      ]),
      at,
    );
  }
}
