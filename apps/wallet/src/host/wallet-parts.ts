import { readFile } from 'node:fs/promises';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@custody/observability';
import { RateLimitedWarning, SERVICE_LOGGER } from '@custody/service-host';
import {
  DevelopmentKeyVault,
  EvmChainAdapter,
  LogTransferAlertNotifier,
  Pkcs11KeyVault,
  PolicyServiceWithdrawalPolicy,
  TransferAlerts,
  WebhookTransferAlertNotifier,
  type KeyVault,
  type TransferAlertNotifier,
} from '@custody/wallet-application';
import { WALLET_CONFIG, type WalletConfig } from '../wallet-config';

/** The one rate-limited warning channel of the wallet's moving parts (a failing chain or HSM warns once per interval). */
export const WALLET_WARNING = Symbol('WALLET_WARNING');

/** What stands in for the HSM when none could be opened: never reached (commands answer 503 first). */
const NO_KEY_VAULT: KeyVault = {
  generateKey: () => Promise.reject(new Error('assertion: no HSM is open')),
  publicKey: () => Promise.reject(new Error('assertion: no HSM is open')),
  signDigest: () => Promise.reject(new Error('assertion: no HSM is open')),
  close: () => Promise.resolve(),
};

/**
 * The wallet's outside parts, from its configuration: the HSM session (opened here, closed when
 * the application has shut down, after every round and consumer stopped), the chain adapter, the
 * alert channel and the withdrawal policy. Without an HSM or a chain configured, or with an HSM
 * that cannot be opened, `configured` is false and the wallet's commands answer 503.
 */
@Injectable()
export class WalletParts implements OnApplicationShutdown {
  readonly vault: KeyVault;
  readonly chain: EvmChainAdapter | undefined;
  readonly configured: boolean;
  readonly alerts: TransferAlerts;
  readonly withdrawalPolicy: PolicyServiceWithdrawalPolicy | undefined;

  constructor(
    @Inject(WALLET_CONFIG) config: WalletConfig,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(WALLET_WARNING) warning: RateLimitedWarning,
  ) {
    const vault = openVault(config, logger);
    this.vault = vault ?? NO_KEY_VAULT;
    this.chain =
      vault === undefined || config.evm === undefined ? undefined : new EvmChainAdapter(config.evm);
    this.configured = this.chain !== undefined;
    const notifier: TransferAlertNotifier =
      config.alertWebhookUrl === undefined
        ? new LogTransferAlertNotifier((fields, message) => logger.warn(fields, message))
        : new WebhookTransferAlertNotifier(config.alertWebhookUrl);
    this.alerts = new TransferAlerts(notifier, (error) =>
      warning.warn(
        { error: (error as Error).message },
        'wallet: a large-transfer alert was not delivered (it stays recorded as an event)',
      ),
    );
    this.withdrawalPolicy =
      config.policy === undefined ? undefined : policyServiceClient(config.policy);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.vault.close();
  }
}

/** The HSM (or the development key directory), or undefined when none is configured or it cannot be opened. */
function openVault(config: WalletConfig, logger: Logger): KeyVault | undefined {
  const { hsm, developmentKeyDir, evm } = config;
  if ((hsm === undefined && developmentKeyDir === undefined) || evm === undefined) {
    logger.warn(
      { hsm: hsm !== undefined, chain: evm !== undefined },
      'wallet: no HSM or no chain configured; wallet commands answer 503',
    );
    return undefined;
  }
  try {
    if (hsm !== undefined) return Pkcs11KeyVault.open(hsm);
    const vault = DevelopmentKeyVault.open(developmentKeyDir as string);
    logger.warn(
      { chainId: evm.chainId },
      'wallet: DEVELOPMENT key vault (WALLET_DEV_KEY_DIR): keys are files, not in an HSM; for a local chain only',
    );
    return vault;
  } catch (error) {
    logger.error(
      { error: (error as Error).message, code: (error as { code?: string }).code },
      'wallet: the HSM could not be opened; wallet commands answer 503',
    );
    return undefined;
  }
}

/** The policy service as the wallet's withdrawal policy; the token file is read on every call (rotation). */
function policyServiceClient(policy: {
  readonly url: string;
  readonly tokenFile: string;
}): PolicyServiceWithdrawalPolicy {
  return new PolicyServiceWithdrawalPolicy({
    url: policy.url,
    token: async () => (await readFile(policy.tokenFile, 'utf8')).trim(),
  });
}
