import {
  WALLET_EVENTS_TOPIC,
  WALLET_REGISTERED_TYPE,
  type WalletRegisteredV1,
} from '@custody/contracts';
import type {
  HouseCommand,
  LedgerCommand,
  NamedWallet,
  RecogniseWallet,
} from '@custody/ledger-domain';
import type { ConsumedMessage } from '@custody/messaging';

/** The wallet a WalletRegistered message registers, as the ledger recognises it. */
export function recognitionOf(message: ConsumedMessage): RecogniseWallet | undefined {
  if (message.topic !== WALLET_EVENTS_TOPIC || message.value.type !== WALLET_REGISTERED_TYPE)
    return undefined;
  const { data } = message.value as unknown as WalletRegisteredV1;
  return {
    type: 'RecogniseWallet',
    wallet: {
      walletId: data.walletId,
      ownerClass: data.ownerClass,
      tier: data.tier,
      chain: data.chain,
    },
    registeredAt: data.at,
    sourceEventId: message.messageId,
  };
}

/** The wallets a command names, each with its path in the message (what the registry must know). */
export function walletsNamed(command: LedgerCommand | HouseCommand): NamedWallet[] {
  switch (command.type) {
    case 'BookDeposit':
    case 'HoldWithdrawal':
    case 'SettleWithdrawal':
      return [{ path: 'data.walletId', walletId: command.walletId, clientAssets: true }];
    case 'BookNetworkFee':
      return [{ path: 'data.walletId', walletId: command.walletId }];
    case 'BookHouseDeposit':
      return [{ path: 'data.walletId', walletId: command.walletId, houseAssets: true }];
    case 'BookCustodyTransfer':
      return [
        { path: 'data.sourceWalletId', walletId: command.fromWalletId },
        { path: 'data.destinationWalletId', walletId: command.toWalletId },
      ];
    default:
      return [];
  }
}
