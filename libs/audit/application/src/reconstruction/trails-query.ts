import { clientTrail, keyTrail, type TrailEntry } from '@custody/audit-domain';
import { LEDGER_EVENTS_TOPIC, WALLET_EVENTS_TOPIC } from '@custody/contracts';
import type { AuditContext } from '../shared/audit-context';
import { auditedEvents } from './audited-events';

/** HK-22 trails, from the audit record alone. */
export class TrailsQuery {
  constructor(private readonly context: AuditContext) {}

  /** HK-22 trails from the audit record alone: a client's movements (books and chain), or a key's life, access changes and uses (TW-18, HK-11c). */
  async trail(
    of: { readonly clientId: string } | { readonly keyId: string },
  ): Promise<TrailEntry[]> {
    if ('clientId' in of)
      return clientTrail(
        await auditedEvents(this.context, [LEDGER_EVENTS_TOPIC, WALLET_EVENTS_TOPIC]),
        of.clientId,
      );
    return keyTrail(await auditedEvents(this.context, [WALLET_EVENTS_TOPIC]), of.keyId);
  }
}
