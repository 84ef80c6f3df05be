import type { Fold } from '@custody/event-store';
import { recordedRunsFold, type BusinessCalendar } from '@custody/reconciliation-domain';

export interface FiatTrustRunCompleted {
  readonly type: 'FiatTrustRunCompleted';
  readonly data: {
    readonly runId: string;
    readonly businessDay: string;
    readonly currency: string;
    readonly jurisdiction: string;
    readonly cutOff: string;
    readonly upToReceived: string;
    readonly statements: readonly string[];
    readonly owedMinor: bigint;
    readonly inTransitMinor: bigint;
    /** Null: no statement covers the close, no verdict. */
    readonly trustBalanceMinor: bigint | null;
    readonly accounts: readonly { readonly accountId: string; readonly balanceMinor: bigint }[];
    readonly lineCount: number;
    readonly linesDigest: string;
    readonly differences: readonly {
      readonly discrepancyId: string;
      readonly kind: string;
      readonly amountMinor: bigint;
      readonly owedMinor: bigint;
      readonly heldMinor: bigint;
    }[];
    readonly opened: readonly string[];
    readonly persisting: readonly string[];
    readonly confirmedGone: readonly string[];
    readonly at: string;
  };
}

/** One recorded fiat trust run. */
export type FiatRunData = FiatTrustRunCompleted['data'];

/** One stream per jurisdiction, currency and business day: the runs made of it, by run id. */
export const FIAT_RUNS_AGGREGATE: Fold<
  ReadonlyMap<string, FiatRunData>,
  FiatTrustRunCompleted
> = recordedRunsFold<FiatTrustRunCompleted>({ FiatTrustRunCompleted: true });

export function fiatRunStreamId(
  calendar: BusinessCalendar,
  businessDay: string,
  currency: string,
): string {
  return `recon-fiat-${calendar.jurisdiction}-${currency}-${businessDay}`;
}
