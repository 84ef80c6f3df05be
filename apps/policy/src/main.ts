// The first import starts OpenTelemetry before anything loads http.
import { telemetry } from './instrumentation';
import { runService } from '@custody/service-host';
import { PolicyModule } from './policy.module';

export const POLICY_DEFAULT_PORT = 3003;

void runService({ serviceName: 'policy', defaultPort: POLICY_DEFAULT_PORT, serviceModule: PolicyModule, telemetry });
