import type { Provider } from '@nestjs/common';
import type { PostgresEventStore } from '@custody/event-store';
import type { Logger } from '@custody/observability';
import { EVENT_STORE, RateLimitedWarning, SERVICE_LOGGER, slice } from '@custody/service-host';
import {
  AllowListFacts,
  chainsByName,
  ConservativeWithdrawalPolicy,
  DecideAddressAddition,
  DecideKeyAccessChange,
  DepositFacts,
  IssueOwnershipChallenge,
  ProgressWithdrawal,
  ProveOwnershipBySignature,
  RegisterCustodian,
  RegisterWallet,
  RemoveAllowListedAddress,
  RequestInternalTransfer,
  RequestKeyAccessChange,
  RequestWithdrawal,
  ReviewDeposit,
  RotateWalletKey,
  SourceWallets,
  walletContext,
  WalletFacts,
  WalletProcessor,
  WithdrawalFacts,
  type Chains,
  type WalletContext,
  type WithdrawalPolicyPort,
} from '@custody/wallet-application';
import { WALLET_CONFIG, type WalletConfig } from '../wallet-config';
import { WALLET_WARNING, WalletParts } from './wallet-parts';

/** The wallet's event store, its streams and the service's clock (schema 'wallet', given by the host). */
export const WALLET_CONTEXT = Symbol('WALLET_CONTEXT');
/** The chain adapters by name: the configured chain, or none. */
export const WALLET_CHAINS = Symbol('WALLET_CHAINS');
/** The policy service, or the conservative default where none is configured. */
export const WITHDRAWAL_POLICY = Symbol('WITHDRAWAL_POLICY');

