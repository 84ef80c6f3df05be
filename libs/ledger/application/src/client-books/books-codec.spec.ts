import {
  ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT,
  decideLedger,
  evolveLedger,
  initialLedgerState,
  type LedgerCommand,
} from '@custody/ledger-domain';
import { decodeBooks, encodeBooks } from './books-codec';

const decimals = () => 6;
const at = '2026-11-24T09:00:00.000Z';
const request: LedgerCommand = {
  type: 'RequestAdjustment',
  adjustmentId: 'A-1',
  requestedBy: 'operator-1',
  clientId: 'alice',
  asset: 'USDT',
  direction: 'credit',
  amountMinor: 10n,
  debitReason: null,
  note: 'goodwill',
  metadata: { at },
};
const approve: LedgerCommand = {
  type: 'ApproveAdjustment',
  adjustmentId: 'A-1',
  clientId: 'alice',
  approvedBy: 'approver-2',
  approvalWindowMs: ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT,
  metadata: { at },
};

function booksWithPendingAdjustment() {
  let state = initialLedgerState();
  for (const command of [
    { type: 'OnboardClient', clientId: 'alice', metadata: { at } } as LedgerCommand,
    request,
  ]) {
    const decision = decideLedger(command, state, decimals);
    if (!decision.ok) throw new Error(decision.error.code);
    state = decision.events.reduce(evolveLedger, state);
  }
  return { ...state, journals: new Map<string, string>() };
}

describe('client books snapshots and the adjustment approval window', () => {
  it('a pending adjustment keeps its request instant through a snapshot, so it is approvable within its window', () => {
    const books = decodeBooks(encodeBooks(booksWithPendingAdjustment()));
    expect(books.adjustments.get('A-1')).toMatchObject({ status: 'pending', requestedAt: at });
    expect(decideLedger(approve, books, decimals).ok).toBe(true);
  });

  it('a snapshot taken before the window existed has no request instant: its pending adjustment counts as expired (fail safe), never as approvable forever', () => {
    const json = JSON.parse(encodeBooks(booksWithPendingAdjustment())) as {
      adjustments: [string, Record<string, unknown>][];
    };
    for (const [, adjustment] of json.adjustments) delete adjustment['requestedAt'];
    const decision = decideLedger(approve, decodeBooks(JSON.stringify(json)), decimals);
    expect(decision.ok ? 'accepted' : decision.error.code).toBe('ADJUSTMENT_EXPIRED');
  });
});
