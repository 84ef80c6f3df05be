// The first import starts OpenTelemetry before anything loads http.
import { telemetry } from './instrumentation';
import { runService } from '@custody/service-host';
import { AUDIT_SERVICE } from './service';

void runService({ ...AUDIT_SERVICE, telemetry });
