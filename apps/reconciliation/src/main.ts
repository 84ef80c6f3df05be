// The first import starts OpenTelemetry before anything loads http.
import { telemetry } from './instrumentation';
import { runService } from '@custody/service-host';
import { ReconciliationModule } from './reconciliation.module';

export const RECONCILIATION_DEFAULT_PORT = 3004;

void runService({ serviceName: 'reconciliation', defaultPort: RECONCILIATION_DEFAULT_PORT, serviceModule: ReconciliationModule, telemetry });
