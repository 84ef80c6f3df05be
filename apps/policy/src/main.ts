// The first import starts OpenTelemetry before anything loads http.
import { telemetry } from './instrumentation';
import { EXIT_CODE_CONFIG, formatConfigProblems, runService } from '@custody/service-host';
import { parsePolicyConfig } from './policy-config';
import { PolicyModule } from './policy.module';

export const POLICY_DEFAULT_PORT = 3003;

// The policy's own variables first: a bad one stops the start with every problem named.
const policyConfig = parsePolicyConfig(process.env);
if (!policyConfig.ok) {
  process.stderr.write(`${formatConfigProblems('policy', policyConfig.problems)}\n`);
  process.exit(EXIT_CODE_CONFIG);
}

void runService({ serviceName: 'policy', defaultPort: POLICY_DEFAULT_PORT, serviceModule: PolicyModule, telemetry });
