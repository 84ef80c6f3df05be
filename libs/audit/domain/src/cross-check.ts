/**
 * HK-22: the audit record against a service's own event store. Every event the store holds must
 * be in the audit record with the same position and hash (the relay's headers), and nothing may be
 * in the audit record under that service's topic that the store does not hold. Pure.
 */
export interface StoreEvent {
  readonly position: string;
  readonly hash: string;
  readonly eventId: string;
}

export interface AuditedSource {
  /** Where the audit record holds it. */
  readonly auditPosition: string;
  readonly sourcePosition: string;
  readonly sourceHash: string | null;
}

export interface CrossCheckFinding {
  readonly problem: 'missing' | 'extra' | 'different';
  readonly sourcePosition: string;
  readonly auditPosition: string | null;
  readonly reason: string;
}

export interface CrossCheckResult {
  readonly storeEvents: number;
  readonly auditedEvents: number;
  readonly findings: readonly CrossCheckFinding[];
}

export function crossCheck(
  store: readonly StoreEvent[],
  audited: readonly AuditedSource[],
): CrossCheckResult {
  const inStore = new Map(store.map((event) => [event.position, event]));
  const inAudit = new Map<string, AuditedSource>();
  const findings: CrossCheckFinding[] = [];
  for (const entry of audited) {
    const earlier = inAudit.get(entry.sourcePosition);
    if (earlier !== undefined && earlier.sourceHash !== entry.sourceHash) {
      findings.push({
        problem: 'different',
        sourcePosition: entry.sourcePosition,
        auditPosition: entry.auditPosition,
        reason: `recorded twice with different hashes (audit ${earlier.auditPosition} and ${entry.auditPosition})`,
      });
    }
    inAudit.set(entry.sourcePosition, earlier ?? entry);
  }
  for (const event of store) {
    const entry = inAudit.get(event.position);
    if (entry === undefined)
      findings.push({
        problem: 'missing',
        sourcePosition: event.position,
        auditPosition: null,
        reason: `event ${event.eventId} at ${event.position} of the store is not in the audit record`,
      });
    else if (entry.sourceHash !== event.hash)
      findings.push({
        problem: 'different',
        sourcePosition: event.position,
        auditPosition: entry.auditPosition,
        reason: `the store's hash ${event.hash} differs from the one audited (${entry.sourceHash ?? 'none'})`,
      });
  }
  for (const [position, entry] of inAudit) {
    if (!inStore.has(position))
      findings.push({
        problem: 'extra',
        sourcePosition: position,
        auditPosition: entry.auditPosition,
        reason: `audit record ${entry.auditPosition} claims store position ${position}, which the store does not hold`,
      });
  }
  findings.sort((a, b) => Number(BigInt(a.sourcePosition) - BigInt(b.sourcePosition)));
  return { storeEvents: store.length, auditedEvents: inAudit.size, findings };
}
