import { problemsOf, type ServiceDefinition } from '@custody/service-host';
import { parseReconciliationConfig } from './reconciliation-config';
import { ReconciliationModule } from './reconciliation.module';

export { parseReconciliationConfig } from './reconciliation-config';

export const RECONCILIATION_DEFAULT_PORT = 3004;

/** The reconciliation service, for its own process (main.ts) and the all-in-one runner (apps/custody). */
export const RECONCILIATION_SERVICE: ServiceDefinition = {
  serviceName: 'reconciliation',
  defaultPort: RECONCILIATION_DEFAULT_PORT,
  serviceModule: ReconciliationModule,
  ownConfigProblems: problemsOf(parseReconciliationConfig),
};
