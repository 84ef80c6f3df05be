import type { BusinessCalendar } from './business-calendar';
import { decideDiscrepancy, evolveDiscrepancy, type DiscrepancyCommand, type DiscrepancyState } from './discrepancy';
import { reconcile } from './reconcile';

const TW: BusinessCalendar = { jurisdiction: 'TW', timeZone: 'Asia/Taipei', cutOff: '15:30', weekendDays: [0, 6], holidays: new Set() };
const HOUR = 60 * 60 * 1000;

describe('TW-14 reconciliation of the TW-13 totals with wallet records and the chain', () => {
  const owed = new Map([['ETH', 1_000n], ['USDT', 500n]]);
  const records = [{ walletId: 'hot-1', asset: 'ETH', recordedMinor: 100n }, { walletId: 'cold-1', asset: 'ETH', recordedMinor: 900n }, { walletId: 'hot-1', asset: 'USDT', recordedMinor: 500n }];

  it('TW-14 given the chain holding what the records say and the ledger owes, then no difference', () => {
    const chain = records.map((record) => ({ walletId: record.walletId, asset: record.asset, balanceMinor: record.recordedMinor, blockNumber: 42n }));
    expect(reconcile('2026-11-24', owed, records, chain).differences).toEqual([]);
  });

  it('TW-14 given 40 ETH missing on chain from the cold wallet, then an on-chain shortfall of 40 naming that wallet, at the height read', () => {
    const chain = [{ walletId: 'hot-1', asset: 'ETH', balanceMinor: 100n, blockNumber: 42n }, { walletId: 'cold-1', asset: 'ETH', balanceMinor: 860n, blockNumber: 42n }, { walletId: 'hot-1', asset: 'USDT', balanceMinor: 500n, blockNumber: 42n }];
    const result = reconcile('2026-11-24', owed, records, chain);
    expect(result.differences).toEqual([{ asset: 'ETH', source: 'on-chain', kind: 'shortfall', amountMinor: 40n, owedMinor: 1_000n, heldMinor: 960n, wallets: ['cold-1'] }]);
    expect(result.perWallet.find((wallet) => wallet.walletId === 'cold-1' && wallet.asset === 'ETH')).toMatchObject({ differenceMinor: -40n, blockNumber: 42n });
  });

  it('TW-14 given more on chain than owed (a flagged deposit, a house float), then a surplus, not a shortfall', () => {
    const chain = [{ walletId: 'hot-1', asset: 'USDT', balanceMinor: 520n, blockNumber: 42n }];
    expect(reconcile('2026-11-24', new Map([['USDT', 500n]]), [{ walletId: 'hot-1', asset: 'USDT', recordedMinor: 500n }], chain).differences).toEqual([
      { asset: 'USDT', source: 'on-chain', kind: 'surplus', amountMinor: 20n, owedMinor: 500n, heldMinor: 520n, wallets: ['hot-1'] },
    ]);
  });
});

describe('TW-14 the house\'s own share on chain', () => {
  it('TW-14 given a recorded gas float of 3 beside the clients\' 100, then 103 on chain is no difference; 102 is a shortfall of 1 for clients', () => {
    const records = [{ walletId: 'hot-1', asset: 'ETH', recordedMinor: 100n, houseMinor: 3n }];
    const owed = new Map([['ETH', 100n]]);
    expect(reconcile('2026-11-24', owed, records, [{ walletId: 'hot-1', asset: 'ETH', balanceMinor: 103n, blockNumber: 7n }]).differences).toEqual([]);
    const short = reconcile('2026-11-24', owed, records, [{ walletId: 'hot-1', asset: 'ETH', balanceMinor: 102n, blockNumber: 7n }]);
    expect(short.differences).toEqual([{ asset: 'ETH', source: 'on-chain', kind: 'shortfall', amountMinor: 1n, owedMinor: 100n, heldMinor: 99n, wallets: ['hot-1'] }]);
    expect(short.perWallet[0]).toMatchObject({ houseMinor: 3n, differenceMinor: -1n });
  });
});

