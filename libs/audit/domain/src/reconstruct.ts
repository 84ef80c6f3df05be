/**
 * HK-22 point-in-time: a client's balances rebuilt from the audit record alone (the ledger's
 * published events, as received), up to a source position of the ledger's store. Posted is what
 * the journals moved (a client account is credit-normal: credits less debits), pending debits
 * what open withdrawal holds keep back, available the difference: the same figures the ledger's
 * read models show as of that position. Each journal counts once (the ledger publishes a copy per
 * client it touches). Pure; amounts bigint.
 */
export interface AuditedLedgerEvent {
  readonly sourcePosition: bigint;
  readonly type: string;
  readonly data: Record<string, unknown>;
}

export interface ReconstructedBalance {
  readonly asset: string;
  readonly postedMinor: bigint;
  readonly pendingDebitsMinor: bigint;
  readonly availableMinor: bigint;
}

interface JournalEntry {
  readonly account: { readonly kind: string; readonly clientId?: string; readonly asset: string };
  readonly side: 'debit' | 'credit';
  readonly amountMinor: string;
}

export function reconstructClientBalances(
  events: readonly AuditedLedgerEvent[],
  clientId: string,
  upToPosition: bigint,
): ReconstructedBalance[] {
  const posted = new Map<string, bigint>();
  const holds = new Map<string, { asset: string; amountMinor: bigint; open: boolean }>();
  const journals = new Set<string>();
  for (const event of [...events].sort((a, b) => Number(a.sourcePosition - b.sourcePosition))) {
    if (event.sourcePosition > upToPosition) break;
    const data = event.data;
    if (event.type === 'JournalPosted') {
      const journalId = String(data['journalId']);
      if (journals.has(journalId)) continue;
      journals.add(journalId);
      for (const entry of data['entries'] as JournalEntry[]) {
        if (entry.account.kind !== 'client' || entry.account.clientId !== clientId) continue;
        const amount = BigInt(entry.amountMinor);
        posted.set(
          entry.account.asset,
          (posted.get(entry.account.asset) ?? 0n) + (entry.side === 'credit' ? amount : -amount),
        );
      }
      // a settled withdrawal's hold becomes the posted debit
      if (data['kind'] === 'withdrawal') {
        const hold = holds.get(String(data['sourceReference']));
        if (hold !== undefined) hold.open = false;
      }
    } else if (event.type === 'WithdrawalHoldPlaced' && data['clientId'] === clientId) {
      holds.set(String(data['withdrawalId']), {
        asset: String(data['asset']),
        amountMinor: BigInt(String(data['amountMinor'])),
        open: true,
      });
      if (!posted.has(String(data['asset']))) posted.set(String(data['asset']), 0n);
    } else if (event.type === 'WithdrawalHoldReleased') {
      const hold = holds.get(String(data['withdrawalId']));
      if (hold !== undefined) hold.open = false;
    }
  }
  return [...posted.keys()].sort().map((asset) => {
    const postedMinor = posted.get(asset) ?? 0n;
    const pendingDebitsMinor = [...holds.values()]
      .filter((hold) => hold.open && hold.asset === asset)
      .reduce((total, hold) => total + hold.amountMinor, 0n);
    return {
      asset,
      postedMinor,
      pendingDebitsMinor,
      availableMinor: postedMinor - pendingDebitsMinor,
    };
  });
}
