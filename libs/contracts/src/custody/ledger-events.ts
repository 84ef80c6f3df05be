// custody.ledger.events.v1: the event catalog of the ledger's topic (event-catalog.ts). Typed:
// what another service acts on (the wallet signs after WithdrawalHoldPlaced); every other ledger
// type passes at envelope level.
import type { AssetRegistry } from '../assets';
import type { CatalogMessage } from '../event-catalog';
import {
  JOURNAL_POSTED_SCHEMA_VERSION,
  JOURNAL_POSTED_TYPE,
  journalPostedV1Schema,
  WITHDRAWAL_HOLD_PLACED_SCHEMA_VERSION,
  WITHDRAWAL_HOLD_PLACED_TYPE,
  withdrawalHoldPlacedV1Schema,
} from './ledger-events.v1';

export const TYPED_LEDGER_EVENT_TYPES = [WITHDRAWAL_HOLD_PLACED_TYPE, JOURNAL_POSTED_TYPE] as const;

export function ledgerEventCatalog(registry: AssetRegistry) {
  return {
    [WITHDRAWAL_HOLD_PLACED_TYPE]: {
      [WITHDRAWAL_HOLD_PLACED_SCHEMA_VERSION]: withdrawalHoldPlacedV1Schema(registry),
    },
    [JOURNAL_POSTED_TYPE]: { [JOURNAL_POSTED_SCHEMA_VERSION]: journalPostedV1Schema(registry) },
  } as const;
}

export type LedgerEventCatalog = ReturnType<typeof ledgerEventCatalog>;
export type TypedLedgerEvent = CatalogMessage<LedgerEventCatalog>;
