import type { DiscrepancyState } from '@custody/reconciliation-domain';
import type { DailyRunRecorded } from './daily-runs';
import type { FiatTrustRunCompleted } from './fiat-trust/fiat-run-stream';
import type { ReconciliationRunRecorded } from './reconciliation-runs/reconciliation-run-stream';

type RunData = ReconciliationRunRecorded['data'];

/** A CSV cell, quoted when it holds a comma, quote or line break. */
export const csvCell = (text: string) =>
  /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
/** One CSV line (RFC 4180 quoting where a cell needs it). */
export const csvLine = (cells: readonly (string | bigint | null)[]) =>
  cells.map((cell) => csvCell(cell === null ? '' : cell.toString())).join(',');

/** A run as CSV: one line per asset (owed, recorded, house, on chain), per client wallet and per house wallet (at its height), then each difference. */
export function reconciliationCsv(run: RunData): string {
  const lines = [
    csvLine([
      'section',
      'asset',
      'wallet_id',
      'owed_minor',
      'recorded_minor',
      'house_minor',
      'on_chain_minor',
      'block_number',
      'difference_minor',
      'discrepancy_id',
    ]),
  ];
  for (const line of run.perAsset)
    lines.push(
      csvLine([
        'asset',
        line.asset,
        '',
        line.owedMinor,
        line.recordedMinor,
        line.houseMinor,
        line.onChainMinor,
        '',
        line.onChainMinor - line.houseMinor - line.owedMinor,
        '',
      ]),
    );
  for (const [section, walletLines] of [
    ['wallet', run.perWallet],
    ['house-wallet', run.houseWallets ?? []],
  ] as const)
    for (const line of walletLines)
      lines.push(
        csvLine([
          section,
          line.asset,
          line.walletId,
          '',
          line.recordedMinor,
          line.houseMinor,
          line.onChainMinor,
          line.blockNumber,
          line.differenceMinor,
          '',
        ]),
      );
  for (const difference of run.differences) {
    const signed =
      difference.kind === 'shortfall' ? -difference.amountMinor : difference.amountMinor;
    lines.push(
      csvLine([
        `difference:${difference.source}:${difference.kind}`,
        difference.asset,
        difference.wallets.join(' '),
        difference.owedMinor,
        '',
        '',
        difference.heldMinor,
        '',
        signed,
        difference.discrepancyId,
      ]),
    );
  }
  for (const entry of run.clients.breaks)
    lines.push(
      csvLine([
        `client-break:${entry.kind}:${entry.problem}`,
        entry.asset,
        entry.clientId,
        entry.bookedMinor,
        '',
        '',
        entry.onChainMinor,
        entry.transactionHash,
        (entry.onChainMinor ?? 0n) - (entry.bookedMinor ?? 0n),
        entry.movementId,
      ]),
    );
  return `${lines.join('\n')}\n`;
}

