// The first import starts OpenTelemetry before anything loads http.
import { telemetry } from './instrumentation';
import { EXIT_CODE_CONFIG, formatConfigProblems, runService } from '@custody/service-host';
import { parseWalletConfig } from './wallet-config';
import { WalletModule } from './wallet.module';

export const WALLET_DEFAULT_PORT = 3002;

// The wallet's own variables first: a bad one stops the start with every problem named.
const walletConfig = parseWalletConfig(process.env);
if (!walletConfig.ok) {
  process.stderr.write(`${formatConfigProblems('wallet', walletConfig.problems)}\n`);
  process.exit(EXIT_CODE_CONFIG);
}

void runService({ serviceName: 'wallet', defaultPort: WALLET_DEFAULT_PORT, serviceModule: WalletModule, telemetry });
