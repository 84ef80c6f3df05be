import { problemsOf, type ServiceDefinition } from '@custody/service-host';
import { parseWalletConfig } from './wallet-config';
import { WalletModule } from './wallet.module';

export const WALLET_DEFAULT_PORT = 3002;

/** The wallet service, for its own process (main.ts) and the all-in-one runner (apps/custody). */
export const WALLET_SERVICE: ServiceDefinition = {
  serviceName: 'wallet',
  defaultPort: WALLET_DEFAULT_PORT,
  serviceModule: WalletModule,
  ownConfigProblems: problemsOf(parseWalletConfig),
};