/** A run for people: what was compared, at which heights, what differs, and every discrepancy still open with its due dates. */
export function reconciliationSummary(run: RunData, open: readonly DiscrepancyState[]): string {
  const out: string[] = [];
  out.push(`TW-14 reconciliation ${run.runId}`);
  out.push(
    `Business day ${run.businessDay} (${run.jurisdiction}), cut-off ${run.cutOff}${run.provisional ? ' - PROVISIONAL: the cut-off had not passed; records and chain as of the run' : ''}`,
  );
  out.push(
    `Owed from TW-13 run ${run.dailyRunId}; chain read at ${run.heights.map((height) => `${height.chain} block ${height.blockNumber}`).join(', ') || 'no chain'}`,
  );
  if (run.read !== undefined)
    out.push(
      `Read on chain: ${run.read.length} registered wallets (client and house), ${run.read.reduce((total, wallet) => total + wallet.assets.length, 0)} balances: every asset of the registry each wallet's chain carries, recorded or not`,
    );
  if (run.unread.length > 0)
    out.push(`Not read on chain (no reader for their chain): ${run.unread.join(', ')}`);
  out.push('');
  out.push('Totals (minor units): asset | owed | wallet records | house share | on chain');
  for (const line of run.perAsset)
    out.push(
      `  ${line.asset} | ${line.owedMinor} | ${line.recordedMinor} | ${line.houseMinor} | ${line.onChainMinor}`,
    );
  const house = run.houseWallets ?? [];
  if (house.length > 0) {
    out.push(
      "House wallets (the institution's own, held to their records; never counted for clients): wallet | asset | recorded | on chain",
    );
    for (const line of house)
      out.push(
        `  ${line.walletId} | ${line.asset} | ${line.recordedMinor + line.houseMinor} | ${line.onChainMinor}`,
      );
  }
  out.push('');
  if (run.differences.length === 0) out.push('Differences: none.');
  else {
    out.push(`Differences: ${run.differences.length}`);
    for (const difference of run.differences)
      out.push(
        `  ${difference.asset} ${difference.source} ${difference.kind} of ${difference.amountMinor} (owed ${difference.owedMinor}, held ${difference.heldMinor}) in ${difference.wallets.join(', ') || 'no wallet'}: ${difference.discrepancyId}`,
      );
  }
  if (run.confirmedGone.length > 0)
    out.push(`Confirmed gone by this run: ${run.confirmedGone.join(', ')}`);
  out.push(
    `Per client (HK-21): ${run.clients.clients} clients, ${run.clients.movementsMatched} deposits and withdrawals matched on chain, ${run.clients.breaks.length} breaks`,
  );
  for (const entry of run.clients.breaks)
    out.push(`  ${entry.clientId} ${entry.kind} ${entry.movementId}: ${entry.reason}`);
  out.push('');
  if (open.length === 0) out.push('Open discrepancies: none.');
  else {
    out.push(`Open discrepancies: ${open.length}`);
    for (const state of open) {
      const due =
        state.topUpDueOn === null
          ? ''
          : `, top-up due ${state.topUpDueOn} (${state.toppedUpMinor} of ${state.difference.amountMinor} recorded)`;
      // TW-14.3: discovered on the day the run found it, which a late run's business day precedes
      const discovered = `, discovered ${state.discoveredOn}${state.businessDay === state.discoveredOn ? '' : ` by a run about ${state.businessDay}`}`;
      out.push(
        `  ${state.discrepancyId}: ${state.status}${state.escalated ? ', escalated to the board and internal audit' : `, to be explained by ${state.explainBy}`}${due}${discovered}${state.overdueReported ? ', OVERDUE' : ''}`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}

/** A TW-13 run for people: the day, the input it read, the totals per asset, and how to check it again. */
export function dailyRunSummary(run: DailyRunRecorded['data']): string {
  const totals = Object.entries(run.totals);
  return [
    `TW-13 daily balances ${run.runId}`,
    `Business day ${run.businessDay} (${run.jurisdiction}); journals received up to ${run.upToReceived}; ${run.lineCount} client lines`,
    'Totals owed to clients (minor units, each client rounded up to the minimum unit, negatives as zero):',
    ...(totals.length === 0 ? ['  none'] : totals.map(([asset, total]) => `  ${asset} ${total}`)),
    `Lines digest (SHA-256): ${run.linesDigest} - running the day again over the same input gives the same digest.`,
    '',
  ].join('\n');
}

/** A TW-10/11 run for people: owed, held (trust accounts and in transit), the difference and its discrepancy. */
export function fiatRunSummary(
  run: FiatTrustRunCompleted['data'],
  open: readonly DiscrepancyState[],
): string {
  const out = [
    `TW-10/11 client fiat in trust ${run.runId}`,
    `Business day ${run.businessDay} (${run.jurisdiction}), ${run.currency}, cut-off ${run.cutOff}; ${run.lineCount} clients`,
    `Owed to clients: ${run.owedMinor} (minor units, negatives as zero)`,
    run.trustBalanceMinor === null
      ? 'Trust accounts: NO STATEMENT covers the close - no verdict until it is imported.'
      : `Held: ${run.trustBalanceMinor} in the trust accounts (${run.accounts.map((account) => `${account.accountId} ${account.balanceMinor}`).join(', ')}) + ${run.inTransitMinor} collected by third parties, not yet settled`,
    run.differences.length === 0
      ? 'Difference: none.'
      : `Difference: ${run.differences.map((difference) => `${difference.kind} of ${difference.amountMinor} (${difference.discrepancyId})`).join('; ')}`,
  ];
  const mine = open.filter(
    (state) =>
      state.difference.source === 'trust-account' && state.difference.asset === run.currency,
  );
  out.push(
    mine.length === 0
      ? `Open ${run.currency} trust discrepancies: none.`
      : `Open ${run.currency} trust discrepancies: ${mine.map((state) => `${state.discrepancyId} (top-up due ${state.topUpDueOn ?? 'n/a'}, ${state.toppedUpMinor} recorded)`).join('; ')}`,
  );
  return `${out.join('\n')}\n`;
}
