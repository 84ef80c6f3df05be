// custody.wallet.events.v1: the event catalog of the wallet service's topic (event-catalog.ts).
// The types that move client or house assets are typed at their published versions; every other type on
// the topic (key access, signing) passes at envelope level. Not frozen: a new version of a type
// is a new *.v2.ts file added here.
import type { AssetRegistry } from '../assets';
import type { CatalogMessage, CatalogTopicMessage } from '../event-catalog';
import {
  DEPOSIT_CONFIRMED_SCHEMA_VERSION,
  DEPOSIT_CONFIRMED_TYPE,
  depositConfirmedV1Schema,
  WITHDRAWAL_APPROVED_SCHEMA_VERSION,
  WITHDRAWAL_APPROVED_TYPE,
  WITHDRAWAL_CONFIRMED_SCHEMA_VERSION,
  WITHDRAWAL_CONFIRMED_TYPE,
  WITHDRAWAL_FAILED_SCHEMA_VERSION,
  WITHDRAWAL_FAILED_TYPE,
  withdrawalApprovedV1Schema,
  withdrawalConfirmedV1Schema,
  withdrawalFailedV1Schema,
} from './wallet-events.v1';
import {
  INTERNAL_TRANSFER_CONFIRMED_SCHEMA_VERSION,
  INTERNAL_TRANSFER_CONFIRMED_TYPE,
  internalTransferConfirmedV1Schema,
  NETWORK_FEE_PAID_SCHEMA_VERSION,
  NETWORK_FEE_PAID_TYPE,
  networkFeePaidV1Schema,
  WALLET_REGISTERED_SCHEMA_VERSION,
  WALLET_REGISTERED_TYPE,
  walletRegisteredV1Schema,
} from './wallet-events.v1-holdings';
import {
  HOUSE_DEPOSIT_CONFIRMED_SCHEMA_VERSION,
  HOUSE_DEPOSIT_CONFIRMED_TYPE,
  houseDepositConfirmedV1Schema,
} from './wallet-events.v1-house';

/** The wallet event types with published schemas (the ones the ledger and the policy consume). */
export const TYPED_WALLET_EVENT_TYPES = [
  DEPOSIT_CONFIRMED_TYPE,
  WITHDRAWAL_APPROVED_TYPE,
  WITHDRAWAL_CONFIRMED_TYPE,
  WITHDRAWAL_FAILED_TYPE,
  WALLET_REGISTERED_TYPE,
  INTERNAL_TRANSFER_CONFIRMED_TYPE,
  NETWORK_FEE_PAID_TYPE,
  HOUSE_DEPOSIT_CONFIRMED_TYPE,
] as const;
export type TypedWalletEventType = (typeof TYPED_WALLET_EVENT_TYPES)[number];

export function walletEventCatalog(registry: AssetRegistry) {
  return {
    [DEPOSIT_CONFIRMED_TYPE]: {
      [DEPOSIT_CONFIRMED_SCHEMA_VERSION]: depositConfirmedV1Schema(registry),
    },
    [WITHDRAWAL_APPROVED_TYPE]: {
      [WITHDRAWAL_APPROVED_SCHEMA_VERSION]: withdrawalApprovedV1Schema(registry),
    },
    [WITHDRAWAL_CONFIRMED_TYPE]: {
      [WITHDRAWAL_CONFIRMED_SCHEMA_VERSION]: withdrawalConfirmedV1Schema(registry),
    },
    [WITHDRAWAL_FAILED_TYPE]: { [WITHDRAWAL_FAILED_SCHEMA_VERSION]: withdrawalFailedV1Schema },
    [WALLET_REGISTERED_TYPE]: {
      [WALLET_REGISTERED_SCHEMA_VERSION]: walletRegisteredV1Schema(registry),
    },
    [INTERNAL_TRANSFER_CONFIRMED_TYPE]: {
      [INTERNAL_TRANSFER_CONFIRMED_SCHEMA_VERSION]: internalTransferConfirmedV1Schema(registry),
    },
    [NETWORK_FEE_PAID_TYPE]: {
      [NETWORK_FEE_PAID_SCHEMA_VERSION]: networkFeePaidV1Schema(registry),
    },
    [HOUSE_DEPOSIT_CONFIRMED_TYPE]: {
      [HOUSE_DEPOSIT_CONFIRMED_SCHEMA_VERSION]: houseDepositConfirmedV1Schema(registry),
    },
  } as const satisfies Record<TypedWalletEventType, object>;
}

export type WalletEventCatalog = ReturnType<typeof walletEventCatalog>;
/** A typed wallet event (TYPED_WALLET_EVENT_TYPES), any version. */
export type TypedWalletEvent = CatalogMessage<WalletEventCatalog>;
/** Any message on custody.wallet.events.v1, as `validateMessage` returns it. */
export type WalletEventsMessage = CatalogTopicMessage<WalletEventCatalog>;

/**
 * Narrows a message that `validateMessage(WALLET_EVENTS_TOPIC, ...)` accepted: a typed type has
 * passed its own schema, so its `type` alone decides. Not a validator for unchecked input.
 */
export function isTypedWalletEvent(message: WalletEventsMessage): message is TypedWalletEvent {
  return (TYPED_WALLET_EVENT_TYPES as readonly string[]).includes(message.type);
}
