// The first import starts OpenTelemetry before anything loads http.
import { telemetry } from './instrumentation';
import { runService } from '@custody/service-host';
import { RECONCILIATION_SERVICE } from './service';

void runService({ ...RECONCILIATION_SERVICE, telemetry });
