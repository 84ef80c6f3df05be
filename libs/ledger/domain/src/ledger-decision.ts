import type { Decision } from '@custody/decider';
import type { LedgerError } from './ledger-errors';
import type { LedgerEvent } from './ledger-events';

/** Decimals of an asset in the registry, undefined when the asset is unknown. */
export type AssetDecimals = (asset: string) => number | undefined;

/** Events to append (none: already done, idempotent), or a typed refusal that changes nothing. */
export type LedgerDecision = Decision<LedgerEvent, LedgerError>;
