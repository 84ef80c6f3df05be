// The first import starts OpenTelemetry before anything loads http.
import { telemetry } from './instrumentation';
import { EXIT_CODE_CONFIG, formatConfigProblems, runService } from '@custody/service-host';
import { parseReconciliationConfig } from './reconciliation-config';
import { ReconciliationModule } from './reconciliation.module';

export const RECONCILIATION_DEFAULT_PORT = 3004;

// The service's own variables first: a bad one stops the start with every problem named.
const reconciliationConfig = parseReconciliationConfig(process.env);
if (!reconciliationConfig.ok) {
  process.stderr.write(`${formatConfigProblems('reconciliation', reconciliationConfig.problems)}\n`);
  process.exit(EXIT_CODE_CONFIG);
}

void runService({ serviceName: 'reconciliation', defaultPort: RECONCILIATION_DEFAULT_PORT, serviceModule: ReconciliationModule, telemetry });
