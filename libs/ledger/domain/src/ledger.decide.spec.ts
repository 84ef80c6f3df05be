import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import { ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT } from './decide-adjustment';
import { decideLedger, ledgerDecider } from './ledger';
import type { AssetDecimals } from './ledger-decision';
import type { LedgerCommand } from './ledger-commands';
import {
  evolveLedger,
  initialLedgerState,
  type LedgerState,
  type RequestedAdjustment,
} from './ledger-state';

const decimals: AssetDecimals = (asset) =>
  (DEFAULT_ASSET_REGISTRY as Record<string, { decimals: number }>)[asset]?.decimals;
const at = '2026-11-24T09:00:00.000Z';
const metadata = { at };
const onboard = (clientId: string): LedgerCommand => ({
  type: 'OnboardClient',
  clientId,
  metadata,
});

describe('decideLedger: onboarding', () => {
  it('a new client is onboarded at the command instant', () => {
    expect(decideLedger(onboard('alice'), initialLedgerState(), decimals)).toEqual({
      ok: true,
      events: [{ type: 'ClientOnboarded', data: { clientId: 'alice', at } }],
    });
  });

  it('the same client again is a no-op', () => {
    const state = evolveLedger(initialLedgerState(), {
      type: 'ClientOnboarded',
      data: { clientId: 'alice', at },
    });
    expect(decideLedger(onboard('alice'), state, decimals)).toEqual({ ok: true, events: [] });
    expect(decideLedger(onboard('bob'), state, decimals)).toEqual({
      ok: true,
      events: [{ type: 'ClientOnboarded', data: { clientId: 'bob', at } }],
    });
  });

  it('an empty or blank client id is refused with CLIENT_UNKNOWN', () => {
    for (const clientId of ['', '   ']) {
      expect(decideLedger(onboard(clientId), initialLedgerState(), decimals)).toMatchObject({
        ok: false,
        error: { code: 'CLIENT_UNKNOWN', path: 'clientId' },
      });
    }
  });
});

describe('decideLedger: HK-8 every journal it emits is asserted balanced before it leaves', () => {
  /** A corrupt state (a request of zero units, never accepted by the maker's checks): its approval would post a journal with zero lines. */
  function withCorruptRequest(amountMinor: bigint): LedgerState {
    const request: RequestedAdjustment = {
      requestedBy: 'operator-1',
      clientId: 'alice',
      asset: 'USDT',
      direction: 'credit',
      amountMinor,
      debitReason: null,
      fingerprint: 'f',
      requestedAt: at,
      status: 'pending',
      approvedBy: null,
    };
    return {
      ...initialLedgerState(),
      clients: new Set(['alice']),
      adjustments: new Map([['A-1', request]]),
    };
  }
  const approve: LedgerCommand = {
    type: 'ApproveAdjustment',
    adjustmentId: 'A-1',
    clientId: 'alice',
    approvedBy: 'approver-2',
    approvalWindowMs: ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT,
    metadata,
  };

  it('a journal with a line that is not positive is a programmer error: it throws, naming the command, journal and problem', () => {
    expect(() => decideLedger(approve, withCorruptRequest(0n), decimals)).toThrow(
      'assertion: ApproveAdjustment produced journal adjustment:A-1 with ENTRY_AMOUNT_NOT_POSITIVE',
    );
  });

  it('the same approval of a sound request passes the check and returns its events', () => {
    const decision = decideLedger(approve, withCorruptRequest(1n), decimals);
    expect(decision.ok && decision.events.map((event) => event.type)).toEqual([
      'AdjustmentApproved',
      'JournalPosted',
    ]);
  });

  it('a refusal is returned as it is, unchecked', () => {
    expect(
      decideLedger(
        { ...approve, approvedBy: 'operator-1' } as LedgerCommand,
        withCorruptRequest(0n),
        decimals,
      ),
    ).toMatchObject({ ok: false, error: { code: 'MAKER_CHECKER_SAME_PERSON' } });
  });
});

describe('decideLedger: routing', () => {
  it('a command of no known type is a programmer error', () => {
    expect(() =>
      decideLedger(
        { type: 'Forgotten' } as unknown as LedgerCommand,
        initialLedgerState(),
        decimals,
      ),
    ).toThrow('assertion: unhandled {"type":"Forgotten"}');
  });
});

describe('the ledger as a Decider', () => {
  it('folds from empty books with evolveLedger, decides with decideLedger, and lists every event type once', () => {
    expect(ledgerDecider.initialState).toEqual(initialLedgerState());
    expect(ledgerDecider.evolve).toBe(evolveLedger);
    expect(ledgerDecider.decide).toBe(decideLedger);
    expect([...ledgerDecider.eventTypes]).toEqual([
      'ClientOnboarded',
      'JournalPosted',
      'ClientBalanceWentNegative',
      'WithdrawalHoldPlaced',
      'WithdrawalHoldReleased',
      'AdjustmentRequested',
      'AdjustmentApproved',
      'AdjustmentRejected',
      'AdjustmentExpired',
    ]);
  });
});
