import type { ServiceDefinition } from '@custody/service-host';
import { parseAdjustmentApprovalWindowProblems } from './ledger-adjustments';
import { parseLedgerRolesProblems } from './ledger-roles';
import { LedgerModule } from './ledger.module';

export const LEDGER_DEFAULT_PORT = 3001;

/** The ledger service, for its own process (main.ts) and the all-in-one runner (apps/custody). */
export const LEDGER_SERVICE: ServiceDefinition = {
  serviceName: 'ledger',
  defaultPort: LEDGER_DEFAULT_PORT,
  serviceModule: LedgerModule,
  ownConfigProblems: (environment) => [
    ...parseLedgerRolesProblems(environment['LEDGER_ROLES']),
    ...parseAdjustmentApprovalWindowProblems(environment),
  ],
};
