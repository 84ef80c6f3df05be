import { problemsOf, type ServiceDefinition } from '@custody/service-host';
import { parseAuditConfig } from './audit-config';
import { AuditModule } from './audit.module';
import { CheckpointRounds } from './host/checkpoint-rounds';

export const AUDIT_DEFAULT_PORT = 3005;

/** The audit service, for its own process (main.ts) and the all-in-one runner (apps/custody). */
export const AUDIT_SERVICE: ServiceDefinition = {
  serviceName: 'audit',
  defaultPort: AUDIT_DEFAULT_PORT,
  serviceModule: AuditModule,
  ownConfigProblems: problemsOf(parseAuditConfig),
  // Ctrl-C in the runner: the record verified and, when it holds and grew, a checkpoint signed over
  // it
  beforeClose: (app) => app.get(CheckpointRounds).finalCheckpoint(),
};
