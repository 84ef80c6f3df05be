import { problemsOf, type ServiceDefinition } from '@custody/service-host';
import { parsePolicyConfig } from './policy-config';
import { PolicyModule } from './policy.module';

export const POLICY_DEFAULT_PORT = 3003;

/** The policy service, for its own process (main.ts) and the all-in-one runner (apps/custody). */
export const POLICY_SERVICE: ServiceDefinition = {
  serviceName: 'policy',
  defaultPort: POLICY_DEFAULT_PORT,
  serviceModule: PolicyModule,
  ownConfigProblems: problemsOf(parsePolicyConfig),
};
