// The first import starts OpenTelemetry before anything loads http.
import { telemetry } from './instrumentation';
import { runService } from '@custody/service-host';
import { LedgerModule } from './ledger.module';

export const LEDGER_DEFAULT_PORT = 3001;

void runService({ serviceName: 'ledger', defaultPort: LEDGER_DEFAULT_PORT, serviceModule: LedgerModule, telemetry });
