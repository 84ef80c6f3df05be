/**
 * HK-22, HK-11c, TW-18: trails an auditor asks for, from the audit record alone. A client's trail:
 * every movement of the client in the books (each journal once) and on chain, with its reference.
 * A key's trail: the key's life (registered, rotated), every access change of its wallet with who
 * asked and who decided, and every use of the key. Pure, over the audited events in record order.
 */
export interface AuditedEvent {
  readonly auditPosition: bigint;
  readonly topic: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly data: Record<string, unknown>;
}

export interface TrailEntry {
  readonly auditPosition: string;
  readonly at: string;
  readonly type: string;
  /** What happened, in one line (amounts in minor units). */
  readonly summary: string;
  /** Who asked, who decided or approved, as the event names them. */
  readonly people: Readonly<Record<string, unknown>>;
}

const PEOPLE_FIELDS = [
  'requestedBy',
  'approvedBy',
  'rejectedBy',
  'decidedBy',
  'registeredBy',
  'approvers',
  'approvals',
  'by',
  'proposedBy',
  'attributedBy',
] as const;

function peopleOf(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    PEOPLE_FIELDS.filter((field) => data[field] !== undefined).map((field) => [field, data[field]]),
  );
}

const atOf = (event: AuditedEvent) =>
  typeof event.data['at'] === 'string' ? (event.data['at'] as string) : event.occurredAt;

interface JournalEntry {
  readonly account: { readonly kind: string; readonly clientId?: string; readonly asset: string };
  readonly side: 'debit' | 'credit';
  readonly amountMinor: string;
}

export function clientTrail(events: readonly AuditedEvent[], clientId: string): TrailEntry[] {
  const journals = new Set<string>();
  const trail: TrailEntry[] = [];
  for (const event of events) {
    const data = event.data;
    if (event.type === 'JournalPosted') {
      const journalId = String(data['journalId']);
      const mine = (data['entries'] as JournalEntry[]).filter(
        (entry) => entry.account.kind === 'client' && entry.account.clientId === clientId,
      );
      if (mine.length === 0 || journals.has(journalId)) continue;
      journals.add(journalId);
      const moves = mine
        .map(
          (entry) =>
            `${entry.side === 'credit' ? '+' : '-'}${entry.amountMinor} ${entry.account.asset}`,
        )
        .join(', ');
      trail.push({
        auditPosition: event.auditPosition.toString(),
        at: atOf(event),
        type: event.type,
        summary: `${String(data['kind'])} ${String(data['sourceReference'])}: ${moves}`,
        people: peopleOf(data),
      });
      continue;
    }
    if (data['clientId'] !== clientId) continue;
    const amount =
      data['amountMinor'] === undefined
        ? ''
        : ` ${String(data['amountMinor'])} ${String(data['asset'] ?? '')}`;
    const reference = data['depositId'] ?? data['withdrawalId'] ?? data['requestId'] ?? '';
    const transaction =
      data['transactionHash'] === undefined
        ? ''
        : ` (transaction ${String(data['transactionHash'])})`;
    trail.push({
      auditPosition: event.auditPosition.toString(),
      at: atOf(event),
      type: event.type,
      summary: `${String(reference)}${amount}${transaction}`.trim(),
      people: peopleOf(data),
    });
  }
  return trail;
}

/** Does the value name the key, as its keyId or previousKeyId, at any depth? */
function namesKeyIn(value: unknown, keyId: string): boolean {
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value as Record<string, unknown>).some(
    ([field, item]) =>
      ((field === 'keyId' || field === 'previousKeyId') && item === keyId) ||
      namesKeyIn(item, keyId),
  );
}

export function keyTrail(events: readonly AuditedEvent[], keyId: string): TrailEntry[] {
  const wallets = new Set<string>();
  const changes = new Set<string>();
  const trail: TrailEntry[] = [];
  for (const event of events) {
    const data = event.data;
    const namesKey = namesKeyIn(data, keyId);
    const walletId =
      typeof data['walletId'] === 'string' ? (data['walletId'] as string) : undefined;
    if (
      namesKey &&
      walletId !== undefined &&
      (event.type === 'WalletRegistered' || event.type === 'WalletKeyRotated')
    )
      wallets.add(walletId);
    const changeId =
      typeof data['changeId'] === 'string' ? (data['changeId'] as string) : undefined;
    if (
      event.type === 'KeyAccessChangeRequested' &&
      walletId !== undefined &&
      wallets.has(walletId) &&
      changeId !== undefined
    )
      changes.add(changeId);
    const aboutWallet =
      walletId !== undefined &&
      wallets.has(walletId) &&
      /^(KeyAccess|KeyRotation|WalletKeyRotated|WalletRegistered)/.test(event.type);
    const aboutChange = changeId !== undefined && changes.has(changeId);
    if (!namesKey && !aboutWallet && !aboutChange) continue;
    const detail = [
      walletId === undefined ? '' : `wallet ${walletId}`,
      data['custodianId'] === undefined ? '' : `custodian ${String(data['custodianId'])}`,
      data['action'] === undefined ? '' : String(data['action']),
      data['payloadHash'] === undefined ? '' : `payload ${String(data['payloadHash'])}`,
      data['reason'] === undefined ? '' : `"${String(data['reason'])}"`,
    ]
      .filter((part) => part !== '')
      .join(', ');
    trail.push({
      auditPosition: event.auditPosition.toString(),
      at: atOf(event),
      type: event.type,
      summary: detail,
      people: peopleOf(data),
    });
  }
  return trail;
}
