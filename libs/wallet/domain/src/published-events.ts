import type {
  DepositConfirmedV1,
  HouseDepositConfirmedV1,
  InternalTransferConfirmedV1,
  NetworkFeePaidV1,
  WalletRegisteredV1,
  WithdrawalApprovedV1,
  WithdrawalConfirmedV1,
  WithdrawalFailedV1,
} from '@custody/contracts';

/**
 * A published event's data as the domain holds it, derived from its contract so that a field
 * added on one side only fails typecheck: the contract's fields, read-only, with amounts
 * (`...Minor`) as bigint where the wire carries decimal text.
 */
export type PublishedData<Wire> = Wire extends readonly (infer Item)[]
  ? readonly PublishedData<Item>[]
  : Wire extends object
    ? {
        readonly [Field in keyof Wire]: Field extends `${string}Minor`
          ? bigint
          : PublishedData<Wire[Field]>;
      }
    : Wire;

/** custody.wallet.events.v1 DepositConfirmed v1: the ledger credits the client. */
export type DepositConfirmedData = PublishedData<DepositConfirmedV1['data']>;
/** custody.wallet.events.v1 HouseDepositConfirmed v1: the ledger books it to house inventory. */
export type HouseDepositConfirmedData = PublishedData<HouseDepositConfirmedV1['data']>;
/** custody.wallet.events.v1 WithdrawalApproved v1: the ledger holds the amount. */
export type WithdrawalApprovedData = PublishedData<WithdrawalApprovedV1['data']>;
/** custody.wallet.events.v1 WithdrawalConfirmed v1: the held amount left the wallet. */
export type WithdrawalConfirmedData = PublishedData<WithdrawalConfirmedV1['data']>;
/** custody.wallet.events.v1 WithdrawalFailed v1: nothing left; a hold, if any, is released. */
export type WithdrawalFailedData = PublishedData<WithdrawalFailedV1['data']>;
/** custody.wallet.events.v1 InternalTransferConfirmed v1 (TW-15.4). */
export type InternalTransferConfirmedData = PublishedData<InternalTransferConfirmedV1['data']>;
/** custody.wallet.events.v1 NetworkFeePaid v1: a fee no WithdrawalConfirmed carries. */
export type NetworkFeePaidData = PublishedData<NetworkFeePaidV1['data']>;
/**
 * custody.wallet.events.v1 WalletRegistered v1: a wallet, its key's custody and its quorum
 * (HK-11a/b/f).
 */
export type WalletRegisteredData = PublishedData<WalletRegisteredV1['data']>;
