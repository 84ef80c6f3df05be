// The first import starts OpenTelemetry before anything loads http.
import { telemetry } from './instrumentation';
import { runService } from '@custody/service-host';
import { WALLET_SERVICE } from './service';

void runService({ ...WALLET_SERVICE, telemetry });
