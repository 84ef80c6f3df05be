// The first import starts OpenTelemetry before anything loads http.
import { telemetry } from './instrumentation';
import { runService } from '@custody/service-host';
import { POLICY_SERVICE } from './service';

void runService({ ...POLICY_SERVICE, telemetry });
