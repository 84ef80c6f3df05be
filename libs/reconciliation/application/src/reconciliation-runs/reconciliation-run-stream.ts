import type { Fold } from '@custody/event-store';
import {
  recordedRunsFold,
  type BusinessCalendar,
  type ClientBreak,
} from '@custody/reconciliation-domain';

export interface ReconciliationRunRecorded {
  readonly type: 'ReconciliationRunCompleted';
  readonly data: {
    readonly runId: string;
    readonly businessDay: string;
    readonly jurisdiction: string;
    /** The TW-13 run whose totals are what clients are owed. */
    readonly dailyRunId: string;
    /** The day's close: wallet records before it, the chain at the last block before it. */
    readonly cutOff: string;
    /** The cut-off had not passed when the run was made: records and chain as of the run. */
    readonly provisional: boolean;
    readonly heights: readonly { readonly chain: string; readonly blockNumber: string }[];
    /** Registered wallets on a chain this service cannot read: not compared on chain. */
    readonly unread: readonly string[];
    /**
     * Each wallet read on chain, client and house, with every asset read in it: each asset of the
     * registry its chain carries, recorded or not. Absent from runs recorded before issue 25 (client
     * wallets, their recorded and owed assets only).
     */
    readonly read?: readonly { readonly walletId: string; readonly assets: readonly string[] }[];
    readonly perAsset: readonly {
      readonly asset: string;
      readonly owedMinor: bigint;
      readonly recordedMinor: bigint;
      readonly houseMinor: bigint;
      readonly onChainMinor: bigint;
    }[];
    readonly perWallet: readonly {
      readonly walletId: string;
      readonly asset: string;
      readonly recordedMinor: bigint;
      readonly houseMinor: bigint;
      readonly onChainMinor: bigint;
      readonly blockNumber: string | null;
      readonly differenceMinor: bigint;
    }[];
    /**
     * The house wallets, held to their own records only (never part of what clients are owed or
     * hold); absent from runs recorded before issue 25, which did not read them.
     */
    readonly houseWallets?: readonly {
      readonly walletId: string;
      readonly asset: string;
      readonly recordedMinor: bigint;
      readonly houseMinor: bigint;
      readonly onChainMinor: bigint;
      readonly blockNumber: string | null;
      readonly differenceMinor: bigint;
    }[];
    readonly differences: readonly {
      readonly discrepancyId: string;
      readonly asset: string;
      readonly source: string;
      readonly kind: string;
      readonly amountMinor: bigint;
      readonly owedMinor: bigint;
      readonly heldMinor: bigint;
      readonly wallets: readonly string[];
    }[];
    /** HK-21: per client, each deposit and withdrawal booked against the one recorded on chain. */
    readonly clients: {
      readonly clients: number;
      readonly movementsMatched: number;
      readonly breaks: readonly ClientBreak[];
    };
    /** Discrepancies this run opened, found still there, and confirmed gone. */
    readonly opened: readonly string[];
    readonly persisting: readonly string[];
    readonly confirmedGone: readonly string[];
    /** SHA-256 of the comparison: the same day over the same inputs gives the same digest. */
    readonly digest: string;
    readonly at: string;
  };
}

/** One recorded TW-14 run. */
export type ReconciliationRunData = ReconciliationRunRecorded['data'];

/** One stream per jurisdiction and business day: the TW-14 runs made of it, by run id. */
export const RECONCILIATION_RUNS_AGGREGATE: Fold<
  ReadonlyMap<string, ReconciliationRunData>,
  ReconciliationRunRecorded
> = recordedRunsFold<ReconciliationRunRecorded>({ ReconciliationRunCompleted: true });

export function reconciliationRunStreamId(calendar: BusinessCalendar, businessDay: string): string {
  return `recon-tw14-${calendar.jurisdiction}-${businessDay}`;
}
