// The first import starts OpenTelemetry before anything loads http.
import { telemetry } from './instrumentation';
import { runService } from '@custody/service-host';
import { LEDGER_SERVICE } from './service';

void runService({ ...LEDGER_SERVICE, telemetry });