/** Handlers, facts loaders and the processor of every wallet slice, each built from what it needs. */
export const WALLET_SLICE_PROVIDERS: Provider[] = [
  {
    provide: WALLET_WARNING,
    useFactory: (logger: Logger) => new RateLimitedWarning(logger),
    inject: [SERVICE_LOGGER],
  },
  {
    provide: WALLET_CONTEXT,
    useFactory: (store: PostgresEventStore) => walletContext(store),
    inject: [EVENT_STORE],
  },
  {
    provide: WALLET_CHAINS,
    useFactory: (parts: WalletParts) =>
      chainsByName(parts.chain === undefined ? [] : [parts.chain]),
    inject: [WalletParts],
  },
  {
    provide: WITHDRAWAL_POLICY,
    useFactory: (parts: WalletParts): WithdrawalPolicyPort =>
      parts.withdrawalPolicy ?? new ConservativeWithdrawalPolicy(),
    inject: [WalletParts],
  },
  // facts loaders
  slice(WalletFacts, [WALLET_CONTEXT], (context: WalletContext) => new WalletFacts(context)),
  slice(
    AllowListFacts,
    [WALLET_CONTEXT, WALLET_CONFIG],
    (context: WalletContext, config: WalletConfig) =>
      new AllowListFacts(context, config.addressAdditions.staffAddresses),
  ),
  slice(
    WithdrawalFacts,
    [WALLET_CONTEXT, WalletFacts, AllowListFacts],
    (context: WalletContext, wallets: WalletFacts, allowLists: AllowListFacts) =>
      new WithdrawalFacts(context, wallets, allowLists),
  ),
  slice(DepositFacts, [WALLET_CONTEXT], (context: WalletContext) => new DepositFacts(context)),
  slice(
    SourceWallets,
    [WALLET_CHAINS, WalletFacts],
    (chains: Chains, wallets: WalletFacts) => new SourceWallets(chains, wallets),
  ),
  // wallets, roster and key access
  slice(
    RegisterWallet,
    [WALLET_CONTEXT, WalletParts, WALLET_CHAINS, WALLET_CONFIG],
    (context: WalletContext, parts: WalletParts, chains: Chains, config: WalletConfig) =>
      new RegisterWallet({ context, vault: parts.vault, chains, custodyPolicy: custody(config) }),
  ),
  slice(
    RotateWalletKey,
    [WALLET_CONTEXT, WalletParts, WALLET_CHAINS, WALLET_CONFIG],
    (context: WalletContext, parts: WalletParts, chains: Chains, config: WalletConfig) =>
      new RotateWalletKey({ context, vault: parts.vault, chains, custodyPolicy: custody(config) }),
  ),
  slice(
    RegisterCustodian,
    [WALLET_CONTEXT],
    (context: WalletContext) => new RegisterCustodian(context),
  ),
  slice(
    RequestKeyAccessChange,
    [WALLET_CONTEXT, WalletFacts],
    (context: WalletContext, wallets: WalletFacts) => new RequestKeyAccessChange(context, wallets),
  ),
  slice(
    DecideKeyAccessChange,
    [WALLET_CONTEXT],
    (context: WalletContext) => new DecideKeyAccessChange(context),
  ),
  // allow-list
  slice(
    IssueOwnershipChallenge,
    [WALLET_CONTEXT, WALLET_CHAINS, WalletFacts],
    (context: WalletContext, chains: Chains, wallets: WalletFacts) =>
      new IssueOwnershipChallenge({ context, chains, wallets }),
  ),
  slice(
    ProveOwnershipBySignature,
    [WALLET_CONTEXT, AllowListFacts, WALLET_CONFIG],
    (context: WalletContext, allowLists: AllowListFacts, config: WalletConfig) =>
      new ProveOwnershipBySignature({
        context,
        allowLists,
        addressCoolingOffMs: config.addressAdditions.addressCoolingOffMs,
      }),
  ),
  slice(
    DecideAddressAddition,
    [WALLET_CONTEXT, WALLET_CONFIG],
    (context: WalletContext, config: WalletConfig) =>
      new DecideAddressAddition(context, config.addressAdditions.addressCoolingOffMs),
  ),
  slice(
    RemoveAllowListedAddress,
    [WALLET_CONTEXT],
    (context: WalletContext) => new RemoveAllowListedAddress(context),
  ),
  // deposits
  slice(
    ReviewDeposit,
    [WALLET_CONTEXT, WalletFacts, DepositFacts, WALLET_CONFIG],
    (context: WalletContext, wallets: WalletFacts, deposits: DepositFacts, config: WalletConfig) =>
      new ReviewDeposit({ context, wallets, deposits, thresholds: config.thresholds }),
  ),
  // withdrawals and internal transfers
  slice(
    RequestWithdrawal,
    [
      WALLET_CONTEXT,
      WalletFacts,
      AllowListFacts,
      WithdrawalFacts,
      SourceWallets,
      WITHDRAWAL_POLICY,
      WalletParts,
      WALLET_CONFIG,
    ],
    (
      context: WalletContext,
      wallets: WalletFacts,
      allowLists: AllowListFacts,
      withdrawals: WithdrawalFacts,
      sourceWallets: SourceWallets,
      policy: WithdrawalPolicyPort,
      parts: WalletParts,
      config: WalletConfig,
    ) =>
      new RequestWithdrawal({
        context,
        wallets,
        allowLists,
        withdrawals,
        sourceWallets,
        policy,
        thresholds: config.thresholds,
        alerts: parts.alerts,
      }),
  ),
  slice(
    ProgressWithdrawal,
    [WALLET_CONTEXT, WithdrawalFacts],
    (context: WalletContext, withdrawals: WithdrawalFacts) =>
      new ProgressWithdrawal(context, withdrawals),
  ),
  slice(
    RequestInternalTransfer,
    [WALLET_CONTEXT, WalletFacts, WITHDRAWAL_POLICY, WalletParts, WALLET_CONFIG],
    (
      context: WalletContext,
      wallets: WalletFacts,
      policy: WithdrawalPolicyPort,
      parts: WalletParts,
      config: WalletConfig,
    ) =>
      new RequestInternalTransfer({
        context,
        wallets,
        policy,
        thresholds: config.thresholds,
        alerts: parts.alerts,
      }),
  ),
  // the chain- and HSM-driven steps of the deposit, allow-list and withdrawal slices
  slice(
    WalletProcessor,
    [
      WALLET_CONTEXT,
      WALLET_CHAINS,
      WalletParts,
      WALLET_CONFIG,
      WALLET_WARNING,
      WalletFacts,
      AllowListFacts,
      WithdrawalFacts,
      ProgressWithdrawal,
    ],
    (
      context: WalletContext,
      chains: Chains,
      parts: WalletParts,
      config: WalletConfig,
      warning: RateLimitedWarning,
      walletFacts: WalletFacts,
      allowListFacts: AllowListFacts,
      withdrawalFacts: WithdrawalFacts,
      withdrawalProgress: ProgressWithdrawal,
    ) =>
      new WalletProcessor(
        {
          context,
          chains,
          vault: parts.vault,
          thresholds: config.thresholds,
          alerts: parts.alerts,
          addressCoolingOffMs: config.addressAdditions.addressCoolingOffMs,
          walletFacts,
          allowListFacts,
          withdrawalFacts,
          withdrawalProgress,
        },
        {
          scanStartBlock: config.scanStartBlock,
          onError: (error, details) =>
            warning.warn(
              { ...details, error: (error as Error).message },
              'wallet: a withdrawal step failed; retried next round',
            ),
        },
      ),
  ),
];

function custody(config: WalletConfig) {
  return { allowedJurisdictions: config.keyJurisdictions };
}
