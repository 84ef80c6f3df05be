// The first import starts OpenTelemetry before anything loads http.
import { telemetry } from './instrumentation';
import { runService } from '@custody/service-host';
import { AuditModule } from './audit.module';

export const AUDIT_DEFAULT_PORT = 3005;

void runService({ serviceName: 'audit', defaultPort: AUDIT_DEFAULT_PORT, serviceModule: AuditModule, telemetry });
