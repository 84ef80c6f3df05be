// The first import starts OpenTelemetry before anything loads http.
import { telemetry } from './instrumentation';
import { runService } from '@custody/service-host';
import { WalletModule } from './wallet.module';

export const WALLET_DEFAULT_PORT = 3002;

void runService({ serviceName: 'wallet', defaultPort: WALLET_DEFAULT_PORT, serviceModule: WalletModule, telemetry });
