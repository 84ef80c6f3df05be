// The first import starts OpenTelemetry before anything loads http.
import { telemetry } from './instrumentation';
import { EXIT_CODE_CONFIG, formatConfigProblems, runService } from '@custody/service-host';
import { parseAuditConfig } from './audit-config';
import { AuditModule } from './audit.module';

export const AUDIT_DEFAULT_PORT = 3005;

// The audit's own variables first: a bad one stops the start with every problem named.
const auditConfig = parseAuditConfig(process.env);
if (!auditConfig.ok) {
  process.stderr.write(`${formatConfigProblems('audit', auditConfig.problems)}\n`);
  process.exit(EXIT_CODE_CONFIG);
}

void runService({ serviceName: 'audit', defaultPort: AUDIT_DEFAULT_PORT, serviceModule: AuditModule, telemetry });