describe('discrepancy lifecycle (TW-14, TW-5.5/5.6)', () => {
  const shortfall = { asset: 'ETH', source: 'on-chain' as const, kind: 'shortfall' as const, amountMinor: 40n, owedMinor: 1_000n, heldMinor: 960n, wallets: ['cold-1'] };
  const detectedAt = '2026-11-26T02:00:00.000Z'; // Thursday 10:00 in Taipei
  function run(...commands: DiscrepancyCommand[]) {
    let state: DiscrepancyState | undefined;
    const types: string[] = [];
    for (const command of commands) {
      const decision = decideDiscrepancy(command, state, TW);
      if (!decision.ok) throw new Error(decision.error.code);
      types.push(...decision.events.map((event) => event.type));
      state = decision.events.reduce(evolveDiscrepancy, state);
    }
    return { state, types };
  }
  const detect: DiscrepancyCommand = { type: 'DetectDiscrepancy', discrepancyId: 'D-1', difference: shortfall, runId: 'R-2026-11-26', discoveredOn: '2026-11-26', explainWithinMs: 24 * HOUR, at: detectedAt };

  it('TW-14.3 given a shortfall found on Thursday, then it is due to be made good the following Thursday (5 business days from the next day)', () => {
    expect(run(detect).state?.topUpDueOn).toBe('2026-12-03');
  });

  it('TW-14 given no explanation by the deadline, then escalated once to the board and internal audit; an explained one is not', () => {
    const late = { type: 'CheckDeadlines' as const, today: '2026-11-27', at: '2026-11-27T02:00:00.000Z' };
    const escalated = run(detect, late, { ...late, at: '2026-11-27T03:00:00.000Z' });
    expect(escalated.types).toEqual(['DiscrepancyDetected', 'DiscrepancyEscalated']);
    const explained = run(detect, { type: 'ExplainDiscrepancy', cause: 'a withdrawal broadcast twice by the node', by: 'ops-1', at: '2026-11-26T05:00:00.000Z' }, late);
    expect(explained.types).toEqual(['DiscrepancyDetected', 'DiscrepancyExplained']);
  });

  it('TW-14.3 given the due day passed without closure, then ShortfallOverdue once with what remains; a top-up alone does not close it, the next run confirming it does', () => {
    const overdue = run(detect, { type: 'RecordTopUp', amountMinor: 25n, reference: '0xtopup', by: 'treasury-1', at: '2026-11-28T02:00:00.000Z' }, { type: 'CheckDeadlines', today: '2026-12-04', at: '2026-12-04T02:00:00.000Z' });
    expect(overdue.types).toEqual(['DiscrepancyDetected', 'TopUpRecorded', 'DiscrepancyEscalated', 'ShortfallOverdue']);
    expect(overdue.state?.status).toBe('open');
    const closed = run(detect, { type: 'RecordTopUp', amountMinor: 40n, reference: '0xtopup', by: 'treasury-1', at: '2026-11-27T02:00:00.000Z' }, { type: 'ConfirmResolvedByRun', runId: 'R-2026-11-27', remainingMinor: 0n, at: '2026-11-27T09:00:00.000Z' }, { type: 'CheckDeadlines', today: '2026-12-10', at: '2026-12-10T02:00:00.000Z' });
    expect(closed.types).toEqual(['DiscrepancyDetected', 'TopUpRecorded', 'DiscrepancyClosed']);
  });

  it('TW-14.3 given a later run without the shortfall but no top-up recorded, then it stays open; a surplus gone is closed by the run', () => {
    const gone = { type: 'ConfirmResolvedByRun' as const, runId: 'R-2026-11-27', remainingMinor: 0n, at: '2026-11-27T09:00:00.000Z' };
    expect(run(detect, gone).state?.status).toBe('open');
    expect(run({ ...detect, difference: { ...shortfall, kind: 'surplus' as const } }, gone).types).toEqual(['DiscrepancyDetected', 'DiscrepancyClosed']);
  });

  it('given a surplus, then no top-up due and a top-up is refused', () => {
    const surplus = { ...detect, difference: { ...shortfall, kind: 'surplus' as const } };
    expect(run(surplus).state?.topUpDueOn).toBeNull();
    const state = run(surplus).state;
    expect(decideDiscrepancy({ type: 'RecordTopUp', amountMinor: 1n, reference: 'x', by: 'y', at: detectedAt }, state, TW)).toMatchObject({ ok: false, error: { code: 'TOP_UP_NOT_A_SHORTFALL' } });
  });
});
